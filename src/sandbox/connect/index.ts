// Public surface of the fake Heroku Connect service.
export {type FakeConnect, type FakeConnectOptions, startFakeConnect} from './server.js'
export {type DrainOptions, type DrainSummary, drainOnce, NON_WRITING_STATES, type SyncTarget} from './sync.js'
export {startSyncLoop, type SyncLoop, type SyncLoopOptions} from './sync-loop.js'
export * from './plan-writes.js'
export {parseHstore} from './hstore.js'
export {validateConnection, validateMapping} from './validations.js'
export {ORG_SCHEMA} from './reload.js'

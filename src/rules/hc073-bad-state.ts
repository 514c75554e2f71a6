import {appFlag} from '../analysis/connect-objects.js'
import {CONNECTION_FIX, HEALTHY_CONNECTION} from '../analysis/connect-states.js'
import type {Rule, RuleHit} from './types.js'

// Connection and mapping states: Dev Center "Connection States Reference" and "Mapping States
// Reference" (reference/heroku-connect-api.md §2.3, §2.4).
const BAD_MAPPING = new Set(['ABORTED', 'DB_UNAVAILABLE', 'ERROR', 'FAILED', 'NEED_AUTHENTICATION', 'SCHEMA_CHANGED', 'SYSTEM_ERROR', 'UNAUTHORIZED'])
const badMapping = (state: string) => BAD_MAPPING.has(state) || /ERROR|FAIL|UNAUTH|INVALID/.test(state)

export const hc073: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    if (connection.state === null) return {provide: 'pass --app so the audit reads the live connection', skip: 'the export file has no live state; pass --app'}
    const app = appFlag(snapshot)
    const hits: RuleHit[] = []
    const state = connection.state.toUpperCase()
    if (!HEALTHY_CONNECTION.has(state)) {
      hits.push({
        fix: (CONNECTION_FIX[state] ?? 'heroku connect:recover {app}').replaceAll('{app}', app),
        message: state === 'PAUSED'
          ? `connection ${connection.name ?? connection.schema} is PAUSED: nothing syncs, and writes pile up in ${connection.schema}._trigger_log until it resumes`
          : `connection ${connection.name ?? connection.schema} is in state ${state}: Connect is not syncing`,
        severity: state === 'PAUSED' ? 'warning' : 'error',
      })
    }

    for (const mapping of connection.mappings) {
      const mappingState = mapping.state?.toUpperCase()
      if (!mappingState || !badMapping(mappingState)) continue
      const description = mapping.stateDescription && mapping.stateDescription !== mappingState ? ` (${mapping.stateDescription})` : ''
      hits.push({
        fix: mappingState.includes('UNAUTH') || mappingState === 'NEED_AUTHENTICATION' ? `heroku connect:sf:auth ${app}` : `heroku connect:mapping:diagnose ${mapping.object} ${app}`,
        message: `mapping ${mapping.object} is in state ${mappingState}${description}: it is not syncing`,
        object: mapping.object,
        table: `${connection.schema}.${mapping.table}`,
      })
    }

    return hits
  },
  id: 'HC073',
  name: 'bad-state',
  needs: ['connect'],
  practice: null,
  remedy: 'Run the command in the finding. Salesforce authentication states (UNAUTHORIZED, NEED_AUTHENTICATION) need `heroku connect:sf:auth`; a PAUSED connection needs `heroku connect:resume`; SYSTEM_ERROR and DB_UNAVAILABLE usually clear with `heroku connect:recover` once the cause is gone (check the database and HC075 first). A mapping stuck in SCHEMA_CHANGED often cannot alter its table because of a view or foreign key on it (HC020, HC040, HC041); `heroku connect:mapping:diagnose` and the Connect logs say which.',
  severity: 'error',
  summary: 'the connection or a mapping is in a bad or stuck state',
  why: 'Connect keeps running through most errors without telling the app: a connection that lost its Salesforce or Heroku authorization, cannot reach the database or hit a system error stops syncing every mapping, and a mapping in an error state stops syncing its object. A paused connection keeps capturing your writes in `_trigger_log` but sends none of them until it is resumed.',
}

import type {APIClient} from '@heroku-cli/command'

import type {PhaseRunner, ProgressTask} from '../progress.js'
import {readExportFile} from './export-file.js'
import type {ConnectionFacts, PostgresFacts, Snapshot, SourceStatus} from './types.js'

// The collect step of the audit: every input is read once, Connect first (it names the schema,
// the database config var and the mapped objects), then Postgres and Salesforce concurrently.

export interface CollectRequest {
  app?: string
  resource?: string
  configFile?: string
  schema?: string
  databaseUrl?: string
  targetOrg?: string
  heroku?: APIClient
  env: NodeJS.ProcessEnv
  /** shows the collection's phases as they run */
  runPhases: PhaseRunner
  /** told which database was read, for workflows that go on to write to it */
  onDatabaseUrl?: (url: string) => void
}

const NO_CONNECT: SourceStatus = {ok: false, provide: 'pass --app, or --config-file with a `heroku connect:export` file', reason: 'no Connect configuration'}
const NO_DATABASE: SourceStatus = {ok: false, provide: 'pass --database-url or set DATABASE_URL', reason: 'no database URL'}

export async function collectSnapshot(request: CollectRequest): Promise<Snapshot> {
  const snapshot: Snapshot = {
    app: request.app ?? null,
    collectedAt: new Date().toISOString(),
    connection: null,
    postgres: null,
    salesforce: null,
    sources: {connect: NO_CONNECT, postgres: NO_DATABASE, salesforce: {ok: false}},
  }
  let databaseUrl = request.databaseUrl

  const connectTask: ProgressTask = {
    async run(report) {
      if (request.configFile) {
        snapshot.connection = await readExportFile(request.configFile, request.schema)
        report(`${snapshot.connection.mappings.length} mappings from ${request.configFile}`)
      } else if (request.app && request.heroku) {
        const live = await readLiveConnection(request.heroku, request.app, request.resource, report)
        snapshot.connection = request.schema ? {...live.connection, schema: request.schema} : live.connection
        databaseUrl ??= live.databaseUrl
      } else {
        report('skipped: no --app or --config-file')
        return
      }

      snapshot.sources.connect = {ok: true}
    },
    title: request.configFile ? 'Reading the Connect export' : 'Reading the Connect configuration',
  }

  const postgresTask: ProgressTask = {
    async run(report) {
      const url = databaseUrl ?? request.env.DATABASE_URL
      if (!url) return report('skipped: no database URL')
      request.onDatabaseUrl?.(url)
      snapshot.postgres = await readPostgres(url, request.schema ?? snapshot.connection?.schema ?? 'salesforce', snapshot.connection)
      snapshot.sources.postgres = {ok: true}
      report(`${snapshot.postgres.relations.length} objects in schema ${snapshot.postgres.schema}`)
    },
    title: 'Postgres catalog and _trigger_log',
  }

  const salesforceTask: ProgressTask = {
    async run(report) {
      const {readSalesforce} = await import('./salesforce.js')
      const result = await readSalesforce({connection: snapshot.connection, env: request.env, targetOrg: request.targetOrg})
      snapshot.sources.salesforce = result.status
      snapshot.salesforce = result.facts
      report(result.facts ? `${Object.keys(result.facts.objects).length} objects described` : `skipped: ${result.status.reason}`)
    },
    title: 'Salesforce metadata and the integration user',
  }

  await request.runPhases([
    {tasks: [connectTask], title: connectTask.title},
    {tasks: [postgresTask, salesforceTask], title: 'Reading Postgres and Salesforce'},
  ])
  return snapshot
}

async function readLiveConnection(heroku: APIClient, app: string, resource: string | undefined, report: (detail: string) => void): Promise<{connection: ConnectionFacts; databaseUrl?: string}> {
  const [{ConnectApi}, {getApp, getConfigVars}, {connectionFacts}] = await Promise.all([
    import('../clients/connect-api.js'),
    import('../clients/heroku-platform.js'),
    import('./connect.js'),
  ])
  await getApp(heroku, app)
  const api = await ConnectApi.fromHeroku(heroku)
  const details = await api.findConnection(app, {resource})
  report(`connection ${details.name ?? details.id}: ${details.state}, ${details.mappings?.length ?? 0} mappings; running Connect's validations`)
  const [validations, configVars] = await Promise.all([
    // Connect's own diagnose is one input among many: a failure skips HC080, not the audit
    api.runValidations(details, {onPending: polls => report(`waiting for Connect's validations (${polls})`)}).catch(() => null),
    getConfigVars(heroku, app).catch(() => ({}) as Record<string, string>),
  ])
  return {connection: connectionFacts(details, validations), databaseUrl: configVars[details.db_key]}
}

async function readPostgres(url: string, schema: string, connection: ConnectionFacts | null): Promise<PostgresFacts> {
  const [{connectPostgres}, {collectPostgres}] = await Promise.all([import('../clients/postgres.js'), import('./postgres/collect.js')])
  const session = await connectPostgres(url, {applicationName: 'heroku-connect-guard audit'})
  try {
    return await session.readOnly(async tx => {
      // one consistent view of catalog and data for every query of the audit
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      return collectPostgres(tx, schema, connection)
    })
  } finally {
    await session.close().catch(() => {})
  }
}

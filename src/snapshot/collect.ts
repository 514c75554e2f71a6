import type {APIClient} from '@heroku-cli/command'

import {CollectError, type GuardError} from '../errors.js'
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
  /** the Salesforce user Connect syncs as, when the connection does not say (an export file) */
  username?: string
  heroku?: APIClient
  /** per-check budget of the table scans (--max-scan-seconds) */
  maxScanSeconds?: number
  /** how long to wait for Connect's validation run (--max-validation-seconds) */
  maxValidationSeconds?: number
  env: NodeJS.ProcessEnv
  /** shows the collection's phases as they run */
  runPhases: PhaseRunner
  /** run Connect's validations (HC080); a workflow that does not report them skips the wait */
  validations?: boolean
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
  const liveApp = Boolean(request.app && request.heroku && !request.configFile)

  const connectTask: ProgressTask = {
    async run(report) {
      if (request.configFile) {
        snapshot.connection = await readExportFile(request.configFile, request.schema)
        report(`${snapshot.connection.mappings.length} mappings from ${request.configFile}`)
      } else if (request.app && request.heroku) {
        const live = await readLiveConnection(request, request.heroku, request.app, report, {validations: request.validations})
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
      // with a live --app the database is the app's own; a local DATABASE_URL may be another one
      const url = databaseUrl ?? (liveApp ? undefined : request.env.DATABASE_URL)
      if (!url) return report('skipped: no database URL')
      request.onDatabaseUrl?.(url)
      snapshot.postgres = await readPostgres(url, request.schema ?? snapshot.connection?.schema ?? 'salesforce', snapshot.connection, request.maxScanSeconds)
      snapshot.sources.postgres = {ok: true}
      report(`${snapshot.postgres.relations.length} objects in schema ${snapshot.postgres.schema}`)
    },
    title: 'Postgres catalog and _trigger_log',
  }

  const salesforceTask: ProgressTask = {
    async run(report) {
      const {readSalesforce} = await import('./salesforce.js')
      const result = await readSalesforce({connection: snapshot.connection, env: request.env, targetOrg: request.targetOrg, username: request.username})
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

/** The app's connection through the Connect API, and the database URL its db_key names; Connect's validations unless told not to. */
export async function readLiveConnection(
  request: Pick<CollectRequest, 'databaseUrl' | 'maxValidationSeconds' | 'resource'>, heroku: APIClient, app: string, report: (detail: string) => void, options: {validations?: boolean} = {},
): Promise<{connection: ConnectionFacts; databaseUrl?: string}> {
  const [{ConnectApi}, {getApp}, {connectionFacts}] = await Promise.all([
    import('../clients/connect-api.js'),
    import('../clients/heroku-platform.js'),
    import('./connect.js'),
  ])
  await getApp(heroku, app)
  const seconds = request.maxValidationSeconds ?? DEFAULT_VALIDATION_SECONDS
  const api = await ConnectApi.fromHeroku(heroku, {validationTimeoutMs: seconds * 1000})
  const details = await api.findConnection(app, {resource: request.resource})
  const validate = options.validations !== false
  report(`connection ${details.name ?? details.id}: ${details.state}, ${details.mappings?.length ?? 0} mappings${validate ? '; running Connect\'s validations' : ''}`)
  const [validations, databaseUrl] = await Promise.all([
    // Connect's own diagnose is one input among many: a failure skips HC080, not the audit
    validate
      ? api.runValidations(details, {onPending: polls => report(`waiting for Connect's validations (${polls})`)}).then(
        report => ({report}),
        (error: Error) => ({skipped: validationSkip(error, seconds, app)}),
      )
      : {report: null},
    request.databaseUrl ? undefined : appDatabaseUrl(heroku, app, details.db_key),
  ])
  const connection = connectionFacts(details, 'report' in validations ? validations.report : null)
  return {connection: 'skipped' in validations ? {...connection, validationsSkipped: validations.skipped} : connection, databaseUrl}
}

const DEFAULT_VALIDATION_SECONDS = 300

function validationSkip(error: Error, seconds: number, app: string): {provide: string; reason: string} {
  const diagnose = `\`heroku connect:diagnose -a ${app}\``
  if (/did not finish/.test(error.message)) {
    return {provide: `pass --max-validation-seconds ${seconds * 2}, or run ${diagnose} to watch them`, reason: `Connect's validations did not finish within ${seconds} s`}
  }

  return {provide: `run ${diagnose} to see Connect's own checks`, reason: `Connect's validations could not be run: ${error.message}`}
}

/** The database the connection syncs: the app's config var named by its db_key. Never a guess. */
async function appDatabaseUrl(heroku: APIClient, app: string, dbKey: string): Promise<string> {
  const {getConfigVars} = await import('../clients/heroku-platform.js')
  const provide = 'pass --database-url to name the database yourself'
  let vars: Record<string, string>
  try {
    vars = await getConfigVars(heroku, app)
  } catch (error) {
    const guard = error as GuardError
    throw new CollectError(`could not read the config vars of app ${app}, so the connection's database (${dbKey}) is unknown: ${guard.message}`, [guard.hint, provide].filter(Boolean).join('; or '))
  }

  const url = vars[dbKey]
  if (!url) throw new CollectError(`app ${app} has no config var ${dbKey}, the database Heroku Connect syncs`, provide)
  return url
}

async function readPostgres(url: string, schema: string, connection: ConnectionFacts | null, maxScanSeconds: number | undefined): Promise<PostgresFacts> {
  const [{connectPostgres}, {collectPostgres}] = await Promise.all([import('../clients/postgres.js'), import('./postgres/collect.js')])
  const session = await connectPostgres(url, {applicationName: 'heroku-connect-guard audit'})
  try {
    return await session.readOnly(async tx => {
      // one consistent view of catalog and data for every query of the audit
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      return collectPostgres(tx, schema, connection, {maxScanSeconds})
    })
  } finally {
    await session.close().catch(() => {})
  }
}

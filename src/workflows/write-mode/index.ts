import type {APIClient} from '@heroku-cli/command'

import type {DailyApiRequests} from '../../analysis/api-allowance.js'
import {UsageError} from '../../errors.js'
import {quoteIdent} from '../../sql.js'
import type {PhaseRunner} from '../../progress.js'
import {soapBatchSizeOf} from '../../analysis/write-prediction.js'
import type {PendingSize} from '../../snapshot/postgres/trigger-log.js'
import type {WritePace} from '../../snapshot/postgres/write-pace.js'
import type {ConnectionFacts, LogRunFacts} from '../../snapshot/types.js'
import {buildReport, type WriteModeReport} from './report.js'
import {appendRuns, planRuns, readPlanFile} from './simulate.js'

// connect:write-mode: read the connection, the pending runs of `_trigger_log` (found in SQL; no
// row reaches Node) with each table's average change size, and the org's daily allowance, then
// predict. Everything it sends is a read: Postgres in a READ ONLY transaction, GET /limits and
// GET /services/data on Salesforce, GETs on the Connect API.

export interface WriteModeRequest {
  app?: string
  resource?: string
  configFile?: string
  databaseUrl?: string
  schema?: string
  targetOrg?: string
  heroku?: APIClient
  env: NodeJS.ProcessEnv
  mapping?: string
  simulate?: string
  withBacklog?: boolean
  runPhases: PhaseRunner
}

const NO_SALESFORCE = 'no Salesforce credentials (pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN)'

export async function runWriteMode(request: WriteModeRequest): Promise<WriteModeReport> {
  if (request.withBacklog && !request.simulate) throw new UsageError('--with-backlog needs --simulate FILE')
  let connection: ConnectionFacts | undefined
  let databaseUrl = request.databaseUrl
  let runs: LogRunFacts[] = []
  let sizes: PendingSize[] = []
  let pace: null | WritePace = null
  let budget: DailyApiRequests | {skipped: string} = {skipped: NO_SALESFORCE}
  let newest: null | string = null
  const wantsBacklog = !request.simulate || Boolean(request.withBacklog)
  // a bad plan file is reported before anything is read: its errors need no configuration
  const planned = request.simulate ? await readPlanFile(request.simulate) : []

  await request.runPhases([{
    tasks: [{
      async run(report) {
        if (request.configFile) {
          const {readExportFile} = await import('../../snapshot/export-file.js')
          connection = await readExportFile(request.configFile, request.schema)
          report(`${connection.mappings.length} mappings from ${request.configFile}`)
        } else if (request.app && request.heroku) {
          const {readLiveConnection} = await import('../../snapshot/collect.js')
          const live = await readLiveConnection({databaseUrl: request.databaseUrl, resource: request.resource}, request.heroku, request.app, report, {validations: false})
          connection = request.schema ? {...live.connection, schema: request.schema} : live.connection
          databaseUrl ??= live.databaseUrl
        } else {
          throw new UsageError('no Connect configuration', 'pass --app APP, or --config-file FILE (a heroku connect:export file)')
        }
      },
      title: 'Reading the Connect configuration',
    }],
    title: 'Reading the Connect configuration',
  }])

  const conn = connection!
  if (request.mapping && !conn.mappings.some(m => m.object.toLowerCase() === request.mapping!.toLowerCase())) {
    throw new UsageError(`--mapping ${request.mapping}: the connection has no such mapping`, `mapped objects: ${conn.mappings.map(m => m.object).join(', ') || 'none'}`)
  }

  const plan = request.simulate ? planRuns(planned, conn.mappings, request.simulate) : []
  // with --app, the database is the one the connection names: never a DATABASE_URL from elsewhere
  const url = databaseUrl ?? (request.app ? undefined : request.env.DATABASE_URL)
  if (wantsBacklog && !url) {
    throw new UsageError('no database to read the _trigger_log backlog from', request.app ? `the connection's config var could not be read: pass --database-url` : 'pass --database-url or set DATABASE_URL')
  }

  await request.runPhases([{
    tasks: [
      {
        async run(report) {
          if (!wantsBacklog) {
            // the plan alone needs no database; where one is known, its write history still times the drain
            if (url) pace = await readPaceOnly(url, request.schema ?? conn.schema, soapBatchSizeOf(conn)).catch(() => null)
            return report(`backlog skipped: --simulate without --with-backlog${url && !pace ? '; the write history could not be read, so the drain is not timed' : ''}`)
          }

          const backlog = await readBacklog(url!, request.schema ?? conn.schema, conn.mappings.map(m => m.table), soapBatchSizeOf(conn))
          runs = backlog.runs
          sizes = backlog.sizes
          pace = backlog.pace
          report(`${runs.length.toLocaleString('en-US')} contiguous runs pending`)
        },
        title: 'Pending runs in _trigger_log',
      },
      {
        async run(report) {
          const read = await readAllowance(request.env, request.targetOrg)
          budget = read.budget
          newest = read.newest
          report('skipped' in budget ? `skipped: ${budget.skipped}` : `${budget.remaining.toLocaleString('en-US')} of ${budget.max.toLocaleString('en-US')} API requests left today`)
        },
        title: 'The org\'s daily API allowance',
      },
    ],
    title: 'Reading Postgres and Salesforce',
  }])

  return buildReport({
    app: request.app ?? null,
    budget,
    connection: conn,
    mapping: request.mapping,
    newestApiVersion: newest,
    pace,
    runs: appendRuns(runs, plan),
    sizes,
    source: {backlog: wantsBacklog, plan: request.simulate ?? null},
  })
}

/**
 * Run detection on one session, and the size sample and the write pace on another: both are index
 * range reads, so they cost nothing beside the single pass over the pending rows.
 */
async function readBacklog(url: string, schema: string, tables: string[], soapBatchSize: number): Promise<{pace: WritePace; runs: LogRunFacts[]; sizes: PendingSize[]}> {
  const [{connectPostgres}, {readPendingSizes, readRuns}, {readWritePace}] = await Promise.all([
    import('../../clients/postgres.js'), import('../../snapshot/postgres/trigger-log.js'), import('../../snapshot/postgres/write-pace.js'),
  ])
  const sessions = await Promise.all([1, 2].map(() => connectPostgres(url, {applicationName: 'heroku-connect-guard write-mode'})))
  try {
    const [main, side] = sessions
    const exists = await main.query<{found: boolean}>('SELECT to_regclass($1) IS NOT NULL AS found', [`${quoteIdent(schema)}._trigger_log`])
    if (!exists.rows[0].found) throw new UsageError(`no _trigger_log in schema ${schema}`, 'pass --schema, or --database-url of the database the connection writes to')
    const [runs, [sizes, pace]] = await Promise.all([
      main.readOnly(tx => readRuns(tx, schema)),
      side.readOnly(async tx => [await readPendingSizes(tx, schema, tables), await readWritePace(tx, schema, soapBatchSize)] as const),
    ])
    return {pace, runs, sizes}
  } finally {
    await Promise.all(sessions.map(session => session.close().catch(() => {})))
  }
}

/** The write pace alone, for a plan predicted without the backlog. */
async function readPaceOnly(url: string, schema: string, soapBatchSize: number): Promise<WritePace> {
  const [{connectPostgres}, {readWritePace}] = await Promise.all([import('../../clients/postgres.js'), import('../../snapshot/postgres/write-pace.js')])
  const session = await connectPostgres(url, {applicationName: 'heroku-connect-guard write-mode'})
  try {
    return await session.readOnly(tx => readWritePace(tx, schema, soapBatchSize))
  } finally {
    await session.close().catch(() => {})
  }
}

async function readAllowance(env: NodeJS.ProcessEnv, targetOrg: string | undefined): Promise<{budget: DailyApiRequests | {skipped: string}; newest: null | string}> {
  const {resolveSalesforceCredentials, SalesforceClient} = await import('../../clients/salesforce.js')
  const credentials = await resolveSalesforceCredentials({env, targetOrg})
  if (!credentials) return {budget: {skipped: NO_SALESFORCE}, newest: null}
  const client = await SalesforceClient.connect(credentials)
  const [limits, newest] = await Promise.all([client.limits(), client.newestApiVersion().catch(() => null)])
  const daily = limits.DailyApiRequests
  if (!daily || typeof daily.Max !== 'number') return {budget: {skipped: '/limits has no DailyApiRequests'}, newest}
  return {budget: {max: daily.Max, remaining: daily.Remaining}, newest}
}

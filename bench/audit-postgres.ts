import {connectPostgres, type PgSession} from '../src/clients/postgres.js'
import {buildAppDatabase} from '../src/sandbox/postgres/build.js'
import {createDatabase, dropDatabase, dropRole} from '../src/sandbox/postgres/server.js'
import type {AppSpec} from '../src/sandbox/model.js'
import {loadScenario} from '../src/sandbox/scenarios/index.js'
import {qualified, quoteIdent, quoteLiteral} from '../src/sql.js'
import {collectPostgres} from '../src/snapshot/postgres/collect.js'
import {readRuns, runsQuery} from '../src/snapshot/postgres/trigger-log.js'
import type {ConnectionFacts} from '../src/snapshot/types.js'
import {benchServer, median, verdict} from './lib.js'

// DESIGN.md §9, over 2,000,000 pending `_trigger_log` rows (the messy scenario's main app):
//   audit Postgres phase (collectPostgres in a READ ONLY, REPEATABLE READ transaction)  <= 6x
//   run detection alone (readRuns)                                                       <= 4x
// both against the plain per-table, per-action GROUP BY of the pending rows, measured in the same
// run on the same data. Warm: one discarded round, then the median of interleaved rounds.
//
// The database is named after what it holds, so a run with HCG_BENCH_KEEP_DB=1 leaves it for the
// next run to reuse; otherwise every database and role the bench made is dropped at the end.

const AUDIT_TARGET = 6
const RUNS_TARGET = 4
/** bump when the scenario or the builder changes what the database holds */
export const LAYOUT_VERSION = 1
const READY = (key: string) => `hcg-bench ready ${key}`

export interface AuditPostgresBenchOptions {
  logRows?: number
  rounds?: number
  /** keep the database (and its role) for the next run */
  keep?: boolean
  log?: (line: string) => void
}

export async function benchAuditPostgres(options: AuditPostgresBenchOptions = {}): Promise<{lines: string[]; ratio: number; runsRatio: number}> {
  const logRows = options.logRows ?? 2_000_000
  const rounds = options.rounds ?? 5
  const keep = options.keep ?? process.env.HCG_BENCH_KEEP_DB === '1'
  const log = options.log ?? ((line: string) => console.error(`  … ${line}`))
  const scenario = loadScenario('messy', {logRows})
  const app = scenario.apps[0]
  const schema = app.connection.schema
  const key = `messy_${logRows}_v${LAYOUT_VERSION}`
  const databaseName = `hcg_bench_audit_${key}`
  const roleName = `hcg_bench_audit_${key}_etl`

  const server = await benchServer(log)
  let session: PgSession | undefined
  try {
    const {built, buildMs, url} = await provideDatabase(server.adminUrl, databaseName, key, async databaseUrl => {
      await buildAppDatabase(databaseUrl, app, scenario.org, {log, logRows, roleName})
    }, log)
    session = await connectPostgres(url, {applicationName: 'hcg-bench audit-postgres', statementTimeoutMs: 600_000})
    // autovacuum would otherwise set the visibility map at some random point during the rounds
    await session.query(`VACUUM (ANALYZE) ${qualified(schema, '_trigger_log')}`)

    const connection = connectionFactsOf(app)
    const db = session
    const logTable = qualified(schema, '_trigger_log')
    const contenders = [
      {label: 'baseline GROUP BY', run: () => db.query(`SELECT table_name, action, count(*) FROM ${logTable} WHERE state IN ('NEW','PENDING') GROUP BY 1,2`)},
      {label: 'audit Postgres phase', run: () => db.readOnly(async tx => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
        return collectPostgres(tx, schema, connection)
      })},
      {label: 'run detection (readRuns)', run: () => readRuns(db, schema)},
    ]
    const pending = await db.query<{n: string}>(`SELECT count(*) AS n FROM ${logTable} WHERE state IN ('NEW','PENDING')`)
    const samples = contenders.map(() => [] as number[])
    for (let round = 0; round <= rounds; round++) {
      for (const [index, contender] of contenders.entries()) {
        const started = process.hrtime.bigint()
        await contender.run()
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6
        if (round > 0) samples[index].push(elapsed) // round 0 warms the caches and is discarded
      }
    }

    const [baseline, audit, runs] = samples.map(list => median(list))
    const plan = await db.query<{'QUERY PLAN': string}>(`EXPLAIN ${runsQuery(schema)}`)
    const ratio = audit / baseline
    const runsRatio = runs / baseline
    const ms = (value: number) => `${value.toFixed(0)} ms`
    return {
      lines: [
        `audit-postgres (${Number(pending.rows[0].n).toLocaleString('en-US')} pending _trigger_log rows, ${rounds} interleaved warm runs, median)`,
        `  database  ${built ? `built in ${(buildMs / 1000).toFixed(1)} s` : 'reused'} (${databaseName}${keep ? ', kept' : ''})`,
        `  baseline  ${contenders[0].label}: ${ms(baseline)}`,
        `  audit     ${contenders[1].label}: ${ms(audit)}  ratio ${ratio.toFixed(2)}x  ${verdict(ratio, AUDIT_TARGET)}`,
        `  runs      ${contenders[2].label}: ${ms(runs)}  ratio ${runsRatio.toFixed(2)}x  ${verdict(runsRatio, RUNS_TARGET)}`,
        `  runs plan ${planShape(plan.rows.map(r => r['QUERY PLAN']))}`,
      ],
      ratio,
      runsRatio,
    }
  } finally {
    await session?.close().catch(() => {})
    if (!keep) {
      await dropDatabase(server.adminUrl, databaseName).catch(error => log(`could not drop ${databaseName}: ${(error as Error).message}`))
      await dropRole(server.adminUrl, roleName).catch(error => log(`could not drop role ${roleName}: ${(error as Error).message}`))
    }

    await server.stop()
  }
}

/** The plan's main path, top down, without the InitPlans that find the last pending row. */
function planShape(lines: string[]): string {
  const nodes: string[] = []
  let skipBelow = -1
  for (const line of lines) {
    const indent = line.search(/\S/)
    if (skipBelow >= 0 && indent > skipBelow) continue
    skipBelow = /InitPlan/.test(line) ? indent : -1
    const node = /^(?:->\s+)?([A-Z][\w ]+?)\s+(?:on|using|\(cost)/.exec(line.trim())?.[1]
    if (node && skipBelow < 0) nodes.push(node)
  }

  return nodes.join(' > ')
}

/** The database named `name`, reused when a previous run finished building it, else (re)built now. */
export async function provideDatabase(
  adminUrl: string, name: string, key: string, build: (url: string) => Promise<void>, log: (line: string) => void,
): Promise<{built: boolean; buildMs: number; url: string}> {
  const {default: pg} = await import('pg')
  const admin = new pg.Client({connectionString: adminUrl})
  await admin.connect()
  let ready = false
  try {
    const {rows} = await admin.query<{comment: null | string}>(
      'SELECT shobj_description(oid, \'pg_database\') AS comment FROM pg_database WHERE datname = $1', [name],
    )
    ready = rows[0]?.comment === READY(key)
    if (rows.length > 0 && !ready) await admin.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`) // a build that did not finish
  } finally {
    await admin.end()
  }

  const url = new URL(adminUrl)
  url.pathname = `/${encodeURIComponent(name)}`
  if (ready) {
    log(`reusing ${name}`)
    return {buildMs: 0, built: false, url: url.toString()}
  }

  log(`building ${name}`)
  await createDatabase(adminUrl, name)
  const started = Date.now()
  await build(url.toString())
  const buildMs = Date.now() - started
  const client = new pg.Client({connectionString: url.toString()})
  await client.connect()
  try {
    await client.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(READY(key))}`)
  } finally {
    await client.end()
  }

  return {buildMs, built: true, url: url.toString()}
}

/** What the Connect API would report for the app's connection: the mappings the collector reads. */
export function connectionFactsOf(app: AppSpec): ConnectionFacts {
  const {connection} = app
  return {
    apiVersion: connection.apiVersion,
    features: {...connection.features},
    logDrain: connection.logDrain,
    mappings: connection.mappings.map(m => ({
      access: m.access,
      fields: m.fields,
      indexes: {},
      maxDailyApiCalls: m.maxDailyApiCalls ?? null,
      notify: m.notify ?? null,
      object: m.object,
      pollingSeconds: m.pollingSeconds ?? null,
      state: m.state ?? 'DATA_SYNCED',
      stateDescription: m.stateDescription ?? null,
      table: m.object.toLowerCase(),
      upsertField: m.upsertField ?? null,
    })),
    name: connection.name,
    origin: 'api',
    schema: connection.schema,
    state: connection.state,
    validations: null,
  }
}

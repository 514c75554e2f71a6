import {connectPostgres} from '../src/clients/postgres.js'
import type {AppSpec} from '../src/sandbox/model.js'
import {qualified} from '../src/sql.js'
import {collectPostgres} from '../src/snapshot/postgres/collect.js'
import {readRuns, runsQuery} from '../src/snapshot/postgres/trigger-log.js'
import type {ConnectionFacts} from '../src/snapshot/types.js'
import {interleave, verdict} from './lib.js'
import {withMessyBenchDatabase} from './messy-database.js'

// DESIGN.md §9, over 2,000,000 pending `_trigger_log` rows (the messy scenario's main app):
//   audit Postgres phase (collectPostgres in a READ ONLY, REPEATABLE READ transaction)  <= 6x
//   run detection alone (readRuns)                                                       <= 4x
// both against the plain per-table, per-action GROUP BY of the pending rows, measured in the same
// run on the same data. Warm: one discarded round, then the median of interleaved rounds.
// The database comes from messy-database.ts (kept for reuse with HCG_BENCH_KEEP_DB=1).

const AUDIT_TARGET = 6
const RUNS_TARGET = 4

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
  const log = options.log ?? ((line: string) => console.error(`  … ${line}`))
  return withMessyBenchDatabase({keep: options.keep, log, logRows}, async ({app, buildMs, built, keep, name, url}) => {
    const schema = app.connection.schema
    const db = await connectPostgres(url, {applicationName: 'hcg-bench audit-postgres', statementTimeoutMs: 600_000})
    try {
      const connection = connectionFactsOf(app)
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
      const [baseline, audit, runs] = await interleave(rounds, contenders.map(c => c.run))
      const plan = await db.query<{'QUERY PLAN': string}>(`EXPLAIN ${runsQuery(schema)}`)
      const ratio = audit / baseline
      const runsRatio = runs / baseline
      const ms = (value: number) => `${value.toFixed(0)} ms`
      return {
        lines: [
          `audit-postgres (${Number(pending.rows[0].n).toLocaleString('en-US')} pending _trigger_log rows, ${rounds} interleaved warm runs, median)`,
          `  database  ${built ? `built in ${(buildMs / 1000).toFixed(1)} s` : 'reused'} (${name}${keep ? ', kept' : ''})`,
          `  baseline  ${contenders[0].label}: ${ms(baseline)}`,
          `  audit     ${contenders[1].label}: ${ms(audit)}  ratio ${ratio.toFixed(2)}x  ${verdict(ratio, AUDIT_TARGET)}`,
          `  runs      ${contenders[2].label}: ${ms(runs)}  ratio ${runsRatio.toFixed(2)}x  ${verdict(runsRatio, RUNS_TARGET)}`,
          `  runs plan ${planShape(plan.rows.map(r => r['QUERY PLAN']))}`,
        ],
        ratio,
        runsRatio,
      }
    } finally {
      await db.close().catch(() => {})
    }
  })
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

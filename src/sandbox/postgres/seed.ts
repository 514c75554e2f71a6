import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import type {SfObjectSpec} from '../model.js'
import type {ColumnSpec} from './field-types.js'
import {ORG_STORE_SCHEMA, orgStoreTableName, sfidSql} from './org-store.js'
import {columnText, hstoreTextSql} from './hstore-text.js'
import {editedValueSql, valueSql, type SeedWorld} from './seed-values.js'

// Set-based seeding: one INSERT … SELECT … FROM generate_series per table, so a million rows is
// one statement the server runs without a round trip per row.

/** Columns only Connect fills: an app's own insert leaves them NULL until the first sync. */
const APP_NULLS = new Set(['createddate', 'isdeleted', 'sfid', 'systemmodstamp'])

export interface SeededTable {
  schema: string
  table: string
  object: SfObjectSpec
  /** data columns in table order (mapped tables add id, _hc_lastop, _hc_err after them) */
  columns: ColumnSpec[]
}

/** Rows Connect loaded from Salesforce: SYNCED, ids 1…rows in load order. */
export function mappedRowsSql(target: SeededTable, rows: number, world: SeedWorld): string {
  const values = target.columns.map((c) => valueSql(target.object.name, c, 'g', world))
  return `INSERT INTO ${qualified(target.schema, target.table)} (${target.columns.map((c) => quoteIdent(c.column)).join(', ')}, id, _hc_lastop, _hc_err)
SELECT ${values.join(', ')}, g, 'SYNCED', NULL
FROM generate_series(1, ${rows}) AS g`
}

/**
 * The org's copy of the records. When the mapped table is loaded already, its values are copied
 * (equal by construction, and evaluating the generators again would cost as much as the load).
 */
export function orgRowsSql(object: SfObjectSpec, columns: ColumnSpec[], rows: number, world: SeedWorld, mapped?: SeededTable): string {
  const source = new Set(mapped?.columns.map((c) => c.column))
  const values = columns.map((c) => (source.has(c.column) ? `m.${quoteIdent(c.column)}` : valueSql(object.name, c, mapped ? 'm.id' : 'g', world)))
  const from = mapped ? `${qualified(mapped.schema, mapped.table)} AS m` : `generate_series(1, ${rows}) AS g`
  return `INSERT INTO ${qualified(ORG_STORE_SCHEMA, orgStoreTableName(object.name))} (${columns.map((c) => quoteIdent(c.column)).join(', ')})
SELECT ${values.join(', ')}
FROM ${from}`
}

/** txids of seeded log rows: about 40 changes per application transaction. */
const TXID_BASE = 1000

/** A contiguous run of log rows for one table: ids first…first+count-1. */
export interface LogRun {
  action: 'INSERT' | 'UPDATE'
  first: number
  count: number
  /** record number of the run's first row: new records count on past the seeded ones, updates cycle over them */
  firstRecord: number
}

export interface LogSeedOptions {
  /** seeded rows in the mapped table */
  rows: number
  /** created_at of log row 1; each next row is 10 ms later */
  startedAt: Date
  world: SeedWorld
}

/**
 * Pending changes as the per-table logger would have written them: INSERTs carry the whole new row
 * (no sfid yet), UPDATEs the whole old row and only the changed keys. Rows are inserted with their
 * final ids, set-based; the caller keeps tlog_insert_trigger out of the way.
 */
export function logRowsSql(target: SeededTable, runs: LogRun[], options: LogSeedOptions): string[] {
  const object = target.object.name
  const text = (c: ColumnSpec, expr: string) => columnText(expr, c.pgType)
  const rowText = (fields: (c: ColumnSpec) => string | null) =>
    hstoreTextSql([...target.columns.map((c) => ({key: c.column, text: fields(c)})), {key: 'id', text: '(r.n)::text'}])
  const stored = (c: ColumnSpec) => {
    const expr = valueSql(object, c, 'r.n', options.world)
    return expr === 'NULL' ? null : text(c, expr)
  }

  const appInserted = (c: ColumnSpec) => (APP_NULLS.has(c.column) ? null : stored(c))
  const edits = target.columns.flatMap((c) => {
    const edited = editedValueSql(object, c, 'r.n', options.world)
    return edited ? [{key: c.column, text: text(c, edited)}] : []
  }).slice(0, 2)
  const runsOf = (action: LogRun['action']) => runs.filter((r) => r.action === action)
  const from = (list: LogRun[]) => `FROM unnest(ARRAY[${list.map((r) => r.first).join(',')}]::integer[], ARRAY[${list.map((r) => r.count).join(',')}]::integer[],
            ARRAY[${list.map((r) => r.firstRecord).join(',')}]::bigint[]) AS s(first, count, first_record)
CROSS JOIN LATERAL (SELECT s.first + k AS id, s.first_record + k AS n FROM generate_series(0, s.count - 1) AS k) AS r`
  const head = `INSERT INTO ${qualified(target.schema, '_trigger_log')} (id, txid, created_at, updated_at, state, action, table_name, record_id, sfid, old, "values")`
  const common = (action: string, state = 'NEW') =>
    `r.id, ${TXID_BASE}::bigint + r.id / 40, ${quoteLiteral(options.startedAt.toISOString())}::timestamptz + (r.id - 1) * interval '10 milliseconds', NULL, '${state}', '${action}', ${quoteLiteral(target.table)}`
  const statements: string[] = []
  const inserts = runsOf('INSERT')
  if (inserts.length > 0) {
    statements.push(`${head}
SELECT ${common('INSERT')}, r.n, NULL, NULL, ${rowText(appInserted)}
${from(inserts)}`)
  }

  const updates = runsOf('UPDATE')
  if (updates.length > 0 && options.rows > 0) {
    // updates cycle over the seeded records; with no field an app would edit, the logger would see an empty diff
    statements.push(`${head}
SELECT ${common('UPDATE', edits.length > 0 ? 'NEW' : 'IGNORE')}, r.n, ${sfidSql(object, 'r.n')}, ${rowText(stored)}, ${hstoreTextSql(edits)}
FROM (SELECT r.id, ((r.n - 1) % ${options.rows}) + 1 AS n
      ${from(updates).replaceAll('\n', '\n      ')}) AS r`)
  }

  return statements
}

/** Run lengths of the seeded backlog, cycled: long INSERT and UPDATE runs, as batch jobs and app traffic leave them. */
const RUN_PATTERN: Array<[LogRun['action'], number]> = [
  ['INSERT', 2500], ['UPDATE', 400], ['INSERT', 1200], ['UPDATE', 3000],
  ['INSERT', 800], ['UPDATE', 150], ['INSERT', 5000], ['UPDATE', 900],
]

/**
 * Splits `total` log rows into contiguous runs over the tables: each INSERT run and the UPDATE run
 * after it go to one table, then the next table takes over. Deterministic. A table with no
 * seeded rows has nothing to update, so its runs are all INSERTs.
 */
export function planLogRuns(total: number, tables: Array<{table: string; rows: number}>): Map<string, LogRun[]> {
  const plan = new Map(tables.map((t) => [t.table, [] as LogRun[]]))
  const done = new Map(tables.map((t) => [t.table, {INSERT: 0, UPDATE: 0}]))
  let first = 1
  for (let k = 0; first <= total && tables.length > 0; k++) {
    const target = tables[Math.floor(k / 2) % tables.length]
    const [pattern, length] = RUN_PATTERN[k % RUN_PATTERN.length]
    const action = target.rows > 0 ? pattern : 'INSERT'
    const count = Math.min(length, total - first + 1)
    const counters = done.get(target.table)!
    const firstRecord = action === 'INSERT' ? target.rows + counters.INSERT + 1 : counters.UPDATE + 1
    counters[action] += count
    plan.get(target.table)!.push({action, count, first, firstRecord})
    first += count
  }

  return plan
}

/** Splits runs into chunks of about `size` rows so several sessions can insert them side by side. */
export function chunkRuns(runs: LogRun[], size: number): LogRun[][] {
  const chunks: LogRun[][] = []
  let current: LogRun[] = []
  let rows = 0
  for (const run of runs) {
    current.push(run)
    rows += run.count
    if (rows >= size) {
      chunks.push(current)
      current = []
      rows = 0
    }
  }

  if (current.length > 0) chunks.push(current)
  return chunks
}

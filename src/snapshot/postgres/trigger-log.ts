import {qualified} from '../../sql.js'
import type {LogRunFacts, TriggerLogFacts} from '../types.js'
import type {Queryable} from './queryable.js'

// The pending backlog of `_trigger_log` as Connect will see it: contiguous runs of one table and
// one action in capture (id) order, which is what decides SOAP or Bulk. Runs are found in one pass
// over the NEW and PENDING rows in id order, and only run boundaries leave the server.
//
// What the pass costs (bench/audit-postgres.ts, 2,000,000 pending rows; the GROUP BY baseline
// takes 0.6-0.8 s there, this pass 1.9-2.8 s, the first version with lead and forced index order 2.9-4.4 s):
// - The two slices are a plain UNION ALL, so the planner picks how to get them in id order: on a
//   mostly processed log it reads just the pending rows through Connect's indexes and sorts those;
//   on a mostly pending one, a parallel scan and sort, which beats reading the whole heap in index
//   order (the Merge Append over the (state, id) index that per-slice ORDER BYs lead it to).
// - A run starts where the previous row's table or action differs (lag). Where it ends needs no
//   look-ahead (lead): it is where the next run starts, or at the last pending row, found from the
//   index. Every window function re-reads rows from the window's buffer, so fewer of them pays.
// - The ROWS frame spares the window the peer checks of the default RANGE frame (lag ignores it).
// - JIT is off: past jit_optimize_above_cost, which this statement reaches near 2 million rows,
//   compiling it takes seconds, longer than running it.

/** The statement readRuns sends: run starts and the last pending row, with their position (exported for plan checks). */
export function runsQuery(schema: string): string {
  const log = qualified(schema, '_trigger_log')
  return `
    WITH pending AS (
      SELECT id, table_name, action FROM ${log} WHERE state = 'NEW'
      UNION ALL
      SELECT id, table_name, action FROM ${log} WHERE state = 'PENDING'
    ), marked AS (
      SELECT table_name, action, row_number() OVER w AS rn,
             lag(table_name) OVER w IS DISTINCT FROM table_name OR lag(action) OVER w IS DISTINCT FROM action AS starts,
             id = greatest((SELECT max(id) FROM ${log} WHERE state = 'NEW'), (SELECT max(id) FROM ${log} WHERE state = 'PENDING')) AS last
        FROM pending WINDOW w AS (ORDER BY id ROWS UNBOUNDED PRECEDING)
    )
    SELECT table_name, action, rn, starts OR rn = 1 AS starts, last FROM marked WHERE starts OR last OR rn = 1 ORDER BY rn`
}

export async function readRuns(db: Queryable, schema: string): Promise<LogRunFacts[]> {
  const rows = await withoutJit<{action: string; last: boolean; rn: number | string; starts: boolean; table_name: string}>(db, runsQuery(schema))
  const runs: LogRunFacts[] = []
  let open: null | {action: string; start: number; table: string} = null
  for (const row of rows) {
    const rn = Number(row.rn)
    if (row.starts) {
      if (open) runs.push({action: open.action, count: rn - open.start, table: open.table})
      open = {action: row.action, start: rn, table: row.table_name}
    }

    if (row.last && open) runs.push({action: open.action, count: rn - open.start + 1, table: open.table})
  }

  return runs
}

/**
 * Runs one parameterless statement with JIT off, in the same round trip: a query string of two
 * statements runs in one transaction (the caller's, or an implicit one), and a local setting ends
 * with it. pg answers a multi-statement string with one result per statement.
 */
async function withoutJit<R extends object>(db: Queryable, sql: string): Promise<R[]> {
  const result = (await db.query<R>(`SELECT set_config('jit', 'off', true);\n${sql}`)) as unknown as Array<{rows: R[]}> | {rows: R[]}
  return Array.isArray(result) ? result.at(-1)!.rows : result.rows
}

/** Sums runs into the per-table, per-action backlog. */
export function pendingFromRuns(runs: LogRunFacts[]): LogRunFacts[] {
  const totals = new Map<string, LogRunFacts>()
  for (const run of runs) {
    const key = `${run.table}\u0000${run.action}`
    const entry = totals.get(key) ?? {action: run.action, count: 0, table: run.table}
    entry.count += run.count
    totals.set(key, entry)
  }

  return [...totals.values()].sort((a, b) => a.table.localeCompare(b.table) || a.action.localeCompare(b.action))
}

export async function readLogHealth(db: Queryable, schema: string, hasSfMessage: boolean): Promise<Omit<TriggerLogFacts, 'pending' | 'runs'>> {
  const log = qualified(schema, '_trigger_log')
  const archive = qualified(schema, '_trigger_log_archive')
  const message = hasSfMessage ? 'sf_message' : 'NULL::text'
  const {rows} = await db.query<{archive_oldest: Date | null; archive_rows: string; failed: Array<{count: number; samples: string[]; table: string}> | null; oldest_pending: Date | null}>(
    `SELECT
       (SELECT created_at FROM (
          (SELECT id, created_at FROM ${log} WHERE state = 'NEW' ORDER BY id LIMIT 1)
          UNION ALL
          (SELECT id, created_at FROM ${log} WHERE state = 'PENDING' ORDER BY id LIMIT 1)) first ORDER BY id LIMIT 1) AS oldest_pending,
       (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = '${archive.replaceAll("'", "''")}'::regclass) AS archive_rows,
       (SELECT created_at FROM ${archive} ORDER BY created_at LIMIT 1) AS archive_oldest,
       (SELECT json_agg(json_build_object('table', table_name, 'count', n, 'samples', samples) ORDER BY table_name)
          FROM (SELECT table_name, count(*) AS n,
                       (array_agg(DISTINCT left(coalesce(msg, '(no message)'), 300)))[1:3] AS samples
                  FROM (SELECT table_name, ${message} AS msg FROM ${log} WHERE state = 'FAILED'
                        UNION ALL
                        SELECT table_name, ${message} AS msg FROM ${archive}
                         WHERE state = 'FAILED' AND created_at > now() - interval '7 days') f
                 GROUP BY table_name) per_table) AS failed`,
  )
  const row = rows[0]
  return {
    archiveOldestAt: row.archive_oldest ? new Date(row.archive_oldest).toISOString() : null,
    archiveRows: Number(row.archive_rows),
    failed: row.failed ?? [],
    oldestPendingAt: row.oldest_pending ? new Date(row.oldest_pending).toISOString() : null,
  }
}

/** Pending rows sampled per table for their average size: enough for a steady mean, and an index range read each. */
export const SIZE_SAMPLE_ROWS = 1000

export interface PendingSize {
  table: string
  /** rows the average was taken over (at most SIZE_SAMPLE_ROWS) */
  sampled: number
  /** average length of the change as Connect serialized it (`values`, hstore text), in characters */
  averageChars: number
}

/**
 * The average serialized size of each table's pending changes, for the packing workaround of
 * practice 4. Computed in SQL over a sample of each table's NEW/PENDING rows, read through
 * Connect's partial (state, table_name) index, so it costs milliseconds beside run detection.
 */
export async function readPendingSizes(db: Queryable, schema: string, tables: readonly string[]): Promise<PendingSize[]> {
  if (tables.length === 0) return []
  const log = qualified(schema, '_trigger_log')
  const {rows} = await db.query<{average: null | number | string; sampled: number | string; table_name: string}>(
    `SELECT t.table_name, s.sampled, s.average
       FROM unnest($1::text[]) AS t(table_name)
       CROSS JOIN LATERAL (
         SELECT count(*) AS sampled, avg(length(coalesce(p."values", ''))) AS average
           FROM (SELECT "values" FROM ${log} WHERE state IN ('NEW', 'PENDING') AND table_name = t.table_name LIMIT $2) p
       ) s
      ORDER BY t.table_name`,
    [[...new Set(tables)], SIZE_SAMPLE_ROWS],
  )
  return rows.filter(row => Number(row.sampled) > 0).map(row => ({averageChars: Number(row.average), sampled: Number(row.sampled), table: row.table_name}))
}

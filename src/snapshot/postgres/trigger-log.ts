import {qualified} from '../../sql.js'
import type {LogRunFacts, TriggerLogFacts} from '../types.js'
import type {Queryable} from './queryable.js'

// The pending backlog of `_trigger_log` as Connect will see it: contiguous runs of one table and
// one action in capture (id) order, which is what decides SOAP or Bulk. Runs are found in one
// pass: the NEW and PENDING slices are each read in id order from Connect's (state, id) index and
// merged, so no sort of the whole log is needed, and only run boundaries leave the server.

export async function readRuns(db: Queryable, schema: string): Promise<LogRunFacts[]> {
  const log = qualified(schema, '_trigger_log')
  const {rows} = await db.query<{action: string; boundary: 'both' | 'end' | 'start'; rn: string; table_name: string}>(
    `WITH pending AS (
       (SELECT id, table_name, action FROM ${log} WHERE state = 'NEW' ORDER BY id)
       UNION ALL
       (SELECT id, table_name, action FROM ${log} WHERE state = 'PENDING' ORDER BY id)
     ), marked AS (
       SELECT table_name, action, row_number() OVER w AS rn,
              (lag(table_name) OVER w, lag(action) OVER w) IS DISTINCT FROM (table_name, action) AS starts,
              (lead(table_name) OVER w, lead(action) OVER w) IS DISTINCT FROM (table_name, action) AS ends
         FROM pending WINDOW w AS (ORDER BY id)
     )
     SELECT table_name, action, rn, CASE WHEN starts AND ends THEN 'both' WHEN starts THEN 'start' ELSE 'end' END AS boundary
       FROM marked WHERE starts OR ends`,
  )
  const runs: LogRunFacts[] = []
  let start = 0
  for (const row of rows) {
    const rn = Number(row.rn)
    if (row.boundary !== 'end') start = rn
    if (row.boundary !== 'start') runs.push({action: row.action, count: rn - start + 1, table: row.table_name})
  }

  return runs
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

import type {MappingCounts} from '../../clients/connect-types.js'
import {qualified} from '../../sql.js'
import {databaseAvailable, describeTables, logTable, query} from './db.js'
import type {ConnectContext, ConnectionRuntime} from './state.js'

// What the dashboard's counters show, computed when asked: rows in each mapped table, records in
// the org, changes waiting in _trigger_log, and write errors of the last 24 hours. A handful of
// queries per connection (not per mapping), so polling a big connection stays cheap.

export interface LiveConnectionData {
  available: boolean
  counts: Map<string, MappingCounts>
  hcColumns: Map<string, boolean>
}

export async function liveData(ctx: ConnectContext, conn: ConnectionRuntime): Promise<LiveConnectionData> {
  const counts = new Map<string, MappingCounts>()
  const hcColumns = new Map<string, boolean>()
  const available = await databaseAvailable(conn)
  const sfCounts = await Promise.all(conn.mappings.map(m => ctx.org.records.count(m.object).catch(() => null)))
  for (const [i, m] of conn.mappings.entries()) counts.set(m.table, {db: null, errors: null, pending: null, sf: sfCounts[i]})
  if (!available) return {available, counts, hcColumns}

  const schema = conn.spec.schema
  const tables = conn.mappings.map(m => m.table)
  const info = await describeTables(conn, schema, tables)
  const existing = tables.filter(t => info.get(t)?.exists)
  for (const t of tables) {
    const columns = info.get(t)?.columns ?? []
    hcColumns.set(t, columns.includes('_hc_lastop') && columns.includes('_hc_err'))
  }

  const dbCounts = new Map<string, number>()
  if (existing.length > 0) {
    const union = existing.map((t, i) => `SELECT $${i + 1}::text AS t, count(*)::int AS n FROM ${qualified(schema, t)}`).join(' UNION ALL ')
    for (const row of await query<{t: string; n: number}>(conn, union, existing)) dbCounts.set(row.t, row.n)
  }

  const pending = await query<{table_name: string; n: number}>(
    conn,
    `SELECT table_name, count(*)::int AS n FROM ${logTable(conn)} WHERE state IN ('NEW', 'PENDING') GROUP BY 1`,
  )
  const errors = await query<{table_name: string; n: number}>(
    conn,
    `SELECT table_name, count(*)::int AS n FROM (
       SELECT table_name FROM ${logTable(conn)} WHERE state = 'FAILED' AND coalesce(processed_at, created_at) > now() - interval '24 hours'
       UNION ALL
       SELECT table_name FROM ${logTable(conn, true)} WHERE state = 'FAILED' AND coalesce(processed_at, created_at) > now() - interval '24 hours'
     ) f GROUP BY 1`,
  )
  const pendingBy = new Map(pending.map(r => [r.table_name, r.n]))
  const errorsBy = new Map(errors.map(r => [r.table_name, r.n]))
  for (const t of tables) {
    const c = counts.get(t)!
    c.db = dbCounts.get(t) ?? (info.get(t)?.exists ? 0 : null)
    c.pending = pendingBy.get(t) ?? 0
    c.errors = errorsBy.get(t) ?? 0
  }

  return {available, counts, hcColumns}
}

import type {Pool, PoolClient} from 'pg'

import {qualified} from '../../sql.js'
import type {ConnectionRuntime} from './state.js'

// Connect's own database sessions. Every session runs with xmlbinary = hex, exactly like the real
// service: the mapped tables' log triggers fire only for base64 sessions, so Connect's writes
// (sfid write-back, reload) never land in _trigger_log, and the status trigger treats them as
// Connect writes. One small pool per connection, created on first use.

const pools = new WeakMap<ConnectionRuntime, Pool>()

export async function connectPool(conn: ConnectionRuntime): Promise<Pool> {
  let pool = pools.get(conn)
  if (!pool) {
    const {default: pg} = await import('pg')
    pool = new pg.Pool({
      application_name: 'heroku-connect (sandbox)',
      connectionString: conn.databaseUrl,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 5000,
      max: 4,
      options: '-c xmlbinary=hex',
    })
    // an idle client losing its server (database dropped under us) must not crash the process
    pool.on('error', () => {})
    pools.set(conn, pool)
  }

  return pool
}

export async function closePool(conn: ConnectionRuntime): Promise<void> {
  const pool = pools.get(conn)
  pools.delete(conn)
  await pool?.end().catch(() => {})
}

export async function withClient<T>(conn: ConnectionRuntime, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const pool = await connectPool(conn)
  const client = await pool.connect()
  // the server may end the session while it is checked out (its database dropped as the sandbox
  // stops): the next query fails, and the event itself must not crash the process; a broken
  // client is destroyed rather than returned to the pool
  let broken: Error | undefined
  const onError = (error: Error) => {
    broken = error
  }

  client.on('error', onError)
  try {
    return await work(client)
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}

export async function query<R>(conn: ConnectionRuntime, sql: string, params: unknown[] = []): Promise<R[]> {
  const pool = await connectPool(conn)
  const result = await pool.query(sql, params)
  return result.rows as R[]
}

export function logTable(conn: ConnectionRuntime, archive = false): string {
  return qualified(conn.spec.schema, archive ? '_trigger_log_archive' : '_trigger_log')
}

/** Connect marks a connection DB_UNAVAILABLE when it cannot reach the database or its system
 *  tables are gone (someone dropped or renamed them). */
export async function databaseAvailable(conn: ConnectionRuntime): Promise<boolean> {
  try {
    const rows = await query<{ok: boolean}>(
      conn,
      'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND to_regclass($3) IS NOT NULL AS ok',
      [logTable(conn), logTable(conn, true), qualified(conn.spec.schema, '_hcmeta')],
    )
    return rows[0]?.ok === true
  } catch {
    return false
  }
}

export interface TableInfo {
  exists: boolean
  columns: string[]
}

/** Columns of the given tables in one catalog query. */
export async function describeTables(conn: ConnectionRuntime, schema: string, tables: string[]): Promise<Map<string, TableInfo>> {
  const rows = await query<{table: string; columns: string[]}>(
    conn,
    `SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = ANY($2) AND c.relkind IN ('r', 'p')
      GROUP BY c.relname`,
    [schema, tables],
  )
  const out = new Map<string, TableInfo>()
  for (const table of tables) out.set(table, {columns: [], exists: false})
  for (const row of rows) out.set(row.table, {columns: row.columns, exists: true})
  return out
}

import type {WriteErrorsResponse} from '../../clients/connect-types.js'
import {logTable, query} from './db.js'
import type {ConnectionRuntime} from './state.js'

// connect:write-errors: FAILED trigger-log rows of the last 24 hours, live or archived.

export async function writeErrors(conn: ConnectionRuntime, table?: string): Promise<WriteErrorsResponse> {
  const filter = table ? 'AND table_name = $1' : ''
  const params = table ? [table] : []
  const select = (archive: boolean) => `SELECT id, table_name, record_id, sf_message, created_at FROM ${logTable(conn, archive)}
      WHERE state = 'FAILED' AND coalesce(processed_at, created_at) > now() - interval '24 hours' ${filter}`
  const rows = await query<{id: number; table_name: string; record_id: number; sf_message: null | string; created_at: Date}>(
    conn,
    `SELECT * FROM (${select(false)} UNION ALL ${select(true)}) e ORDER BY created_at DESC, id DESC LIMIT 1000`,
    params,
  )
  return {
    count: rows.length,
    results: rows.map(r => ({
      created_at: new Date(r.created_at).toISOString(),
      id: r.id,
      message: r.sf_message ?? '',
      record_id: r.record_id,
      table_name: r.table_name,
    })),
  }
}

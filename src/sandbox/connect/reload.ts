import type {PoolClient} from 'pg'

import {qualified, quoteIdent} from '../../sql.js'
import {describeTables, withClient} from './db.js'
import {addNotification, type ConnectContext, type ConnectionRuntime, type MappingRuntime} from './state.js'

// A mapping reload as Connect performs it: "RELOAD TABLE t" → "Cleared table t for load" →
// load → "RELOAD COMPLETE". The clear is a TRUNCATE without CASCADE, so a foreign key from
// another table blocks it and the mapping lands in SYSTEM_ERROR with Postgres's message. The
// load inserts fresh rows, so every row gets a new `id` (the sequence is not reset) while its
// sfid stays: the very behaviour that breaks app tables pointing at Connect's `id`.
// Like the real service it takes visible time: the state is RELOAD_TABLE while the rows arrive
// in `ctx.reloadPacing.steps` parts, `stepMs` apart, so progress, timeouts and resume can be seen.

export const ORG_SCHEMA = 'hcg_fake_salesforce'

/** Starts a reload in the background; the caller answers 202 at once. */
export function startReload(ctx: ConnectContext, conn: ConnectionRuntime, mapping: MappingRuntime): void {
  const progress = {done: false, promise: Promise.resolve(), seen: false}
  mapping.reload = progress
  mapping.state = 'RELOAD_TABLE'
  mapping.stateDescription = 'Reloading'
  progress.promise = runReload(ctx, conn, mapping).finally(() => {
    progress.done = true
  })
  ctx.track(progress.promise)
}

async function runReload(ctx: ConnectContext, conn: ConnectionRuntime, mapping: MappingRuntime): Promise<void> {
  // let the 202 reach the client before the table empties, as the real service queues the job
  await new Promise(resolve => {
    setImmediate(resolve)
  })
  await pause(ctx.reloadPacing.stepMs)
  try {
    const loaded = await withClient(conn, async client => {
      await client.query(`TRUNCATE ${qualified(conn.spec.schema, mapping.table)}`)
      return loadFromOrg(ctx, conn, mapping, client)
    })
    const now = new Date().toISOString()
    mapping.state = 'DATA_SYNCED'
    mapping.stateDescription = 'OK'
    mapping.updatedAt = now
    mapping.times.sf_poll = now
    mapping.times.db_write = now
    addNotification(conn, 'mapping-reload', `RELOAD COMPLETE ${mapping.table}: ${loaded} rows loaded`, mapping.id)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    mapping.state = 'SYSTEM_ERROR'
    mapping.stateDescription = message
    mapping.updatedAt = new Date().toISOString()
    addNotification(conn, 'mapping-error', `Reload of ${mapping.object} failed: ${message}`, mapping.id)
  }
}

const pause = (ms: number) => new Promise<void>(resolve => {
  if (ms > 0) setTimeout(resolve, ms)
  else resolve()
})

const CONNECT_COLUMNS = new Set(['_hc_err', '_hc_lastop', 'id'])
const SYSTEM_FIELDS = ['CreatedDate', 'IsDeleted', 'SystemModstamp']

const columnFor = (field: string): string => (field === 'Id' ? 'sfid' : field.toLowerCase())

async function loadFromOrg(ctx: ConnectContext, conn: ConnectionRuntime, mapping: MappingRuntime, client: PoolClient): Promise<number> {
  const target = qualified(conn.spec.schema, mapping.table)
  const [mapped, store] = await Promise.all([
    describeTables(conn, conn.spec.schema, [mapping.table]),
    describeTables(conn, ORG_SCHEMA, [mapping.table]),
  ])
  const targetColumns = mapped.get(mapping.table)?.columns ?? []
  const hasLastOp = targetColumns.includes('_hc_lastop')
  // every data column of the table is loaded, whatever the config lists (Connect built the table from it)
  const loadable = targetColumns.filter(c => !CONNECT_COLUMNS.has(c))
  const storeInfo = store.get(mapping.table)

  if (storeInfo?.exists) {
    // the org's records share this database: one set-based statement, like a Bulk API load
    const columns = loadable.filter(c => storeInfo.columns.includes(c))
    const list = columns.map(c => quoteIdent(c)).join(', ')
    const notDeleted = storeInfo.columns.includes('isdeleted') ? 'WHERE isdeleted IS NOT TRUE' : ''
    const source = qualified(ORG_SCHEMA, mapping.table)
    const {rows: [{n}]} = await client.query<{n: number}>(`SELECT count(*)::int AS n FROM ${source} ${notDeleted}`)
    const {stepMs, steps} = ctx.reloadPacing
    const part = stepMs > 0 ? Math.max(1, Math.ceil(n / Math.max(1, steps))) : Math.max(1, n)
    let loaded = 0
    for (let offset = 0; offset < n; offset += part) {
      if (offset > 0) await pause(stepMs)
      const result = await client.query(
        `INSERT INTO ${target} (${list}${hasLastOp ? ', _hc_lastop' : ''})
         SELECT ${list}${hasLastOp ? ", 'SYNCED'" : ''} FROM ${source} ${notDeleted} ORDER BY sfid LIMIT $1 OFFSET $2`,
        [part, offset],
      )
      loaded += result.rowCount ?? 0
    }

    return loaded
  }

  // records live elsewhere: page through the store and insert each page in one statement
  const described = ctx.org.describeObject(mapping.object)
  const known = ['Id', ...SYSTEM_FIELDS, ...Object.keys(mapping.config.fields), ...(described?.fields.map(f => f.name) ?? [])]
  const byColumn = new Map(known.map(f => [columnFor(f), f]))
  const fields = [...new Set(loadable.map(c => byColumn.get(c)).filter((f): f is string => f !== undefined))]
  const list = fields.map(f => quoteIdent(columnFor(f))).join(', ')
  const {stepMs, steps} = ctx.reloadPacing
  const expected = stepMs > 0 ? await ctx.org.records.count(mapping.object).catch(() => 0) : 0
  const pageSize = expected > 0 ? Math.min(10_000, Math.ceil(expected / Math.max(1, steps))) : 10_000
  let total = 0
  for (let offset = 0; ; offset += pageSize) {
    if (offset > 0) await pause(stepMs)
    const records = await ctx.org.records.select(mapping.object, fields, {limit: pageSize, offset})
    if (records.length === 0) break
    const rows = records
      .filter(r => r.IsDeleted !== true)
      .map(r => Object.fromEntries(fields.map(f => [columnFor(f), r[f] ?? null])))
    await client.query(
      `INSERT INTO ${target} (${list}${hasLastOp ? ', _hc_lastop' : ''})
       SELECT ${list}${hasLastOp ? ", 'SYNCED'" : ''} FROM json_populate_recordset(NULL::${target}, $1::json)`,
      [JSON.stringify(rows)],
    )
    total += rows.length
    if (records.length < pageSize) break
  }

  return total
}

/**
 * What Connect does in RESYNC ("Loading new columns") after a mapping gains fields: the columns
 * just added are filled from the org's records, matched by sfid, in Connect's own session (so
 * nothing reaches `_trigger_log`), on the client whose transaction added them. Returns the rows
 * that got a value.
 */
export async function loadNewColumns(ctx: ConnectContext, conn: ConnectionRuntime, mapping: MappingRuntime, fields: string[], client: PoolClient): Promise<number> {
  if (fields.length === 0) return 0
  const target = qualified(conn.spec.schema, mapping.table)
  const store = (await describeTables(conn, ORG_SCHEMA, [mapping.table])).get(mapping.table)
  if (store?.exists) {
    const columns = fields.map(columnFor).filter(c => store.columns.includes(c))
    if (columns.length === 0) return 0
    const result = await client.query(
      `UPDATE ${target} AS t SET ${columns.map(c => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ')}
         FROM ${qualified(ORG_SCHEMA, mapping.table)} AS s WHERE s.sfid = t.sfid`,
    )
    return result.rowCount ?? 0
  }

  let total = 0
  for (let offset = 0; ; offset += 10_000) {
    const records = await ctx.org.records.select(mapping.object, ['Id', ...fields], {limit: 10_000, offset})
    if (records.length === 0) break
    const rows = records.map(r => Object.fromEntries([['sfid', r.Id], ...fields.map(f => [columnFor(f), r[f] ?? null])]))
    const result = await client.query(
      `UPDATE ${target} AS t SET ${fields.map(f => `${quoteIdent(columnFor(f))} = s.${quoteIdent(columnFor(f))}`).join(', ')}
         FROM json_populate_recordset(NULL::${target}, $1::json) AS s WHERE s.sfid = t.sfid`,
      [JSON.stringify(rows)],
    )
    total += result.rowCount ?? 0
    if (records.length < 10_000) break
  }

  return total
}

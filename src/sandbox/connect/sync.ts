import {qualified, quoteIdent} from '../../sql.js'
import type {FakeOrg, SaveResult, SfRecord} from '../org-runtime.js'
import {databaseAvailable, describeTables, logTable, query} from './db.js'
import {parseHstore} from './hstore.js'
import {BULK_BATCH_SIZE, type PlannedRun, planWrites, SOAP_BATCH_SIZE, type WritePlan} from './plan-writes.js'
import {columnOf, RecordBuilder, type SfOperation} from './sf-records.js'
import type {ConnectionRuntime, MappingRuntime} from './state.js'

// Postgres → Salesforce, the way Connect drains `_trigger_log`: pick up NEW rows oldest first,
// plan them (plan-writes.ts), send each run through the fake org's SOAP or Bulk API, write the
// outcome back to the mapped rows in a Connect (xmlbinary hex) session, and move the processed
// log rows to `_trigger_log_archive`. Each run is archived before the next starts, so a crash
// loses at most one run's bookkeeping, never the changes themselves.

export interface SyncTarget {
  conn: ConnectionRuntime
  org: FakeOrg
}

export interface DrainSummary {
  soapCalls: number
  bulkJobs: number
  /** records sent to Salesforce */
  records: number
  failed: number
  /** changes folded into another (Merged Writes) */
  merged: number
  runs: Array<{table: string; action: string; count: number; via: 'bulk' | 'soap'}>
  /** why nothing was done, when nothing was */
  skipped?: string
}

export interface DrainOptions {
  /** drain even when the connection's state would stop Connect (PAUSED, NEED_AUTHENTICATION…) */
  force?: boolean
  /** log rows picked up per drain */
  maxRows?: number
}

/** Connection states in which Connect does not write to Salesforce. */
export const NON_WRITING_STATES = new Set([
  'DB_UNAVAILABLE', 'HEROKU_UNAUTH', 'ICED', 'INACTIVE_ORG', 'NEED_AUTHENTICATION', 'NEW', 'PAUSED', 'SYSTEM_ERROR', 'SYSTEM_ON_ICE', 'UNAUTHORIZED',
])

interface LogRow {
  id: number
  table_name: string
  action: string
  record_id: number | null
  sfid: string | null
  values: string | null
  old: string | null
}

interface Outcome {
  state: 'FAILED' | 'IGNORED' | 'MERGED' | 'SUCCESS'
  message: string | null
  sfid: string | null
}

function emptySummary(skipped?: string): DrainSummary {
  return {bulkJobs: 0, failed: 0, merged: 0, records: 0, runs: [], skipped, soapCalls: 0}
}

export async function drainOnce(target: SyncTarget, options: DrainOptions = {}): Promise<DrainSummary> {
  const {conn} = target
  if (conn.draining) return emptySummary('a drain is already running')
  if (!options.force && NON_WRITING_STATES.has(conn.state)) return emptySummary(conn.state)
  if (!(await databaseAvailable(conn))) return emptySummary('DB_UNAVAILABLE')
  conn.draining = true
  const previous = conn.state
  if (previous === 'IDLE') conn.state = 'POLLING_DB_CHANGES'
  try {
    return await drain(target, options.maxRows ?? 100_000)
  } finally {
    conn.draining = false
    if (conn.state === 'POLLING_DB_CHANGES') conn.state = previous
  }
}

async function drain(target: SyncTarget, maxRows: number): Promise<DrainSummary> {
  const {conn} = target
  const now = () => new Date().toISOString()
  const rows = await query<LogRow>(
    conn,
    `SELECT id, table_name, action, record_id, sfid, "values", old FROM ${logTable(conn)}
      WHERE state IN ('NEW', 'PENDING') ORDER BY id LIMIT $1`,
    [maxRows],
  )
  for (const m of conn.mappings) m.times.db_poll = now()
  const summary = emptySummary()
  if (rows.length === 0) return summary
  await query(conn, `UPDATE ${logTable(conn)} SET state = 'PENDING', updated_at = now() WHERE id = ANY($1) AND state = 'NEW'`, [rows.map(r => r.id)])

  const plan = planWrites(
    rows.map(r => ({action: r.action, recordId: r.record_id, table: r.table_name})),
    {
      apiVersion: conn.apiVersion, features: conn.features, mappings: conn.mappings.map(m => ({object: m.object, upsertField: m.config.upsert_field})), soapBatchSize: conn.spec.soapBatchSize,
    },
  )
  const members = new Map<number, number[]>()
  const cancelled: number[] = []
  for (const [index, into] of plan.folded) {
    if (into === null) cancelled.push(index)
    else members.set(into, [...(members.get(into) ?? []), index])
  }

  summary.merged = plan.folded.size
  await finalize(conn, new Map(cancelled.map(i => [rows[i].id, {message: null, sfid: null, state: 'MERGED'} as Outcome])))
  const tables = await describeTables(conn, conn.spec.schema, [...new Set(plan.runs.map(r => r.table))])

  for (const run of plan.runs) {
    const mapping = conn.mappings.find(m => m.table === run.table)
    const outcomes = await executeRun(target, {columns: tables.get(run.table)?.columns ?? [], mapping, members, plan, rows, run}, summary)
    for (const index of run.indexes) {
      for (const m of members.get(index) ?? []) outcomes.set(rows[m].id, {message: null, sfid: null, state: 'MERGED'})
    }

    await finalize(conn, outcomes)
    summary.runs.push({action: run.action, count: run.count, table: run.table, via: run.via})
    if (mapping) mapping.times.sf_write = now()
  }

  return summary
}

interface RunContext {
  run: PlannedRun
  plan: WritePlan
  rows: LogRow[]
  members: Map<number, number[]>
  mapping: MappingRuntime | undefined
  columns: string[]
}

interface Pending {
  index: number
  operation: SfOperation
  record: SfRecord
}

async function executeRun(target: SyncTarget, rc: RunContext, summary: DrainSummary): Promise<Map<number, Outcome>> {
  const {conn, org} = target
  const {mapping, rows, run} = rc
  const outcomes = new Map<number, Outcome>()
  const failAll = (message: string) => {
    for (const i of run.indexes) outcomes.set(rows[i].id, {message, sfid: null, state: 'FAILED'})
    summary.failed += run.indexes.length
    return outcomes
  }

  if (!mapping) return failAll(`table ${run.table} is not mapped by this connection`)
  if (!rc.columns.includes('id')) return failAll(`table ${conn.spec.schema}.${run.table} does not exist`)

  const upsertField = mapping.config.upsert_field ?? undefined
  const extColumn = upsertField && rc.columns.includes(columnOf(upsertField)) ? columnOf(upsertField) : undefined
  const current = await currentRows(conn, run.table, run.indexes.map(i => rows[i].record_id), extColumn)
  const builder = new RecordBuilder(Object.keys(mapping.config.fields), org.describeObject(mapping.object))
  // With a unique identifier, a change is an upsert on it, except an UPDATE of a row whose sfid is
  // known: that goes by Id (carrying the identifier), since an upsert keyed on a value the record
  // does not hold yet (a backfilled identifier) would create a second record.
  const operationOf = (sfid: null | string): SfOperation => {
    if (run.action === 'DELETE') return 'delete'
    if (!upsertField) return run.action === 'INSERT' ? 'insert' : 'update'
    return run.action !== 'INSERT' && sfid ? 'update' : 'upsert'
  }

  const send: Pending[] = []
  const localFailures: Array<{index: number; message: string}> = []

  for (const index of run.indexes) {
    const row = rows[index]
    const here = row.record_id === null ? undefined : current.get(row.record_id)
    const sfid = row.sfid ?? here?.sfid ?? null
    const operation = operationOf(sfid)
    if (operation === 'delete') {
      if (sfid) send.push({index, operation, record: {Id: sfid}})
      else outcomes.set(row.id, {message: null, sfid: null, state: 'IGNORED'})
      continue
    }

    const values = mergedValues(rc, index)
    const record = builder.build(values, operation, run.action === 'INSERT')
    if (operation === 'upsert') {
      const key = record[upsertField!] ?? values[columnOf(upsertField!)] ?? parseHstore(row.old)[columnOf(upsertField!)] ?? here?.ext ?? null
      if (key === null || key === undefined) {
        localFailures.push({index, message: `MISSING_ARGUMENT: ${upsertField} not specified`})
        continue
      }

      record[upsertField!] = key
    } else if (operation === 'update') {
      if (!sfid) {
        localFailures.push({index, message: 'MISSING_ARGUMENT: Id not specified in an update call'})
        continue
      }

      record.Id = sfid
    }

    send.push({index, operation, record})
  }

  const results: SaveResult[] = Array.from({length: send.length})
  for (const operation of ['delete', 'insert', 'update', 'upsert'] as const) {
    const group = send.flatMap((p, i) => (p.operation === operation ? [i] : []))
    if (group.length === 0) continue
    const saved = await sendRecords(org, mapping.object, operation, group.map(i => send[i]), {externalId: upsertField, soapBatchSize: conn.spec.soapBatchSize ?? SOAP_BATCH_SIZE, via: run.via}, summary)
    for (const [j, i] of group.entries()) results[i] = saved[j]
  }

  const writeBack: Array<{id: number; sfid: string | null; op: string; err: string | null}> = []
  const settle = (index: number, result: {success: boolean; id?: string; message?: string}) => {
    const row = rows[index]
    if (result.success) {
      outcomes.set(row.id, {message: null, sfid: result.id ?? null, state: 'SUCCESS'})
      if (row.record_id !== null && run.action !== 'DELETE') {
        writeBack.push({err: null, id: row.record_id, op: run.action === 'INSERT' ? 'INSERTED' : 'UPDATED', sfid: result.id ?? null})
      }
    } else {
      summary.failed++
      outcomes.set(row.id, {message: result.message ?? 'unknown error', sfid: null, state: 'FAILED'})
      if (row.record_id !== null && run.action !== 'DELETE') {
        const err = JSON.stringify({msg: result.message, op: run.action, src: 'SFDC'})
        writeBack.push({err, id: row.record_id, op: 'FAILED', sfid: null})
      }
    }
  }

  for (const failure of localFailures) settle(failure.index, {message: failure.message, success: false})
  for (const [i, pending] of send.entries()) {
    const result = results[i]
    const message = result.errors.map(e => `${e.statusCode}: ${e.message}`).join('; ')
    settle(pending.index, {id: result.id, message, success: result.success})
  }

  summary.records += send.length
  await writeBackRows(conn, run.table, rc.columns, writeBack)
  return outcomes
}

/** Merged Writes: a surviving change carries the values of every change folded into it. */
function mergedValues(rc: RunContext, index: number): Record<string, string | null> {
  const values = parseHstore(rc.rows[index].values)
  for (const m of rc.members.get(index) ?? []) Object.assign(values, parseHstore(rc.rows[m].values))
  return values
}

async function currentRows(conn: ConnectionRuntime, table: string, ids: Array<number | null>, extColumn?: string): Promise<Map<number, {sfid: string | null; ext: unknown}>> {
  const wanted = ids.filter((id): id is number => id !== null)
  const ext = extColumn ? `, ${quoteIdent(extColumn)} AS ext` : ', NULL AS ext'
  const rows = await query<{id: number; sfid: string | null; ext: unknown}>(
    conn,
    `SELECT id, sfid${ext} FROM ${qualified(conn.spec.schema, table)} WHERE id = ANY($1)`,
    [wanted],
  )
  return new Map(rows.map(r => [r.id, {ext: r.ext, sfid: r.sfid}]))
}

async function sendRecords(
  org: FakeOrg, object: string, operation: SfOperation, pending: Pending[], how: {via: 'bulk' | 'soap'; externalId: string | undefined; soapBatchSize: number}, summary: DrainSummary,
): Promise<SaveResult[]> {
  const {externalId, soapBatchSize, via} = how
  const records = pending.map(p => p.record)
  const ext = operation === 'upsert' ? externalId : undefined
  const attempt = async (batch: SfRecord[], call: () => Promise<SaveResult[]>): Promise<SaveResult[]> => {
    try {
      const results = await call()
      if (results.length !== batch.length) throw new Error(`the org answered ${results.length} results for ${batch.length} records`)
      return results
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return batch.map(() => ({errors: [{fields: [], message, statusCode: 'UNKNOWN_EXCEPTION'}], success: false}))
    }
  }

  if (records.length === 0) return []
  if (via === 'bulk') {
    summary.bulkJobs++
    return attempt(records, () => org.bulkWrite(object, operation, records, ext, BULK_BATCH_SIZE))
  }

  const results: SaveResult[] = []
  for (let i = 0; i < records.length; i += soapBatchSize) {
    const batch = records.slice(i, i + soapBatchSize)
    summary.soapCalls++
    results.push(...await attempt(batch, () => org.soapWrite(object, operation, batch, ext)))
  }

  return results
}

async function writeBackRows(conn: ConnectionRuntime, table: string, columns: string[], rows: Array<{id: number; sfid: string | null; op: string; err: string | null}>): Promise<void> {
  if (rows.length === 0) return
  const hc = columns.includes('_hc_lastop') && columns.includes('_hc_err')
  await query(
    conn,
    `UPDATE ${qualified(conn.spec.schema, table)} AS t
        SET sfid = coalesce(v.sfid, t.sfid)${hc ? ', _hc_lastop = v.op, _hc_err = v.err' : ''}
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS v(id, sfid, op, err)
      WHERE t.id = v.id`,
    [rows.map(r => r.id), rows.map(r => r.sfid), rows.map(r => r.op), rows.map(r => r.err)],
  )
}

async function finalize(conn: ConnectionRuntime, outcomes: Map<number, Outcome>): Promise<void> {
  if (outcomes.size === 0) return
  const ids = [...outcomes.keys()]
  const list = ids.map(id => outcomes.get(id)!)
  await query(
    conn,
    `WITH v AS (SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS v(id, state, msg, sfid)),
     moved AS (
       DELETE FROM ${logTable(conn)} AS l USING v WHERE l.id = v.id
       RETURNING l.id, l.txid, l.created_at, l.action, l.table_name, l.record_id, l.sfid, l.old, l."values", l.sf_result,
                 v.state AS new_state, v.msg, v.sfid AS new_sfid
     )
     INSERT INTO ${logTable(conn, true)}
       (id, txid, created_at, updated_at, processed_at, processed_tx, state, action, table_name, record_id, sfid, old, "values", sf_result, sf_message)
     SELECT id, txid, created_at, now(), now(), txid_current(), new_state, action, table_name, record_id,
            coalesce(sfid, new_sfid), old, "values", sf_result, msg
       FROM moved`,
    [ids, list.map(o => o.state), list.map(o => o.message), list.map(o => o.sfid)],
  )
}

import type {Pool, QueryResult, QueryResultRow} from 'pg'

import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import type {OrgSpec, SfFieldSpec, SfObjectSpec} from '../model.js'
import type {RecordStore, SfRecord} from '../org-runtime.js'
import {keyPrefixFor} from '../salesforce/fields.js'
import type {DdlPhases} from './ddl.js'
import {type ColumnSpec, findField, orgColumns} from './field-types.js'
import {fitName, truncateIdentifier} from './names.js'

// The fake org's records live in Postgres, next to the Connect schema, so a million-row org costs
// no Node memory and a seed is one INSERT … SELECT. Deletes are soft, as in Salesforce (the row
// stays with IsDeleted = true), so Connect's poller can still see them.

export const ORG_STORE_SCHEMA = 'hcg_fake_salesforce'

export const orgStoreTableName = (object: string): string => truncateIdentifier(object.toLowerCase())
const sequenceName = (object: string): string => fitName([{part: orgStoreTableName(object)}, '_sfid_seq'])

/** Salesforce's case-safe suffix: one character per 5-character chunk, a bit per upper-case letter. */
function checksumChar(chunk: string): string {
  let bits = 0
  for (let i = 0; i < chunk.length; i++) if (chunk[i] >= 'A' && chunk[i] <= 'Z') bits |= 1 << i
  return 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'[bits]
}

/**
 * SQL for the 18-character id of record number `n` (below 9e9): key prefix, a pod, ten digits and
 * the checksum. Only the first chunk can hold upper-case letters, so the suffix is fixed per object.
 */
export function sfidSql(object: string, n: string): string {
  const head = `${keyPrefixFor(object)}8d`
  return `(${quoteLiteral(head)} || (1000000000 + (${n}))::text || ${quoteLiteral(`${checksumChar(head)}AA`)})`
}

/** Tables (one per object, empty) and their id sequences; primary keys come after a bulk load. */
export function orgStoreSql(org: OrgSpec): DdlPhases {
  const schema = quoteIdent(ORG_STORE_SCHEMA)
  const ddl: DdlPhases = {indexes: [], tables: [`CREATE SCHEMA IF NOT EXISTS ${schema}`], triggers: []}
  for (const object of org.objects) {
    const table = qualified(ORG_STORE_SCHEMA, orgStoreTableName(object.name))
    const columns = orgColumns(object).map((c) => `  ${quoteIdent(c.column)} ${c.pgType}${c.column === 'sfid' ? ' NOT NULL' : ''}`)
    ddl.tables.push(`CREATE TABLE ${table} (\n${columns.join(',\n')}\n)`, `CREATE SEQUENCE ${qualified(ORG_STORE_SCHEMA, sequenceName(object.name))} AS bigint`)
    ddl.indexes.push(orgStorePrimaryKeySql(object.name))
  }

  return ddl
}

export const orgStorePrimaryKeySql = (object: string): string =>
  `ALTER TABLE ${qualified(ORG_STORE_SCHEMA, orgStoreTableName(object))} ADD PRIMARY KEY (sfid)`

/** Moves the id sequence past `rows` seeded records. */
export const orgStoreSequenceSql = (object: string, rows: number): string =>
  `SELECT setval(${quoteLiteral(qualified(ORG_STORE_SCHEMA, sequenceName(object)))}, ${Math.max(rows, 1)}, ${rows > 0})`

type Runner = {query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>}

interface ObjectLayout {
  spec: SfObjectSpec
  table: string
  columns: ColumnSpec[]
  byName: Map<string, ColumnSpec>
}

const STAMP = "date_trunc('milliseconds', clock_timestamp() AT TIME ZONE 'UTC')"

export class PgRecordStore implements RecordStore {
  private readonly layouts = new Map<string, ObjectLayout>()

  constructor(private readonly db: Runner, org: OrgSpec, private readonly onClose?: () => Promise<void>) {
    for (const spec of org.objects) {
      const columns = orgColumns(spec)
      const byName = new Map(columns.map((c) => [c.field.name.toLowerCase(), c]))
      this.layouts.set(spec.name.toLowerCase(), {byName, columns, spec, table: qualified(ORG_STORE_SCHEMA, orgStoreTableName(spec.name))})
    }
  }

  /** A store with its own small pool on the database that holds `hcg_fake_salesforce`. */
  static async open(databaseUrl: string, org: OrgSpec): Promise<PgRecordStore> {
    const {default: pg} = await import('pg')
    const pool: Pool = new pg.Pool({application_name: 'hcg-fake-salesforce', connectionString: databaseUrl, max: 4})
    pool.on('error', () => {}) // an idle client losing its server must not crash the sandbox
    return new PgRecordStore(pool, org, () => pool.end())
  }

  async close(): Promise<void> {
    await this.onClose?.()
  }

  async count(object: string): Promise<number> {
    const {table} = this.layout(object)
    const {rows} = await this.db.query<{n: string}>(`SELECT count(*) AS n FROM ${table} WHERE isdeleted IS NOT TRUE`)
    return Number(rows[0].n)
  }

  async select(object: string, fields: string[], options: {limit?: number; offset?: number; where?: {field: string; values: unknown[]}} = {}): Promise<SfRecord[]> {
    const layout = this.layout(object)
    const wanted = fields.map((name) => ({name, spec: this.column(layout, name)}))
    const list = wanted.map((w, i) => `${outputSql(w.spec)} AS c${i}`).join(', ') || 'NULL'
    const params: unknown[] = []
    let filter = 'isdeleted IS NOT TRUE'
    if (options.where) {
      const spec = this.column(layout, options.where.field)
      params.push(options.where.values.map((v) => inputValue(spec, v)))
      filter += ` AND ${quoteIdent(spec.column)} = ANY($1::${spec.pgType}[])`
    }

    const page = `${options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`}${options.offset ? ` OFFSET ${Math.floor(options.offset)}` : ''}`
    const {rows} = await this.db.query<Record<string, unknown>>(`SELECT ${list} FROM ${layout.table} WHERE ${filter} ORDER BY sfid${page}`, params)
    return rows.map((row) => Object.fromEntries(wanted.map((w, i) => [w.spec.field.name, row[`c${i}`]])))
  }

  async insert(object: string, records: SfRecord[]): Promise<string[]> {
    if (records.length === 0) return []
    const layout = this.layout(object)
    const data = layout.columns.filter((c) => !['createddate', 'isdeleted', 'sfid', 'systemmodstamp'].includes(c.column))
    const sequence = quoteLiteral(qualified(ORG_STORE_SCHEMA, sequenceName(layout.spec.name)))
    const sql = `WITH src AS MATERIALIZED (
  SELECT r.ord, ${sfidSql(layout.spec.name, `nextval(${sequence})`)} AS sfid, r.rec
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(rec, ord)
), ins AS (
  INSERT INTO ${layout.table} (sfid, createddate, isdeleted, systemmodstamp${data.map((c) => `, ${quoteIdent(c.column)}`).join('')})
  SELECT src.sfid, coalesce(p.createddate, ${STAMP}), false, ${STAMP}${data.map((c) => `, p.${quoteIdent(c.column)}`).join('')}
  FROM src CROSS JOIN LATERAL jsonb_populate_record(NULL::${layout.table}, src.rec) AS p
)
SELECT sfid FROM src ORDER BY ord`
    const {rows} = await this.db.query<{sfid: string}>(sql, [JSON.stringify(records.map((r) => this.toRow(layout, r)))])
    return rows.map((row) => row.sfid)
  }

  async update(object: string, records: SfRecord[]): Promise<boolean[]> {
    if (records.length === 0) return []
    const layout = this.layout(object)
    const data = layout.columns.filter((c) => !['isdeleted', 'sfid', 'systemmodstamp'].includes(c.column))
    // only the fields a record carries change; the others keep their values
    const sets = data.map((c) => `${quoteIdent(c.column)} = CASE WHEN src.rec ? ${quoteLiteral(c.column)} THEN (src.p).${quoteIdent(c.column)} ELSE t.${quoteIdent(c.column)} END`)
    const sql = `UPDATE ${layout.table} AS t SET systemmodstamp = ${STAMP}${sets.map((s) => `, ${s}`).join('')}
FROM (SELECT r.rec, jsonb_populate_record(NULL::${layout.table}, r.rec) AS p FROM jsonb_array_elements($1::jsonb) AS r(rec)) AS src
WHERE t.sfid = src.rec->>'sfid' AND t.isdeleted IS NOT TRUE
RETURNING t.sfid`
    const {rows} = await this.db.query<{sfid: string}>(sql, [JSON.stringify(records.map((r) => this.toRow(layout, r)))])
    const updated = new Set(rows.map((row) => row.sfid))
    return records.map((r) => updated.has(String(r.Id ?? r.id)))
  }

  async remove(object: string, ids: string[]): Promise<boolean[]> {
    if (ids.length === 0) return []
    const {table} = this.layout(object)
    const {rows} = await this.db.query<{sfid: string}>(
      `UPDATE ${table} SET isdeleted = true, systemmodstamp = ${STAMP} WHERE sfid = ANY($1::varchar[]) AND isdeleted IS NOT TRUE RETURNING sfid`,
      [ids],
    )
    const removed = new Set(rows.map((row) => row.sfid))
    return ids.map((id) => removed.has(id))
  }

  /** A field the org gained at runtime (the spec already lists it): a new, empty column. */
  async addField(object: string, field: SfFieldSpec): Promise<void> {
    const layout = this.layout(object)
    const columns = orgColumns({...layout.spec, fields: [...layout.spec.fields.filter((f) => f.name !== field.name), field]})
    const added = columns.find((c) => c.field.name === field.name)
    if (!added) return
    await this.db.query(`ALTER TABLE ${layout.table} ADD COLUMN IF NOT EXISTS ${quoteIdent(added.column)} ${added.pgType}`)
    layout.columns = columns
    layout.byName = new Map(columns.map((c) => [c.field.name.toLowerCase(), c]))
  }

  private layout(object: string): ObjectLayout {
    const layout = this.layouts.get(object.toLowerCase())
    if (!layout) throw new Error(`sObject type '${object}' is not supported`)
    return layout
  }

  private column(layout: ObjectLayout, field: string): ColumnSpec {
    const spec = layout.byName.get(field.toLowerCase())
    if (spec) return spec
    const compound = findField(layout.spec, field)
    throw new Error(compound ? `${layout.spec.name}.${compound.name} is a compound field; select its parts` : `No such column '${field}' on entity '${layout.spec.name}'`)
  }

  private toRow(layout: ObjectLayout, record: SfRecord): Record<string, unknown> {
    const row: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(record)) {
      if (name === 'attributes') continue
      const spec = this.column(layout, name)
      row[spec.column] = inputValue(spec, value)
    }

    return row
  }
}

/** Values as the Salesforce REST API renders them: datetimes `…T10:00:00.000+0000`, dates and times as text. */
function outputSql(spec: ColumnSpec): string {
  const col = quoteIdent(spec.column)
  if (spec.pgType === 'timestamp') return `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"+0000"')`
  if (spec.pgType === 'date') return `to_char(${col}, 'YYYY-MM-DD')`
  if (spec.pgType === 'time') return `to_char(${col}, 'HH24:MI:SS.MS"Z"')`
  return col
}

/** Timestamps are stored as UTC without a zone, as Connect stores them; Postgres would drop an offset rather than apply it. */
function inputValue(spec: ColumnSpec, value: unknown): unknown {
  if (spec.pgType !== 'timestamp' || value === null || value === undefined) return value
  const parsed = value instanceof Date ? value : new Date(String(value).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString().replace('Z', '')
}

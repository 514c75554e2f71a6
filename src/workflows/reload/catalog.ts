import type {PgQueryable} from '../../clients/postgres.js'
import {UsageError} from '../../errors.js'
import {qualified, quoteIdent} from '../../sql.js'
import type {ForeignKeyDdl, RemapTarget} from './types.js'

// What the reload needs to know about one mapped table beyond the audit's catalog: the DDL of the
// foreign keys around it, who depends on it, whether the session may do what the run will do,
// and whether each --remap column really holds this table's ids. One query per concern.

export async function readForeignKeyDdl(db: PgQueryable, schema: string, table: string): Promise<{in: ForeignKeyDdl[]; out: ForeignKeyDdl[]}> {
  const {rows} = await db.query<ForeignKeyDdl & {incoming: boolean}>(
    `SELECT fn.nspname AS schema, fc.relname AS table, con.conname AS name,
            regexp_replace(pg_get_constraintdef(con.oid), '\\s+NOT VALID$', '') AS definition,
            (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
            con.confrelid = $1::regclass AS incoming
       FROM pg_constraint con JOIN pg_class fc ON fc.oid = con.conrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      WHERE con.contype = 'f' AND (con.confrelid = $1::regclass OR con.conrelid = $1::regclass)
      ORDER BY 1, 2, 3`,
    [qualified(schema, table)],
  )
  const strip = ({incoming: _incoming, ...fk}: ForeignKeyDdl & {incoming: boolean}) => fk
  return {in: rows.filter(r => r.incoming).map(r => strip(r)), out: rows.filter(r => !r.incoming).map(r => strip(r))}
}

export async function readTableDependants(db: PgQueryable, schema: string, table: string): Promise<{functions: Array<{name: string; schema: string}>; triggers: Array<{definition: string; name: string}>; views: Array<{kind: string; name: string; schema: string}>}> {
  const target = qualified(schema, table)
  const views = await db.query<{kind: string; name: string; schema: string}>(
      `SELECT DISTINCT vn.nspname AS schema, v.relname AS name, CASE v.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END AS kind
         FROM pg_depend d JOIN pg_rewrite rw ON rw.oid = d.objid
         JOIN pg_class v ON v.oid = rw.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::regclass AND v.oid <> d.refobjid
        ORDER BY 1, 2`,
      [target],
    )
  // the user's triggers; Connect's own (hc_*) are its business
  const triggers = await db.query<{definition: string; name: string}>(
      `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS definition FROM pg_trigger t
        WHERE t.tgrelid = $1::regclass AND NOT t.tgisinternal AND t.tgname NOT LIKE 'hc\\_%' ORDER BY 1`,
      [target],
    )
  // plpgsql bodies are not tracked by pg_depend: a function that names the table is a dependant
  const functions = await db.query<{name: string; schema: string}>(
      `SELECT n.nspname AS schema, p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.proname NOT LIKE 'hc\\_%'
          AND position(lower($1) IN lower(p.prosrc)) > 0 ORDER BY 1, 2`,
      [table],
    )
  return {functions: functions.rows, triggers: triggers.rows, views: views.rows}
}

export interface TableCounts {
  rows: number
  unsynced: number
  unsyncedSamples: number[]
  failed: number
  failedSamples: string[]
  pending: number
}

export async function readTableCounts(db: PgQueryable, schema: string, table: string, hasStatusColumns: boolean, hasLog: boolean): Promise<TableCounts> {
  const t = qualified(schema, table)
  const failed = hasStatusColumns ? "count(*) FILTER (WHERE _hc_lastop = 'FAILED')" : '0'
  const samples = hasStatusColumns ? "(array_agg(DISTINCT left(coalesce(_hc_err, '(no detail)'), 200)) FILTER (WHERE _hc_lastop = 'FAILED'))[1:3]" : 'NULL::text[]'
  const {rows: [row]} = await db.query<{failed: string; rows: string; samples: null | string[]; unsynced: string; unsynced_ids: null | number[]}>(
    `SELECT count(*) AS rows, count(*) FILTER (WHERE sfid IS NULL) AS unsynced,
            (array_agg(id ORDER BY id) FILTER (WHERE sfid IS NULL))[1:5] AS unsynced_ids,
            ${failed} AS failed, ${samples} AS samples
       FROM ${t}`,
  )
  let pending = 0
  if (hasLog) {
    const {rows: [log]} = await db.query<{n: string}>(
      `SELECT count(*) AS n FROM ${qualified(schema, '_trigger_log')} WHERE table_name = $1 AND state IN ('NEW', 'PENDING')`,
      [table],
    )
    pending = Number(log.n)
  }

  return {
    failed: Number(row.failed),
    failedSamples: row.samples ?? [],
    pending,
    rows: Number(row.rows),
    unsynced: Number(row.unsynced),
    unsyncedSamples: (row.unsynced_ids ?? []).map(Number),
  }
}

export async function readPendingCount(db: PgQueryable, schema: string, table: string): Promise<number> {
  const {rows: [log]} = await db.query<{n: string}>(
    `SELECT count(*) AS n FROM ${qualified(schema, '_trigger_log')} WHERE table_name = $1 AND state IN ('NEW', 'PENDING')`,
    [table],
  )
  return Number(log.n)
}

/** A hot standby or a read-only default cannot be reloaded safely: nothing could be backed up. */
export async function readWritability(db: PgQueryable): Promise<{readOnly: boolean; standby: boolean}> {
  const {rows: [row]} = await db.query<{read_only: string; standby: boolean}>(
    "SELECT pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') AS read_only",
  )
  return {readOnly: row.read_only === 'on', standby: row.standby}
}

/** What the session may not do that the run needs: one line each. */
export async function readMissingPrivileges(db: PgQueryable, schema: string, table: string, foreignKeys: ForeignKeyDdl[], remap: RemapTarget[], stateSchema: string): Promise<string[]> {
  const {rows} = await db.query<{problem: null | string}>(
    `SELECT CASE WHEN NOT pg_has_role(current_user, c.relowner, 'USAGE') THEN format('%s is not the owner of %I.%I, so it cannot drop and re-create foreign key %I', current_user, f.s, f.t, f.n) END AS problem
       FROM json_to_recordset($1::json) f(s text, t text, n text)
       JOIN pg_class c ON c.oid = format('%I.%I', f.s, f.t)::regclass
     UNION ALL
     SELECT CASE WHEN NOT has_table_privilege(format('%I.%I', $2::text, $3::text), 'REFERENCES') AND json_array_length($1::json) > 0
                 THEN format('%s lacks REFERENCES on %I.%I, needed to re-create the foreign keys', current_user, $2::text, $3::text) END
     UNION ALL
     SELECT CASE WHEN NOT has_column_privilege(format('%I.%I', r.s, r.t), r.c, 'UPDATE') THEN format('%s lacks UPDATE on %I.%I(%I)', current_user, r.s, r.t, r.c) END
       FROM json_to_recordset($4::json) r(s text, t text, c text)
     UNION ALL
     SELECT CASE WHEN n.oid IS NULL AND NOT has_database_privilege(current_database(), 'CREATE')
                   THEN format('%s may not create schema %I in this database', current_user, $5::text)
                 WHEN n.oid IS NOT NULL AND NOT has_schema_privilege(n.oid, 'CREATE')
                   THEN format('%s may not create tables in schema %I', current_user, $5::text) END
       FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $5`,
    [
      JSON.stringify(foreignKeys.map(fk => ({n: fk.name, s: fk.schema, t: fk.table}))),
      schema,
      table,
      JSON.stringify(remap.map(r => ({c: r.column, s: r.schema, t: r.table}))),
      stateSchema,
    ],
  )
  return rows.map(r => r.problem).filter((p): p is string => p !== null)
}

const INTEGER_TYPES = new Set(['bigint', 'integer', 'smallint'])

/** Parses `schema.table.column`, checks the column exists and is an integer, and finds a key to batch by. */
export async function resolveRemapTarget(db: PgQueryable, spec: string, connectSchema: string): Promise<RemapTarget> {
  const parts = spec.split('.')
  if (parts.length !== 3 || parts.some(p => p === '')) throw new UsageError(`--remap ${spec}: expected schema.table.column`, 'for example --remap public.orders.contact_id')
  const [schema, table, column] = parts
  if (schema === connectSchema) {
    throw new UsageError(`--remap ${spec}: the column is inside the Connect schema ${connectSchema}`, 'the plugin never writes through a Connect table; move app tables out with `heroku connect:schema:scaffold --move`')
  }

  const {rows} = await db.query<{key: null | string; key_type: null | string; type: null | string}>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type,
            (SELECT ka.attname FROM pg_index i JOIN pg_attribute ka ON ka.attrelid = i.indrelid AND ka.attnum = i.indkey[0]
              WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1) AS key,
            (SELECT format_type(ka.atttypid, ka.atttypmod) FROM pg_index i JOIN pg_attribute ka ON ka.attrelid = i.indrelid AND ka.attnum = i.indkey[0]
              WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1) AS key_type
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table, column],
  )
  if (rows.length === 0) throw new UsageError(`--remap ${spec}: table ${schema}.${table} does not exist`)
  const [row] = rows
  if (!row.type) throw new UsageError(`--remap ${spec}: table ${schema}.${table} has no column ${column}`)
  if (!INTEGER_TYPES.has(row.type)) throw new UsageError(`--remap ${spec}: the column is ${row.type}, so it cannot hold Connect ids (integers)`)
  return {column, key: row.key && row.key_type && INTEGER_TYPES.has(row.key_type) ? row.key : null, schema, table}
}

/** Values of a --remap column that are not ids of the table: a column that holds something else. */
export async function countForeignValues(db: PgQueryable, target: RemapTarget, schema: string, table: string): Promise<{distinct: number; foreign: number; samples: number[]}> {
  const col = quoteIdent(target.column)
  const {rows: [row]} = await db.query<{distinct: string; foreign: string; samples: null | number[]}>(
    `SELECT count(DISTINCT x.${col}) AS distinct,
            count(DISTINCT x.${col}) FILTER (WHERE c.id IS NULL) AS foreign,
            (array_agg(DISTINCT x.${col}) FILTER (WHERE c.id IS NULL))[1:5] AS samples
       FROM ${qualified(target.schema, target.table)} x LEFT JOIN ${qualified(schema, table)} c ON c.id = x.${col}
      WHERE x.${col} IS NOT NULL`,
  )
  return {distinct: Number(row.distinct), foreign: Number(row.foreign), samples: (row.samples ?? []).map(Number)}
}

import type {PgQueryable} from '../../clients/postgres.js'
import {qualified, quoteIdent} from '../../sql.js'
import type {DuplicateGroup, ExternalIdPlan, MappingPlan} from './types.js'

// The Postgres side of connect:external-ids: what it reads before it plans, the DDL it runs, and
// the same statements as text for --dry-run and --out. Every identifier is quoted; values travel
// as parameters. The DDL touches only the column's default: Connect's logging triggers fire on
// rows, not on ALTER TABLE, so nothing of it reaches _trigger_log.

/** PG 13 has gen_random_uuid() built in; before, it is pgcrypto's. */
export const BUILTIN_UUID_VERSION = 130_000

export const uuidValue = 'gen_random_uuid()::text'

export function setDefaultSql(m: Pick<MappingPlan, 'column' | 'schema' | 'table'>): string {
  return `ALTER TABLE ${qualified(m.schema, m.table)} ALTER COLUMN ${quoteIdent(m.column)} SET DEFAULT ${uuidValue}`
}

export const PGCRYPTO_SQL = 'CREATE EXTENSION IF NOT EXISTS pgcrypto'

/** One batch of the backfill, with its bounds written in (for the printed plan and --out). */
export function backfillBatchText(m: Pick<MappingPlan, 'column' | 'key' | 'schema' | 'table'>, from: number | string, to: number | string): string {
  const col = quoteIdent(m.column)
  return `UPDATE ${qualified(m.schema, m.table)} SET ${col} = ${uuidValue} WHERE ${quoteIdent(m.key)} >= ${from} AND ${quoteIdent(m.key)} < ${to} AND ${col} IS NULL`
}

export interface ColumnState {
  exists: boolean
  default: null | string
  nulls: number
  /** NULL rows that Salesforce already has (sfid set) */
  synced: number
  minKey: null | number
  maxKey: null | number
}

/** The identifier column as it is now: its default, how many rows lack a value, and the key range. */
export async function readColumn(db: PgQueryable, m: Pick<MappingPlan, 'column' | 'key' | 'schema' | 'table'>): Promise<ColumnState> {
  const {rows: [info]} = await db.query<{default: null | string; exists: boolean}>(
    `SELECT count(*) > 0 AS exists, max(pg_get_expr(d.adbin, d.adrelid)) AS default
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped`,
    [qualified(m.schema, m.table), m.column],
  )
  const table = qualified(m.schema, m.table)
  const key = quoteIdent(m.key)
  if (!info.exists) {
    const {rows: [r]} = await db.query<{max: null | string; min: null | string; n: string; synced: string}>(
      `SELECT count(*) AS n, count(sfid) AS synced, min(${key}) AS min, max(${key}) AS max FROM ${table}`)
    return {default: null, exists: false, maxKey: num(r.max), minKey: num(r.min), nulls: Number(r.n), synced: Number(r.synced)}
  }

  const col = quoteIdent(m.column)
  const {rows: [r]} = await db.query<{max: null | string; min: null | string; n: string; synced: string}>(
    `SELECT count(*) AS n, count(sfid) AS synced, min(${key}) AS min, max(${key}) AS max FROM ${table} WHERE ${col} IS NULL`)
  return {default: info.default, exists: true, maxKey: num(r.max), minKey: num(r.min), nulls: Number(r.n), synced: Number(r.synced)}
}

const num = (value: null | string): null | number => (value === null ? null : Number(value))

/** Values held by more than one row, with those rows (a bounded sample of groups). */
export async function readDuplicates(db: PgQueryable, m: Pick<MappingPlan, 'column' | 'key' | 'schema' | 'table'>, limit = 20): Promise<DuplicateGroup[]> {
  const col = quoteIdent(m.column)
  const key = quoteIdent(m.key)
  const {rows} = await db.query<{ids: string[]; sfids: Array<null | string>; value: string}>(
    `SELECT ${col}::text AS value, array_agg(${key}::text ORDER BY ${key}) AS ids, array_agg(sfid::text ORDER BY ${key}) AS sfids
       FROM ${qualified(m.schema, m.table)} WHERE ${col} IS NOT NULL GROUP BY ${col} HAVING count(*) > 1 ORDER BY 1 LIMIT $1`,
    [limit],
  )
  return rows.map(r => ({rows: r.ids.map((id, i) => ({id: Number(id), sfid: r.sfids[i]})), value: r.value}))
}

/** Why the database cannot take writes, or null: a hot standby, or read-only by default. */
export async function readOnlyReason(db: PgQueryable): Promise<null | string> {
  const {rows: [r]} = await db.query<{recovery: boolean; readonly: string}>(
    "SELECT pg_is_in_recovery() AS recovery, current_setting('default_transaction_read_only') AS readonly")
  if (r.recovery) return 'the database is a hot standby (pg_is_in_recovery() is true)'
  if (r.readonly === 'on') return 'the database is read-only (default_transaction_read_only is on)'
  return null
}

/** The Postgres part as a migration, the Salesforce and Connect steps as comments. */
export function migrationFile(plan: ExternalIdPlan, bounds: Record<string, {maxKey: null | number; minKey: null | number}>): string {
  const lines = [
    '-- connect:external-ids: a unique identifier for read-write Heroku Connect mappings',
    `-- app ${plan.app}, schema ${plan.schema}; generated ${new Date().toISOString()}`,
    '--',
    '-- Do these first (this file cannot): for each mapping below',
    '--   1. Salesforce: a Text(36) field marked External ID and Unique (Tooling API CustomField)',
    `--   2. Salesforce: Edit on the field for Connect's user, through permission set ${plan.permissionSet}`,
    '--   3. Connect: add the field to the mapping and make it the unique identifier (upsert_field);',
    '--      Connect then adds the column. Or run: heroku connect:external-ids -a APP --confirm APP',
    '--',
    '-- Connect does not carry a column default through a configuration import (connect:import):',
    '-- keep the default in the app\'s own migrations, or set the identifier at INSERT in the app.',
    '-- The backfill runs in key-range batches so no statement holds its locks for long; run it',
    '-- outside one big transaction (each statement commits on its own).',
    '',
  ]
  if (plan.needsPgcrypto) lines.push(`${PGCRYPTO_SQL};`, '')
  for (const m of plan.mappings) {
    if (plan.blocked.includes(m.object)) {
      lines.push(`-- ${m.object}: skipped, ${m.duplicates.length} duplicated values must be resolved by hand first`, '')
      continue
    }

    lines.push(`-- ${m.object}: Salesforce field ${m.object}.${m.field}, column ${m.schema}.${m.table}.${m.column}`)
    if (m.actions.field) lines.push(`--   Salesforce: ${m.actions.field}`)
    if (m.actions.access) lines.push(`--   Salesforce: ${m.actions.access}`)
    if (m.actions.mapping) lines.push(`--   Connect: ${m.actions.mapping}`)
    if (m.actions.default) lines.push(`${setDefaultSql(m)};`)
    const range = bounds[m.object]
    if (m.actions.backfill && range?.minKey !== null && range?.maxKey !== null && range) {
      for (let from = range.minKey!; from <= range.maxKey!; from += plan.batchRows) lines.push(`${backfillBatchText(m, from, from + plan.batchRows)};`)
    } else if (m.actions.backfill) {
      lines.push(`UPDATE ${qualified(m.schema, m.table)} SET ${quoteIdent(m.column)} = ${uuidValue} WHERE ${quoteIdent(m.column)} IS NULL;`)
    }

    lines.push('')
  }

  return `${lines.join('\n')}\n`
}

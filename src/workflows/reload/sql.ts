import {qualified, quoteIdent} from '../../sql.js'
import {STATE_SCHEMA} from '../state/schema.js'
import type {ForeignKeyDdl, ReloadPlan, RemapTarget} from './types.js'

// Every statement the reload runs, built in one place so --dry-run prints exactly what a real run
// executes. Identifiers are quoted; values (key ranges) travel as parameters $1, $2.

export const backupTable = (journalId: number): string => `reload_${journalId}_backup`
export const idMapTable = (journalId: number): string => `reload_${journalId}_idmap`
export const ddlTable = 'reload_ddl'

const state = (name: string) => qualified(STATE_SCHEMA, name)
const target = (plan: ReloadPlan) => qualified(plan.schema, plan.table)

export function backupSql(plan: ReloadPlan, journalId: number): string[] {
  const backup = state(backupTable(journalId))
  return [
    `CREATE TABLE ${backup} AS TABLE ${target(plan)}`,
    `CREATE INDEX ON ${backup} (sfid)`,
    `CREATE TABLE IF NOT EXISTS ${state(ddlTable)} (journal_id bigint NOT NULL, kind text NOT NULL, name text NOT NULL, ddl text NOT NULL)`,
  ]
}

export const dropForeignKeySql = (fk: ForeignKeyDdl): string => `ALTER TABLE ${qualified(fk.schema, fk.table)} DROP CONSTRAINT IF EXISTS ${quoteIdent(fk.name)}`
export const addForeignKeySql = (fk: ForeignKeyDdl): string => `ALTER TABLE ${qualified(fk.schema, fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition} NOT VALID`
export const validateForeignKeySql = (fk: ForeignKeyDdl): string => `ALTER TABLE ${qualified(fk.schema, fk.table)} VALIDATE CONSTRAINT ${quoteIdent(fk.name)}`

export function idMapSql(plan: ReloadPlan, journalId: number): string[] {
  const map = state(idMapTable(journalId))
  return [
    `CREATE TABLE IF NOT EXISTS ${map} (old_id bigint PRIMARY KEY, new_id bigint NOT NULL, sfid varchar(18) NOT NULL)`,
    `INSERT INTO ${map} (old_id, new_id, sfid)
  SELECT b.id, t.id, t.sfid FROM ${state(backupTable(journalId))} b JOIN ${target(plan)} t ON t.sfid = b.sfid
  WHERE b.sfid IS NOT NULL ON CONFLICT (old_id) DO NOTHING`,
    `ANALYZE ${map}`,
  ]
}

/** One batch: rows whose key (or old id, without a key) is in [$1, $2). Each range runs once. */
export function remapBatchSql(target: RemapTarget, journalId: number): string {
  const map = state(idMapTable(journalId))
  const col = quoteIdent(target.column)
  const range = target.key ? `x.${quoteIdent(target.key)} >= $1 AND x.${quoteIdent(target.key)} < $2` : 'm.old_id >= $1 AND m.old_id < $2'
  return `UPDATE ${qualified(target.schema, target.table)} AS x SET ${col} = m.new_id FROM ${map} m WHERE ${range} AND x.${col} = m.old_id`
}

/**
 * The batch range (lo, hi) and about how many rows it holds (n): with a key, min and max come from
 * its index and n from the planner's estimate (it only sizes the first batch; later ones adapt).
 */
export function remapBoundsSql(target: RemapTarget, journalId: number): string {
  const table = qualified(target.schema, target.table)
  if (target.key) {
    const key = quoteIdent(target.key)
    // reltuples is -1 until the table is first analyzed: then assume the keys are dense
    const estimate = `(SELECT reltuples FROM pg_class WHERE oid = '${table.replaceAll("'", "''")}'::regclass)`
    return `SELECT lo, hi, (CASE WHEN ${estimate} > 0 THEN ${estimate} ELSE hi - lo + 1 END)::bigint AS n
  FROM (SELECT min(${key})::bigint AS lo, max(${key})::bigint AS hi FROM ${table}) b`
  }

  return `SELECT min(old_id) AS lo, max(old_id) AS hi, count(*)::bigint AS n FROM ${state(idMapTable(journalId))}`
}

/** Non-null values of the column: the remap never changes whether a value is null, so this counts the same before, during and after it. */
export function nonNullSql(target: RemapTarget): string {
  return `SELECT count(${quoteIdent(target.column)})::bigint AS n FROM ${qualified(target.schema, target.table)}`
}

/** Rows missing, new and changed after the reload, by sfid, with a few sfids of each. */
export function verifySql(plan: ReloadPlan, journalId: number): string {
  const backup = state(backupTable(journalId))
  const data = plan.columns.filter(c => c !== 'sfid')
  const row = (alias: string) => (data.length > 0 ? `ROW(${data.map(c => `${alias}.${quoteIdent(c)}`).join(', ')})` : 'ROW()')
  return `SELECT (SELECT count(*) FROM ${backup})::bigint AS backed_up, (SELECT count(*) FROM ${target(plan)})::bigint AS reloaded,
  count(*) FILTER (WHERE t.sfid IS NULL)::bigint AS missing, count(*) FILTER (WHERE b.sfid IS NULL)::bigint AS new,
  count(*) FILTER (WHERE b.sfid IS NOT NULL AND t.sfid IS NOT NULL AND ${row('b')} IS DISTINCT FROM ${row('t')})::bigint AS changed,
  (array_agg(b.sfid) FILTER (WHERE t.sfid IS NULL))[1:5] AS missing_samples,
  (array_agg(t.sfid) FILTER (WHERE b.sfid IS NULL))[1:5] AS new_samples,
  (array_agg(t.sfid) FILTER (WHERE b.sfid IS NOT NULL AND t.sfid IS NOT NULL AND ${row('b')} IS DISTINCT FROM ${row('t')}))[1:5] AS changed_samples
  FROM (SELECT * FROM ${backup} WHERE sfid IS NOT NULL) b FULL JOIN ${target(plan)} t ON t.sfid = b.sfid`
}

/** Has Connect's reload replaced the rows? True once no backed-up (id, sfid) pair is left. */
export function reloadedSql(plan: ReloadPlan, journalId: number): string {
  const backup = state(backupTable(journalId))
  return `SELECT (SELECT count(*) FROM ${backup} WHERE sfid IS NOT NULL) = 0 AS empty,
  NOT EXISTS (SELECT 1 FROM ${backup} b JOIN ${target(plan)} t ON t.id = b.id AND t.sfid = b.sfid) AS replaced`
}

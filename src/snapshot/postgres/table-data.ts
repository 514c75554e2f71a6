import {qualified, quoteIdent, truncateIdentifier} from '../../sql.js'
import type {RelationFacts, UniqueIdFacts} from '../types.js'
import {DEFAULT_MAX_SCAN_SECONDS, partsWithinBudget, withinBudget} from './budget.js'
import type {Queryable} from './queryable.js'

// Per-table data checks, each one statement over all the tables that need it (UNION ALL), so the
// number of round trips does not grow with the number of mappings.

export interface UniqueIdTarget {
  table: string
  column: string
}

/**
 * NULLs and duplicates of each read-write mapping's unique identifier. Where a valid unique index
 * covers the column alone (Connect creates `hcu_idx_<t>_<column>`), duplicates are impossible and
 * the NULLs are an index lookup, all tables in one statement. Elsewhere the exact count is one
 * GROUP BY per table, under the per-check budget, and a table that runs out of time is reported
 * as unfinished rather than failing the audit.
 * Facts keep the names the targets were given in (the mapping's); the catalog is read under the names Postgres kept.
 */
export async function readUniqueIds(db: Queryable, schema: string, targets: UniqueIdTarget[], relations: RelationFacts[], maxScanSeconds = DEFAULT_MAX_SCAN_SECONDS): Promise<UniqueIdFacts[]> {
  const present = targets.filter(t => columnOf(relations, t.table, t.column))
  const missing = targets.filter(t => !columnOf(relations, t.table, t.column))
  const facts: UniqueIdFacts[] = missing.map(t => ({column: t.column, default: null, duplicates: 0, exists: false, nulls: 0, rows: 0, table: t.table}))
  const base = (t: UniqueIdTarget) => ({column: t.column, default: columnOf(relations, t.table, t.column)!.default, exists: true, table: t.table})
  const indexes = present.length > 0 ? await uniqueIndexes(db, schema, present) : []

  const indexed = present.flatMap((t, i) => (indexes[i].index ? [{...t, ...indexes[i], index: indexes[i].index!}] : []))
  const nulls = await indexedNulls(db, schema, indexed, maxScanSeconds)
  for (const [i, t] of indexed.entries()) {
    const found = nulls[i]
    const counted = found ? {nulls: found.nulls, rows: found.rows ?? t.estimate ?? 0, rowsEstimated: found.rows === null} : {nulls: 0, rows: t.estimate ?? 0, rowsEstimated: true, unfinished: {seconds: maxScanSeconds}}
    facts.push({...base(t), duplicates: 0, ...counted, uniqueIndex: t.index})
  }

  for (const t of present.filter((_, i) => !indexes[i].index)) {
    const col = quoteIdent(truncateIdentifier(t.column))
    const from = qualified(schema, truncateIdentifier(t.table))
    // the plain duplicate search (GROUP BY … HAVING), keeping the NULL group too, and a count(*),
    // which costs a small part of the GROUP BY: only the few groups that matter leave the scan
    const rows = await withinBudget<{duplicates: string; nulls: string; rows: string}>(db, maxScanSeconds,
      `SELECT (SELECT count(*) FROM ${from}) AS rows, coalesce(sum(n) FILTER (WHERE v IS NULL), 0) AS nulls,
              coalesce(sum(n - 1) FILTER (WHERE v IS NOT NULL), 0) AS duplicates
         FROM (SELECT ${col} AS v, count(*) AS n FROM ${from} GROUP BY ${col} HAVING count(*) > 1 OR ${col} IS NULL) AS g`)
    facts.push(rows
      ? {...base(t), duplicates: Number(rows[0].duplicates), nulls: Number(rows[0].nulls), rows: Number(rows[0].rows), uniqueIndex: null}
      : {...base(t), duplicates: 0, nulls: 0, rows: 0, unfinished: {seconds: maxScanSeconds}, uniqueIndex: null})
  }

  return facts.sort((a, b) => a.table.localeCompare(b.table))
}

/** Per target: a unique index that rules out duplicates on the column alone, and the planner's row estimate (null if never analysed). */
async function uniqueIndexes(db: Queryable, schema: string, targets: UniqueIdTarget[]): Promise<Array<{estimate: null | number; index: null | string}>> {
  const {rows} = await db.query<{estimate: null | number; i: string; index: null | string}>(
    `SELECT t.i, CASE WHEN c.reltuples >= 0 THEN round(c.reltuples)::float8 END AS estimate,
            (SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
              WHERE x.indrelid = c.oid AND x.indisunique AND x.indisvalid AND x.indpred IS NULL AND x.indexprs IS NULL
                AND x.indnkeyatts = 1 AND x.indkey[0] = a.attnum
              ORDER BY ic.relname LIMIT 1) AS index
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(tab, col, i)
       JOIN pg_class c ON c.relname = t.tab AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = t.col AND NOT a.attisdropped`,
    [schema, targets.map(t => truncateIdentifier(t.table)), targets.map(t => truncateIdentifier(t.column))],
  )
  const byIndex = new Map(rows.map(row => [Number(row.i) - 1, row]))
  return targets.map((_, i) => ({estimate: byIndex.get(i)?.estimate ?? null, index: byIndex.get(i)?.index ?? null}))
}

/** NULL counts through each table's unique index, one statement for all; a table whose count runs out of time gets null. */
async function indexedNulls(db: Queryable, schema: string, targets: Array<UniqueIdTarget & {estimate: null | number}>, seconds: number): Promise<Array<null | {nulls: number; rows: null | number}>> {
  if (targets.length === 0) return []
  const part = (t: UniqueIdTarget & {estimate: null | number}, i: number) => {
    const table = qualified(schema, truncateIdentifier(t.table))
    const col = quoteIdent(truncateIdentifier(t.column))
    // a table never analysed has no estimate: count it then (Connect's tables are analysed by autovacuum)
    const rows = t.estimate === null ? `(SELECT count(*) FROM ${table})` : 'NULL::bigint'
    return `SELECT ${i} AS i, (SELECT count(*) FROM ${table} WHERE ${col} IS NULL) AS nulls, ${rows} AS rows`
  }
  // a btree indexes NULLs; without these the planner may still pick a scan of the whole table
  const settings = {enable_bitmapscan: 'on', enable_seqscan: 'off'}
  const answers = await partsWithinBudget<{i: number; nulls: string; rows: null | string}>(db, seconds, targets.map((t, i) => part(t, i)), {settings})
  return answers.map(answer => answer && {nulls: Number(answer[0].nulls), rows: answer[0].rows === null ? null : Number(answer[0].rows)})
}

/** Rows Connect marked FAILED in `_hc_lastop`, per mapped table (named as given) that has Connect's status columns; tables whose scan ran out of time are listed apart. */
export async function readLastopFailed(db: Queryable, schema: string, tables: string[], relations: RelationFacts[], maxScanSeconds = DEFAULT_MAX_SCAN_SECONDS): Promise<{failed: Array<{count: number; samples: string[]; table: string}>; unfinished: string[]}> {
  const withColumns = tables.filter(t => columnOf(relations, t, '_hc_lastop') && columnOf(relations, t, '_hc_err'))
  const parts = withColumns.map(
    (t, i) => `SELECT ${i} AS i, count(*) AS n, (array_agg(DISTINCT left(coalesce(_hc_err, '(no detail)'), 300)))[1:3] AS samples
                 FROM ${qualified(schema, truncateIdentifier(t))} WHERE _hc_lastop = 'FAILED'`,
  )
  const answers = await partsWithinBudget<{i: number; n: string; samples: null | string[]}>(db, maxScanSeconds, parts)
  return {
    failed: answers.flatMap((rows, i) => (rows && Number(rows[0].n) > 0 ? [{count: Number(rows[0].n), samples: rows[0].samples ?? [], table: withColumns[i]}] : [])),
    unfinished: withColumns.filter((_, i) => answers[i] === null),
  }
}

function columnOf(relations: RelationFacts[], table: string, column: string) {
  const [relation, name] = [truncateIdentifier(table), truncateIdentifier(column)]
  return relations.find(r => r.name === relation && (r.kind === 'r' || r.kind === 'p'))?.columns.find(c => c.name === name)
}

import {qualified, quoteIdent, quoteLiteral, truncateIdentifier} from '../../sql.js'
import type {RelationFacts, UniqueIdFacts} from '../types.js'
import type {Queryable} from './queryable.js'

// Per-table data checks, each one statement over all the tables that need it (UNION ALL), so the
// number of round trips does not grow with the number of mappings.

export interface UniqueIdTarget {
  table: string
  column: string
}


/** Facts keep the names the targets were given in (the mapping's); the catalog is read under the names Postgres kept. */
export async function readUniqueIds(db: Queryable, schema: string, targets: UniqueIdTarget[], relations: RelationFacts[]): Promise<UniqueIdFacts[]> {
  const present = targets.filter(t => columnOf(relations, t.table, t.column))
  const missing = targets.filter(t => !columnOf(relations, t.table, t.column))
  const facts: UniqueIdFacts[] = missing.map(t => ({column: t.column, default: null, duplicates: 0, exists: false, nulls: 0, rows: 0, table: t.table}))
  if (present.length > 0) {
    const parts = present.map(
      (t, i) => `SELECT ${i} AS i, count(*) AS rows, count(*) FILTER (WHERE ${quoteIdent(truncateIdentifier(t.column))} IS NULL) AS nulls,
                        count(${quoteIdent(truncateIdentifier(t.column))}) - count(DISTINCT ${quoteIdent(truncateIdentifier(t.column))}) AS duplicates
                   FROM ${qualified(schema, truncateIdentifier(t.table))}`,
    )
    const {rows} = await db.query<{duplicates: string; i: number; nulls: string; rows: string}>(parts.join('\nUNION ALL\n'))
    for (const row of rows) {
      const target = present[row.i]
      facts.push({
        column: target.column,
        default: columnOf(relations, target.table, target.column)!.default,
        duplicates: Number(row.duplicates),
        exists: true,
        nulls: Number(row.nulls),
        rows: Number(row.rows),
        table: target.table,
      })
    }
  }

  return facts.sort((a, b) => a.table.localeCompare(b.table))
}

/** Rows Connect marked FAILED in `_hc_lastop`, per mapped table (named as given) that has Connect's status columns. */
export async function readLastopFailed(db: Queryable, schema: string, tables: string[], relations: RelationFacts[]): Promise<Array<{count: number; samples: string[]; table: string}>> {
  const withColumns = tables.filter(t => columnOf(relations, t, '_hc_lastop') && columnOf(relations, t, '_hc_err'))
  if (withColumns.length === 0) return []
  const parts = withColumns.map(
    t => `SELECT ${quoteLiteral(t)}::text AS table, count(*) AS n,
                 (array_agg(DISTINCT left(coalesce(_hc_err, '(no detail)'), 300)))[1:3] AS samples
            FROM ${qualified(schema, truncateIdentifier(t))} WHERE _hc_lastop = 'FAILED'`,
  )
  const {rows} = await db.query<{n: string; samples: null | string[]; table: string}>(parts.join('\nUNION ALL\n'))
  return rows.filter(row => Number(row.n) > 0).map(row => ({count: Number(row.n), samples: row.samples ?? [], table: row.table}))
}

function columnOf(relations: RelationFacts[], table: string, column: string) {
  const [relation, name] = [truncateIdentifier(table), truncateIdentifier(column)]
  return relations.find(r => r.name === relation && (r.kind === 'r' || r.kind === 'p'))?.columns.find(c => c.name === name)
}

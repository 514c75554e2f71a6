import type {SavedDdlFacts} from '../types.js'
import type {Queryable} from './queryable.js'

/** the helper schema's table of saved trigger and index DDL, written by `connect:schema:scaffold --move` */
export const SAVED_DDL_TABLE = 'connect_guard_saved_ddl'
/** the helper schema's function that re-creates them after Connect rebuilds a table */
export const RESTORE_FUNCTION = 'connect_guard_restore'

// The triggers and indexes the scaffold saved, from whichever helper schema holds the list: one
// query, which finds the table in the catalog and reads it through query_to_xml, so a database
// that has none costs nothing and needs no second round trip.

const ENTITIES: Record<string, string> = {amp: '&', apos: "'", gt: '>', lt: '<', quot: '"'}
const decode = (text: string) => text.replaceAll(/&(#x[0-9a-f]+|#\d+|amp|apos|gt|lt|quot);/gi, (_m, e: string) =>
  e.startsWith('#x') || e.startsWith('#X') ? String.fromCodePoint(Number.parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e])

export async function readSavedDdl(db: Queryable, schema: string): Promise<SavedDdlFacts[]> {
  const {rows} = await db.query<{helper: string; rows: string}>(
    `SELECT n.nspname AS helper,
            query_to_xml(format('SELECT kind, schema_name, table_name, object_name FROM %I.%I WHERE schema_name = %L', n.nspname, c.relname, $2::text), false, false, '') AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind = 'r' AND has_table_privilege(c.oid, 'SELECT')`,
    [SAVED_DDL_TABLE, schema],
  )
  return rows.flatMap(({helper, rows: xml}) => [...String(xml).matchAll(/<row>([\s\S]*?)<\/row>/g)].map(([, row]) => {
    const value = (name: string) => decode(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(row)?.[1] ?? '')
    return {helperSchema: helper, kind: value('kind') as SavedDdlFacts['kind'], name: value('object_name'), schema: value('schema_name'), table: value('table_name')}
  }))
}

import type {ColumnFacts, ForeignKeyFacts, FunctionFacts, IdDependentFacts, IdLikeColumnFacts, IndexFacts, RelationFacts, RuntimeFacts, TriggerFacts} from '../types.js'
import type {Queryable} from './queryable.js'

// Catalog reads for the Connect schema. One query per concern, whatever the number of tables:
// each aggregates its per-table detail as JSON server-side. The schema name is always a bind
// parameter, so hostile schema names cannot reach the SQL text.

const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast')`

/** The extension owning the object `oid` of catalog `catalog`, if any (hstore's functions, pg_stat_statements' view). */
const extensionOf = (catalog: string, oid: string) => `(SELECT e.extname FROM pg_depend dx JOIN pg_extension e ON e.oid = dx.refobjid
              WHERE dx.classid = '${catalog}'::regclass AND dx.objid = ${oid} AND dx.refclassid = 'pg_extension'::regclass
                AND dx.deptype = 'e' LIMIT 1)`

export async function readSettings(db: Queryable, schema: string): Promise<{serverVersion: number; schemaExists: boolean; xmlbinary: {database: null | string; roles: Array<{database: null | string; role: string; value: string}>}}> {
  const {rows} = await db.query<{cfg: string; datname: null | string; rolname: null | string; schema_exists: boolean; version: number}>(
    `SELECT current_setting('server_version_num')::int AS version,
            EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists,
            r.rolname, d.datname, cfg
       FROM (SELECT 1) one
       LEFT JOIN (pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) cfg) ON cfg ILIKE 'xmlbinary=%'
            AND (s.setdatabase = 0 OR s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))
       LEFT JOIN pg_roles r ON r.oid = s.setrole
       LEFT JOIN pg_database d ON d.oid = s.setdatabase`,
    [schema],
  )
  const settings = rows.filter(row => row.cfg)
  const value = (cfg: string) => cfg.slice(cfg.indexOf('=') + 1).toLowerCase()
  return {
    schemaExists: rows[0].schema_exists,
    serverVersion: rows[0].version,
    xmlbinary: {
      database: settings.find(row => row.rolname === null && row.datname !== null)?.cfg.split('=')[1]?.toLowerCase() ?? null,
      roles: settings.filter(row => row.rolname !== null).map(row => ({database: row.datname, role: row.rolname!, value: value(row.cfg)})),
    },
  }
}

export async function readRelations(db: Queryable, schema: string): Promise<RelationFacts[]> {
  const {rows} = await db.query<{columns: ColumnFacts[] | null; extension: null | string; indexes: IndexFacts[] | null; kind: string; name: string; owned_by: null | string; triggers: TriggerFacts[] | null}>(
    `SELECT c.relname AS name, c.relkind::text AS kind,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                     'notNull', a.attnotnull, 'default', pg_get_expr(ad.adbin, ad.adrelid)) ORDER BY a.attnum)
               FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind <> 'S') AS columns,
            (SELECT json_agg(json_build_object('name', t.tgname, 'functionSchema', pn.nspname, 'functionName', p.proname,
                     'definition', pg_get_triggerdef(t.oid)) ORDER BY t.tgname)
               FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
              WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers,
            (SELECT json_agg(json_build_object('name', ic.relname, 'unique', i.indisunique,
                     'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]'::json)
                                   FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum),
                     'definition', pg_get_indexdef(i.indexrelid)) ORDER BY ic.relname)
               FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid) AS indexes,
            (SELECT tc.relname || '.' || ta.attname
               FROM pg_depend dep JOIN pg_class tc ON tc.oid = dep.refobjid
               JOIN pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
              WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype IN ('a', 'i')
                AND dep.refclassid = 'pg_class'::regclass LIMIT 1) AS owned_by,
            ${extensionOf('pg_class', 'c.oid')} AS extension
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      ORDER BY c.relname`,
    [schema],
  )
  return rows.map(row => ({
    columns: row.columns ?? [],
    extension: row.extension,
    indexes: row.indexes ?? [],
    kind: row.kind,
    name: row.name,
    ownedBy: row.owned_by,
    triggers: row.triggers ?? [],
  }))
}

export async function readFunctions(db: Queryable, schema: string): Promise<FunctionFacts[]> {
  const {rows} = await db.query<FunctionFacts>(
    `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS signature, ${extensionOf('pg_proc', 'p.oid')} AS extension
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 ORDER BY 1, 2`,
    [schema],
  )
  return rows
}

export async function readForeignKeys(db: Queryable, schema: string): Promise<ForeignKeyFacts[]> {
  const {rows} = await db.query<ForeignKeyFacts>(
    `SELECT con.conname AS name, fn.nspname AS "fromSchema", fc.relname AS "fromTable",
            (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS "fromColumns",
            tn.nspname AS "toSchema", tc.relname AS "toTable",
            (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS "toColumns"
       FROM pg_constraint con
       JOIN pg_class fc ON fc.oid = con.conrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
       JOIN pg_class tc ON tc.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
      WHERE con.contype = 'f' AND (fn.nspname = $1 OR tn.nspname = $1)
      ORDER BY 2, 3, 1`,
    [schema],
  )
  return rows
}

/** Views and materialized views outside the Connect schema whose query reads a Connect table's id. */
export async function readIdDependents(db: Queryable, schema: string): Promise<IdDependentFacts[]> {
  const {rows} = await db.query<{kind: string; name: string; schema: string; table: string}>(
    `SELECT DISTINCT v.relkind::text AS kind, vn.nspname AS schema, v.relname AS name, t.relname AS table
       FROM pg_depend d
       JOIN pg_rewrite rw ON rw.oid = d.objid
       JOIN pg_class v ON v.oid = rw.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
        AND tn.nspname = $1 AND vn.nspname <> $1 AND a.attname = 'id' AND v.oid <> t.oid
      ORDER BY 2, 3, 4`,
    [schema],
  )
  return rows.map(row => ({kind: row.kind === 'm' ? 'materialized view' : 'view', name: row.name, schema: row.schema, table: row.table}))
}

/** Integer columns outside the Connect schema named after a mapped table: `contact_id`, `contactid`. */
export async function readIdLikeColumns(db: Queryable, schema: string, mappedTables: string[]): Promise<IdLikeColumnFacts[]> {
  if (mappedTables.length === 0) return []
  const {rows} = await db.query<IdLikeColumnFacts>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, m.t AS "mappedTable"
       FROM unnest($2::text[]) m(t)
       JOIN pg_attribute a ON a.attname IN (m.t || '_id', m.t || 'id')
       JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname <> $1 AND n.nspname NOT IN ${SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg\\_%'
        AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
      ORDER BY 1, 2, 3`,
    [schema, mappedTables],
  )
  return rows
}

/**
 * What Connect's loggers need outside their schema (reference/heroku-connect-db.md §1.1): the
 * hstore extension and `get_xmlbinary()`, both called unqualified, so found through the writing
 * session's search_path. That path is the role's setting in this database, else the database's,
 * else the server's (our own session's reset value unless a role or database setting made it).
 */
export async function readRuntime(db: Queryable): Promise<RuntimeFacts> {
  const {rows} = await db.query<{dbname: string; extensions: RuntimeFacts['extensions'] | null; roles: Array<{role: string; value: string}> | null; server: string; database: null | string; xmlbinary: null | string[]}>(
    `SELECT current_database() AS dbname, (SELECT json_agg(json_build_object('name', e.extname, 'schema', n.nspname, 'version', e.extversion) ORDER BY e.extname)
               FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace) AS extensions,
            (SELECT array_agg(n.nspname::text ORDER BY n.nspname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = 'get_xmlbinary' AND p.pronargs = 0) AS xmlbinary,
            (SELECT CASE WHEN source IN ('database', 'user', 'session', 'client') THEN boot_val ELSE reset_val END
               FROM pg_settings WHERE name = 'search_path') AS server,
            (SELECT substr(cfg, 13) FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) cfg
              WHERE s.setrole = 0 AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND cfg ILIKE 'search_path=%' LIMIT 1) AS database,
            (SELECT json_agg(json_build_object('role', r.rolname, 'value', substr(cfg, 13)) ORDER BY r.rolname, s.setdatabase DESC)
               FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) cfg JOIN pg_roles r ON r.oid = s.setrole
              WHERE cfg ILIKE 'search_path=%'
                AND (s.setdatabase = 0 OR s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))) AS roles`,
  )
  const row = rows[0]
  // a role's setting in this database wins over its setting for every database (listed first)
  const roles = [...new Map((row.roles ?? []).reverse().map(r => [r.role, r])).values()].sort((a, b) => a.role.localeCompare(b.role))
  return {
    database: row.dbname,
    extensions: row.extensions ?? [],
    searchPath: {database: row.database ?? row.server, roles},
    xmlbinaryFunction: row.xmlbinary ?? [],
  }
}

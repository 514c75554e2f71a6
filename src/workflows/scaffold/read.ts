import type {PgQueryable} from '../../clients/postgres.js'

// What the plan needs beyond the audit's snapshot: who may use the Connect schema and what its
// default privileges give (the helper schema gets the same), the planner's table sizes, the
// columns the helper schema's views already compute (a rerun after the mapping change), and the bodies of the functions that may move, to find the lines that
// name the old schema.

export interface SchemaGrant {
  /** a role name, or PUBLIC */
  grantee: string
  privilege: string
}

/** One grant of an ALTER DEFAULT PRIVILEGES … IN SCHEMA entry (pg_default_acl) */
export interface DefaultPrivilege {
  /** the role whose future objects it covers */
  owner: string
  /** r tables (and views), S sequences, f functions, T types */
  kind: string
  /** a role name, or PUBLIC */
  grantee: string
  privilege: string
  grantable: boolean
  /** the current user may set default privileges for owner (is a member of it) */
  mine: boolean
}

export interface FunctionBody {
  name: string
  signature: string
  source: string
  /** the function pins its own search_path (SET search_path = …) */
  pinsSearchPath: boolean
}

export interface ScaffoldFacts {
  currentUser: string
  schemaGrants: SchemaGrant[]
  defaultPrivileges: DefaultPrivilege[]
  functionBodies: FunctionBody[]
  /** the planner's row estimate (pg_class.reltuples) of each analysed table in the Connect schema */
  tableRows: Record<string, number>
  /** the columns of the helper schema's existing views, by view name */
  helperViewColumns: Record<string, string[]>
}

export async function readScaffoldFacts(db: PgQueryable, schema: string, helper: string): Promise<ScaffoldFacts> {
  const grants = await db.query<SchemaGrant>(
    `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee, a.privilege_type AS privilege
       FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE n.nspname = $1 AND a.grantee <> n.nspowner ORDER BY 1, 2`,
    [schema],
  )
  const defaults = await db.query<DefaultPrivilege>(
    `SELECT pg_get_userbyid(d.defaclrole) AS owner, d.defaclobjtype::text AS kind, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
            a.privilege_type AS privilege, a.is_grantable AS grantable, pg_has_role(current_user, d.defaclrole, 'MEMBER') AS mine
       FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
      WHERE n.nspname = $1 ORDER BY 1, 2, 3, 4`,
    [schema],
  )
  const bodies = await db.query<FunctionBody>(
    `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS signature, p.prosrc AS source,
            COALESCE(EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'), FALSE) AS "pinsSearchPath"
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1`,
    [schema],
  )
  const rows = await db.query<{name: string; rows: number}>(
    `SELECT c.relname AS name, c.reltuples::float8 AS rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.reltuples >= 0`,
    [schema],
  )
  const views = await db.query<{columns: string[]; name: string}>(
    `SELECT c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind = 'v' GROUP BY c.relname`,
    [helper],
  )
  const user = await db.query<{u: string}>('SELECT current_user AS u')
  return {currentUser: user.rows[0].u, defaultPrivileges: defaults.rows, functionBodies: bodies.rows, helperViewColumns: Object.fromEntries(views.rows.map(v => [v.name, v.columns])), schemaGrants: grants.rows, tableRows: Object.fromEntries(rows.rows.map(r => [r.name, Number(r.rows)]))}
}

import type {DefaultPrivilege, ScaffoldFacts} from './read.js'

import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import {doBlock} from './move.js'

// The helper schema is used by the same roles as the Connect schema, so it gets the same access:
// the schema's own grants (USAGE, CREATE), its default privileges (ALTER DEFAULT PRIVILEGES … IN
// SCHEMA, so tables and views created there later are readable by the roles that read Connect's),
// and, on each view the scaffold creates, SELECT for every role that can already read everything the
// view reads: a view runs with its owner's rights, so granting more would widen access.

const OBJECT_KINDS: Record<string, string> = {S: 'SEQUENCES', T: 'TYPES', f: 'FUNCTIONS', r: 'TABLES'}
const grantee = (name: string) => (name === 'PUBLIC' ? 'PUBLIC' : quoteIdent(name))

export function helperSchemaGrants(facts: ScaffoldFacts, helper: string): {notes: string[]; statements: string[]} {
  const schemaGrants = facts.schemaGrants.map(g => `GRANT ${g.privilege} ON SCHEMA ${quoteIdent(helper)} TO ${grantee(g.grantee)};`)
  const groups = new Map<string, DefaultPrivilege[]>()
  for (const entry of facts.defaultPrivileges.filter(d => OBJECT_KINDS[d.kind])) {
    const key = JSON.stringify([entry.owner, entry.kind, entry.grantee, entry.grantable])
    groups.set(key, [...(groups.get(key) ?? []), entry])
  }

  const notes: string[] = []
  const defaults: string[] = []
  for (const entries of groups.values()) {
    const [{grantable, grantee: to, kind, mine, owner}] = entries
    const statement = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(owner)} IN SCHEMA ${quoteIdent(helper)} GRANT ${entries.map(e => e.privilege).join(', ')} ON ${OBJECT_KINDS[kind]} TO ${grantee(to)}${grantable ? ' WITH GRANT OPTION' : ''};`
    if (mine) defaults.push(statement)
    else notes.push(`the Connect schema's default privileges for objects ${owner} creates could not be mirrored (${facts.currentUser} is not a member of ${owner}); as ${owner}, run: ${statement}`)
  }

  return {notes, statements: [...schemaGrants, ...defaults]}
}

/**
 * SELECT on a view (or materialized view) of the helper schema for each role, or PUBLIC, that holds
 * SELECT on a relation the view reads and can read every one of them; decided at apply time from
 * the catalog, so --out and --confirm grant the same.
 */
export function viewGrants(helper: string, view: string): string {
  const relation = `${quoteLiteral(qualified(helper, view))}::regclass`
  return doBlock(`DECLARE r record; BEGIN
  FOR r IN WITH reads AS (
      SELECT DISTINCT d.refobjid AS oid FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
       WHERE rw.ev_class = ${relation} AND d.refobjid <> rw.ev_class)
    SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS role
      FROM reads JOIN pg_class c ON c.oid = reads.oid, aclexplode(c.relacl) a
     WHERE a.privilege_type = 'SELECT' AND a.grantee <> (SELECT relowner FROM pg_class WHERE oid = ${relation})
       AND NOT EXISTS (SELECT 1 FROM reads x WHERE NOT has_table_privilege(CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END, x.oid, 'SELECT'))
  LOOP EXECUTE format('GRANT SELECT ON %s TO %s', ${relation}, r.role); END LOOP;
END;`)
}

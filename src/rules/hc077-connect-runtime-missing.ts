import {connectObjectsOf, sqlIdent} from '../analysis/connect-objects.js'
import type {RuntimeFacts} from '../snapshot/types.js'
import type {Rule, RuleHit} from './types.js'

// What Connect's triggers need outside their schema (reference/heroku-connect-db.md §1.1): every
// logger calls hstore(NEW.*) and get_xmlbinary() without a schema, so both must exist and be on the
// search_path of the sessions that write. Connect reports nothing until the first write fails.

const XMLBINARY_FUNCTION = 'CREATE OR REPLACE FUNCTION public.get_xmlbinary() RETURNS varchar LANGUAGE plpgsql AS $fn$ DECLARE xmlbin varchar; BEGIN SELECT setting INTO xmlbin FROM pg_catalog.pg_settings WHERE name = \'xmlbinary\'; RETURN xmlbin; END; $fn$;'

/** The schemas a search_path names, unquoted; `"$user"` is the role's own name where one is known. */
export function searchPathSchemas(path: string, role: null | string): string[] {
  const out: string[] = []
  for (const match of path.matchAll(/\s*("(?:[^"]|"")*"|[^,]+)\s*(?:,|$)/g)) {
    const raw = match[1].trim()
    if (!raw) continue
    const name = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.toLowerCase()
    if (name === '$user') {
      if (role) out.push(role)
    } else out.push(name)
  }

  return out
}

/** The path with `schemas` appended, as SQL text for SET search_path. */
function extended(path: string, schemas: string[]): string {
  return [path.trim(), ...schemas.map(s => sqlIdent(s))].filter(Boolean).join(', ')
}

function unreachable(runtime: RuntimeFacts, needed: Array<{what: string; schemas: string[]}>): Array<{role: null | string; path: string; missing: Array<{what: string; schema: string}>}> {
  const sessions = [{path: runtime.searchPath.database, role: null as null | string}, ...runtime.searchPath.roles.map(r => ({path: r.value, role: r.role}))]
  return sessions.map(({path, role}) => {
    const reachable = new Set(['pg_catalog', ...searchPathSchemas(path, role)])
    const missing = needed.filter(n => n.schemas.length > 0 && !n.schemas.some(s => reachable.has(s))).map(n => ({schema: n.schemas[0], what: n.what}))
    return {missing, path, role}
  }).filter(s => s.missing.length > 0)
}

export const hc077: Rule = {
  check(snapshot) {
    const pg = snapshot.postgres!
    const runtime = pg.runtime
    if (!runtime) return {skip: 'the database\'s extensions and search_path were not collected'}
    const connect = connectObjectsOf(snapshot)
    const loggers = pg.functions.filter(f => [...connect.mapped].some(t => connect.isTableFunction(f.name, t)) || f.name.startsWith('hc_capture_'))
    if (loggers.length === 0) {
      return {provide: 'point --database-url at the database the connection syncs (see HC075)', skip: `schema ${pg.schema} has none of Connect's trigger functions, so nothing needs hstore or get_xmlbinary()`}
    }

    const hits: RuleHit[] = []
    const hstore = runtime.extensions.find(e => e.name === 'hstore')
    if (!hstore) {
      hits.push({
        fix: 'CREATE EXTENSION IF NOT EXISTS hstore;',
        message: 'the hstore extension is not installed: every Connect logger calls hstore(NEW.*), so every write to a mapped table fails with "function hstore(…) does not exist"',
      })
    }

    if (runtime.xmlbinaryFunction.length === 0) {
      hits.push({
        fix: XMLBINARY_FUNCTION,
        message: 'get_xmlbinary() is missing (a dump taken with --schema leaves it out): every Connect trigger calls it to tell your writes from Connect\'s, so every write to a mapped table fails',
      })
    }

    const needed = [
      {schemas: hstore ? [hstore.schema] : [], what: `hstore (in ${hstore?.schema})`},
      {schemas: runtime.xmlbinaryFunction, what: `get_xmlbinary() (in ${runtime.xmlbinaryFunction.join(', ')})`},
    ]
    for (const session of unreachable(runtime, needed)) {
      const path = extended(session.path, [...new Set(session.missing.map(m => m.schema))])
      const who = session.role === null ? 'the database\'s search_path' : `role ${session.role}'s search_path`
      hits.push({
        field: session.role,
        fix: session.role === null
          ? `ALTER DATABASE ${sqlIdent(runtime.database)} SET search_path TO ${path};`
          : `ALTER ROLE ${sqlIdent(session.role)} SET search_path TO ${path};`,
        message: `${who} (${session.path}) does not reach ${session.missing.map(m => m.what).join(' or ')}: Connect's loggers call it without a schema, so writes from ${session.role === null ? 'sessions with the default path' : 'that role'} to a mapped table fail`,
      })
    }

    return hits
  },
  id: 'HC077',
  name: 'connect-runtime-missing',
  needs: ['postgres'],
  practice: null,
  remedy: 'Install what Connect\'s triggers call: `CREATE EXTENSION IF NOT EXISTS hstore;` and `public.get_xmlbinary()` (the finding carries Connect\'s definition; restore it with the rest of a dump that was taken with `--schema`). Both are called without a schema, so the schema they live in (`public`, or `heroku_ext` for extensions on newer Heroku Postgres) must be on the search_path of every role that writes: the finding gives the `ALTER ROLE … SET search_path` or `ALTER DATABASE … SET search_path` that adds it. New sessions pick the setting up; restart the dynos.',
  severity: 'error',
  summary: 'Connect\'s runtime dependencies missing: the `hstore` extension (or not on the writers\' search_path), `get_xmlbinary()`',
  why: 'Every mapped table\'s logger builds its `_trigger_log` row with `hstore(NEW.*)` and asks `get_xmlbinary()` whether the write is yours or Connect\'s. Both are called without a schema, so Postgres looks them up on the writing session\'s search_path. If either is missing or out of reach, the trigger raises an error and the write itself fails, in the app, for every row of every mapped table; Connect reports nothing, because nothing reached it.',
}

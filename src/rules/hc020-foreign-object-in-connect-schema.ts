import {appFlag, mappingOf, sqlIdent, sqlName} from '../analysis/connect-objects.js'
import {foreignObjects} from '../analysis/foreign-objects.js'
import type {IndexFacts, RelationFacts} from '../snapshot/types.js'
import {CAUSES} from './causes.js'
import {moveFix, savedFix} from './commands.js'
import type {Rule, RuleHit} from './types.js'

const KINDS: Record<string, {label: string; sql: string}> = {
  S: {label: 'sequence', sql: 'SEQUENCE'}, f: {label: 'foreign table', sql: 'FOREIGN TABLE'}, m: {label: 'materialized view', sql: 'MATERIALIZED VIEW'},
  p: {label: 'partitioned table', sql: 'TABLE'}, r: {label: 'table', sql: 'TABLE'}, v: {label: 'view', sql: 'VIEW'},
}

export const hc020: Rule = {
  check(snapshot) {
    const pg = snapshot.postgres!
    const s = pg.schema
    const helper = s === 'app' ? 'app_local' : 'app'
    const move = (what: string) => `CREATE SCHEMA IF NOT EXISTS ${sqlIdent(helper)}; ALTER ${what} SET SCHEMA ${sqlIdent(helper)};`
    const keep = moveFix(appFlag(snapshot), 'keep its CREATE statement (pg_dump --schema-only shows it) in your migrations and re-run it after Connect recreates the table')
    const found = foreignObjects(snapshot)
    const hits: RuleHit[] = []
    for (const {leftoverMapping, relation: r} of found.relations) {
      const kind = KINDS[r.kind] ?? {label: 'relation', sql: 'TABLE'}
      const leftover = leftoverMapping ? ' (it looks like the table of a removed mapping)' : ''
      hits.push({
        // an owned sequence cannot change schema on its own
        fix: r.kind === 'S' && r.ownedBy ? `ALTER SEQUENCE ${sqlName(s, r.name)} OWNED BY NONE; ${move(`SEQUENCE ${sqlName(s, r.name)}`)}` : move(`${kind.sql} ${sqlName(s, r.name)}`),
        message: `${kind.label} ${s}.${r.name} was not created by Connect${leftover}: rebuilding the connection or its schema loses it`,
        table: `${s}.${r.name}`,
      })
    }

    for (const {fn, leftoverMapping} of found.functions) {
      const leftover = leftoverMapping ? ' (it looks like the trigger function of a removed mapping)' : ''
      hits.push({
        field: `${fn.name}(${fn.signature})`,
        fix: move(`FUNCTION ${sqlName(s, fn.name)}(${fn.signature})`),
        message: `function ${s}.${fn.name}(${fn.signature}) was not created by Connect${leftover}: rebuilding the connection or its schema loses it`,
      })
    }

    const where = (table: RelationFacts) => ({object: mappingOf(snapshot, table.name), table: `${s}.${table.name}`})
    for (const {item: trigger, table} of found.triggers) {
      hits.push({
        ...where(table), field: trigger.name,
        fix: trigger.definition ? savedFix(appFlag(snapshot), `keep in your migrations and re-run after Connect recreates the table: ${trigger.definition};`) : keep,
        message: `trigger ${trigger.name} on ${s}.${table.name} is not Connect's: it fires on every row Connect writes and is lost when Connect recreates the table`,
      })
    }

    for (const {item: index, table} of found.indexes) {
      const sfid = index.unique && index.columns.length === 1 && index.columns[0] === 'sfid'
      hits.push({
        ...where(table), field: index.name,
        // a hand-made unique index on sfid stands in for Connect's: HC078 reports that as one finding
        foldInto: sfid ? CAUSES.sfidIndex(s, table.name, index.name) : undefined,
        fix: index.definition ? savedFix(appFlag(snapshot), `keep in your migrations and re-run after an import: ${index.definition};`) : keep,
        message: `index ${index.name} on ${s}.${table.name} (${indexKeys(index)}) is not Connect's: a configuration export and import does not carry it`,
        severity: 'info',
      })
    }

    return hits
  },
  id: 'HC020',
  name: 'foreign-object-in-connect-schema',
  needs: ['connect', 'postgres'],
  practice: 3,
  remedy: 'Keep your own tables, views, sequences and functions in a helper schema next to the Connect schema: `ALTER … SET SCHEMA app` moves an object with its data, indexes, constraints and owned sequences, and triggers keep pointing at a moved function. Then update code and function bodies that name the object with the Connect schema (or add the helper schema to `search_path`). `heroku connect:schema:scaffold --move` does it for you. Triggers and indexes on Connect\'s tables cannot move: keep their `CREATE` statements in your migrations and re-run them after a connection rebuild or a configuration import.',
  severity: 'warning',
  summary: 'your own tables, views, sequences, functions, triggers or indexes inside the Connect schema',
  why: 'Connect owns its schema. Rebuilding a connection (new database, sandbox refresh, API version change, swapping add-ons) means dropping or recreating that schema, and anything you added there goes with it; Heroku\'s own swap guide lists your views, functions, triggers and indexes as things you must recreate. Connect also recreates mapped tables on some updates, taking your triggers and indexes with them, and indexes you added by hand are not part of a configuration export.',
}

/** The index's key as written (expressions included), else its columns. */
function indexKeys(index: IndexFacts): string {
  return /\sUSING\s+\w+\s+\((.*?)\)(?:\s+(?:INCLUDE|WITH|WHERE|NULLS)\b.*)?$/i.exec(index.definition)?.[1] ?? index.columns.join(', ')
}

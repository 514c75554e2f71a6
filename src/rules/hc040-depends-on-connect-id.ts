import {connectIdDependants} from '../analysis/connect-id-dependants.js'
import {appFlag, mappingOf, sqlIdent, sqlName} from '../analysis/connect-objects.js'
import {CAUSES} from './causes.js'
import {safeReloadFix} from './commands.js'
import type {Rule, RuleHit} from './types.js'

const RENUMBERED = 'which Connect renumbers on reload and on configuration import'

export const hc040: Rule = {
  check(snapshot) {
    const pg = snapshot.postgres!
    const s = pg.schema
    /** the stable key to use instead of `id`, and the reload that keeps ids consistent meanwhile */
    const advice = (table: string) => {
      const object = mappingOf(snapshot, table)
      const upsert = snapshot.connection?.mappings.find(m => m.object === object)?.upsertField
      return {
        // names in a fix are written as SQL, so a hostile name reads as a name, not as a statement
        key: `${sqlName(s, table)}.${sqlIdent(upsert ? upsert.toLowerCase() : 'sfid')}`,
        object,
        reload: `until then: ${safeReloadFix(object ?? table, appFlag(snapshot))}`,
      }
    }

    const dependants = connectIdDependants(snapshot)
    const hits: RuleHit[] = []
    for (const fk of dependants.foreignKeys) {
      const {key, object, reload} = advice(fk.toTable)
      const from = `${fk.fromSchema}.${fk.fromTable}`
      // HC041 reports the same constraint for blocking the reload: one finding names both
      hits.push({
        cause: CAUSES.foreignKey(fk),
        field: fk.fromColumns.join(', '),
        fix: `reference ${key} instead of id, then drop the constraint: ALTER TABLE ${sqlName(fk.fromSchema, fk.fromTable)} DROP CONSTRAINT ${sqlIdent(fk.name)}; ${reload}`,
        message: `foreign key ${fk.name} on ${from}(${fk.fromColumns.join(', ')}) references ${s}.${fk.toTable}.id, ${RENUMBERED}`,
        object, table: from,
      })
    }

    for (const view of dependants.readers) {
      const {key, object, reload} = advice(view.table)
      hits.push({
        fix: `select ${key} in ${sqlName(view.schema, view.name)} instead of id; ${reload}`,
        message: `${view.kind} ${view.schema}.${view.name} reads ${s}.${view.table}.id, ${RENUMBERED}`,
        object, table: `${view.schema}.${view.name}`,
      })
    }

    for (const column of dependants.likelyColumns) {
      const table = `${column.schema}.${column.table}`
      const {key, object, reload} = advice(column.mappedTable)
      hits.push({
        field: column.column, fix: `store ${key} in ${sqlName(column.schema, column.table)} instead; ${reload}`,
        message: `${column.type} column ${table}.${column.column} probably holds ${s}.${column.mappedTable} ids, ${RENUMBERED}`,
        object, severity: 'warning', table,
      })
    }

    return hits
  },
  id: 'HC040',
  name: 'depends-on-connect-id',
  needs: ['postgres'],
  practice: 5,
  remedy: 'Point your tables and views at a key Salesforce keeps: the mapping\'s unique identifier (External ID) or `sfid`. Add that column to your table, fill it with a join on the current `id`, switch the foreign key, view or code to it, and drop the integer column. Until you have, reload only with `heroku connect:reload MAPPING --safe`, which maps each old `id` to the new one through `sfid` and rewrites your rows.',
  severity: 'error',
  summary: 'your tables or views depend on the `id` column of a Connect table',
  why: 'The `id` column of a mapped table is Connect\'s serial number, not a Salesforce key. A reload empties the table and loads it again, and a configuration import into a new database starts over, so the same record gets a different `id`. Rows that stored the old number then point at the wrong record or at nothing, with no error.',
}

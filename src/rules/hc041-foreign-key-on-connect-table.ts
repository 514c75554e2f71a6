import {connectObjectsOf, mappingOf, sqlIdent, sqlName} from '../analysis/connect-objects.js'
import {CAUSES} from './causes.js'
import type {Rule, RuleHit} from './types.js'

export const hc041: Rule = {
  check(snapshot) {
    const s = snapshot.postgres!.schema
    const connect = connectObjectsOf(snapshot)
    const hits: RuleHit[] = []
    for (const fk of snapshot.postgres!.foreignKeys) {
      const toConnect = fk.toSchema === s && connect.isConnectTable(fk.toTable)
      const fromConnect = fk.fromSchema === s && connect.isConnectTable(fk.fromTable)
      if (!toConnect && !fromConnect) continue
      const from = `${fk.fromSchema}.${fk.fromTable}`
      const to = `${fk.toSchema}.${fk.toTable}`
      const columns = fk.fromColumns.join(', ')
      hits.push({
        consequence: toConnect ? `it also stops Connect clearing ${to} on reload (with CASCADE it would empty ${from})` : undefined,
        field: columns,
        foldInto: CAUSES.foreignKey(fk),
        fix: `ALTER TABLE ${sqlName(fk.fromSchema, fk.fromTable)} DROP CONSTRAINT ${sqlIdent(fk.name)};`,
        message: toConnect
          ? `foreign key ${fk.name} on ${from}(${columns}) references Connect table ${to}: it stops Connect clearing ${to} on reload (with CASCADE it would empty ${from})`
          : `foreign key ${fk.name} on Connect table ${from}(${columns}) references ${to}: Connect fails to store rows from Salesforce that have no match there`,
        object: mappingOf(snapshot, toConnect ? fk.toTable : fk.fromTable),
        table: from,
      })
    }

    return hits
  },
  id: 'HC041',
  name: 'foreign-key-on-connect-table',
  needs: ['postgres'],
  practice: 5,
  remedy: 'Drop the constraint (the finding gives the exact `ALTER TABLE … DROP CONSTRAINT`). Keep the relationship in your application, or enforce it with a check in your own schema that joins on `sfid` or the unique identifier, never on `id`. If the foreign key pointed at `id`, also see HC040.',
  severity: 'error',
  summary: 'a foreign key to or from a Connect table',
  why: 'Connect creates no foreign keys and expects none. A reload clears the mapped table before loading it again, and Connect recreates tables on some updates: a foreign key that references the table makes that fail ("violates foreign key constraint" in the Connect logs, the mapping stops), and a cascading one would silently empty your table instead. A foreign key on the Connect table itself makes Connect\'s inserts fail whenever Salesforce sends a value your table does not have.',
}

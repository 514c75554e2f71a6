import {externalIdsFix} from './commands.js'
import type {Rule, RuleHit} from './types.js'

import {appFlag, sqlIdent, sqlName} from '../analysis/connect-objects.js'
import {badDefault, identifierDefault, isReadWrite} from '../analysis/unique-ids.js'

export const hc003: Rule = {
  check(snapshot) {
    const {mappings, schema} = snapshot.connection!
    return mappings.filter(mapping => isReadWrite(mapping) && mapping.upsertField).flatMap((mapping): RuleHit[] => {
      const column = mapping.upsertField!.toLowerCase()
      const found = badDefault(snapshot.postgres!, identifierDefault(snapshot.postgres!, mapping.table, column), mapping.table)
      if (!found) return []
      return [{
        field: mapping.upsertField,
        fix: externalIdsFix(appFlag(snapshot), mapping.object, `ALTER TABLE ${sqlName(schema, mapping.table)} ALTER COLUMN ${sqlIdent(column)} SET DEFAULT gen_random_uuid()::text`),
        message: `unique identifier ${schema}.${mapping.table}.${column} ${found.message}`,
        object: mapping.object,
        table: `${schema}.${mapping.table}`,
      }]
    })
  },
  id: 'HC003',
  name: 'unique-id-from-sequence',
  needs: ['connect', 'postgres'],
  practice: 1,
  remedy: '`heroku connect:external-ids -a APP --mapping OBJECT` sets it. By hand: give the column a random UUID default, `ALTER TABLE … ALTER COLUMN … SET DEFAULT gen_random_uuid()::text`, so every row gets a value that is unique everywhere at the moment it is inserted. Values already written stay as they are: an identifier must never change once Salesforce has it.',
  severity: 'error',
  summary: 'unique identifier defaulted from a sequence or from Connect\'s `id`',
  why: 'The unique identifier is an alias for the Salesforce Id: it must never repeat. Sequences restart and collide when the configuration is imported into another database, and Connect\'s `id` is renumbered by every reload, so such values end up matching the wrong record. A column without a default is not reported: the app may set the identifier at INSERT, as the practice advises; rows that really lack one are reported by HC002.',
}

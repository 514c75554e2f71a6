import {appFlag} from '../analysis/connect-objects.js'
import {CAUSES} from './causes.js'
import {externalIdsFix} from './commands.js'
import type {Rule} from './types.js'

export const hc001: Rule = {
  check(snapshot) {
    return snapshot.connection!.mappings
      .filter(mapping => mapping.access === 'read_write' && !mapping.upsertField)
      .map(mapping => ({
        cause: CAUSES.noUniqueId(mapping.object),
        message: `read-write mapping ${mapping.object} has no unique identifier: rows written from Postgres can be duplicated in Salesforce`,
        fix: externalIdsFix(mapping.object, appFlag(snapshot)),
        object: mapping.object,
        table: `${snapshot.connection!.schema}.${mapping.table}`,
      }))
  },
  id: 'HC001',
  name: 'read-write-without-unique-id',
  needs: ['connect'],
  practice: 1,
  remedy: 'Create a text External ID field marked Unique in Salesforce, give the Postgres column a default of `gen_random_uuid()::text` so every insert gets a value, backfill existing rows, and select the field as the mapping\'s Unique Identifier. `heroku connect:external-ids` plans and applies all of it.',
  severity: 'error',
  summary: 'read-write mapping without a unique identifier (External ID)',
  why: 'Connect reads and writes in separate threads. Without a unique identifier it can insert a row that Postgres wrote before the Salesforce Id came back, creating a duplicate record in Salesforce and a second row in Postgres.',
}

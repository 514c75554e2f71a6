import {lacksUniqueId} from '../analysis/unique-ids.js'
import {uniqueIdSteps} from '../analysis/write-fixes.js'
import {CAUSES} from './causes.js'
import type {Rule} from './types.js'

// One cause, two consequences: duplicates (practice 1) and no Bulk writes (practice 8). HC031 no
// longer reports the missing identifier on its own, except where a pending run would go Bulk with it.

export const hc001: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    return connection.mappings
      .filter(lacksUniqueId)
      .map(mapping => ({
        cause: CAUSES.noUniqueId(mapping.object),
        fix: uniqueIdSteps(snapshot.app ?? 'APP', connection.schema, mapping),
        message: `read-write mapping ${mapping.object} has no unique identifier: rows written from Postgres can be duplicated in Salesforce, and its writes can never go through Bulk (SOAP, 200 records a call)`,
        object: mapping.object,
        related: ['HC031'],
        table: `${connection.schema}.${mapping.table}`,
      }))
  },
  id: 'HC001',
  name: 'read-write-without-unique-id',
  needs: ['connect'],
  practice: 1,
  remedy: 'Create a text External ID field marked Unique in Salesforce, select it as the mapping\'s Unique Identifier (dashboard, or `upsert_field` through `heroku connect:export` / `heroku connect:import`), and give the Postgres column a default of `gen_random_uuid()::text` so every insert gets a value. `heroku connect:external-ids -a APP --mapping OBJECT` does all of it, with a plan, a dry run and a resume.',
  severity: 'error',
  summary: 'read-write mapping without a unique identifier (External ID)',
  why: 'Connect reads and writes in separate threads. Without a unique identifier it can insert a row that Postgres wrote before the Salesforce Id came back, creating a duplicate record in Salesforce and a second row in Postgres. Connect also writes through the Bulk API only for mappings with one (practice 8), so every write of the mapping goes SOAP, 200 records a call.',
}

import type {Rule} from './types.js'

import {CAUSES} from './causes.js'
import {appFlag} from '../analysis/connect-objects.js'
import {describedObject, isRequiredOnInsert} from '../analysis/salesforce-fields.js'

export const hc076: Rule = {
  check(snapshot) {
    const {mappings, schema} = snapshot.connection!
    return mappings.filter(mapping => mapping.access === 'read_write').flatMap(mapping => {
      const object = describedObject(snapshot.salesforce!, mapping.object)
      if (!object) return []
      const mapped = new Set(mapping.fields.map(name => name.toLowerCase()))
      return object.fields
        .filter(field => isRequiredOnInsert(field) && !mapped.has(field.name.toLowerCase()))
        .map(field => ({
          cause: CAUSES.requiredFields(mapping.object),
          field: field.name,
          fix: `add ${field.name} to the ${mapping.object} mapping and set ${field.name.toLowerCase()} on every insert: heroku addons:open herokuconnect ${appFlag(snapshot)}`,
          message: `read-write mapping ${mapping.object} lacks ${field.name}, which Salesforce requires on insert: rows inserted into ${schema}.${mapping.table} fail with REQUIRED_FIELD_MISSING`,
          object: mapping.object,
          table: `${schema}.${mapping.table}`,
        }))
    })
  },
  id: 'HC076',
  name: 'required-field-not-mapped',
  needs: ['connect', 'salesforce'],
  practice: null,
  remedy: 'Add the field to the mapping (Connect dashboard, `heroku addons:open herokuconnect`, or edit a `connect:export` file and `connect:import` it), then make every insert into the table set it, for example with a `NOT NULL` constraint or a column default in Postgres.',
  severity: 'error',
  summary: 'read-write mapping lacks a field Salesforce requires on insert',
  why: 'Salesforce rejects a new record that leaves a required field (not nillable, createable, no default) empty. Connect can only send the columns it maps, so every row the app inserts into the table fails with `REQUIRED_FIELD_MISSING`, stays in `_trigger_log` as FAILED and never reaches Salesforce.',
}

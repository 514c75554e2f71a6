import {qualified, quoteIdent} from '../sql.js'
import {BULK_MIN_API_VERSION} from './write-prediction.js'

// The fixes that make writes Bulk-eligible, worded once for HC001, HC030, HC031 and
// connect:write-mode. Every command named here exists: connect:pause, connect:resume,
// connect:manage-sf-api-version, connect:export and connect:import are the official Connect
// plugin's (heroku-connect-api.md §1.3). connect:external-ids does not exist yet, so the unique
// identifier is given as the manual steps.

/**
 * Raising the API version: the official command refuses unless the connection is paused. The
 * target is the org's newest version (GET /services/data); without Salesforce, the least that allows Bulk.
 */
export function apiVersionFix(app: string, newest: null | string | undefined): string {
  const target = newest ?? `${BULK_MIN_API_VERSION}.0`
  const note = newest ? '' : ` (${target} is the least that allows Bulk; the org's newest is the last entry of GET /services/data)`
  return `heroku connect:pause -a ${app}, then heroku connect:manage-sf-api-version --target-version ${target} -a ${app} --confirm ${app}${note} (it needs the connection paused), then heroku connect:resume -a ${app}`
}

export const ORDERED_WRITES_FIX = 'in the Connect dashboard, Settings, set the Write Algorithm to Ordered Writes'

export const BULK_DISABLED_FIX = 'ask Heroku support to turn off the connection\'s disable_bulk_writes feature'

/** The field the manual steps create; a team may pick another name, the steps stay the same. */
export const EXTERNAL_ID_FIELD = 'External_Id__c'

/** A unique identifier for a read-write mapping, step by step, with every identifier quoted. */
export function uniqueIdSteps(app: string, schema: string, mapping: {object: string; table: string}): string {
  const column = EXTERNAL_ID_FIELD.toLowerCase()
  return [
    `no command does this yet: (1) in Salesforce, add a Text(36) field ${mapping.object}.${EXTERNAL_ID_FIELD} marked External ID and Unique`,
    `(2) heroku connect:export -a ${app}, add ${EXTERNAL_ID_FIELD} to the ${mapping.object} mapping's fields and set its "upsert_field" to "${EXTERNAL_ID_FIELD}", then heroku connect:import FILE -a ${app}`,
    `(3) ALTER TABLE ${qualified(schema, mapping.table)} ALTER COLUMN ${quoteIdent(column)} SET DEFAULT gen_random_uuid()::text, so every row the app inserts has one`,
  ].join('; ')
}

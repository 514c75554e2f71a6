import {qualified, quoteIdent} from '../sql.js'
import {BULK_MIN_API_VERSION} from './write-prediction.js'

// The fixes that make writes Bulk-eligible, worded once for HC001, HC030, HC031 and
// connect:write-mode. Every command named here exists: connect:pause, connect:resume,
// connect:manage-sf-api-version, connect:export and connect:import are the official Connect
// plugin's (heroku-connect-api.md §1.3); connect:external-ids is this plugin's and adds the
// unique identifier end to end.

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

/** The field connect:external-ids creates unless told another name (--field). */
export const EXTERNAL_ID_FIELD = 'External_Id__c'

/** A unique identifier for a read-write mapping: the command that adds it, and what it does. */
export function uniqueIdSteps(app: string, schema: string, mapping: {object: string; table: string}): string {
  const column = EXTERNAL_ID_FIELD.toLowerCase()
  return `heroku connect:external-ids -a ${app} --mapping ${mapping.object} (it adds a Text(36) External ID + Unique field ${mapping.object}.${EXTERNAL_ID_FIELD}, `
    + `grants Connect's user Edit on it, makes it the mapping's unique identifier, gives ${qualified(schema, mapping.table)}.${quoteIdent(column)} the default gen_random_uuid()::text and fills the NULLs)`
}

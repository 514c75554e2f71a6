import {CAUSES} from './causes.js'
import {externalIdsFix} from './commands.js'
import {appFlag} from '../analysis/connect-objects.js'
import type {Rule, RuleHit} from './types.js'

import {apiVersionNumber, BULK_MIN_API_VERSION} from '../analysis/write-prediction.js'

export const hc031: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    const readWrite = connection.mappings.filter(mapping => mapping.access === 'read_write')
    if (readWrite.length === 0) return []
    const app = snapshot.app ?? 'APP'
    const hits: RuleHit[] = []
    const version = apiVersionNumber(connection.apiVersion)
    if (version !== null && version < BULK_MIN_API_VERSION) {
      hits.push({
        cause: CAUSES.apiVersion(),
        fix: `heroku connect:manage-sf-api-version --target-version ${snapshot.salesforce?.apiVersion ?? `${BULK_MIN_API_VERSION}.0`} -a ${app}`,
        message: `the connection uses Salesforce API version ${connection.apiVersion}: Connect writes through Bulk only from version ${BULK_MIN_API_VERSION}, so every write goes SOAP, 200 records a call`,
      })
    }

    if (connection.features.poll_db_no_merge === false) {
      hits.push({
        fix: 'in the Connect dashboard, Settings, set the Write Algorithm to Ordered Writes',
        message: 'the connection uses Merged Writes: Connect writes through Bulk only with Ordered Writes, so every write goes SOAP, 200 records a call',
      })
    }

    if (connection.features.disable_bulk_writes) {
      hits.push({
        fix: 'ask Heroku support to turn off the connection\'s disable_bulk_writes feature',
        message: 'Bulk writes are disabled for this connection (features.disable_bulk_writes): every write goes SOAP, 200 records a call',
      })
    }

    for (const mapping of readWrite.filter(m => !m.upsertField)) {
      hits.push({
        fix: externalIdsFix(mapping.object, appFlag(snapshot)),
        message: `read-write mapping ${mapping.object} has no unique identifier: its writes can never go through Bulk`,
        object: mapping.object,
        table: `${connection.schema}.${mapping.table}`,
      })
    }

    return hits
  },
  id: 'HC031',
  name: 'bulk-ineligible',
  needs: ['connect'],
  practice: 8,
  remedy: 'Make the connection Bulk-eligible: Salesforce API version 39 or higher (`heroku connect:manage-sf-api-version`, with the connection paused), the Ordered Writes algorithm (Connect dashboard, Settings), Bulk writes not disabled, and a unique identifier on every read-write mapping (`heroku connect:external-ids`). `heroku connect:write-mode` shows what the pending backlog would cost either way.',
  severity: 'warning',
  summary: 'Bulk API writes are impossible: API version below 39, Merged Writes, Bulk disabled, or no unique identifier',
  why: 'Connect writes a run of 2,000+ changes of one type to one object through the Bulk API only when the API version is 39 or higher, Ordered Writes is on and the mapping has a unique identifier (practice 8). Otherwise large writes go through SOAP, 200 records a call, and can exhaust the org\'s daily API requests.',
}

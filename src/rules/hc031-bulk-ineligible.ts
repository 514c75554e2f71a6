import {CAUSES} from './causes.js'
import type {Rule, RuleHit} from './types.js'

import {apiVersionFix, BULK_DISABLED_FIX, ORDERED_WRITES_FIX, uniqueIdSteps} from '../analysis/write-fixes.js'
import {apiVersionNumber, BULK_MIN_API_VERSION, fmt, predictWrites} from '../analysis/write-prediction.js'

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
        fix: apiVersionFix(app, snapshot.salesforce?.newestApiVersion),
        message: `the connection uses Salesforce API version ${connection.apiVersion}: Connect writes through Bulk only from version ${BULK_MIN_API_VERSION}, so every write goes SOAP, 200 records a call`,
      })
    }

    if (connection.features.poll_db_no_merge === false) {
      hits.push({fix: ORDERED_WRITES_FIX, message: 'the connection uses Merged Writes: Connect writes through Bulk only with Ordered Writes, so every write goes SOAP, 200 records a call'})
    }

    if (connection.features.disable_bulk_writes) {
      hits.push({fix: BULK_DISABLED_FIX, message: 'Bulk writes are disabled for this connection (features.disable_bulk_writes): every write goes SOAP, 200 records a call'})
    }

    const unknown = predictWrites([], connection).unknown
    if (unknown.length > 0) {
      hits.push({
        fix: `heroku connect:write-mode -a ${app} shows the backlog both ways; read the settings from the live connection (heroku connect:export -a ${app} writes a current export)`,
        message: `the configuration does not give the ${unknown.join(' or the ')}: whether Connect can write through Bulk is unknown`,
        severity: 'info',
      })
    }

    // A missing identifier is HC001's finding. It stands here on its own only where a pending run
    // would go Bulk if the mapping had one: that is a cost the team is paying now.
    const log = snapshot.sources.postgres.ok ? snapshot.postgres?.triggerLog ?? null : null
    if (log) {
      const withIds = {...connection, mappings: connection.mappings.map(m => ({...m, upsertField: m.upsertField ?? 'unique id'}))}
      const now = predictWrites(log.runs, connection).runs
      const then = predictWrites(log.runs, withIds).runs
      for (const mapping of readWrite.filter(m => !m.upsertField)) {
        const lost = now.map((run, i) => [run, then[i]] as const).filter(([run, alt]) => run.object === mapping.object && run.via === 'soap' && alt.via === 'bulk')
        if (lost.length === 0) continue
        const records = lost.reduce((n, [run]) => n + run.count, 0)
        const soap = lost.reduce((n, [run]) => n + run.apiCalls, 0)
        const bulk = lost.reduce((n, [, alt]) => n + alt.apiCalls, 0)
        hits.push({
          fix: uniqueIdSteps(app, connection.schema, mapping),
          message: `${fmt(records)} pending changes to ${mapping.object} would go Bulk but for the missing unique identifier: ${fmt(soap)} SOAP calls instead of ${fmt(bulk)}`,
          object: mapping.object,
          related: ['HC001'],
          table: `${connection.schema}.${mapping.table}`,
        })
      }
    }

    return hits
  },
  id: 'HC031',
  name: 'bulk-ineligible',
  needs: ['connect'],
  practice: 8,
  remedy: 'Make the connection Bulk-eligible: Salesforce API version 39 or higher (`heroku connect:manage-sf-api-version`, with the connection paused: `heroku connect:pause` first, `heroku connect:resume` after), the Ordered Writes algorithm (Connect dashboard, Settings), Bulk writes not disabled, and a unique identifier on every read-write mapping (HC001). `heroku connect:write-mode` shows what the pending backlog would cost either way.',
  severity: 'warning',
  summary: 'Bulk API writes are impossible: API version below 39, Merged Writes, Bulk disabled, unknown settings, or a pending Bulk-sized run held back by a missing unique identifier',
  why: 'Connect writes a run of 2,000+ changes of one type to one object through the Bulk API only when the API version is 39 or higher, Ordered Writes is on and the mapping has a unique identifier (practice 8). Otherwise large writes go through SOAP, 200 records a call, and can exhaust the org\'s daily API requests.',
}

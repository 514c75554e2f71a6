import {appFlag} from '../analysis/connect-objects.js'
import {CONNECTION_FIX, HEALTHY_CONNECTION} from '../analysis/connect-states.js'
import type {Rule, RuleHit} from './types.js'

// Connection and mapping states: Dev Center "Connection States Reference" and "Mapping States
// Reference" (reference/heroku-connect-api.md §2.3, §2.4).
const BAD_MAPPING = new Set(['ABORTED', 'DB_UNAVAILABLE', 'ERROR', 'FAILED', 'NEED_AUTHENTICATION', 'SYSTEM_ERROR', 'UNAUTHORIZED'])
const badMapping = (state: string) => BAD_MAPPING.has(state) || /ERROR|FAIL|UNAUTH|INVALID/.test(state)

const HOUR = 3_600_000
/**
 * States Connect passes through on its own: a new connection being set up, a recovery, a mapping
 * altering its table after an edit or loading rows. They are normal while young and a problem
 * only when they last (reference/heroku-connect-api.md §2.3, §2.4); how long is too long, per state.
 */
const TRANSIENT: Record<string, {doing: string; limit: number}> = {
  INITIAL: {doing: 'creating its table and loading it', limit: 12 * HOUR},
  NEW: {doing: 'waiting to be set up', limit: 24 * HOUR},
  RECOVERY: {doing: 're-enabling', limit: HOUR},
  RELOAD_TABLE: {doing: 'reloading its table', limit: 12 * HOUR},
  RESYNC: {doing: 'loading new columns', limit: 12 * HOUR},
  SCHEMA_CHANGED: {doing: 'altering its table after an edit', limit: HOUR},
}

/** "40 minutes", "3 hours", "2 days" */
function age(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 60 || (minutes < 120 && minutes !== 60)) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`
  const hours = Math.round(ms / HOUR)
  if (hours === 1) return 'an hour'
  return hours < 48 ? `${hours} hours` : `${Math.round(hours / 24)} days`
}

/** A transient state: an error once older than its limit, info while young, a warning when Connect gives no time. */
function transient(state: string, since: null | string | undefined, collectedAt: string, what: string): null | {message: string; severity: 'error' | 'info' | 'warning'} {
  const known = TRANSIENT[state]
  if (!known) return null
  const limit = age(known.limit)
  const elapsed = since ? Date.parse(collectedAt) - Date.parse(since) : null
  if (elapsed === null || Number.isNaN(elapsed)) {
    return {message: `${what} is in state ${state} (${known.doing}), and Connect does not say since when: normal for a while, stuck if it lasts more than ${limit}`, severity: 'warning'}
  }

  if (elapsed <= known.limit) return {message: `${what} is in state ${state} (${known.doing}) for ${age(elapsed)}: normal for up to ${limit}`, severity: 'info'}
  return {message: `${what} has been in state ${state} (${known.doing}) for ${age(elapsed)}, more than ${limit}: it is stuck and not syncing`, severity: 'error'}
}

export const hc073: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    if (connection.state === null) return {provide: 'pass --app so the audit reads the live connection', skip: 'the export file has no live state; pass --app'}
    const app = appFlag(snapshot)
    const hits: RuleHit[] = []
    const state = connection.state.toUpperCase()
    const name = `connection ${connection.name ?? connection.schema}`
    const connectionFix = (CONNECTION_FIX[state] ?? 'heroku connect:recover {app}').replaceAll('{app}', app)
    const passing = transient(state, connection.stateSince, snapshot.collectedAt, name)
    if (passing) {
      hits.push({fix: passing.severity === 'info' ? `heroku connect:state ${app} (check again later)` : connectionFix, ...passing})
    } else if (!HEALTHY_CONNECTION.has(state)) {
      hits.push({
        fix: connectionFix,
        message: state === 'PAUSED'
          ? `${name} is PAUSED: nothing syncs, and writes pile up in ${connection.schema}._trigger_log until it resumes`
          : `${name} is in state ${state}: Connect is not syncing`,
        severity: state === 'PAUSED' ? 'warning' : 'error',
      })
    }

    for (const mapping of connection.mappings) {
      const mappingState = mapping.state?.toUpperCase()
      if (!mappingState) continue
      const where = {object: mapping.object, table: `${connection.schema}.${mapping.table}`}
      const diagnose = `heroku connect:mapping:diagnose ${mapping.object} ${app}`
      const stuck = transient(mappingState, mapping.stateSince, snapshot.collectedAt, `mapping ${mapping.object}`)
      if (stuck) {
        hits.push({...where, ...stuck, fix: stuck.severity === 'info' ? `heroku connect:mapping:state ${mapping.object} ${app} (check again later)` : diagnose})
        continue
      }

      if (!badMapping(mappingState)) continue
      const description = mapping.stateDescription && mapping.stateDescription !== mappingState ? ` (${mapping.stateDescription})` : ''
      hits.push({
        ...where,
        fix: mappingState.includes('UNAUTH') || mappingState === 'NEED_AUTHENTICATION' ? `heroku connect:sf:auth ${app}` : diagnose,
        message: `mapping ${mapping.object} is in state ${mappingState}${description}: it is not syncing`,
      })
    }

    return hits
  },
  id: 'HC073',
  name: 'bad-state',
  needs: ['connect'],
  practice: null,
  remedy: 'Run the command in the finding. States Connect passes through on its own (NEW, RECOVERY, SCHEMA_CHANGED while an edit applies, INITIAL, RESYNC and RELOAD_TABLE while rows load) are reported as info while young and as errors only once they last longer than they should, judged from the time Connect gives for the state; without that time they are warnings. Salesforce authentication states (UNAUTHORIZED, NEED_AUTHENTICATION) need `heroku connect:sf:auth`; a PAUSED connection needs `heroku connect:resume`; SYSTEM_ERROR and DB_UNAVAILABLE usually clear with `heroku connect:recover` once the cause is gone (check the database and HC075 first). A mapping stuck in SCHEMA_CHANGED often cannot alter its table because of a view or foreign key on it (HC020, HC040, HC041); `heroku connect:mapping:diagnose` and the Connect logs say which.',
  severity: 'error',
  summary: 'the connection or a mapping is in a bad state, or stuck in a transient one',
  why: 'Connect keeps running through most errors without telling the app: a connection that lost its Salesforce or Heroku authorization, cannot reach the database or hit a system error stops syncing every mapping, and a mapping in an error state stops syncing its object. A paused connection keeps capturing your writes in `_trigger_log` but sends none of them until it is resumed.',
}

import {sqlName} from '../analysis/connect-objects.js'
import {quoteLiteral} from '../sql.js'
import {scanSkip} from './scan-skip.js'
import type {Rule} from './types.js'

const fmt = (n: number) => n.toLocaleString('en-US')
const SAMPLE_LENGTH = 120

/** up to 3 samples, each on one line and at most ~120 characters, quoted */
function samples(list: string[]): string {
  const quoted = list.slice(0, 3).map(sample => {
    const line = sample.replaceAll(/\s+/g, ' ').trim()
    return `"${line.length > SAMPLE_LENGTH ? `${line.slice(0, SAMPLE_LENGTH - 1)}…` : line}"`
  })
  return quoted.length > 0 ? `: ${quoted.join('; ')}` : ''
}

export const hc070: Rule = {
  check(snapshot) {
    const {lastopFailed, schema, triggerLog} = snapshot.postgres!
    const connection = snapshot.sources.connect.ok ? snapshot.connection : null
    const objectOf = (table: string) => connection?.mappings.find(m => m.table === table.toLowerCase())?.object ?? null
    // retry by capturing the FAILED rows again, as an insert when they never got an sfid: this works
    // under both write algorithms and for failures already moved to _trigger_log_archive
    const fix = (table: string) => `heroku connect:write-errors -a ${snapshot.app ?? 'APP'}, fix the cause, then retry: SELECT CASE WHEN t.sfid IS NULL THEN ${sqlName(schema, 'hc_capture_insert_from_row')}(hstore(t.*), ${quoteLiteral(table)}, ARRAY[]::text[]) ELSE ${sqlName(schema, 'hc_capture_update_from_row')}(hstore(t.*), ${quoteLiteral(table)}, ARRAY[]::text[]) END FROM ${sqlName(schema, table)} t WHERE t._hc_lastop = 'FAILED'`
    const what = (table: string) => objectOf(table) ?? `${schema}.${table}`

    return [
      ...(triggerLog?.failed ?? []).filter(f => f.count > 0).map(failed => ({
        fix: fix(failed.table),
        message: `${fmt(failed.count)} ${failed.count === 1 ? 'change' : 'changes'} to ${what(failed.table)} failed to write to Salesforce (trigger log state FAILED)${samples(failed.samples)}`,
        object: objectOf(failed.table),
        table: `${schema}.${failed.table}`,
      })),
      ...lastopFailed.filter(f => f.count > 0).map(failed => ({
        fix: fix(failed.table),
        message: `${fmt(failed.count)} ${failed.count === 1 ? 'row' : 'rows'} in ${schema}.${failed.table} ${failed.count === 1 ? 'has' : 'have'} _hc_lastop FAILED${samples(failed.samples)}`,
        object: objectOf(failed.table),
        table: `${schema}.${failed.table}`,
      })),
    ]
  },
  id: 'HC070',
  partlySkipped(snapshot) {
    const unfinished = snapshot.postgres?.lastopUnfinished
    return (unfinished?.tables ?? []).map(table => scanSkip(`the count of FAILED rows in ${snapshot.postgres!.schema}.${table}`, unfinished!.seconds))
  },
  name: 'failed-writes',
  needs: ['postgres'],
  practice: null,
  remedy: 'List the errors with `heroku connect:write-errors` (the last 24 hours) or from the `sf_message` and `_hc_err` samples, and fix the cause in the data, the mapping or the integration user\'s permissions. Connect does not retry most failures by itself. Then capture the failed rows again with Connect\'s own functions, `hc_capture_insert_from_row` for rows that never got an `sfid` and `hc_capture_update_from_row` for the others; this works under both write algorithms and for failures already moved to `_trigger_log_archive`. A failed DELETE has no row left to capture: under Merged Writes, set its `_trigger_log` row back to `NEW`.',
  severity: 'error',
  summary: 'changes Salesforce rejected: `_trigger_log` rows in state FAILED and rows whose `_hc_lastop` is FAILED',
  why: 'A change Salesforce rejected stays unsynced: Postgres and Salesforce disagree until someone fixes the cause and retries, and Connect does not retry most errors on its own. Child records that point at a parent through its external id fail as well while the parent is missing from Salesforce.',
}

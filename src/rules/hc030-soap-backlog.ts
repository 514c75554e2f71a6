import type {BulkBlocker} from '../analysis/write-prediction.js'
import type {Rule} from './types.js'

import {percent as pct} from '../analysis/api-allowance.js'
import {apiVersionFix, BULK_DISABLED_FIX, ORDERED_WRITES_FIX} from '../analysis/write-fixes.js'
import {fmt, predictWrites} from '../analysis/write-prediction.js'
import {writeModeFix} from './commands.js'

const MIN_RECORDS = 10_000
const MIN_SHARE = 0.05

export const hc030: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    const {schema, triggerLog} = snapshot.postgres!
    if (!triggerLog) return {provide: 'point --database-url at the database the connection writes to (see HC075)', skip: `no _trigger_log in schema ${schema}`}
    const prediction = predictWrites(triggerLog.runs, connection)
    const budget = snapshot.sources.salesforce.ok ? snapshot.salesforce?.dailyApiRequests ?? null : null
    const over = budget !== null && prediction.totals.apiCalls > budget.remaining

    const tables = new Map<string, {object: null | string; records: number; calls: number; blockers: Set<BulkBlocker>}>()
    for (const run of prediction.runs.filter(r => r.via === 'soap' && !r.unsent)) {
      const key = run.table.slice(run.table.lastIndexOf('.') + 1)
      const entry = tables.get(key) ?? {blockers: new Set<BulkBlocker>(), calls: 0, object: run.object, records: 0}
      entry.records += run.count
      entry.calls += run.apiCalls
      for (const blocker of run.blockers) entry.blockers.add(blocker)
      tables.set(key, entry)
    }

    const app = snapshot.app ?? 'APP'
    // over budget: the tables past a threshold, or at least the biggest SOAP consumer
    const biggest = Math.max(0, ...[...tables.values()].map(t => t.calls))
    const large = (t: {records: number; calls: number}) => t.records >= MIN_RECORDS || (budget !== null && t.calls >= MIN_SHARE * budget.max)
    const anyLarge = [...tables.values()].some(t => large(t))
    return [...tables].filter(([, t]) => large(t) || (over && !anyLarge && t.calls === biggest)).map(([table, t]) => {
      const remedies: Partial<Record<BulkBlocker, string>> = {
        'api-version': `raise the API version (${apiVersionFix(app, snapshot.salesforce?.newestApiVersion)})`,
        'bulk-disabled': BULK_DISABLED_FIX,
        'merged-writes': `switch to Ordered Writes (${ORDERED_WRITES_FIX})`,
        'no-unique-id': `add a unique identifier to ${t.object} (the steps are in HC001's finding)`,
        'short-run': `write ${t.object} changes in contiguous batches of 2,000+ of one type`,
      }
      const structural = [...t.blockers].filter(b => b !== 'short-run')
      const steps = (structural.length > 0 ? structural : [...t.blockers]).map(b => remedies[b]).filter(Boolean)
      const share = budget ? ` (${pct(t.calls / budget.max)} of the daily limit)` : ''
      const exhaust = over ? `; the whole backlog needs ${fmt(prediction.totals.apiCalls)} and the org has ${fmt(budget!.remaining)} left today` : ''
      return {
        fix: `${writeModeFix(schema, `-a ${app}`)}, then ${steps.join(' and ')} so it goes Bulk`,
        message: `${fmt(t.records)} pending changes to ${t.object} will be written through SOAP: ${fmt(t.calls)} API ${t.calls === 1 ? 'call' : 'calls'}${share}${exhaust}`,
        object: t.object,
        severity: over ? 'error' : 'warning',
        table: `${schema}.${table}`,
      }
    })
  },
  id: 'HC030',
  name: 'soap-backlog',
  needs: ['connect', 'postgres'],
  practice: 4,
  remedy: 'Run `heroku connect:write-mode` to see how each run of the backlog will be written and why it is not Bulk. Make the mapping Bulk-eligible (API version 39+, Ordered Writes, a unique identifier) and let the application write 2,000+ changes of one type to one object together; for sustained volumes, pack records into a large text field as practice 4 describes.',
  severity: 'warning',
  summary: 'large pending backlog that Connect will write through SOAP, 200 records a call',
  why: 'Connect writes through SOAP 200 records a call unless every Bulk condition holds (practice 8). A backlog of tens of thousands of changes then costs hundreds of API calls from the org\'s daily allowance, shared with every other integration, and drains slowly (practice 4).',
}

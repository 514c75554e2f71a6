import type {MappingFacts} from '../snapshot/types.js'
import type {Rule, RuleHit} from './types.js'

import {allowanceUse, pollingSeconds as seconds, pollsPerDay} from '../analysis/api-allowance.js'
import {fmt, predictWrites} from '../analysis/write-prediction.js'

const unit = (s: number) => (s % 60 === 0 ? `${fmt(s / 60)} ${s === 60 ? 'minute' : 'minutes'}` : `${fmt(s)} ${s === 1 ? 'second' : 'seconds'}`)

/** "every minute", "every 2 minutes", "every 2 to 10 minutes", "every 90 seconds to 10 minutes" */
function every(intervals: number[]): string {
  const low = Math.min(...intervals)
  const high = Math.max(...intervals)
  if (low === high) return low === 60 ? 'every minute' : `every ${unit(low)}`
  return low % 60 === 0 && high % 60 === 0 ? `every ${fmt(low / 60)} to ${fmt(high / 60)} minutes` : `every ${unit(low)} to ${unit(high)}`
}

export const hc074: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    const app = snapshot.app ?? 'APP'
    const fix = `heroku connect:export -a ${app}, raise sf_polling_seconds (with sf_notify_enabled for Accelerated Polling) or drop unused mappings in the file, then heroku connect:import FILE -a ${app}`
    const log = snapshot.sources.postgres.ok ? snapshot.postgres?.triggerLog ?? null : null
    const prediction = log ? predictWrites(log.runs, connection) : null
    const backlogOf = (m: MappingFacts) => prediction?.runs.filter(r => r.object === m.object && !r.unsent).reduce((n, r) => n + r.apiCalls, 0) ?? 0
    const plus = (calls: number) => (calls > 0 ? `, plus ${fmt(calls)} for the backlog` : '')
    const hits: RuleHit[] = []

    for (const m of connection.mappings) {
      const polling = pollsPerDay(m)
      const backlog = backlogOf(m)
      if (m.maxDailyApiCalls === null || polling + backlog <= m.maxDailyApiCalls) continue
      hits.push({
        fix,
        message: `Connect will spend about ${fmt(polling)} API calls a day polling ${m.object} ${every([seconds(m)])}${plus(backlog)}, above the mapping's sf_max_daily_api_calls of ${fmt(m.maxDailyApiCalls)}`,
        object: m.object,
        table: `${connection.schema}.${m.table}`,
      })
    }

    const budget = snapshot.sources.salesforce.ok ? snapshot.salesforce?.dailyApiRequests ?? null : null
    if (budget) {
      // Remaining already has Connect's polling of the last 24 h taken out (api-allowance.ts):
      // only the backlog is weighed against it; polling is weighed against the whole allowance
      const use = allowanceUse(prediction?.totals.apiCalls ?? 0, budget, connection.mappings)
      if (use.connectPolling > budget.max / 2 || (use.calls > 0 && use.calls > budget.remaining / 2)) {
        const n = connection.mappings.length
        const polls = n > 0 ? `polling ${fmt(n)} ${n === 1 ? 'mapping' : 'mappings'} ${every(connection.mappings.map(m => seconds(m)))}` : 'with no mappings to poll'
        const backlog = use.calls > 0 ? `, and needs ${fmt(use.calls)} more for the backlog` : ''
        hits.push({
          fix: use.calls > 0 ? `heroku connect:write-mode -a ${app} shows what the backlog costs and how to make it cheaper; ${fix}` : fix,
          message: `Connect spends about ${fmt(use.connectPolling)} API calls a day ${polls} (already part of today's usage)${backlog}; the org has ${fmt(budget.remaining)} of ${fmt(budget.max)} left today`,
          severity: use.exceeds ? 'error' : 'warning',
        })
      }
    }

    return hits
  },
  id: 'HC074',
  name: 'api-budget',
  needs: ['connect'],
  practice: 8,
  remedy: 'Poll less often: raise `sf_polling_seconds` on mappings that do not need fresh data and turn on Accelerated Polling (`sf_notify_enabled`) where they do, so a change still arrives quickly; unmap objects the application does not use. Make large writes Bulk-eligible (see HC031) so the backlog costs a few Bulk jobs instead of one SOAP call per 200 records. Mapping settings travel through `heroku connect:export` and `heroku connect:import`.',
  severity: 'warning',
  summary: 'daily Salesforce API calls Connect will spend polling and writing, against the org\'s limit and each mapping\'s cap',
  why: 'Every mapping polls Salesforce on its own schedule, at least one API call a poll whether or not anything changed, and every write costs calls too (practice 8). Those calls come out of the org\'s daily API requests, shared with every other integration; when they run out, Salesforce rejects API calls (REQUEST_LIMIT_EXCEEDED) from every integration until the rolling 24-hour window frees some. Each mapping also has its own cap, `sf_max_daily_api_calls`.',
}

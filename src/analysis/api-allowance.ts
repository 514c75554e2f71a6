import type {MappingFacts} from '../snapshot/types.js'

// The org's daily API allowance against what Connect will spend, shared by HC074 and
// connect:write-mode. Salesforce's DailyApiRequests (/limits, or the Sforce-Limit-Info header) is a
// rolling 24-hour window, and its `Remaining` already has the calls Connect made in the last 24 h
// taken out. Connect's polling goes on at the same rate, so the polls of the next 24 h take the
// place of those of the last 24 h: they are not new demand on what is left. What is new is the
// backlog Connect still has to write. Counting polling against `Remaining` again counted it twice.

/** sf_polling_seconds when the mapping does not set it (heroku-connect-db.md §5.5) */
export const DEFAULT_POLLING_SECONDS = 600
const DAY = 86_400

export const pollingSeconds = (mapping: Pick<MappingFacts, 'pollingSeconds'>): number => mapping.pollingSeconds ?? DEFAULT_POLLING_SECONDS
/** each poll costs at least one call */
export const pollsPerDay = (mapping: Pick<MappingFacts, 'pollingSeconds'>): number => Math.ceil(DAY / pollingSeconds(mapping))

export interface DailyApiRequests {
  max: number
  remaining: number
}

export interface AllowanceUse {
  max: number
  remaining: number
  /** Connect's polling of every mapping, calls a day: already inside the org's used figure */
  connectPolling: number
  /** used by everything but Connect's polling in the last 24 h (at least 0) */
  othersUsed: number
  /** the new calls being weighed (a backlog, a planned write) */
  calls: number
  /** calls / max */
  shareOfMax: number
  /** calls / remaining; Infinity when nothing is left */
  shareOfRemaining: number
  /** the calls do not fit in what is left today */
  exceeds: boolean
}

export function allowanceUse(calls: number, budget: DailyApiRequests, mappings: ReadonlyArray<Pick<MappingFacts, 'pollingSeconds'>>): AllowanceUse {
  const connectPolling = mappings.reduce((n, m) => n + pollsPerDay(m), 0)
  const used = Math.max(0, budget.max - budget.remaining)
  return {
    calls,
    connectPolling,
    exceeds: calls > budget.remaining,
    max: budget.max,
    othersUsed: Math.max(0, used - connectPolling),
    remaining: budget.remaining,
    shareOfMax: budget.max > 0 ? calls / budget.max : 0,
    shareOfRemaining: budget.remaining > 0 ? calls / budget.remaining : (calls > 0 ? Number.POSITIVE_INFINITY : 0),
  }
}

/** "0.8%", "<0.1%", "120%" */
export function percent(share: number): string {
  if (!Number.isFinite(share)) return 'more than all'
  if (share > 0 && share < 0.001) return '<0.1%'
  return `${(share * 100).toLocaleString('en-US', {maximumFractionDigits: 1})}%`
}

import type {ApiCallCounter, ApiCallKind} from '../org-runtime.js'

// Every Salesforce API call the sandbox answers, by kind. `oauth` calls (userinfo, identity)
// do not consume the org's daily API allowance; everything else does.

const KINDS: ApiCallKind[] = ['bulk', 'composite', 'oauth', 'rest', 'soap', 'tooling']

export class CallCounter implements ApiCallCounter {
  private counts = emptyCounts()

  get byKind(): Readonly<Record<ApiCallKind, number>> {
    return {...this.counts}
  }

  get total(): number {
    return KINDS.reduce((sum, kind) => sum + this.counts[kind], 0)
  }

  record(kind: ApiCallKind, count = 1): void {
    this.counts[kind] += count
  }

  reset(): void {
    this.counts = emptyCounts()
  }
}

function emptyCounts(): Record<ApiCallKind, number> {
  return {bulk: 0, composite: 0, oauth: 0, rest: 0, soap: 0, tooling: 0}
}

/** API requests used today, as Salesforce reports them in limits and Sforce-Limit-Info. */
export function apiUsage(org: {spec: {dailyApiRequests: {max: number; used: number}}; calls: ApiCallCounter}): {max: number; used: number} {
  const {max, used} = org.spec.dailyApiRequests
  const billable = org.calls.total - org.calls.byKind.oauth
  return {max, used: used + billable}
}

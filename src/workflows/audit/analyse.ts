import {UsageError} from '../../errors.js'
import {runRules} from '../../rules/runner.js'
import type {Rule, Severity} from '../../rules/types.js'
import type {Snapshot} from '../../snapshot/types.js'
import type {AuditReport} from './report.js'
import {applyWaivers, type Waiver} from './waivers.js'

// The analyse step of the audit: pure, given a snapshot, the rule selection and the waivers.

export type FailOn = 'error' | 'info' | 'never' | 'warning'

export function selectRules(rules: readonly Rule[], only: string[] = [], skip: string[] = []): Rule[] {
  const resolve = (key: string, flag: string) => {
    const rule = rules.find(r => r.id.toLowerCase() === key.toLowerCase() || r.name === key.toLowerCase())
    if (!rule) throw new UsageError(`${flag}: unknown rule "${key}"`, 'rule ids and names are listed in docs/rules.md')
    return rule.id
  }

  const onlyIds = new Set(only.map(key => resolve(key, '--only')))
  const skipIds = new Set(skip.map(key => resolve(key, '--skip')))
  return rules.filter(rule => (onlyIds.size === 0 || onlyIds.has(rule.id)) && !skipIds.has(rule.id))
}

export function analyse(snapshot: Snapshot, rules: Rule[], waivers: Waiver[], today: string): AuditReport {
  const run = runRules(rules, snapshot)
  const {expired, findings, waived} = applyWaivers(run.findings, waivers, today)
  return {
    app: snapshot.app,
    collectedAt: snapshot.collectedAt,
    expiredWaivers: expired,
    findings: sortFindings(findings),
    rules: run.ran,
    schema: snapshot.connection?.schema ?? snapshot.postgres?.schema ?? null,
    skipped: run.skipped,
    waived,
  }
}

const RANK: Record<Severity, number> = {error: 0, info: 2, warning: 1}

function sortFindings<T extends {rule: string; severity: Severity}>(findings: T[]): T[] {
  // stable: within a severity, catalog order and then the rule's own order
  return findings
    .map((finding, index) => ({finding, index}))
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.index - b.index)
    .map(entry => entry.finding)
}

/** DESIGN.md §4: 1 when any finding is at or above --fail-on, else 0. */
export function exitCodeFor(report: AuditReport, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0
  const threshold = RANK[failOn]
  return report.findings.some(finding => RANK[finding.severity] <= threshold) ? 1 : 0
}

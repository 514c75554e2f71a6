import type {Snapshot} from '../snapshot/types.js'
import type {Finding, Rule, RuleMeta, SkippedRule} from './types.js'

// Runs rules over one snapshot. A rule whose inputs were not collected is skipped with the
// source's reason, never run on partial data and never silently passed.

export interface RuleRun {
  findings: Finding[]
  skipped: SkippedRule[]
  ran: RuleMeta[]
}

export function runRules(rules: Rule[], snapshot: Snapshot): RuleRun {
  const result: RuleRun = {findings: [], ran: [], skipped: []}
  for (const rule of rules) {
    const missing = rule.needs.find(input => !snapshot.sources[input].ok)
    if (missing) {
      const source = snapshot.sources[missing]
      result.skipped.push({
        name: rule.name,
        provide: source.provide ?? '',
        reason: source.reason ?? `no ${missing} input`,
        rule: rule.id,
      })
      continue
    }

    const outcome = rule.check(snapshot)
    if (!Array.isArray(outcome)) {
      result.skipped.push({name: rule.name, provide: outcome.provide ?? '', reason: outcome.skip, rule: rule.id})
      continue
    }

    result.ran.push(metaOf(rule))
    for (const part of rule.partlySkipped?.(snapshot) ?? []) result.skipped.push({name: rule.name, provide: part.provide ?? '', reason: part.skip, rule: rule.id})
    for (const hit of outcome) {
      // key order follows the documented --json contract
      result.findings.push({
        rule: rule.id,
        practice: rule.practice,
        severity: hit.severity ?? rule.severity,
        object: hit.object ?? null,
        table: hit.table ?? null,
        field: hit.field ?? null,
        message: hit.message,
        fix: hit.fix,
        ...(hit.related?.length ? {related: hit.related} : {}),
      })
    }
  }

  return result
}

export function metaOf(rule: Rule): RuleMeta {
  const {check: _check, partlySkipped: _partly, ...meta} = rule
  return meta
}

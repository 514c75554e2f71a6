import type {Snapshot} from '../snapshot/types.js'
import type {Finding, Rule, RuleHit, RuleMeta, Severity, SkippedRule} from './types.js'

// Runs rules over one snapshot. A rule whose inputs were not collected is skipped with the
// source's reason, never run on partial data and never silently passed.

export interface RuleRun {
  findings: Finding[]
  skipped: SkippedRule[]
  ran: RuleMeta[]
}

export function runRules(rules: Rule[], snapshot: Snapshot): RuleRun {
  const result: RuleRun = {findings: [], ran: [], skipped: []}
  const hits: Array<{hit: RuleHit; rule: Rule}> = []
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
    for (const hit of outcome) hits.push({hit, rule})
  }

  result.findings = foldCauses(hits)
  return result
}

const RANK: Record<Severity, number> = {error: 0, info: 2, warning: 1}

/** One cause, one finding: hits that fold into a cause another hit reports join that finding. */
function foldCauses(hits: Array<{hit: RuleHit; rule: Rule}>): Finding[] {
  const primaries = new Map<string, Finding[]>()
  const findings: Finding[] = []
  // the key a hit folds into: the first of its keys that another rule's hit reports
  const targetKey = ({hit, rule}: {hit: RuleHit; rule: Rule}) => [hit.foldInto ?? []].flat()
    .find(key => hits.some(other => other.hit.cause === key && other.rule.id !== rule.id))
  for (const {hit, rule} of hits) {
    if (targetKey({hit, rule})) continue
    const finding = toFinding(hit, rule)
    findings.push(finding)
    if (hit.cause) primaries.set(hit.cause, [...(primaries.get(hit.cause) ?? []), finding])
  }

  for (const {hit, rule} of hits) {
    const key = targetKey({hit, rule})
    const targets = (key && primaries.get(key)?.filter(f => f.rule !== rule.id)) || []
    for (const target of targets) {
      const related = [...(target.related ?? []), hit.relatedId ?? rule.id, ...(hit.related ?? [])]
      target.related = [...new Set(related)]
      const severity = hit.severity ?? rule.severity
      if (RANK[severity] < RANK[target.severity]) target.severity = severity
      // one clause per consequence, even when several hits of a rule fold into the same finding
      if (hit.consequence && !target.message.includes(hit.consequence)) target.message += `; ${hit.consequence}`
    }
  }

  return findings
}

function toFinding(hit: RuleHit, rule: Rule): Finding {
  // key order follows the documented --json contract
  return {
    rule: rule.id,
    practice: rule.practice,
    severity: hit.severity ?? rule.severity,
    object: hit.object ?? null,
    table: hit.table ?? null,
    field: hit.field ?? null,
    message: hit.message,
    fix: hit.fix,
    ...(hit.related?.length ? {related: [...hit.related]} : {}),
  }
}

export function metaOf(rule: Rule): RuleMeta {
  const {check: _check, partlySkipped: _partly, ...meta} = rule
  return meta
}

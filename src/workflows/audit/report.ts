import type {Finding, RuleMeta, Severity, SkippedRule} from '../../rules/types.js'

export type {SkippedRule} from '../../rules/types.js'

export interface WaivedFinding {
  finding: Finding
  reason: string
  expires: string
}

export interface ExpiredWaiver {
  rule: string
  object: null | string
  field: null | string
  reason: string
  expired: string
}

/** The result of `connect:audit`; the `--json` output is `toJson(report)` (DESIGN.md §4). */
export interface AuditReport {
  app: null | string
  schema: null | string
  /** ISO timestamp of collection */
  collectedAt: string
  /** the rules that ran, in catalog order, for renderers that list rules (SARIF, JUnit) */
  rules: RuleMeta[]
  findings: Finding[]
  skipped: SkippedRule[]
  waived: WaivedFinding[]
  expiredWaivers: ExpiredWaiver[]
}

export interface AuditJson {
  app: null | string
  schema: null | string
  summary: {error: number; warning: number; info: number; skipped: string[]}
  findings: Finding[]
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = {error: 0, info: 0, warning: 0}
  for (const finding of findings) counts[finding.severity]++
  return counts
}

export function toJson(report: AuditReport): AuditJson {
  const counts = countBySeverity(report.findings)
  // key order follows the documented contract so diffs of saved reports stay readable
  return {
    app: report.app,
    schema: report.schema,
    summary: {error: counts.error, warning: counts.warning, info: counts.info, skipped: report.skipped.map(s => `${s.rule}: ${s.reason}`)},
    findings: report.findings,
  }
}

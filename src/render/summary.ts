import {hux} from '@heroku/heroku-cli-util'

import type {Finding, Severity} from '../rules/types.js'
import type {AuditReport} from '../workflows/audit/report.js'
import {ruleRef} from './docs-url.js'

// The one-screen summary that opens the table output (and is all of `--summary`): one row per
// rule and severity, with how many findings and on which objects, as a hux table.

export interface SummaryRow {
  rule: string
  name: string
  severity: Severity
  count: number
  objects: string
}

const RANK: Record<Severity, number> = {error: 0, info: 2, warning: 1}
const MAX_NAMED = 3

/** What a finding is about, as briefly as it can be named. */
const subject = (f: Finding) => f.object ?? f.table ?? f.field ?? '(connection)'

export function summaryRows(report: AuditReport): SummaryRow[] {
  const groups = new Map<string, {findings: Finding[]; rule: string; severity: Severity}>()
  for (const finding of report.findings) {
    const key = `${finding.rule}\n${finding.severity}`
    const group = groups.get(key) ?? {findings: [], rule: finding.rule, severity: finding.severity}
    group.findings.push(finding)
    groups.set(key, group)
  }

  return [...groups.values()]
    .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.rule.localeCompare(b.rule))
    .map(({findings, rule, severity}) => {
      const names = [...new Set(findings.map(f => subject(f)))]
      const more = names.length - MAX_NAMED
      return {
        count: findings.length,
        objects: more > 0 ? `${names.slice(0, MAX_NAMED).join(', ')} and ${more} more` : names.join(', '),
        name: ruleRef(report, rule).name,
        rule,
        severity,
      }
    })
}

/**
 * The summary as lines. hux prints to stdout itself, so its output is caught here and returned,
 * letting the caller send it to a file (`--output`) or stdout like the rest of the report. The
 * layout is fixed (not switched by a CI variable) so the report reads the same everywhere.
 */
export function summaryTable(report: AuditReport, width: number, visible: (text: string) => string): string[] {
  // the rule's name joins its id when there is room; the details below always name it
  const named = width >= 110
  const rows = summaryRows(report).map(row => ({...row, objects: visible(row.objects), rule: named && row.name ? `${row.rule} ${row.name}` : row.rule}))
  if (rows.length === 0) return []
  const chunks: string[] = []
  const write = process.stdout.write
  const skipCiCheck = process.env.OCLIF_TABLE_SKIP_CI_CHECK
  process.env.OCLIF_TABLE_SKIP_CI_CHECK = '1'
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  try {
    // columns print in key order
    hux.table(rows, {rule: {header: 'Rule'}, severity: {header: 'Severity'}, count: {header: 'Count'}, objects: {header: 'Objects'}}, {maxWidth: width, noStyle: true})
  } finally {
    process.stdout.write = write
    if (skipCiCheck === undefined) delete process.env.OCLIF_TABLE_SKIP_CI_CHECK
    else process.env.OCLIF_TABLE_SKIP_CI_CHECK = skipCiCheck
  }

  return chunks.join('').split('\n').map(line => line.trimEnd()).filter(line => line !== '')
}

import type {Finding, Severity} from '../rules/types.js'

import {SEVERITY_ORDER} from '../rules/types.js'
import type {AuditReport} from '../workflows/audit/report.js'
import {RULES_DOCS_URL, ruleDocsUrl, type RuleRef, ruleRef} from './docs-url.js'
import {splitCommand, summaryLine, visible} from './table.js'

const HEADINGS: Record<Severity, string> = {error: 'Errors', info: 'Info', warning: 'Warnings'}

const WORD = /^[\p{L}\p{N}]$/u

/** Lets a CI job find and update its previous PR comment instead of adding one per push. */
export const MARKDOWN_MARKER = '<!-- heroku-connect-guard:audit -->'

/**
 * Prose from rules and from Salesforce/Postgres data, made inert inside a table cell: HTML and
 * entities are shown literally, emphasis/link/code syntax is escaped, a pipe cannot end the cell
 * and a newline cannot end the row.
 */
export function mdText(text: string): string {
  return visible(
    text
      .trim()
      .replaceAll('\t', ' ')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll(/[\\`*[\]|~]/g, c => `\\${c}`)
      // an underscore run between two letters never makes emphasis, so names like Region__c stay legible
      .replaceAll(/_+/g, (run, at: number, all: string) => (WORD.test(all[at - 1] ?? '') && WORD.test(all[at + run.length] ?? '') ? run : run.replaceAll('_', '\\_')))
      .replaceAll(/\r\n?|\n/g, '<br>'),
  )
}

/** An identifier as a code span; the fence grows past any backtick run inside it. */
export function mdCode(text: string): string {
  if (text === '') return ''
  const body = visible(text.replaceAll(/\s+/g, ' ')).replaceAll('|', String.raw`\|`)
  const fence = '`'.repeat(Math.max(0, ...(body.match(/`+/g) ?? []).map(run => run.length)) + 1)
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${body}${pad}${fence}`
}

function ruleCell(ref: RuleRef): string {
  return `[${mdText(ref.id)}](${ruleDocsUrl(ref)})${ref.name ? ` ${mdText(ref.name)}` : ''}`
}

function fixCell(fix: string): string {
  const [prose, command] = splitCommand(fix)
  return [mdText(prose), mdCode(command)].filter(Boolean).join(' ')
}

function objectCell(where: Pick<Finding, 'object' | 'table'>): string {
  return [where.object, where.table].filter(part => part !== null && part !== '').map(part => mdCode(part!)).join('<br>')
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(row => `| ${row.join(' | ')} |`)]
}

export function renderMarkdown(report: AuditReport): string {
  let title = 'heroku-connect-guard audit'
  if (report.app) title += `: ${mdCode(report.app)}`
  if (report.schema) title += ` (${mdCode(report.schema)})`
  const out: string[] = [MARKDOWN_MARKER, `## ${title}`, '', `**${summaryLine(report)}**`]

  if (report.findings.length === 0) {
    const ran = report.rules.length
    out.push('', ran === 0 ? 'No findings, but no rule could run.' : `No findings: ${ran === 1 ? 'the one rule' : `all ${ran} rules`} that ran passed.`)
  }

  for (const severity of SEVERITY_ORDER) {
    const group = report.findings.filter(f => f.severity === severity)
    if (group.length === 0) continue
    out.push('', `### ${HEADINGS[severity]} (${group.length})`, '')
    out.push(...table(['Rule', 'Object', 'Field', 'Message', 'Fix'], group.map(f => [ruleCell(ruleRef(report, f.rule)), objectCell(f), mdCode(f.field ?? ''), mdText(f.message), fixCell(f.fix)])))
  }

  if (report.skipped.length > 0) {
    out.push('', `### Skipped rules (${report.skipped.length})`, '')
    out.push(...table(['Rule', 'Reason', 'To run it'], report.skipped.map(s => [ruleCell({id: s.rule, name: s.name}), mdText(s.reason), mdText(s.provide)])))
  }

  if (report.waived.length > 0) {
    out.push('', `### Waived findings (${report.waived.length})`, '')
    out.push(
      ...table(
        ['Rule', 'Object', 'Field', 'Message', 'Waived because', 'Until'],
        report.waived.map(({expires, finding: f, reason}) => [ruleCell(ruleRef(report, f.rule)), objectCell(f), mdCode(f.field ?? ''), mdText(f.message), mdText(reason), mdText(expires)]),
      ),
    )
  }

  if (report.expiredWaivers.length > 0) {
    out.push('', `### Expired waivers (${report.expiredWaivers.length})`, '', 'Renew these waivers or remove them; their findings are no longer hidden.', '')
    out.push(
      ...table(
        ['Rule', 'Object', 'Field', 'Waived because', 'Expired'],
        report.expiredWaivers.map(w => [ruleCell(ruleRef(report, w.rule)), objectCell({object: w.object, table: null}), mdCode(w.field ?? ''), mdText(w.reason), mdText(w.expired)]),
      ),
    )
  }

  out.push('', `<sub>Collected ${mdText(report.collectedAt)} · [rule documentation](${RULES_DOCS_URL})</sub>`)
  return out.join('\n')
}

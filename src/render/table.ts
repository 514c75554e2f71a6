import type {Finding, Severity} from '../rules/types.js'

import {SEVERITY_ORDER} from '../rules/types.js'
import {type AuditReport, countBySeverity, type SkippedRule} from '../workflows/audit/report.js'
import {ruleLabel, ruleRef} from './docs-url.js'
import {summaryTable} from './summary.js'

export interface TableOptions {
  color: boolean
  /** the summary table and the counts only, without the details */
  summaryOnly?: boolean
  write: (line: string) => void
  /** columns to wrap at; 80 unless the caller knows the terminal is wider */
  width?: number
}

type Paint = (text: string) => string

// Our own SGR codes rather than hux's colours: hux decides once, at import, from the environment,
// and the caller has already decided (TTY, --no-color, NO_COLOR). Palette values follow hux's.
const sgr = (open: string, close: string): Paint => text => `\u001B[${open}m${text}\u001B[${close}m`
const PALETTE = {
  bold: sgr('1', '22'),
  dim: sgr('38;5;248', '39'),
  error: sgr('38;5;210', '39'),
  info: sgr('38;5;43', '39'),
  success: sgr('38;5;40', '39'),
  warning: sgr('38;5;214', '39'),
}
const PLAIN: typeof PALETTE = {bold: t => t, dim: t => t, error: t => t, info: t => t, success: t => t, warning: t => t}

const HEADINGS: Record<Severity, string> = {error: 'Errors', info: 'Info', warning: 'Warnings'}

/**
 * Control characters (an ANSI escape in a Salesforce label, NUL, BEL) and bidi overrides would let
 * data rewrite the terminal, so they are shown as `\u001b` instead of being sent.
 */
export function visible(text: string): string {
  return text.replaceAll(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, c => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

/** `Contact (salesforce.contact.email)`: the Salesforce side first, the Postgres side in brackets. */
export function findingLocation(where: Pick<Finding, 'field' | 'object' | 'table'>): string {
  const {field, object, table} = where
  const pg = table ? (field ? `${table}.${field}` : table) : null
  const sf = object ? (field && !table ? `${object}.${field}` : object) : null
  if (sf && pg) return `${sf} (${pg})`
  return sf ?? pg ?? field ?? ''
}

/** One unbreakable unit: a word, or a phrase such as `HC050 integration-user,` kept on one line. */
interface Word {text: string; paint?: Paint}

const words = (text: string, paint?: Paint): Word[] =>
  text.split(/\s+/).filter(Boolean).map(w => ({paint, text: visible(w)}))

/** Data on one line: newlines and tabs from a message or an `_hc_err` sample become spaces. */
export const oneLine = (text: string): string => words(text).map(w => w.text).join(' ')

/** Greedy wrap measured on plain text; words longer than a line overflow rather than being cut. */
function wrap(items: Word[], width: number, indent: string, hang: string): string[] {
  const lines: string[] = []
  let line = ''
  let painted = ''
  for (const {paint, text} of items) {
    const start = lines.length === 0 ? indent : hang
    if (line && (start + line + ' ' + text).length > width) {
      lines.push(start + painted)
      line = ''
      painted = ''
    }
    line += (line ? ' ' : '') + text
    painted += (painted ? ' ' : '') + (paint ? paint(text) : text)
  }
  if (line || lines.length === 0) lines.push((lines.length === 0 ? indent : hang) + painted)
  return lines
}

/** A fix often ends in a shell command: `[prose, command]`, the command '' when there is none. */
export function splitCommand(fix: string): [string, string] {
  const at = fix.search(/(^|\s)heroku\s/)
  return at === -1 ? [fix, ''] : [fix.slice(0, at), fix.slice(at).trim()]
}

// keep the command on one line so it can be copied as it is, unless it cannot fit anyway
function commandWords(fix: string, room: number): Word[] {
  const [prose, command] = splitCommand(fix)
  if (!command || oneLine(command).length > room) return words(fix)
  return [...words(prose), {text: oneLine(command)}]
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

export function summaryLine(report: AuditReport, paint: typeof PALETTE = PLAIN): string {
  const counts = countBySeverity(report.findings)
  const part = (n: number, text: string, p: Paint) => (n > 0 ? p(text) : text)
  const parts = [
    part(counts.error, plural(counts.error, 'error'), paint.error),
    part(counts.warning, plural(counts.warning, 'warning'), paint.warning),
    part(counts.info, `${counts.info} info`, paint.info),
    part(report.skipped.length, `${report.skipped.length} skipped`, paint.dim),
  ]
  // waivers hide findings from the counts above, so say how many are hidden
  if (report.waived.length > 0) parts.push(`${report.waived.length} waived`)
  return parts.join(', ')
}

export function renderTable(report: AuditReport, options: TableOptions): void {
  const width = Math.max(40, options.width ?? 80)
  const paint = options.color ? PALETTE : PLAIN
  const out = (lines: string[]) => {
    for (const line of lines) options.write(line)
  }

  // "on <where>" moves to its own line as a whole rather than splitting a table name from its field
  const heading = (ref: {id: string; name: string}, where: string, p: Paint): string[] =>
    wrap([{paint: (t: string) => paint.bold(p(t)), text: ref.id}, ...words(ref.name), ...(where ? [{text: `on ${oneLine(where)}`}] : [])], width, '  ', '      ')
  const labelled = (label: string, text: string, p: Paint = paint.dim): string[] =>
    wrap([{paint: p, text: label}, ...words(text)], width, '    ', ' '.repeat(5 + label.length))

  let title = 'heroku-connect-guard audit'
  if (report.app) title += `: ${report.app}`
  if (report.schema) title += ` (${report.schema})`
  out(wrap(words(`=== ${title}`), width, '', '    ').map(line => paint.bold(line)))

  if (report.findings.length === 0) {
    const ran = report.rules.length
    options.write('')
    out(wrap(words(ran === 0 ? 'No findings, but no rule could run.' : `No findings: ${ran === 1 ? 'the one rule' : `all ${ran} rules`} that ran passed.`, paint.success), width, '', ''))
  } else {
    // one screen first: what was found, how often, where; the details follow
    options.write('')
    out(summaryTable(report, width, visible))
  }

  if (options.summaryOnly) {
    if (report.skipped.length > 0) out(['', ...wrap(words(`Skipped: ${report.skipped.map(s => s.rule).join(', ')} (run without --summary for the reasons)`, paint.dim), width, '', '')])
    options.write('')
    options.write(summaryLine(report, paint))
    return
  }

  for (const severity of SEVERITY_ORDER) {
    const group = report.findings.filter(f => f.severity === severity)
    if (group.length === 0) continue
    options.write('')
    options.write(paint.bold(paint[severity](`${HEADINGS[severity]} (${group.length})`)))
    for (const finding of group) {
      options.write('')
      out(heading(ruleRef(report, finding.rule), findingLocation(finding), paint[severity]))
      out(wrap(words(finding.message), width, '    ', '    '))
      out(wrap([{paint: paint.success, text: 'fix:'}, ...commandWords(finding.fix, width - 9)], width, '    ', '         '))
      // the other rules and Connect checks this one finding stands for
      if (finding.related?.length) out(labelled('also:', finding.related.join(', ')))
    }
  }

  if (report.skipped.length > 0) {
    options.write('')
    options.write(paint.bold(`Skipped (${report.skipped.length})`))
    // rules usually skip for a shared reason (no Salesforce credentials), so say each reason once
    for (const group of groupSkipped(report.skipped)) {
      options.write('')
      out(wrap(words(group[0].reason), width, '  ', '  '))
      out(wrap(group.map((skip, i) => ({text: oneLine(ruleLabel({id: skip.rule, name: skip.name})) + (i < group.length - 1 ? ',' : '')})), width, '    ', '    '))
      if (group[0].provide) out(labelled('to run:', group[0].provide))
    }
  }

  if (report.waived.length > 0) {
    options.write('')
    options.write(paint.bold(`Waived (${report.waived.length})`))
    for (const {expires, finding, reason} of report.waived) {
      options.write('')
      out(heading(ruleRef(report, finding.rule), findingLocation(finding), paint.dim))
      out(labelled(`waived until ${expires}:`, reason))
    }
  }

  if (report.expiredWaivers.length > 0) {
    options.write('')
    options.write(paint.bold(`Expired waivers (${report.expiredWaivers.length})`))
    for (const waiver of report.expiredWaivers) {
      options.write('')
      out(heading(ruleRef(report, waiver.rule), findingLocation({...waiver, table: null}), paint.warning))
      out(labelled(`expired ${waiver.expired}:`, waiver.reason))
    }
  }

  options.write('')
  options.write(summaryLine(report, paint))
}

function groupSkipped(skipped: SkippedRule[]): SkippedRule[][] {
  const groups = new Map<string, SkippedRule[]>()
  for (const skip of skipped) {
    const key = `${skip.reason}\n${skip.provide}`
    groups.set(key, [...(groups.get(key) ?? []), skip])
  }
  return [...groups.values()]
}

import type {Finding, Severity} from '../rules/types.js'

import {SEVERITY_ORDER} from '../rules/types.js'
import type {AuditReport} from '../workflows/audit/report.js'
import {ruleLabel, type RuleRef, ruleRef} from './docs-url.js'
import {findingLocation, oneLine} from './table.js'

/**
 * Characters XML 1.0 cannot carry even as references (most C0 controls, lone surrogates, U+FFFE/F),
 * plus C1 controls and bidi overrides that would mislead a CI log viewer: shown as `\u001b`.
 */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function xmlText(text: string): string {
  return text
    .replaceAll(UNSAFE, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#13;')
}

/** Attribute values also keep their quotes and line breaks, which parsers would otherwise normalise. */
export function xmlAttr(text: string): string {
  return xmlText(text).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\n', '&#10;').replaceAll('\t', '&#9;')
}

const attrs = (pairs: Record<string, number | string>): string =>
  Object.entries(pairs).map(([key, value]) => ` ${key}="${xmlAttr(String(value))}"`).join('')

function describe(finding: Finding): string {
  const where = findingLocation(finding)
  return [`${finding.severity}: ${finding.message}`, ...(where ? [`  at: ${where}`] : []), `  fix: ${finding.fix}`].join('\n')
}

interface Case {ref: RuleRef; failing: Finding[]; output: string[]; skipped?: string}

export function renderJunit(report: AuditReport): string {
  const cases = new Map<string, Case>()
  const caseFor = (id: string): Case => {
    if (!cases.has(id)) cases.set(id, {failing: [], output: [], ref: ruleRef(report, id)})
    return cases.get(id)!
  }

  for (const rule of report.rules) caseFor(rule.id)
  for (const finding of report.findings) {
    if (finding.severity === 'info') caseFor(finding.rule).output.push(describe(finding))
    else caseFor(finding.rule).failing.push(finding)
  }

  for (const {expires, finding, reason} of report.waived) caseFor(finding.rule).output.push(`waived until ${expires} (${reason}): ${describe(finding)}`)
  for (const waiver of report.expiredWaivers) caseFor(waiver.rule).output.push(`waiver expired ${waiver.expired} (${waiver.reason}) for ${findingLocation({...waiver, table: null}) || 'the whole rule'}`)
  const ran = new Set(report.rules.map(rule => rule.id))
  for (const skip of report.skipped) {
    const text = skip.provide ? `${skip.reason}; to run it: ${skip.provide}` : skip.reason
    // a rule that ran but could not check everything (a scan out of time) keeps its failures
    if (ran.has(skip.rule)) caseFor(skip.rule).output.push(`partly skipped: ${text}`)
    else caseFor(skip.rule).skipped = text
  }

  const all = [...cases.values()]
  const failures = all.filter(c => c.failing.length > 0 && c.skipped === undefined).length
  const skipped = all.filter(c => c.skipped !== undefined).length

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({name: 'heroku-connect-guard', tests: all.length, failures, errors: 0, skipped, time: 0})}>`,
    `  <testsuite${attrs({name: 'heroku-connect-guard', tests: all.length, failures, errors: 0, skipped, time: 0})}>`,
    '    <properties>',
    ...Object.entries({app: report.app ?? '', collectedAt: report.collectedAt, schema: report.schema ?? ''}).map(([name, value]) => `      <property${attrs({name, value})}/>`),
    '    </properties>',
  ]
  for (const c of all) {
    const body: string[] = []
    if (c.skipped !== undefined) {
      body.push(`<skipped${attrs({message: c.skipped})}/>`)
    } else if (c.failing.length > 0) {
      const worst: Severity = SEVERITY_ORDER.find(s => c.failing.some(f => f.severity === s))!
      const more = c.failing.length > 1 ? ` (and ${c.failing.length - 1} more)` : ''
      body.push(`<failure${attrs({type: worst, message: oneLine(c.failing[0].message) + more})}>${xmlText(c.failing.map(f => describe(f)).join('\n\n'))}</failure>`)
    }

    if (c.output.length > 0) body.push(`<system-out>${xmlText(c.output.join('\n\n'))}</system-out>`)
    const open = `    <testcase${attrs({classname: 'connect.audit', name: ruleLabel(c.ref), time: 0})}`
    if (body.length === 0) lines.push(`${open}/>`)
    else lines.push(`${open}>`, ...body.map(line => `      ${line}`), '    </testcase>')
  }

  lines.push('  </testsuite>', '</testsuites>')
  return lines.join('\n')
}

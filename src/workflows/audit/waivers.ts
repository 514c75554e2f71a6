import {readFile} from 'node:fs/promises'

import {UsageError} from '../../errors.js'
import type {Finding, RuleMeta} from '../../rules/types.js'
import type {ExpiredWaiver, WaivedFinding} from './report.js'

// `.connect-guard.json` lets a team accept a finding for a while. A waiver must say why and until
// when; an expired waiver stops hiding its finding and is itself reported.

export interface Waiver {
  rule: string
  object: null | string
  table: null | string
  field: null | string
  reason: string
  expires: string
}

export const WAIVER_FILE = '.connect-guard.json'

export async function readWaivers(file: string, rules: readonly RuleMeta[]): Promise<Waiver[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  }

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`)
  }

  const list = (json as {waivers?: unknown})?.waivers
  if (!Array.isArray(list)) throw new UsageError(`${file}: expected {"waivers": [...]}`)
  return list.map((entry, index) => parseWaiver(entry, `${file}: waivers[${index}]`, rules))
}

function parseWaiver(entry: unknown, where: string, rules: readonly RuleMeta[]): Waiver {
  if (typeof entry !== 'object' || entry === null) throw new UsageError(`${where} must be an object`)
  const w = entry as Record<string, unknown>
  const rule = rules.find(r => r.id === w.rule || r.name === w.rule)
  if (!rule) throw new UsageError(`${where}.rule ${JSON.stringify(w.rule)} is not a rule id or name`, 'see docs/rules.md')
  if (typeof w.reason !== 'string' || w.reason.trim().length === 0) throw new UsageError(`${where} needs a "reason": say why the finding is accepted`)
  if (typeof w.expires !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(w.expires) || Number.isNaN(Date.parse(w.expires))) {
    throw new UsageError(`${where} needs "expires" as a date (YYYY-MM-DD): waivers must end`)
  }

  const optional = (key: string): null | string => {
    const value = w[key]
    if (value === undefined || value === null) return null
    if (typeof value !== 'string') throw new UsageError(`${where}.${key} must be a string`)
    return value
  }

  return {expires: w.expires, field: optional('field'), object: optional('object'), reason: w.reason, rule: rule.id, table: optional('table')}
}

export interface WaiverOutcome {
  findings: Finding[]
  waived: WaivedFinding[]
  expired: ExpiredWaiver[]
}

/** Splits findings into kept and waived; `today` is YYYY-MM-DD and a waiver holds through its expiry day. */
export function applyWaivers(findings: Finding[], waivers: Waiver[], today: string): WaiverOutcome {
  const active = waivers.filter(w => w.expires >= today)
  const expired = waivers
    .filter(w => w.expires < today)
    .map(w => ({expired: w.expires, field: w.field, object: w.object, reason: w.reason, rule: w.rule}))
  const outcome: WaiverOutcome = {expired, findings: [], waived: []}
  for (const finding of findings) {
    const waiver = active.find(w => matches(w, finding))
    if (waiver) outcome.waived.push({expires: waiver.expires, finding, reason: waiver.reason})
    else outcome.findings.push(finding)
  }

  return outcome
}

function matches(waiver: Waiver, finding: Finding): boolean {
  const same = (want: null | string, have: null | string) => want === null || (have !== null && want.toLowerCase() === have.toLowerCase())
  return waiver.rule === finding.rule && same(waiver.object, finding.object) && same(waiver.table, finding.table) && same(waiver.field, finding.field)
}

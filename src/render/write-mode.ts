import {hux} from '@heroku/heroku-cli-util'

import {percent} from '../analysis/api-allowance.js'
import type {WriteTotals} from '../analysis/write-prediction.js'
import type {ObjectReport, WriteModeReport} from '../workflows/write-mode/report.js'

// connect:write-mode for people: the connection's settings, then per object its runs (largest
// first, the rest as a histogram), why each is not Bulk, what it costs, and what to change. Lines
// go to `log`; tables are printed by hux, in between, as they come.

const n = (value: number): string => value.toLocaleString('en-US')
const callsN = (k: number): string => `${n(k)} ${k === 1 ? 'call' : 'calls'}`
const calls = (t: WriteTotals): string => `${n(t.apiCalls)} ${t.apiCalls === 1 ? 'call' : 'calls'} (${n(t.soapCalls)} SOAP, ${n(t.bulkJobs)} Bulk ${t.bulkJobs === 1 ? 'job' : 'jobs'} of ${n(t.bulkBatches)} ${t.bulkBatches === 1 ? 'batch' : 'batches'})`

type Out = Array<string | {columns: Record<string, {header: string}>; rows: Array<Record<string, unknown>>}>

const table = (rows: Array<Record<string, unknown>>, columns: Record<string, {header: string}>) => ({columns, rows})

export function printWriteMode(report: WriteModeReport, log: (line: string) => void): void {
  for (const block of writeModeBlocks(report)) {
    if (typeof block === 'string') log(block)
    else hux.table(block.rows, block.columns)
  }
}

function writeModeBlocks(report: WriteModeReport): Out {
  const out: Out = []
  const {settings} = report
  const algorithm = settings.algorithm === 'unknown' ? 'unknown' : (settings.algorithm === 'ordered' ? 'Ordered Writes' : 'Merged Writes')
  const source = report.source.plan ? (report.source.backlog ? `the pending backlog, then the plan in ${report.source.plan}` : `the plan in ${report.source.plan}`) : 'the pending backlog of _trigger_log'
  out.push(`Write mode for ${report.app ?? 'the connection'} (schema ${report.schema}): ${source}`,
    `  API version ${settings.apiVersion ?? 'unknown'}${settings.newestApiVersion ? ` (the org offers up to ${settings.newestApiVersion})` : ''}, ${algorithm}, SOAP batches of ${n(settings.soapBatchSize)}`)
  for (const line of report.assumptions) out.push(`  unknown: ${line}`)
  out.push('')

  const every = report.objects.length === 1 && report.totals.records !== report.objects[0].totals.records ? ' (every object)' : ''
  out.push(`Total${every}: ${n(report.totals.records)} changes, ${calls(report.totals)}`)
  for (const o of report.outcomes ?? []) out.push(`  if ${o.label}: ${calls(o.totals)}`)
  if (report.totals.unsent > 0) out.push(`  ${n(report.totals.unsent)} pending changes are on tables no read-write mapping covers: Connect never sends them`)
  const a = report.allowance
  if (a.skipped === undefined) {
    out.push(`  daily API allowance: ${n(a.remaining)} of ${n(a.max)} left today; these writes take ${percent(a.shareOfRemaining)} of what is left (${percent(a.shareOfMax)} of the day's).`,
      `  Connect's own polling, about ${n(a.connectPolling)} calls a day, is already counted in what is used and is not added again${a.exceeds ? '. The backlog does NOT fit in what is left today' : ''}`)
  } else {
    out.push(`  daily API allowance: skipped, ${a.skipped}`)
  }

  out.push(`  drain: ${report.drain.note}`, '')
  if (report.objects.length === 0) out.push('Nothing is pending.')
  for (const object of report.objects) out.push(...renderObject({...object, merged: settingsMerged(report)}), '')
  return out
}

const settingsMerged = (report: WriteModeReport): boolean => report.settings.runsAlgorithm === 'merged'

function renderObject(o: ObjectReport & {merged?: boolean}): Out {
  const out: Out = []
  const name = o.object ?? o.table
  const grouped = o.merged ? ' (Merged Writes regroups them by operation)' : ''
  out.push(`${name} (${o.table}): ${n(o.records)} changes in ${n(o.runCount)} ${o.merged ? 'batches' : 'contiguous runs'}${grouped}`)
  if (!o.sent) {
    out.push('  no read-write mapping covers this table: Connect never sends these changes')
    return out
  }

  out.push(`  ${o.bar || '(no calls)'}  ${calls(o.totals)}${o.share ? `, ${percent(o.share.ofRemaining)} of what the org has left today` : ''}`)
  out.push(table(o.largestRuns.map(r => ({
    action: r.action, calls: n(r.apiCalls), mode: r.via === 'bulk' ? `Bulk (${n(r.bulkBatches)} ${r.bulkBatches === 1 ? 'batch' : 'batches'})` : 'SOAP', run: `#${r.position}`, size: n(r.count),
    why: r.reasons.join('; ') || '-',
  })), {action: {header: 'Operation'}, calls: {header: 'Calls'}, mode: {header: 'Mode'}, run: {header: 'Run'}, size: {header: 'Changes'}, why: {header: 'Why not Bulk'}}))
  if (o.otherRuns.length > 0) {
    out.push(`  the other ${n(o.otherRuns.reduce((k, b) => k + b.runs, 0))} runs by size:`)
    out.push(table(o.otherRuns.map(b => ({
      calls: n(b.apiCalls), changes: n(b.records), mode: [b.soap ? `${n(b.soap)} SOAP` : '', b.bulk ? `${n(b.bulk)} Bulk` : ''].filter(Boolean).join(', '),
      runs: n(b.runs), sizes: b.sizes, why: b.reasons.map(r => `${r.reason} (${n(r.runs)})`).join('; ') || '-',
    })), {calls: {header: 'Calls'}, changes: {header: 'Changes'}, mode: {header: 'Mode'}, runs: {header: 'Runs'}, sizes: {header: 'Run size'}, why: {header: 'Why not Bulk'}}))
  }

  if (o.changes.length > 0 || o.packing) {
    out.push('  what to change, each on top of the one before:')
    for (const c of o.changes) {
      const effect = c.saves >= 0 ? `saves ${n(c.saves)}` : `costs ${n(-c.saves)} more until the next change`
      out.push(`  - ${c.change}: ${callsN(c.callsAfter)}, ${effect}. ${c.how}`)
    }
    if (o.packing) {
      const p = o.packing
      out.push(`  - pack records into a Long Text Area (practice 4): the pending changes average ${n(p.averageChars)} characters (over ${n(p.sampledRows)} rows), so ${n(p.recordsPerField)} fit one 131,072-character field; ${callsN(p.callsAfter)}, saves ${n(p.saves)}. It needs a Salesforce trigger that unpacks them.`)
    }
  }

  return out
}

import {allowanceUse, type AllowanceUse, type DailyApiRequests} from '../../analysis/api-allowance.js'
import {apiVersionFix, BULK_DISABLED_FIX, ORDERED_WRITES_FIX, uniqueIdSteps} from '../../analysis/write-fixes.js'
import {
  BULK_MIN_RUN, type BulkBlocker, groupByTableAction, predictWrites, type WriteAlgorithm, type RunPrediction, soapCalls, tableKey, totalsOf, type WritePrediction,
  type WriteTotals,
} from '../../analysis/write-prediction.js'
import type {WritePace} from '../../snapshot/postgres/write-pace.js'
import type {ConnectionFacts, LogRunFacts} from '../../snapshot/types.js'
import {type DrainEstimate, estimateDrain} from './drain.js'

// connect:write-mode's result, built from the runs, the connection and the org's allowance. Pure.
// `run()` returns it and `--json` prints it; the table renderer reads nothing else.

/** One Long Text Area holds at most 131,072 characters (practice 4's packing workaround). */
export const LONG_TEXT_AREA_CHARS = 131_072
/** runs listed one by one per object; the rest are folded into a histogram */
export const LISTED_RUNS = 5

export interface RunView {
  /** 1-based position in capture order among every run of the backlog */
  position: number
  action: string
  count: number
  via: 'bulk' | 'soap'
  apiCalls: number
  bulkBatches: number
  reasons: string[]
}

export interface RunBucket {
  /** run sizes, e.g. "200–1,999" */
  sizes: string
  runs: number
  records: number
  soap: number
  bulk: number
  apiCalls: number
  /** every reason a run in the bucket is not Bulk, with how many runs it holds back */
  reasons: Array<{reason: string; runs: number}>
}

/** One change, made on top of the ones listed before it. */
export interface Change {
  /** what to change, in a few words */
  change: string
  /** the command or steps */
  how: string
  /** the object's calls after this change and those before it */
  callsAfter: number
  /** calls saved against the step before (negative: it costs more until a later step) */
  saves: number
}

export interface Packing {
  averageChars: number
  sampledRows: number
  recordsPerField: number
  callsAfter: number
  saves: number
}

export interface ObjectReport {
  object: null | string
  table: string
  /** false for a table no read-write mapping covers: Connect never sends its changes */
  sent: boolean
  records: number
  totals: WriteTotals
  /** runs (under Merged Writes: the regrouped batches), the largest listed, the rest folded */
  runCount: number
  largestRuns: RunView[]
  otherRuns: RunBucket[]
  share: null | {ofMax: number; ofRemaining: number}
  changes: Change[]
  packing: null | Packing
  /** SOAP calls as #, Bulk calls as =, scaled to the busiest object */
  bar: string
}

export interface WriteModeReport {
  app: null | string
  schema: string
  /** what was predicted: the pending backlog, a plan, or both */
  source: {backlog: boolean; plan: null | string}
  settings: {
    apiVersion: null | string; newestApiVersion: null | string; algorithm: WritePrediction['algorithm']; soapBatchSize: number; unknown: string[]
    /** the write algorithm the listed runs and totals assume (with an unknown algorithm: the costlier outcome's) */
    runsAlgorithm: WriteAlgorithm
  }
  assumptions: string[]
  totals: WriteTotals
  /** with an unknown setting: the totals either way */
  outcomes: null | Array<{label: string; totals: WriteTotals}>
  allowance: (AllowanceUse & {skipped?: undefined}) | {skipped: string}
  drain: DrainEstimate
  objects: ObjectReport[]
}

export interface ReportInput {
  app: null | string
  connection: ConnectionFacts
  runs: LogRunFacts[]
  source: WriteModeReport['source']
  sizes: Array<{table: string; averageChars: number; sampled: number}>
  /** this connection's recent write pace; null when no database was read */
  pace: null | WritePace
  budget: DailyApiRequests | {skipped: string}
  newestApiVersion: null | string
  /** only this object's section */
  mapping?: string
}

export function buildReport(input: ReportInput): WriteModeReport {
  const {connection} = input
  const prediction = predictWrites(input.runs, connection)
  const app = input.app ?? 'APP'
  const allowance = 'skipped' in input.budget ? {skipped: input.budget.skipped} : allowanceUse(prediction.totals.apiCalls, input.budget, connection.mappings)

  const positions = new Map<RunPrediction, number>(prediction.runs.map((run, i) => [run, i + 1]))
  const byTable = new Map<string, RunPrediction[]>()
  for (const run of prediction.runs) byTable.set(tableKey(run.table), [...(byTable.get(tableKey(run.table)) ?? []), run])

  const steps = changeSteps(connection, input.newestApiVersion)

  let objects = [...byTable].map(([table, runs]): Omit<ObjectReport, 'bar'> => {
    const totals = totalsOf(runs)
    const mapping = connection.mappings.find(m => m.table === table) ?? null
    const sent = runs.some(r => !r.unsent)
    const changes = sent && mapping ? changesFor(table, mapping, totals.apiCalls, runs, input.runs, connection, steps, app) : []
    const size = input.sizes.find(s => tableKey(s.table) === table)
    const soapRecords = runs.filter(r => !r.unsent && r.via === 'soap').reduce((n, r) => n + r.count, 0)
    let packing: null | Packing = null
    if (sent && size && size.averageChars > 0 && soapRecords > 0) {
      const recordsPerField = Math.max(1, Math.floor(LONG_TEXT_AREA_CHARS / size.averageChars))
      const bulk = totals.apiCalls - runs.filter(r => r.via === 'soap').reduce((n, r) => n + r.apiCalls, 0)
      const callsAfter = bulk + soapCalls(Math.ceil(soapRecords / recordsPerField), prediction.soapBatchSize)
      packing = {averageChars: Math.round(size.averageChars), callsAfter, recordsPerField, sampledRows: size.sampled, saves: Math.max(0, totals.apiCalls - callsAfter)}
    }

    const ordered = [...runs].sort((a, b) => b.count - a.count || positions.get(a)! - positions.get(b)!)
    const view = (run: RunPrediction): RunView => ({
      action: run.action, apiCalls: run.apiCalls, bulkBatches: run.bulkBatches, count: run.count, position: positions.get(run)!, reasons: run.reasons, via: run.via,
    })
    return {
      changes,
      largestRuns: ordered.slice(0, LISTED_RUNS).map(view),
      object: mapping?.object ?? runs[0].object,
      otherRuns: buckets(ordered.slice(LISTED_RUNS)),
      packing,
      records: totals.records + totals.unsent,
      runCount: runs.length,
      sent,
      share: 'skipped' in allowance ? null : {ofMax: allowance.max > 0 ? totals.apiCalls / allowance.max : 0, ofRemaining: allowance.remaining > 0 ? totals.apiCalls / allowance.remaining : Number.POSITIVE_INFINITY},
      table,
      totals,
    }
  })

  if (input.mapping) objects = objects.filter(o => o.object?.toLowerCase() === input.mapping!.toLowerCase() || o.table === input.mapping!.toLowerCase())
  const busiest = Math.max(1, ...objects.map(o => o.totals.apiCalls))
  return {
    allowance,
    app: input.app,
    assumptions: prediction.assumptions,
    drain: estimateDrain(prediction.runs, input.pace),
    objects: objects.map(o => ({...o, bar: bar(o.totals, busiest)})),
    outcomes: prediction.outcomes ? [prediction.outcomes.bulkFriendly, prediction.outcomes.notBulkFriendly].map(o => ({label: o.label, totals: o.totals})) : null,
    schema: connection.schema,
    settings: {
      algorithm: prediction.algorithm,
      apiVersion: connection.apiVersion,
      newestApiVersion: input.newestApiVersion,
      runsAlgorithm: prediction.outcomes ? (prediction.runs === prediction.outcomes.bulkFriendly.runs ? prediction.outcomes.bulkFriendly : prediction.outcomes.notBulkFriendly).algorithm : (prediction.algorithm as WriteAlgorithm),
      soapBatchSize: prediction.soapBatchSize,
      unknown: prediction.unknown,
    },
    source: input.source,
    totals: prediction.totals,
  }
}

type Mapping = ConnectionFacts['mappings'][number]

interface Step {
  change: string
  /** does the step matter for these runs (the object's, under the changes so far)? */
  applies(runs: RunPrediction[], mapping: Mapping): boolean
  settings(settings: ConnectionFacts): ConnectionFacts
  runs?(runs: LogRunFacts[]): LogRunFacts[]
  how(app: string, mapping: Mapping): string
}

const blockedBy = (runs: RunPrediction[], blocker: BulkBlocker) => runs.some(r => r.blockers.includes(blocker))

/** The changes that make writes cheaper, in the order a team would make them. */
function changeSteps(connection: ConnectionFacts, newest: null | string): Step[] {
  const target = newest ?? '39.0'
  return [
    {
      applies: runs => blockedBy(runs, 'api-version'),
      change: `raise the API version to ${target}`,
      how: app => apiVersionFix(app, newest),
      settings: s => ({...s, apiVersion: target}),
    },
    {
      applies: runs => blockedBy(runs, 'merged-writes'),
      change: 'switch to Ordered Writes',
      how: () => ORDERED_WRITES_FIX,
      settings: s => ({...s, features: {...s.features, poll_db_no_merge: true}}),
    },
    {
      applies: runs => blockedBy(runs, 'bulk-disabled'),
      change: 'turn Bulk writes back on',
      how: () => BULK_DISABLED_FIX,
      settings: s => ({...s, features: {...s.features, disable_bulk_writes: false}}),
    },
    {
      applies: (runs, mapping) => !mapping.upsertField && runs.some(r => r.via === 'soap'),
      change: 'add a unique identifier',
      how: (app, mapping) => uniqueIdSteps(app, connection.schema, mapping),
      settings: s => ({...s, mappings: s.mappings.map(m => ({...m, upsertField: m.upsertField ?? 'External_Id__c'}))}),
    },
    {
      applies: runs => blockedBy(runs, 'short-run'),
      change: `write in contiguous batches of ${BULK_MIN_RUN.toLocaleString('en-US')}+ of one operation`,
      how: (_app, mapping) => `have the app write ${mapping.object} changes of one operation together (a batch job, or a queue that flushes ${BULK_MIN_RUN.toLocaleString('en-US')}+ at a time), not interleaved with other objects or operations`,
      runs: groupByTableAction,
      settings: s => s,
    },
  ]
}

/** The steps that matter for one object, each on top of the ones before, with the object's calls after it. */
function changesFor(table: string, mapping: Mapping, calls: number, objectRuns: RunPrediction[], allRuns: LogRunFacts[], connection: ConnectionFacts, steps: Step[], app: string): Change[] {
  const changes: Change[] = []
  let settings = connection
  let runs = allRuns
  let current = objectRuns
  let before = calls
  for (const step of steps) {
    if (!step.applies(current, mapping)) continue
    settings = step.settings(settings)
    runs = step.runs?.(runs) ?? runs
    current = predictWrites(runs, settings).runs.filter(r => tableKey(r.table) === table)
    const after = totalsOf(current).apiCalls
    // rewriting the app's write pattern is only worth listing where it pays
    if (step.runs && after >= before) continue
    changes.push({callsAfter: after, change: step.change, how: step.how(app, mapping), saves: before - after})
    before = after
  }

  return changes
}

const BUCKETS: Array<[number, number, string]> = [[1, 1, '1'], [2, 199, '2–199'], [200, 1999, '200–1,999'], [2000, 9999, '2,000–9,999'], [10_000, Number.POSITIVE_INFINITY, '10,000+']]

function buckets(runs: RunPrediction[]): RunBucket[] {
  return BUCKETS.map(([low, high, sizes]) => {
    const inside = runs.filter(r => r.count >= low && r.count <= high)
    const reasons = new Map<string, number>()
    for (const run of inside) {
      for (const reason of run.reasons) {
        const general = reason.replace(/^only [\d,]+ contiguous changes/, 'fewer contiguous changes')
        reasons.set(general, (reasons.get(general) ?? 0) + 1)
      }
    }

    return {
      apiCalls: inside.reduce((n, r) => n + r.apiCalls, 0),
      bulk: inside.filter(r => r.via === 'bulk').length,
      reasons: [...reasons].map(([reason, n]) => ({reason, runs: n})),
      records: inside.reduce((n, r) => n + r.count, 0),
      runs: inside.length,
      sizes,
      soap: inside.filter(r => r.via === 'soap').length,
    }
  }).filter(b => b.runs > 0)
}

const BAR_WIDTH = 40

function bar(totals: WriteTotals, busiest: number): string {
  const bulkCalls = totals.apiCalls - totals.soapCalls
  const soap = totals.soapCalls > 0 ? Math.max(1, Math.round((totals.soapCalls / busiest) * BAR_WIDTH)) : 0
  const bulk = bulkCalls > 0 ? Math.max(1, Math.round((bulkCalls / busiest) * BAR_WIDTH)) : 0
  return `${'#'.repeat(soap)}${'='.repeat(bulk)}`
}

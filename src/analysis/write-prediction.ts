import type {ConnectionFacts, LogRunFacts} from '../snapshot/types.js'

// How Connect will write the pending `_trigger_log` backlog to Salesforce, and what it costs.
// Pure: the runs were detected in SQL (contiguous NEW/PENDING rows of one table and action, in
// capture order); this decides SOAP or Bulk for each and counts the API calls.
//
// This is the product's copy of Connect's write rules. The sandbox has its own, independent copy
// (src/sandbox/connect/plan-writes.ts) that its fake Connect executes, so the test comparing this
// prediction with the sandbox's Salesforce call counter checks one against the other, not a
// function against itself. The facts, and where each comes from:
// - Bulk needs all of: API version 39 or higher, Ordered Writes, a unique identifier on the
//   mapping, and 2,000 or more contiguous changes of one type to one object. Seed practice 8
//   (quoting Dev Center "Optimizing Heroku Connect Performance"); heroku-connect-db.md §5.3.
// - Everything else goes through SOAP in batches of the connection's `soap_batch_size`, 200 unless
//   set: heroku-connect-api.md §1.6 (connection detail); seed practice 4 ("chunks of 200").
// - Merged Writes folds the changes of one record and regroups by table and action to fill SOAP
//   batches, and never uses Bulk: heroku-connect-db.md §5.3. The backlog is modelled as one SOAP
//   group per table and action; folding several changes of one record can only lower that, so
//   under Merged Writes the figure is an upper bound.
// - `features.disable_bulk_writes` turns Bulk off: heroku-connect-db.md §5.7 (feature names).
// - A setting the configuration does not give (old exports carry no `features` and no API
//   version) is unknown: the prediction shows the outcome either way and plans for the costlier.

/** Connect's default SOAP batch: the connection's soap_batch_size is 200 unless set (heroku-connect-api.md §1.6). */
export const SOAP_BATCH_SIZE = 200
/** seed practice 8: "Two thousand or more contiguous changes of the same type" */
export const BULK_MIN_RUN = 2000
/** seed practice 8: "API version for the connection is set to v39 or higher" */
export const BULK_MIN_API_VERSION = 39
/** records per Bulk API batch: seed practice 4, "chunks of 200 / 5000 records" (SOAP / Bulk) */
export const BULK_BATCH_SIZE = 5000

export type WriteVia = 'bulk' | 'soap'
export type WriteAlgorithm = 'merged' | 'ordered'

/** Why a run is not written with Bulk, in the order the reasons are listed. */
export type BulkBlocker = 'api-version' | 'bulk-disabled' | 'merged-writes' | 'no-unique-id' | 'not-mapped' | 'short-run'

export interface RunPrediction {
  /** the trigger log's table_name (no schema) */
  table: string
  /** the mapped Salesforce object, or null when no mapping uses the table */
  object: null | string
  action: string
  count: number
  via: WriteVia
  /** why not Bulk, one line each; empty when the run goes Bulk */
  reasons: string[]
  /** the same reasons as codes, for callers that act on them */
  blockers: BulkBlocker[]
  /** Salesforce API calls this run costs */
  apiCalls: number
  /** Bulk batches of the run's job; 0 for SOAP */
  bulkBatches: number
  /** NEW rows on a table without a read-write mapping: Connect will never send them, which is suspicious */
  unsent: boolean
}

export interface WriteTotals {
  /** changes Connect will write (unsent ones excluded) */
  records: number
  soapCalls: number
  bulkJobs: number
  bulkBatches: number
  apiCalls: number
  /** changes waiting on tables without a read-write mapping */
  unsent: number
}

/** The backlog written under one set of settings. */
export interface WriteOutcome {
  /** the settings this outcome assumes, e.g. "Ordered Writes, API version 39 or higher" */
  label: string
  algorithm: WriteAlgorithm
  runs: RunPrediction[]
  totals: WriteTotals
}

export interface WritePrediction {
  /** as the configuration says; unknown when it does not */
  algorithm: 'unknown' | WriteAlgorithm
  apiVersion: null | string
  soapBatchSize: number
  /** settings the configuration does not give: "API version", "write algorithm" */
  unknown: string[]
  /** the outcome to plan for: the only one when every setting is known, else the costlier */
  runs: RunPrediction[]
  totals: WriteTotals
  /** with an unknown setting: the outcome if it turns out Bulk-friendly, and if it does not */
  outcomes: null | {bulkFriendly: WriteOutcome; notBulkFriendly: WriteOutcome}
  /** what the prediction could not know, one line each */
  assumptions: string[]
}

export type WriteSettings = Pick<ConnectionFacts, 'apiVersion' | 'features' | 'mappings'> & {soapBatchSize?: null | number}

export const fmt = (n: number): string => n.toLocaleString('en-US')

export function soapCalls(count: number, batchSize = SOAP_BATCH_SIZE): number {
  return Math.ceil(count / batchSize)
}

export function bulkBatches(count: number): number {
  return Math.ceil(count / BULK_BATCH_SIZE)
}

/** A Bulk API 1.0 job: create, one upload per batch of 5,000, close, fetch results. */
export function bulkJobCalls(count: number): number {
  return 3 + bulkBatches(count)
}

/** The connection's API version as a number; null when unknown or unreadable. */
export function apiVersionNumber(apiVersion: null | string): null | number {
  const version = apiVersion === null ? Number.NaN : Number.parseFloat(apiVersion)
  return Number.isFinite(version) ? version : null
}

/** The connection's SOAP batch size: soap_batch_size where set, else Connect's 200. */
export function soapBatchSizeOf(connection: WriteSettings): number {
  const size = connection.soapBatchSize
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : SOAP_BATCH_SIZE
}

/** Connection-wide reasons no write can go Bulk, as the configuration gives them (unknown settings are not reasons). */
export function connectionBlockers(connection: WriteSettings): Array<[BulkBlocker, string]> {
  const blockers: Array<[BulkBlocker, string]> = []
  const version = apiVersionNumber(connection.apiVersion)
  if (version !== null && version < BULK_MIN_API_VERSION) blockers.push(['api-version', `API version ${connection.apiVersion} is below ${BULK_MIN_API_VERSION}`])
  if (connection.features.poll_db_no_merge === false) blockers.push(['merged-writes', 'Merged Writes is on (Ordered Writes is off)'])
  if (connection.features.disable_bulk_writes) blockers.push(['bulk-disabled', 'Bulk writes are disabled for this connection'])
  return blockers
}

/** A table named with or without its schema, as the log and the mappings name it, compared case-insensitively. */
export const tableKey = (table: string): string => table.slice(table.lastIndexOf('.') + 1).toLowerCase()

/** Each table's changes of one action written together, in order of first appearance (what Merged Writes does). */
export function groupByTableAction(runs: readonly LogRunFacts[]): LogRunFacts[] {
  const merged = new Map<string, LogRunFacts>()
  for (const run of runs) {
    const key = `${tableKey(run.table)}\u0000${run.action}`
    const group = merged.get(key)
    if (group) group.count += run.count
    else merged.set(key, {...run})
  }

  return [...merged.values()]
}

interface Settings {
  algorithm: WriteAlgorithm
  /** connection-wide blockers under these settings, without bulk-disabled (listed after the mapping's own) */
  shared: Array<[BulkBlocker, string]>
  bulkDisabled: boolean
  soapBatchSize: number
}

export function predictWrites(runs: readonly LogRunFacts[], connection: WriteSettings): WritePrediction {
  const version = apiVersionNumber(connection.apiVersion)
  const flag = connection.features.poll_db_no_merge
  const soapBatchSize = soapBatchSizeOf(connection)
  const unknown: string[] = []
  const assumptions: string[] = []
  if (version === null) {
    unknown.push('API version')
    assumptions.push(connection.apiVersion === null
      ? 'the configuration does not give the API version: shown both ways (39 or higher, and below)'
      : `API version ${connection.apiVersion} is unreadable: shown both ways (39 or higher, and below)`)
  }

  if (flag === undefined) {
    unknown.push('write algorithm')
    assumptions.push('the configuration does not give the write algorithm (features.poll_db_no_merge): shown both ways (Ordered Writes, Connect\'s default for new connections, and Merged Writes)')
  }

  const known = connectionBlockers(connection)
  const base = {bulkDisabled: Boolean(connection.features.disable_bulk_writes), soapBatchSize}
  const without = (code: BulkBlocker) => known.filter(([b]) => b !== code && b !== 'bulk-disabled')
  const common = {algorithm: 'unknown' as const, apiVersion: connection.apiVersion, assumptions, soapBatchSize, unknown}

  if (unknown.length === 0) {
    const algorithm: WriteAlgorithm = flag === false ? 'merged' : 'ordered'
    const only = outcome(runs, connection, {...base, algorithm, shared: without('bulk-disabled')}, '')
    return {...common, algorithm, outcomes: null, runs: only.runs, totals: only.totals}
  }

  const friendlyAlgorithm: WriteAlgorithm = flag === false ? 'merged' : 'ordered'
  const bulkFriendly = outcome(runs, connection, {...base, algorithm: friendlyAlgorithm, shared: without('bulk-disabled')}, labelOf(friendlyAlgorithm, version ?? BULK_MIN_API_VERSION))
  const unfriendly: Array<[BulkBlocker, string]> = without('bulk-disabled')
  if (version === null) unfriendly.unshift(['api-version', 'if the API version is below 39 (the configuration does not give it)'])
  if (flag === undefined) unfriendly.push(['merged-writes', 'if the connection uses Merged Writes (the configuration does not give the write algorithm)'])
  const unfriendlyAlgorithm: WriteAlgorithm = flag === true ? 'ordered' : 'merged'
  const notBulkFriendly = outcome(runs, connection, {...base, algorithm: unfriendlyAlgorithm, shared: unfriendly}, labelOf(unfriendlyAlgorithm, version ?? BULK_MIN_API_VERSION - 1))
  const plan = bulkFriendly.totals.apiCalls > notBulkFriendly.totals.apiCalls ? bulkFriendly : notBulkFriendly
  return {
    ...common,
    algorithm: flag === undefined ? 'unknown' : friendlyAlgorithm,
    outcomes: {bulkFriendly, notBulkFriendly},
    runs: plan.runs,
    totals: plan.totals,
  }
}

function labelOf(algorithm: WriteAlgorithm, version: number): string {
  const writes = algorithm === 'ordered' ? 'Ordered Writes' : 'Merged Writes'
  if (algorithm === 'merged') return writes
  return `${writes}, API version ${version >= BULK_MIN_API_VERSION ? `${BULK_MIN_API_VERSION} or higher` : `below ${BULK_MIN_API_VERSION}`}`
}

function outcome(runs: readonly LogRunFacts[], connection: WriteSettings, settings: Settings, label: string): WriteOutcome {
  const mappings = new Map(connection.mappings.map(m => [tableKey(m.table), m]))

  // Merged Writes regroups the whole backlog by table and action, in order of first appearance
  let groups = runs.filter(run => run.count > 0)
  if (settings.algorithm === 'merged') groups = groupByTableAction(groups)

  const predicted = groups.map((run): RunPrediction => {
    const mapping = mappings.get(tableKey(run.table))
    const base = {action: run.action, count: run.count, object: mapping?.object ?? null, table: run.table}
    if (!mapping || mapping.access !== 'read_write') {
      return {...base, apiCalls: 0, blockers: ['not-mapped'], bulkBatches: 0, reasons: ['no read-write mapping'], unsent: true, via: 'soap'}
    }

    const blockers = [...settings.shared]
    if (!mapping.upsertField) blockers.push(['no-unique-id', `mapping ${mapping.object} has no unique identifier`])
    if (settings.bulkDisabled) blockers.push(['bulk-disabled', 'Bulk writes are disabled for this connection'])
    if (settings.algorithm === 'ordered' && run.count < BULK_MIN_RUN) blockers.push(['short-run', `only ${fmt(run.count)} contiguous changes (Bulk needs ${fmt(BULK_MIN_RUN)})`])
    const via: WriteVia = blockers.length === 0 ? 'bulk' : 'soap'
    return {
      ...base,
      apiCalls: via === 'bulk' ? bulkJobCalls(run.count) : soapCalls(run.count, settings.soapBatchSize),
      blockers: blockers.map(([b]) => b),
      bulkBatches: via === 'bulk' ? bulkBatches(run.count) : 0,
      reasons: blockers.map(([, reason]) => reason),
      unsent: false,
      via,
    }
  })

  return {algorithm: settings.algorithm, label, runs: predicted, totals: totalsOf(predicted)}
}

export function totalsOf(runs: readonly RunPrediction[]): WriteTotals {
  const sent = runs.filter(run => !run.unsent)
  const sum = (list: readonly RunPrediction[], pick: (run: RunPrediction) => number) => list.reduce((n, run) => n + pick(run), 0)
  return {
    apiCalls: sum(sent, run => run.apiCalls),
    bulkBatches: sum(sent, run => run.bulkBatches),
    bulkJobs: sent.filter(run => run.via === 'bulk').length,
    records: sum(sent, run => run.count),
    soapCalls: sum(sent.filter(run => run.via === 'soap'), run => run.apiCalls),
    unsent: sum(runs.filter(run => run.unsent), run => run.count),
  }
}

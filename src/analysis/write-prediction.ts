import type {ConnectionFacts, LogRunFacts} from '../snapshot/types.js'

// How Connect will write the pending `_trigger_log` backlog to Salesforce, and what it costs.
// Pure: the runs were detected in SQL (contiguous NEW/PENDING rows of one table and action, in
// capture order); this decides SOAP or Bulk for each and counts the API calls.
//
// Connect uses the Bulk API only when the connection's API version is 39 or higher, it uses
// Ordered Writes, the mapping has a unique identifier, and 2,000 or more contiguous changes of
// the same type go to one object (best practice 8; heroku-connect-db.md §5.3). Everything else
// goes through SOAP, 200 records a call. Merged Writes folds changes and regroups them by table
// and action to fill SOAP batches, so the backlog is modelled as one SOAP group per table and
// action; folding several changes of one record can only lower that, so it is an upper bound.

export const SOAP_BATCH_SIZE = 200
export const BULK_MIN_RUN = 2000
export const BULK_MIN_API_VERSION = 39
/** records per Bulk API batch */
export const BULK_BATCH_SIZE = 10_000

export type WriteVia = 'bulk' | 'soap'

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
  /** NEW rows on a table without a read-write mapping: Connect will never send them, which is suspicious */
  unsent: boolean
}

export interface WritePrediction {
  algorithm: 'merged' | 'ordered'
  runs: RunPrediction[]
  totals: {
    /** changes Connect will write (unsent ones excluded) */
    records: number
    soapCalls: number
    bulkJobs: number
    apiCalls: number
    /** changes waiting on tables without a read-write mapping */
    unsent: number
  }
  /** what the prediction had to assume because the configuration did not say */
  assumptions: string[]
}

type Connection = Pick<ConnectionFacts, 'apiVersion' | 'features' | 'mappings'>

export const fmt = (n: number): string => n.toLocaleString('en-US')

export function soapCalls(count: number): number {
  return Math.ceil(count / SOAP_BATCH_SIZE)
}

/** A Bulk job: create, one upload per batch of 10,000, close, fetch results. */
export function bulkJobCalls(count: number): number {
  return 3 + Math.ceil(count / BULK_BATCH_SIZE)
}

/** The connection's API version as a number; null when unknown or unreadable. */
export function apiVersionNumber(apiVersion: null | string): null | number {
  const version = apiVersion === null ? Number.NaN : Number.parseFloat(apiVersion)
  return Number.isFinite(version) ? version : null
}

/** Connection-wide reasons no write can go Bulk, with the reason text for each. */
export function connectionBlockers(connection: Connection): Array<[BulkBlocker, string]> {
  const blockers: Array<[BulkBlocker, string]> = []
  const version = apiVersionNumber(connection.apiVersion)
  if (version !== null && version < BULK_MIN_API_VERSION) blockers.push(['api-version', `API version ${connection.apiVersion} is below ${BULK_MIN_API_VERSION}`])
  if (connection.features.poll_db_no_merge === false) blockers.push(['merged-writes', 'Merged Writes is on (Ordered Writes is off)'])
  if (connection.features.disable_bulk_writes) blockers.push(['bulk-disabled', 'Bulk writes are disabled for this connection'])
  return blockers
}

const tableKey = (table: string): string => table.slice(table.lastIndexOf('.') + 1).toLowerCase()

export function predictWrites(runs: readonly LogRunFacts[], connection: Connection): WritePrediction {
  const assumptions: string[] = []
  if (connection.apiVersion !== null && apiVersionNumber(connection.apiVersion) === null) assumptions.push(`API version ${connection.apiVersion} is unreadable: assumed ${BULK_MIN_API_VERSION} or higher`)
  if (connection.apiVersion === null) assumptions.push(`API version unknown: assumed ${BULK_MIN_API_VERSION} or higher`)
  if (connection.features.poll_db_no_merge === undefined) assumptions.push('write algorithm unknown: assumed Ordered Writes')
  const algorithm = connection.features.poll_db_no_merge === false ? 'merged' : 'ordered'

  const shared = connectionBlockers(connection)
  const mappings = new Map(connection.mappings.map(m => [tableKey(m.table), m]))

  // Merged Writes regroups the whole backlog by table and action, in order of first appearance
  let groups = runs.filter(run => run.count > 0)
  if (algorithm === 'merged') {
    const merged = new Map<string, LogRunFacts>()
    for (const run of groups) {
      const key = `${tableKey(run.table)}\u0000${run.action}`
      const group = merged.get(key)
      if (group) group.count += run.count
      else merged.set(key, {...run})
    }

    groups = [...merged.values()]
  }

  const predicted = groups.map((run): RunPrediction => {
    const mapping = mappings.get(tableKey(run.table))
    const base = {action: run.action, count: run.count, object: mapping?.object ?? null, table: run.table}
    if (!mapping || mapping.access !== 'read_write') {
      return {...base, apiCalls: 0, blockers: ['not-mapped'], reasons: ['no read-write mapping'], unsent: true, via: 'soap'}
    }

    const blockers = [...shared.filter(([b]) => b !== 'bulk-disabled')]
    if (!mapping.upsertField) blockers.push(['no-unique-id', `mapping ${mapping.object} has no unique identifier`])
    blockers.push(...shared.filter(([b]) => b === 'bulk-disabled'))
    if (algorithm === 'ordered' && run.count < BULK_MIN_RUN) blockers.push(['short-run', `only ${fmt(run.count)} contiguous changes (Bulk needs ${fmt(BULK_MIN_RUN)})`])
    const via: WriteVia = blockers.length === 0 ? 'bulk' : 'soap'
    return {
      ...base,
      apiCalls: via === 'bulk' ? bulkJobCalls(run.count) : soapCalls(run.count),
      blockers: blockers.map(([b]) => b),
      reasons: blockers.map(([, reason]) => reason),
      unsent: false,
      via,
    }
  })

  const sent = predicted.filter(run => !run.unsent)
  const sum = (list: RunPrediction[], pick: (run: RunPrediction) => number) => list.reduce((n, run) => n + pick(run), 0)
  return {
    algorithm,
    assumptions,
    runs: predicted,
    totals: {
      apiCalls: sum(sent, run => run.apiCalls),
      bulkJobs: sent.filter(run => run.via === 'bulk').length,
      records: sum(sent, run => run.count),
      soapCalls: sum(sent.filter(run => run.via === 'soap'), run => run.apiCalls),
      unsent: sum(predicted.filter(run => run.unsent), run => run.count),
    },
  }
}

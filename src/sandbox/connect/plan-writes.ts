// How the sandbox's fake Connect turns the trigger-log backlog into Salesforce API calls. Pure: the
// fake's sync loop (sync.ts) executes the plan against the fake org, whose call counter then shows
// what the writes cost.
//
// This copy is the sandbox's own and shares no code with the product's predictor
// (src/analysis/write-prediction.ts): the test that compares the predictor with the sandbox's call
// counter would prove nothing if both ran the same function. The facts, and where each comes from:
// - Ordered Writes (features.poll_db_no_merge = true) sends changes in capture order; Merged Writes
//   (false) folds the changes of one record and regroups by (table, action) to fill SOAP batches,
//   and never uses Bulk: heroku-connect-db.md §5.3 (Dev Center "Select the Write Algorithm").
// - A connection whose features do not carry poll_db_no_merge gets Connect's default for new
//   connections, Ordered Writes: heroku-connect-db.md §5.3 (secondary notes, unverified).
// - A contiguous run goes Bulk when the API version is 39 or higher, Ordered Writes is on, the
//   mapping has a unique identifier and the run holds 2,000 or more changes: seed practice 8.
// - `disable_bulk_writes` turns Bulk off: heroku-connect-db.md §5.7.
// - SOAP batches hold the connection's soap_batch_size records, 200 unless set:
//   heroku-connect-api.md §1.6; the SOAP API takes at most 200 records a call.
// - Bulk jobs are cut into batches of 5,000 records: seed practice 4 ("chunks of 200 / 5000").

export const SOAP_BATCH_SIZE = 200
export const BULK_MIN_RUN = 2000
export const BULK_MIN_API_VERSION = 39
/** records per Bulk API batch Connect sends (seed practice 4) */
export const BULK_BATCH_SIZE = 5000

export type WriteAction = 'DELETE' | 'INSERT' | 'UPDATE'
export type WriteVia = 'bulk' | 'soap'

export interface PlannedChange {
  table: string
  action: WriteAction | string
  /** the mapped row's `id`; null for changes that cannot be folded */
  recordId: number | null
}

/** What the plan needs to know about a connection; ConnectionSpec from the sandbox model fits. */
export interface WritePlanConnection {
  apiVersion: number | string
  features: {poll_db_no_merge?: boolean; disable_bulk_writes?: boolean}
  mappings: Array<{object: string; upsertField?: string | null}>
  /** the connection's soap_batch_size; 200 when absent */
  soapBatchSize?: number
}

export interface PlannedRun {
  table: string
  action: string
  /** changes sent in this run */
  count: number
  via: WriteVia
  /** Salesforce API calls the run costs (SOAP: one per batch; Bulk: the job's calls) */
  calls: number
  /** batch sizes, in order: SOAP calls, or the Bulk job's batches */
  batches: number[]
  /** why the run is not written with Bulk; empty when it is */
  reasons: string[]
  /** input positions of the changes sent, in send order */
  indexes: number[]
}

export interface WritePlan {
  algorithm: 'merged' | 'ordered'
  runs: PlannedRun[]
  soapCalls: number
  bulkJobs: number
  apiCalls: number
  /** changes sent (after folding) */
  records: number
  /** input position → position of the change it was folded into, or null when it cancelled out */
  folded: Map<number, number | null>
}

/** Splits `count` records into batches of at most `size`. */
export function batchesOf(count: number, size: number): number[] {
  const batches: number[] = []
  for (let left = count; left > 0; left -= size) batches.push(Math.min(size, left))
  return batches
}

/** Ordered Writes unless the connection says Merged: an absent flag is Connect's default for new connections. */
const orderedWrites = (connection: WritePlanConnection): boolean => connection.features.poll_db_no_merge !== false

/** Reasons a table's changes can never go Bulk on this connection, whatever the run length. */
export function bulkBlockers(table: string, connection: WritePlanConnection): string[] {
  const reasons: string[] = []
  const version = typeof connection.apiVersion === 'number' ? connection.apiVersion : Number.parseFloat(connection.apiVersion)
  if (!(version >= BULK_MIN_API_VERSION)) reasons.push(`Salesforce API version ${connection.apiVersion} is below ${BULK_MIN_API_VERSION}.0`)
  if (!orderedWrites(connection)) reasons.push('the connection uses Merged Writes (Bulk needs Ordered Writes)')
  const mapping = connection.mappings.find(m => m.object.toLowerCase() === table.toLowerCase())
  if (!mapping) reasons.push(`table ${table} is not mapped`)
  else if (!mapping.upsertField) reasons.push(`mapping ${mapping.object} has no unique identifier (upsert field)`)
  if (connection.features.disable_bulk_writes) reasons.push('Bulk writes are disabled on the connection (disable_bulk_writes)')
  return reasons
}

function decide(table: string, action: string, count: number, blockers: string[], soapBatchSize: number): Omit<PlannedRun, 'indexes'> {
  const reasons = [...blockers]
  if (count < BULK_MIN_RUN) reasons.push(`run of ${count.toLocaleString('en-US')} changes is below ${BULK_MIN_RUN.toLocaleString('en-US')}`)
  const via: WriteVia = reasons.length === 0 ? 'bulk' : 'soap'
  const batches = batchesOf(count, via === 'bulk' ? BULK_BATCH_SIZE : soapBatchSize)
  // a Bulk job: create it, upload each batch, close it, fetch the results
  return {action, batches, calls: via === 'bulk' ? 3 + batches.length : batches.length, count, reasons, table, via}
}

export function planWrites(changes: readonly PlannedChange[], connection: WritePlanConnection): WritePlan {
  const ordered = orderedWrites(connection)
  const soapBatchSize = connection.soapBatchSize ?? SOAP_BATCH_SIZE
  const folded = new Map<number, number | null>()
  const blockers = new Map<string, string[]>()
  const blockersOf = (table: string): string[] => {
    if (!blockers.has(table)) blockers.set(table, bulkBlockers(table, connection))
    return blockers.get(table)!
  }

  const runs: PlannedRun[] = []
  if (ordered) {
    let start = 0
    for (let i = 1; i <= changes.length; i++) {
      const prev = changes[i - 1]
      const cur = changes[i]
      if (i < changes.length && cur.table === prev.table && cur.action === prev.action) continue
      if (i > start) {
        const indexes = Array.from({length: i - start}, (_, k) => start + k)
        runs.push({...decide(prev.table, prev.action, indexes.length, blockersOf(prev.table), soapBatchSize), indexes})
      }

      start = i
    }
  } else {
    const survivors = foldChanges(changes, folded)
    const groups = new Map<string, number[]>()
    for (const index of survivors) {
      const key = `${changes[index].table}\u0000${changes[index].action}`
      if (!groups.has(key)) groups.set(key, [])
      groups.get(key)!.push(index)
    }

    for (const indexes of groups.values()) {
      const first = changes[indexes[0]]
      runs.push({...decide(first.table, first.action, indexes.length, blockersOf(first.table), soapBatchSize), indexes})
    }
  }

  const soapCalls = runs.filter(r => r.via === 'soap').reduce((n, r) => n + r.calls, 0)
  const bulkRuns = runs.filter(r => r.via === 'bulk')
  return {
    algorithm: ordered ? 'ordered' : 'merged',
    apiCalls: runs.reduce((n, r) => n + r.calls, 0),
    bulkJobs: bulkRuns.length,
    folded,
    records: runs.reduce((n, r) => n + r.count, 0),
    runs,
    soapCalls,
  }
}

/**
 * Merged Writes: the changes of one record collapse into the one that decides what Salesforce
 * must do. INSERT + UPDATEs → the INSERT; UPDATEs → the first UPDATE; … + DELETE → the DELETE;
 * INSERT … DELETE → nothing at all (the record never reached Salesforce).
 * Returns the surviving positions in capture order.
 */
function foldChanges(changes: readonly PlannedChange[], folded: Map<number, number | null>): number[] {
  interface Open {rep: number; action: string; members: number[]}
  const open = new Map<string, Open>()
  const survivors = new Set<number>()
  for (const [i, change] of changes.entries()) {
    if (change.recordId === null) {
      survivors.add(i)
      continue
    }

    const key = `${change.table}\u0000${change.recordId}`
    const group = open.get(key)
    if (!group || group.action === 'DELETE' || change.action === 'INSERT') {
      open.set(key, {action: change.action, members: [], rep: i})
      survivors.add(i)
      continue
    }

    if (change.action === 'UPDATE') {
      folded.set(i, group.rep)
      group.members.push(i)
      continue
    }

    if (change.action === 'DELETE') {
      const all = [group.rep, ...group.members]
      survivors.delete(group.rep)
      if (group.action === 'INSERT') {
        for (const m of [...all, i]) folded.set(m, null)
        open.delete(key)
      } else {
        for (const m of all) folded.set(m, i)
        survivors.add(i)
        open.set(key, {action: 'DELETE', members: [], rep: i})
      }

      continue
    }

    survivors.add(i)
  }

  return [...survivors].sort((a, b) => a - b)
}

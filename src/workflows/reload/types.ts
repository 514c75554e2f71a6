// The shapes the reload workflow hands between its parts and to the command's --json.

export const CHECKS = ['connection-state', 'mapping-state', 'unsynced-rows', 'pending-changes', 'failed-rows', 'id-columns', 'remap-values', 'privileges'] as const
export type CheckName = (typeof CHECKS)[number]
/** checks --force cannot waive: without the privilege the run would stop half way */
export const UNFORCEABLE: ReadonlySet<CheckName> = new Set(['privileges'])

export interface PreflightCheck {
  name: CheckName
  ok: boolean
  /** failed, but waived with --force */
  forced: boolean
  summary: string
  details: string[]
  /** the command or SQL that fixes it, when it failed */
  fix: null | string
}

export interface ForeignKeyDdl {
  schema: string
  table: string
  name: string
  /** pg_get_constraintdef, without NOT VALID */
  definition: string
  /** the referencing columns */
  columns: string[]
}

export interface RemapTarget {
  schema: string
  table: string
  column: string
  /** a single-column integer primary key to batch by; null = batch by old id */
  key: null | string
}

export interface Dependants {
  /** foreign keys into the table: they block the reload's TRUNCATE, so they are dropped and restored */
  foreignKeysIn: ForeignKeyDdl[]
  /** foreign keys from the table to others: untouched */
  foreignKeysOut: ForeignKeyDdl[]
  views: Array<{schema: string; name: string; kind: string}>
  triggers: Array<{name: string; definition: string}>
  functions: Array<{schema: string; name: string}>
  /** app columns that look like they hold the table's ids (HC040's detection) */
  candidates: string[]
}

export interface ReloadEstimate {
  rows: number
  salesforceApiCalls: number
  seconds: number
  via: 'Bulk API' | 'SOAP API'
}

export interface ReloadPlan {
  app: null | string
  connectionId: string
  mappingId: string
  object: string
  schema: string
  table: string
  /** data columns compared by verify (all but id and Connect's status columns) */
  columns: string[]
  dependants: Dependants
  remap: RemapTarget[]
  estimate: ReloadEstimate
  timeoutMs: number
}

export interface Preflight {
  plan: ReloadPlan
  connectionState: string
  mappingState: string
  rows: number
  checks: PreflightCheck[]
  /** the state schema does not exist yet and will be created */
  createsStateSchema: boolean
  refused: boolean
}

export const STEPS = ['preflight', 'backup', 'unblock', 'reload', 'wait', 'verify', 'remap', 'restore', 'complete'] as const
export type Step = (typeof STEPS)[number]

export interface VerifyResult {
  backedUp: number
  reloaded: number
  missing: number
  new: number
  changed: number
  samples: {missing: string[]; new: string[]; changed: string[]}
}

/** A stripe of a remap: the key (or old id) range [from, end), applied batch by batch from `next`. */
export interface RemapStripe {
  next: number
  end: number
  updated: number
  /** longest batch transaction in this stripe, ms */
  longestMs: number
}

export interface RemapProgress {
  done: boolean
  /** rows remapped, summed over the stripes */
  updated: number
  /** values with no new id (their row is gone from Salesforce, or never synced): non-null values at the start less the rows remapped */
  unmatched: number
  /** non-null values of the column (set when done) */
  nonNull: number
  /** longest batch transaction, ms */
  longestMs: number
  /** disjoint ranges; each batch commits with its stripe's `next`, so each range is applied once */
  stripes: RemapStripe[]
  /** the column's plain indexes, dropped during the batches and rebuilt concurrently after */
  indexes?: Array<{name: string; definition: string}>
}

export interface ReloadProgress {
  verify?: VerifyResult
  remap?: Record<string, RemapProgress>
  restored?: Array<{name: string; validated: boolean; error?: string}>
  reloadSeen?: boolean
  /** rows in the id map, once it is built (its build commits with this) */
  idMap?: number
  [key: string]: unknown
}

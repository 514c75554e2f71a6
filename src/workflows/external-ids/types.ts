import type {IdentifierJudgement} from '../../analysis/unique-ids.js'
import type {WriteVia} from '../../analysis/write-prediction.js'
import type {BackfillProgress} from './backfill.js'

// The shapes connect:external-ids hands between its parts and to the command's --json.

/** The steps each mapping goes through, in order; each one checks before it acts. */
export const STEPS = ['field', 'access', 'mapping', 'default', 'backfill'] as const
export type Step = (typeof STEPS)[number]

/** Values already shared by several rows: reported, never changed (Salesforce may hold them). */
export interface DuplicateGroup {
  value: string
  rows: Array<{id: number; sfid: null | string}>
}

/** What Salesforce says about the identifier field before the run. */
/** A UUID's text form, and so the length of the identifier field (Text(36)). */
export const UUID_LENGTH = 36

export interface FieldState {
  name: string
  exists: boolean
  /** describe type (string, double, …); null when missing */
  type: null | string
  externalId: boolean
  unique: boolean
}

/** What the backfill of one mapping costs in Salesforce writes (the write-mode predictor's answer). */
export interface BackfillCost {
  /** NULL identifiers to fill */
  rows: number
  /** of those, rows Salesforce already has (sfid set): each becomes one UPDATE Connect sends */
  synced: number
  via: WriteVia
  apiCalls: number
  /** why the writes go SOAP, when they do */
  reasons: string[]
}

export interface MappingPlan {
  object: string
  mappingId: string
  mappingState: string
  schema: string
  table: string
  /** the Salesforce field API name of the identifier */
  field: string
  /** its Postgres column */
  column: string
  /** the integer key the backfill batches by (Connect's id: only the batch bounds, never a value) */
  key: string
  judgement: IdentifierJudgement
  fieldState: FieldState
  /** the change to the mapping's saved configuration, line by line (empty: none) */
  configDiff: string[]
  /** what each step will do; null = nothing to do */
  actions: Record<Step, null | string>
  duplicates: DuplicateGroup[]
  cost: BackfillCost
  warnings: string[]
}

export interface ExternalIdPlan {
  app: string
  connectionId: string
  schema: string
  field: string
  permissionSet: string
  /** Connect's integration user, who gets Edit on the field */
  assignee: null | {id: string; username: string}
  /** server_version_num; below 130000 gen_random_uuid() comes from pgcrypto */
  serverVersion: number
  uuidExpression: string
  /** CREATE EXTENSION pgcrypto, needed before PG 13 when it is not installed */
  needsPgcrypto: boolean
  batchRows: number
  /** batch sizes that keep every batch Bulk-eligible on its own */
  bulkBatchOptions: number[]
  mappings: MappingPlan[]
  /** mappings left alone, with why */
  untouched: Array<{object: string; reason: string}>
  /** mappings that cannot go on until someone resolves their duplicates */
  blocked: string[]
  createsStateSchema: boolean
  timeoutMs: number
  /** about the connection as a whole (a pause, small batches) */
  warnings: string[]
}

export interface MappingProgress {
  done: Step[]
  fieldId?: string
  /** the mapping's state before its update, so an error it already had is not taken for ours */
  stateBefore?: string
  backfill?: BackfillProgress
  notes?: string[]
}

export interface ExternalIdProgress {
  mappings?: Record<string, MappingProgress>
  [key: string]: unknown
}

// Everything the audit knows, collected once (DESIGN.md §3). Rules are pure functions of a
// Snapshot. A part that could not be collected is null and its source says why, so a rule that
// needs it is reported as skipped instead of silently passing.

export type SourceName = 'connect' | 'postgres' | 'salesforce'

export interface SourceStatus {
  ok: boolean
  /** why the source is missing, e.g. "no Salesforce credentials" */
  reason?: string
  /** how to provide it */
  provide?: string
}

export interface Snapshot {
  app: null | string
  collectedAt: string
  sources: Record<SourceName, SourceStatus>
  connection: ConnectionFacts | null
  postgres: null | PostgresFacts
  salesforce: null | SalesforceFacts
}

// ---- Connect (API or export file) ----

export interface ConnectionFacts {
  origin: 'api' | 'export'
  /** export file path when origin is export */
  file?: string
  name: null | string
  schema: string
  /** connection state; null in an export file */
  state: null | string
  /** when the connection entered its state, as far as Connect tells (its updated_at; created_at while NEW) */
  stateSince?: null | string
  apiVersion: null | string
  features: Record<string, boolean>
  logDrain: boolean | null
  mappings: MappingFacts[]
  /** Connect's own diagnose result (HC080); null when it could not be run */
  validations: null | ValidationCheck[]
}

export interface MappingFacts {
  object: string
  /** the Postgres table Connect uses: lowercase object name */
  table: string
  access: 'read_only' | 'read_write'
  fields: string[]
  upsertField: null | string
  indexes: Record<string, {unique: boolean}>
  pollingSeconds: null | number
  notify: boolean | null
  maxDailyApiCalls: null | number
  state: null | string
  stateDescription: null | string
  /** when the mapping entered its state, as far as Connect tells (the mapping's updated_at) */
  stateSince?: null | string
}

export interface ValidationCheck {
  level: 'error' | 'warning'
  /** mapping object name, or null for a connection-level check */
  object: null | string
  displayName: string
  message: string
  ruleId: null | string
  docUrl: null | string
}

// ---- Postgres catalog and data ----

export interface ColumnFacts {
  name: string
  type: string
  notNull: boolean
  default: null | string
}

export interface TriggerFacts {
  name: string
  functionSchema: string
  functionName: string
  definition: string
}

export interface IndexFacts {
  name: string
  unique: boolean
  columns: string[]
  definition: string
}

export interface RelationFacts {
  name: string
  /** r table, p partitioned table, v view, m materialized view, S sequence, f foreign table */
  kind: string
  columns: ColumnFacts[]
  triggers: TriggerFacts[]
  indexes: IndexFacts[]
  /** sequences only: the table.column that owns it, as Connect's serial sequences are owned */
  ownedBy: null | string
  /** the extension it belongs to (`pg_depend.deptype = 'e'`): never the user's own object */
  extension?: null | string
}

export interface FunctionFacts {
  name: string
  signature: string
  /** the extension it belongs to (hstore, uuid-ossp, …): never the user's own object */
  extension?: null | string
}

/** an installed extension, wherever its schema is */
export interface ExtensionFacts {
  name: string
  schema: string
  version: string
}

/** Connect's runtime dependencies outside its schema (HC077) */
export interface RuntimeFacts {
  /** the database's name, for the ALTER DATABASE in a fix */
  database: string
  extensions: ExtensionFacts[]
  /** schemas holding a `get_xmlbinary()` */
  xmlbinaryFunction: string[]
  /** search_path as new sessions get it: the database's setting (or the server's), and each role's in this database */
  searchPath: {database: string; roles: Array<{role: string; value: string}>}
}

export interface ForeignKeyFacts {
  name: string
  fromSchema: string
  fromTable: string
  fromColumns: string[]
  toSchema: string
  toTable: string
  toColumns: string[]
}

/** a view or materialized view outside the Connect schema that reads a Connect table's `id` */
export interface IdDependentFacts {
  kind: 'materialized view' | 'view'
  schema: string
  name: string
  table: string
}

/** an integer column outside the Connect schema named after a mapped object (`contact_id`) */
export interface IdLikeColumnFacts {
  schema: string
  table: string
  column: string
  type: string
  /** the mapped table the name points at */
  mappedTable: string
}

export interface UniqueIdFacts {
  table: string
  column: string
  exists: boolean
  rows: number
  nulls: number
  duplicates: number
  default: null | string
}

export interface LogRunFacts {
  table: string
  action: string
  count: number
}

export interface TriggerLogFacts {
  /** NEW and PENDING rows by table and action */
  pending: LogRunFacts[]
  /** contiguous runs of the same table and action, in capture order (NEW and PENDING rows) */
  runs: LogRunFacts[]
  oldestPendingAt: null | string
  failed: Array<{table: string; count: number; samples: string[]}>
  archiveRows: number
  archiveOldestAt: null | string
}

export interface PostgresFacts {
  serverVersion: number
  schema: string
  schemaExists: boolean
  /** Connect's own tables: _trigger_log, _trigger_log_archive, _hcmeta, _sf_event_log */
  systemTables: Record<string, ColumnFacts[] | null>
  relations: RelationFacts[]
  functions: FunctionFacts[]
  foreignKeys: ForeignKeyFacts[]
  idDependents: IdDependentFacts[]
  idLikeColumns: IdLikeColumnFacts[]
  uniqueIds: UniqueIdFacts[]
  triggerLog: null | TriggerLogFacts
  lastopFailed: Array<{table: string; count: number; samples: string[]}>
  xmlbinary: {database: null | string; roles: Array<{role: string; database: null | string; value: string}>}
  /** null when not collected (older snapshots) */
  runtime?: null | RuntimeFacts
}

// ---- Salesforce ----

export interface SfFieldFacts {
  name: string
  type: string
  calculated: boolean
  calculatedFormula: null | string
  autoNumber: boolean
  externalId: boolean
  unique: boolean
  nillable: boolean
  createable: boolean
  updateable: boolean
  defaultedOnCreate: boolean
  encrypted: boolean
  referenceTo: string[]
}

export interface SfObjectFacts {
  name: string
  fields: SfFieldFacts[]
}

export interface SalesforceFacts {
  apiVersion: string
  /** by object API name; an object the integration user cannot describe has an error instead */
  objects: Record<string, {error: string} | SfObjectFacts>
  /** FieldDefinition.DataType by object and field, to confirm roll-up summaries */
  fieldDataTypes: Record<string, Record<string, string>>
  integrationUser: null | SfIntegrationUserFacts
  dailyApiRequests: null | {max: number; remaining: number}
  /** parts that could not be read, e.g. "LoginHistory: INSUFFICIENT_ACCESS" */
  gaps: string[]
}

export interface SfIntegrationUserFacts {
  id: string
  username: string
  profileName: null | string
  userLicense: null | string
  isIntegrationUser: boolean
  apiUserOnly: boolean | null
  passwordNeverExpires: boolean | null
  viewAllData: boolean | null
  viewEncryptedData: boolean | null
  /** UI logins (LoginType Application) in the last 30 days */
  uiLogins: number
  /** field API names (Object.Field) the user cannot read or edit, among the mapped ones */
  unreadableFields: string[]
}

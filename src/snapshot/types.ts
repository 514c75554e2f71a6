// Everything the audit knows, collected once (DESIGN.md §3). Rules are pure functions of a
// Snapshot. A part that could not be collected is null and its source says why, so a rule that
// needs it is reported as skipped instead of silently passing.

/** A trigger or index on a Connect table whose DDL `connect:schema:scaffold --move` saved in the helper schema. */
export interface SavedDdlFacts {
  /** the helper schema holding the saved copy */
  helperSchema: string
  kind: 'index' | 'trigger'
  /** the Connect schema and table it belongs to */
  schema: string
  table: string
  name: string
}

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
  /** records per SOAP write call (the connection's soap_batch_size); null when the configuration does not say */
  soapBatchSize?: null | number
  /** the Salesforce user Connect syncs as (sf_info), or from --username; the org it belongs to */
  salesforceUser?: {organizationId: null | string; username: null | string}
  /** Connect's own diagnose result (HC080); null when it could not be run */
  validations: null | ValidationCheck[]
  /** why `validations` is null although the Connect API was read (a run that timed out, a 403, …) */
  validationsSkipped?: {reason: string; provide: string}
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
  /** a valid, non-partial unique index on this column alone (Connect's `hcu_idx_<t>_<column>`):
   *  duplicates are impossible and NULLs are counted through it; `rows` of a big table is then the planner's estimate */
  uniqueIndex?: null | string
  /** `rows` is the planner's estimate rather than a count */
  rowsEstimated?: boolean
  /** the count did not finish within its --max-scan-seconds budget: `nulls` and `duplicates` are unknown (0) */
  unfinished?: {seconds: number}
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
  /** mapped tables whose FAILED count did not finish within --max-scan-seconds */
  lastopUnfinished?: {tables: string[]; seconds: number}
  xmlbinary: {database: null | string; roles: Array<{role: string; database: null | string; value: string}>}
  /** triggers and indexes on Connect's tables whose DDL `connect:schema:scaffold --move` saved; absent in older snapshots */
  savedDdl?: SavedDdlFacts[]
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
  /** the characters a text field holds (describe `length`); absent when the describe gives none */
  length?: number
  /** has field-level security (FieldPermissions rows); required and system fields do not. Absent: assume it has */
  permissionable?: boolean
  referenceTo: string[]
}

export interface SfObjectFacts {
  name: string
  fields: SfFieldFacts[]
}

export interface SalesforceFacts {
  apiVersion: string
  /** the newest API version the org offers (GET /services/data): the target when raising the connection's */
  newestApiVersion?: null | string
  /** by object API name; an object the integration user cannot describe has an error instead */
  objects: Record<string, {error: string} | SfObjectFacts>
  /** FieldDefinition.DataType by object and field, to confirm roll-up summaries */
  fieldDataTypes: Record<string, Record<string, string>>
  integrationUser: null | SfIntegrationUserFacts
  /** why there is no integration user to read, when the connection names none */
  integrationUserUnavailable?: {reason: string; provide: string}
  dailyApiRequests: null | {max: number; remaining: number}
  /** parts that could not be read, e.g. "LoginHistory: INSUFFICIENT_ACCESS" */
  gaps: string[]
}

/** User permissions that matter for Connect's user, as PermissionSet.Permissions<Name> calls them. */
export type UserPermission = 'ApiEnabled' | 'ApiUserOnly' | 'ModifyAllData' | 'PasswordNeverExpires' | 'ViewAllData' | 'ViewEncryptedData'

/** One permission set that reaches the user: its profile's own, one assigned to it, or a group's aggregate. */
export interface SfPermissionSetFacts {
  id: string
  name: string
  /** Profile, Regular, Group, … (PermissionSet.Type) */
  type: string
  /** the permission set group it came through, when it did */
  group: null | string
  permissions: Record<UserPermission, boolean>
}

export interface SfObjectPermissionFacts {
  parentId: string
  object: string
  read: boolean
  create: boolean
  edit: boolean
  delete: boolean
  viewAll: boolean
  modifyAll: boolean
}

export interface SfFieldPermissionFacts {
  parentId: string
  /** Object.Field */
  field: string
  read: boolean
  edit: boolean
}

export type IntegrationUserPart = 'fieldPermissions' | 'logins' | 'objectPermissions' | 'permissionSets' | 'user'

/**
 * Connect's integration user, as the connection names it (sf_info or --username), read with
 * whatever token was given. A part that could not be read is null and `unavailable` says why
 * and what would let the token read it.
 */
export interface SfIntegrationUserFacts {
  username: string
  /** the token belongs to this user, so its describes already show the user's field-level security */
  ownToken: boolean
  /** the username the token belongs to */
  tokenUser: string
  user: null | {
    id: string
    name: string
    firstName: null | string
    lastName: null | string
    email: null | string
    isActive: boolean
    userType: null | string
    managerId: null | string
    profileName: null | string
    userLicense: null | string
  }
  permissionSets: null | SfPermissionSetFacts[]
  /** LoginHistory of the last 30 days, every page: the count by LoginType, and the latest UI logins */
  logins: null | {total: number; byType: Record<string, number>; ui: Array<{at: string; application: null | string; sourceIp: null | string}>}
  objectPermissions: null | SfObjectPermissionFacts[]
  fieldPermissions: null | SfFieldPermissionFacts[]
  unavailable: Partial<Record<IntegrationUserPart, {reason: string; grant: string}>>
}

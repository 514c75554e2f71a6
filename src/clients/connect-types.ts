// Wire shapes of the Heroku Connect API (discovery service + regional /api/v3), as documented in
// shared/reference/heroku-connect-api.md §1.6. The fake Connect server builds its answers from these
// same types, so a field the client reads can never silently go missing from the fake.
// Unknown extra fields are allowed everywhere: Connect adds fields without notice.

/** `string & {}` keeps editor completion for the known values while accepting new ones. */
type Open<T extends string> = T | (string & {})

export type ConnectionState = Open<
  | 'BUSY' | 'DB_UNAVAILABLE' | 'HEROKU_UNAUTH' | 'ICED' | 'IDLE' | 'IMPORT_CONFIGURATION' | 'INACTIVE_ORG'
  | 'NEED_AUTHENTICATION' | 'NEW' | 'PAUSED' | 'POLLING_DB_CHANGES' | 'RECOVERY' | 'SYSTEM_ERROR'
  | 'SYSTEM_ON_ICE' | 'TOO_MANY_ROWS' | 'UNAUTHORIZED'
>

export type MappingState = Open<
  | 'DATA_SYNCED' | 'INITIAL' | 'LOADING_BULK_JOB' | 'POLLING_SF_BULK' | 'POLLING_SF_CHANGES'
  | 'POLLING_SF_FOR_DELETES' | 'RELOAD_TABLE' | 'RESYNC' | 'SCHEMA_CHANGED' | 'SYSTEM_ERROR'
  | 'UNAUTHORIZED' | 'WAIT_BULK_LOAD' | 'WAIT_BULK_UPDATE'
>

/** Connection states in which Connect is healthy (django-heroku-connect's OK set). */
export const HEALTHY_CONNECTION_STATES: readonly string[] = ['IDLE', 'POLLING_DB_CHANGES', 'IMPORT_CONFIGURATION', 'BUSY']

export interface ConnectionFeatures {
  cdc_for_accelerated_polling?: boolean
  disable_bulk_writes?: boolean
  force_picklist_255?: boolean
  /** true = Ordered Writes, false = Merged Writes */
  poll_db_no_merge?: boolean
  poll_external_ids?: boolean
  rest_count_only?: boolean
  ucs_basic_collation_index?: boolean
  use_assignment_rules?: boolean
  [flag: string]: boolean | undefined
}

// ---- discovery (hc-central) -------------------------------------------------------------------

export interface DiscoveredConnection {
  id: string
  resource_name: string
  display_name?: string
  addon_type?: string
  app_name: string
  app_id?: string
  region?: string
  /** origin of the regional API; append /api/v3 */
  region_url: string
  region_flag?: string
  region_label?: string
  cell?: string
  cell_label?: string
  /** absolute URL of the connection; treat as opaque */
  detail_url: string
  [key: string]: unknown
}

export interface DiscoverySearchResponse {
  results: DiscoveredConnection[]
  count?: number
  next?: string | null
  previous?: string | null
  regions?: Record<string, {flag?: string; label?: string}>
  cells?: Record<string, {url?: string; flag?: string; label?: string}>
}

export interface RequestAppAccessResponse {
  user?: {id: string; email: string}
  connections: DiscoveredConnection[]
  regions?: DiscoverySearchResponse['regions']
  cells?: DiscoverySearchResponse['cells']
}

// ---- connections and mappings -----------------------------------------------------------------

export interface MappingConfig {
  access: 'read_only' | 'read_write'
  sf_notify_enabled?: boolean
  sf_polling_seconds?: number
  sf_max_daily_api_calls?: number
  /** Salesforce field API name → options (always `{}` today) */
  fields: Record<string, Record<string, unknown>>
  indexes?: Record<string, {unique: boolean}>
  /** the unique identifier (External ID) used to upsert; absent when not set */
  upsert_field?: string | null
  revision?: number
  applied_at?: string | null
  [key: string]: unknown
}

export interface MappingCounts {
  db: number | null
  sf: number | null
  pending: number | null
  errors: number | null
}

export interface MappingTimes {
  sf_poll: string | null
  sf_write: string | null
  db_poll: string | null
  db_write: string | null
}

export interface MappingDetails {
  id: string
  _id?: number
  object_name: string
  state: MappingState
  state_description?: string
  config: MappingConfig
  access?: MappingConfig['access']
  sf_notify_enabled?: boolean
  sf_polling_seconds?: number
  upsert_field?: string | null
  counts?: MappingCounts
  times?: MappingTimes
  has_hc_columns?: boolean
  actively_writing?: boolean
  is_polling?: boolean
  sync_flags?: Record<string, unknown>
  detail_url?: string
  errors_url?: string
  schema_url?: string
  created_at?: string
  updated_at?: string
  db_count_date?: string | null
  salesforce_count_date?: string | null
  connection?: {id: string}
  [key: string]: unknown
}

export interface ConnectionDetails {
  id: string
  _id?: number
  name?: string
  internal_name?: string
  resource_name?: string
  addon_id?: string
  app_name: string
  app_id?: string
  schema_name: string
  db_key: string
  database?: {host?: string; database?: string; port?: number}
  organization_id?: string | null
  state: ConnectionState
  mappings_summary_state?: string
  detail_url?: string
  /** set by discovery; merged in by the client */
  region_url?: string
  api_version?: string
  sf_info?: {username?: string; organization_id?: string; environment?: string; domain?: string | null; api_version?: string} | null
  features: ConnectionFeatures
  plan?: string
  logplex_log_enabled?: boolean
  soap_batch_size?: number
  bulk_page_size?: number
  large_query_threshold?: number
  created_at?: string
  /** present with ?deep=true */
  mappings?: MappingDetails[]
  [key: string]: unknown
}

export interface ConnectionListResponse {
  count: number
  results: ConnectionDetails[]
}

// ---- export / import (the `connect:export` file) ----------------------------------------------

export interface ExportedMapping {
  object_name: string
  config: MappingConfig
}

export interface ConnectExport {
  version: 1
  connection: {
    app_name: string
    organization_id: string | null
    exported_at: string
    features: ConnectionFeatures
    api_version: string
    name: string
    logplex_log_enabled?: boolean
    [key: string]: unknown
  }
  mappings: ExportedMapping[]
}

// ---- diagnose ---------------------------------------------------------------------------------

export interface ValidationCheck {
  display_name: string
  message: string
  doc_url?: string
  rule_id?: string
  status?: string
}

export interface ValidationGroups {
  errors?: ValidationCheck[]
  warnings?: ValidationCheck[]
  passes?: ValidationCheck[]
  skips?: ValidationCheck[]
}

export interface ValidationReport extends ValidationGroups {
  mappings?: Record<string, ValidationGroups>
}

export interface ValidationJob {
  result_url: string
}

// ---- write errors and notifications -----------------------------------------------------------

export interface WriteError {
  /** the `_trigger_log` id */
  id: number
  table_name: string
  /** the mapped table's `id` */
  record_id: number
  message: string
  created_at: string
}

export interface WriteErrorsResponse {
  count: number
  results: WriteError[]
}

export interface ConnectNotification {
  id: string
  created_at: string
  event_type: string
  message: string
  [key: string]: unknown
}

export interface NotificationsResponse {
  count?: number
  results: ConnectNotification[]
}

export interface NotificationFilter {
  after?: string
  before?: string
  eventType?: string
}

// ---- database settings, Salesforce authorization, API version --------------------------------

/** `GET /api/v3/apps/<app>`: the app's Postgres config vars a connection can use (connect:db:set). */
export interface AppDatabasesResponse {
  app_name?: string
  db_keys: Array<{name: string; addon?: {name?: string; plan?: string} | null}>
}

export interface DatabaseSettings {
  db_key: string
  schema_name: string
}

export interface AuthorizeUrlRequest {
  environment: 'custom' | 'production' | 'sandbox'
  /** where the browser lands when Salesforce authorization is done */
  next: string
  /** login domain, for environment custom */
  domain?: string
}

export interface SchemaDiffMapping {
  name: string
  fields_have_changed?: boolean
  has_unsafe_changes?: boolean
  action_undetermined?: boolean
  result_message?: string
}

/** `GET …/schema-diff?target_version=`; the change action answers the same plus `target_version`. */
export interface SchemaDiffResponse {
  current_api_version?: string
  target_api_version?: string
  target_version?: string
  guid?: string
  mappings?: SchemaDiffMapping[]
}

import type {ConnectionFeatures, MappingConfig, MappingTimes} from '../../clients/connect-types.js'
import type {AppSpec, ConnectionSpec, MappingSpec} from '../model.js'
import type {FakeOrg} from '../org-runtime.js'
import {stableUuid} from '../heroku/ids.js'

// The fake Connect service's mutable view of each connection. The scenario spec says how the
// world starts; everything an API call can change afterwards (state, mapping configs, reload
// progress, notifications) lives here, so the spec objects stay untouched and reusable.

export interface ReloadProgress {
  done: boolean
  /** a client polling the mapping saw RELOAD_TABLE at least once */
  seen: boolean
  promise: Promise<void>
}

export interface MappingRuntime {
  id: string
  serial: number
  object: string
  /** mapped table name inside the connection's schema (lowercase object name) */
  table: string
  config: MappingConfig
  state: string
  stateDescription: string
  createdAt: string
  updatedAt: string
  times: MappingTimes
  reload?: ReloadProgress
  /** states a configuration change still shows, one per observation (mapping-update.ts) */
  applying?: Array<{state: string; description: string}>
}

export interface NotificationRecord {
  id: string
  created_at: string
  event_type: string
  message: string
  acknowledged: boolean
  mapping_id?: string
}

export interface ValidationJobRecord {
  pendingPolls: number
  report: unknown
}

export interface ConnectionRuntime {
  app: AppSpec
  spec: ConnectionSpec
  id: string
  serial: number
  addonId: string
  databaseUrl: string
  state: string
  /** the state before a pause, restored on resume when it was an authentication problem */
  pausedFrom?: string
  features: ConnectionFeatures & {poll_db_no_merge: boolean; disable_bulk_writes: boolean}
  apiVersion: string
  mappings: MappingRuntime[]
  notifications: NotificationRecord[]
  validationJobs: Map<string, ValidationJobRecord>
  /** the user is on the add-on's access list (POST /auth/:app adds them) */
  accessGranted: boolean
  draining: boolean
  createdAt: string
  /** the app's Postgres config vars a connection may use (GET /api/v3/apps/<app>) */
  dbKeys: Array<{name: string; plan?: string}>
  /** where the integration user logs in: sf_info.environment / domain */
  salesforceLogin: {environment: string; domain: string}
  /** authorize_url requests waiting for the browser, by their state token */
  pendingAuthorizations: Map<string, {environment: string; domain: string; next: string}>
}

export interface ConnectContext {
  apiKey: string
  org: FakeOrg
  connections: ConnectionRuntime[]
  /** origin of this fake; known once it listens */
  url(): string
  /** polls a validation result answers 202 before the result is ready */
  validationPendingPolls: number
  /** background work (reloads) so close() and tests can wait for it */
  track(work: Promise<unknown>): void
  /** how a reload loads its rows: in `steps` parts, `stepMs` apart (0 = all at once) */
  reloadPacing: ReloadPacing
}

export interface ReloadPacing {
  steps: number
  stepMs: number
}

export const CREATED_AT = '2024-01-15T10:00:00Z'

// Standard objects without an IsDeleted field; Connect maps no isdeleted column for them.
const NO_IS_DELETED = new Set(['emailtemplate', 'recordtype', 'user'])

export function tableName(object: string): string {
  return object.toLowerCase()
}

export function hasIsDeleted(object: string, org: FakeOrg): boolean {
  const described = org.describeObject(object)
  if (described?.fields.some(f => f.name === 'IsDeleted')) return true
  return !NO_IS_DELETED.has(object.toLowerCase())
}

/** The mapping config Connect would hold for a spec: the spec's fields plus the ones Connect always maps. */
export function configFromSpec(mapping: MappingSpec, org: FakeOrg): MappingConfig {
  const fields: Record<string, Record<string, unknown>> = {}
  const always = ['Id', 'SystemModstamp', ...(hasIsDeleted(mapping.object, org) ? ['IsDeleted'] : [])]
  for (const name of [...always, ...mapping.fields]) fields[name] = {}
  const indexes: Record<string, {unique: boolean}> = {Id: {unique: true}, SystemModstamp: {unique: false}}
  for (const name of mapping.indexedFields ?? []) indexes[name] = {unique: false}
  if (mapping.upsertField) indexes[mapping.upsertField] = {unique: true}
  const config: MappingConfig = {
    access: mapping.access,
    applied_at: CREATED_AT,
    fields,
    indexes,
    revision: 1,
    sf_max_daily_api_calls: mapping.maxDailyApiCalls ?? 30_000,
    sf_notify_enabled: mapping.notify ?? false,
    sf_polling_seconds: mapping.pollingSeconds ?? 600,
  }
  if (mapping.upsertField) config.upsert_field = mapping.upsertField
  return config
}

export function newMappingRuntime(connectionId: string, object: string, serial: number, config: MappingConfig, state?: string, description?: string): MappingRuntime {
  return {
    config,
    createdAt: CREATED_AT,
    id: stableUuid(`mapping:${connectionId}:${object}`),
    object,
    serial,
    state: state ?? 'DATA_SYNCED',
    stateDescription: description ?? 'OK',
    table: tableName(object),
    times: {db_poll: null, db_write: CREATED_AT, sf_poll: CREATED_AT, sf_write: null},
    updatedAt: CREATED_AT,
  }
}

export const LOGIN_DOMAINS: Record<string, string> = {production: 'https://login.salesforce.com', sandbox: 'https://test.salesforce.com'}

export function buildConnectionRuntime(app: AppSpec, databaseUrl: string, org: FakeOrg, serial: number, accessGranted: boolean, databasePlan?: string): ConnectionRuntime {
  const {connection} = app
  return {
    accessGranted,
    addonId: stableUuid(`addon:${app.id}:${connection.resourceName}`),
    apiVersion: connection.apiVersion,
    app,
    createdAt: CREATED_AT,
    databaseUrl,
    dbKeys: [{name: connection.dbKey, plan: databasePlan}],
    draining: false,
    features: {...connection.features},
    id: connection.id,
    mappings: connection.mappings.map((m, i) =>
      newMappingRuntime(connection.id, m.object, serial * 1000 + i + 1, configFromSpec(m, org), m.state, m.stateDescription)),
    notifications: [],
    pendingAuthorizations: new Map(),
    salesforceLogin: {domain: LOGIN_DOMAINS.production, environment: 'production'},
    serial,
    spec: connection,
    state: connection.state,
    validationJobs: new Map(),
  }
}

/** The state a client sees. A reload is always visible as RELOAD_TABLE at least once, however
 *  fast it finished, so a poller can tell "reloaded" from "never started". */
export function observedMappingState(mapping: MappingRuntime): {state: string; description: string} {
  const {reload} = mapping
  if (reload && (!reload.done || !reload.seen)) {
    reload.seen = true
    return {description: 'Reloading', state: 'RELOAD_TABLE'}
  }

  const applying = mapping.state === 'DATA_SYNCED' ? mapping.applying?.shift() : undefined
  if (applying) return applying

  return {description: mapping.stateDescription, state: mapping.state}
}

export function findMapping(ctx: ConnectContext, id: string): {conn: ConnectionRuntime; mapping: MappingRuntime} | undefined {
  for (const conn of ctx.connections) {
    const mapping = conn.mappings.find(m => m.id === id || String(m.serial) === id)
    if (mapping) return {conn, mapping}
  }

  return undefined
}

export function findConnection(ctx: ConnectContext, id: string): ConnectionRuntime | undefined {
  return ctx.connections.find(c => c.id === id || String(c.serial) === id)
}

export function addNotification(conn: ConnectionRuntime, eventType: string, message: string, mappingId?: string): NotificationRecord {
  const record: NotificationRecord = {
    acknowledged: false,
    created_at: new Date().toISOString(),
    event_type: eventType,
    id: stableUuid(`notification:${conn.id}:${conn.notifications.length}:${Date.now()}:${Math.random()}`),
    mapping_id: mappingId,
    message,
  }
  conn.notifications.push(record)
  return record
}

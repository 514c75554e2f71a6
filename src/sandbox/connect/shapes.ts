import type {ConnectionDetails, DiscoveredConnection, MappingDetails} from '../../clients/connect-types.js'
import {liveData, type LiveConnectionData} from './counts.js'
import {databaseAvailable} from './db.js'
import {type ConnectContext, type ConnectionRuntime, type MappingRuntime, observedMappingState} from './state.js'

// Turns runtime state into the documented JSON: discovery items, ConnectionDetails and
// MappingDetails (heroku-connect-api.md §1.6). Everything a GET returns is built here.

const REGION_LABELS: Record<string, {flag: string; label: string}> = {
  eu: {flag: '🇮🇪', label: 'Europe (Dublin)'},
  us: {flag: '🇺🇸', label: 'United States (Virginia)'},
}

function regionInfo(region: string): {flag: string; label: string} {
  return REGION_LABELS[region] ?? {flag: '', label: region}
}

export function discoveryItem(ctx: ConnectContext, conn: ConnectionRuntime): DiscoveredConnection {
  const region = regionInfo(conn.app.region)
  return {
    addon_type: 'Sync',
    app_id: conn.app.id,
    app_name: conn.app.name,
    cell: `sandbox-${conn.app.region}`,
    cell_label: `Sandbox ${region.label}`,
    detail_url: `${ctx.url()}/api/v3/connections/${conn.id}`,
    display_name: conn.spec.resourceName,
    id: conn.id,
    region: conn.app.region,
    region_flag: region.flag,
    region_label: region.label,
    region_url: ctx.url(),
    resource_name: conn.spec.resourceName,
  }
}

export function discoveryExtras(ctx: ConnectContext, conns: ConnectionRuntime[]): {cells: Record<string, {flag: string; label: string; url: string}>; regions: Record<string, {flag: string; label: string}>} {
  const regions: Record<string, {flag: string; label: string}> = {}
  const cells: Record<string, {flag: string; label: string; url: string}> = {}
  for (const conn of conns) {
    const region = regionInfo(conn.app.region)
    regions[conn.app.region] = region
    cells[`sandbox-${conn.app.region}`] = {...region, url: ctx.url()}
  }

  return {cells, regions}
}

function databaseInfo(url: string): {database: string; host: string; port: number} {
  try {
    const parsed = new URL(url)
    return {database: decodeURIComponent(parsed.pathname.slice(1)), host: parsed.hostname, port: Number(parsed.port || 5432)}
  } catch {
    return {database: '', host: '', port: 5432}
  }
}

export function connectionState(conn: ConnectionRuntime, live?: LiveConnectionData): string {
  if (live && !live.available) return 'DB_UNAVAILABLE'
  return conn.state
}

export function mappingBody(ctx: ConnectContext, conn: ConnectionRuntime, mapping: MappingRuntime, live?: LiveConnectionData): MappingDetails {
  const observed = observedMappingState(mapping)
  const counts = live?.counts.get(mapping.table) ?? {db: null, errors: null, pending: null, sf: null}
  const base = `${ctx.url()}/api/v3`
  const upsert = mapping.config.upsert_field ?? null
  return {
    _id: mapping.serial,
    access: mapping.config.access,
    actively_writing: conn.draining,
    config: structuredClone(mapping.config),
    connection: {id: conn.id},
    counts,
    created_at: mapping.createdAt,
    db_count_date: new Date().toISOString(),
    detail_url: `/api/v3/mappings/${mapping.id}`,
    errors_url: `/api/v3/mappings/${mapping.id}/errors`,
    has_hc_columns: live?.hcColumns.get(mapping.table) ?? true,
    id: mapping.id,
    is_polling: false,
    object_name: mapping.object,
    salesforce_count_date: new Date().toISOString(),
    schema_url: `${base}/connections/${conn.id}/schemas/${mapping.object}`,
    sf_notify_enabled: mapping.config.sf_notify_enabled,
    sf_polling_seconds: mapping.config.sf_polling_seconds,
    state: observed.state,
    state_description: observed.description,
    sync_flags: {},
    times: {...mapping.times},
    updated_at: mapping.updatedAt,
    upsert_field: upsert,
  }
}

export async function connectionBody(ctx: ConnectContext, conn: ConnectionRuntime, deep: boolean): Promise<ConnectionDetails> {
  // counts are only shown with the mappings; a shallow read just needs to know the database is there
  const live = deep ? await liveData(ctx, conn) : {available: await databaseAvailable(conn), counts: new Map(), hcColumns: new Map()}
  const state = connectionState(conn, live)
  const mappings = deep ? conn.mappings.map(m => mappingBody(ctx, conn, m, live)) : undefined
  const integrationUser = ctx.org.spec.users.find(u => u.id === ctx.org.spec.integrationUserId)
  const authorized = !['NEED_AUTHENTICATION', 'NEW', 'UNAUTHORIZED'].includes(conn.state)
  const body: ConnectionDetails = {
    _id: conn.serial,
    addon_id: conn.addonId,
    api_version: conn.apiVersion,
    app_id: conn.app.id,
    app_name: conn.app.name,
    auth_updated: authorized ? conn.createdAt : null,
    bulk_page_size: 150_000,
    created_at: conn.createdAt,
    database: databaseInfo(conn.databaseUrl),
    db_key: conn.spec.dbKey,
    deletable: true,
    detail_url: `${ctx.url()}/api/v3/connections/${conn.id}`,
    enterprise_account_name: null,
    features: {...conn.features},
    free_edition: conn.spec.plan === 'demo',
    id: conn.id,
    internal_name: `${conn.app.name}:${conn.spec.dbKey}:${conn.spec.schema}`,
    large_query_threshold: 10_000,
    logplex_log_enabled: conn.spec.logDrain,
    mappings_summary_state: conn.mappings.some(m => ['SYSTEM_ERROR', 'SCHEMA_CHANGED', 'UNAUTHORIZED'].includes(m.state)) ? 'ERROR' : 'OK',
    name: conn.spec.name,
    notifications_url: `/api/v3/connections/${conn.id}/notifications`,
    organization_id: authorized ? ctx.org.spec.organizationId : null,
    plan: conn.spec.plan,
    region_url: ctx.url(),
    resource_name: conn.spec.resourceName,
    schema_name: conn.spec.schema,
    sf_info: authorized
      ? {
        api_version: conn.apiVersion,
        domain: conn.salesforceLogin.domain,
        environment: conn.salesforceLogin.environment,
        organization_id: ctx.org.spec.organizationId,
        username: integrationUser?.username,
      }
      : null,
    sf_instance: ctx.org.spec.instanceName,
    soap_batch_size: conn.spec.soapBatchSize ?? 200,
    state,
    tags: [],
    team_name: null,
  }
  if (mappings) body.mappings = mappings
  return body
}

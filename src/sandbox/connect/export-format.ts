import type {ConnectExport, MappingConfig} from '../../clients/connect-types.js'
import {type ConnectContext, type ConnectionRuntime, hasIsDeleted, newMappingRuntime} from './state.js'

// The connect:export file (heroku-connect-api.md §1.7) and its inverse, import. Import checks
// the body's structure only, as the real service does; a mapping that names fields the org lacks
// is accepted and fails later (heroku-connect-plugin issue #97), which is what connect:audit is for.

export function buildExport(ctx: ConnectContext, conn: ConnectionRuntime): ConnectExport {
  return {
    connection: {
      api_version: conn.apiVersion,
      app_name: conn.app.name,
      exported_at: new Date().toISOString(),
      features: {...conn.features},
      logplex_log_enabled: conn.spec.logDrain,
      name: conn.spec.name,
      organization_id: ctx.org.spec.organizationId,
    },
    mappings: conn.mappings.map(m => {
      const config: MappingConfig = structuredClone(m.config)
      delete config.revision
      if (!config.upsert_field) delete config.upsert_field
      return {config, object_name: m.object}
    }),
    version: 1,
  }
}

export interface ImportedMapping {
  object: string
  config: MappingConfig
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Returns the mappings to apply, or the message of a 400. */
export function parseImport(body: unknown): {error: string} | {mappings: ImportedMapping[]} {
  if (!isObject(body)) return {error: 'The import must be a JSON object as written by connect:export'}
  if (body.version !== undefined && body.version !== 1) return {error: `Unsupported export version ${JSON.stringify(body.version)}; only version 1 can be imported`}
  if (!Array.isArray(body.mappings)) return {error: 'The import has no "mappings" array'}
  const seen = new Set<string>()
  const mappings: ImportedMapping[] = []
  for (const [i, raw] of body.mappings.entries()) {
    const where = `mappings[${i}]`
    if (!isObject(raw)) return {error: `${where} must be an object with object_name and config`}
    if (typeof raw.object_name !== 'string' || raw.object_name.trim() === '') return {error: `${where}.object_name must be a non-empty string`}
    const object = raw.object_name
    if (seen.has(object.toLowerCase())) return {error: `${where}: ${object} is listed twice`}
    seen.add(object.toLowerCase())
    const {config} = raw
    if (!isObject(config)) return {error: `${where} (${object}): config must be an object`}
    if (config.access !== 'read_only' && config.access !== 'read_write') return {error: `${where} (${object}): config.access must be "read_only" or "read_write"`}
    if (!isObject(config.fields)) return {error: `${where} (${object}): config.fields must be an object of field names`}
    if (config.indexes !== undefined && !isObject(config.indexes)) return {error: `${where} (${object}): config.indexes must be an object`}
    const upsert = config.upsert_field
    if (upsert !== undefined && upsert !== null && typeof upsert !== 'string') return {error: `${where} (${object}): config.upsert_field must be a field name`}
    if (typeof upsert === 'string' && !(upsert in config.fields)) return {error: `${where} (${object}): upsert_field ${upsert} is not one of the mapped fields`}
    for (const key of ['sf_polling_seconds', 'sf_max_daily_api_calls'] as const) {
      if (config[key] !== undefined && typeof config[key] !== 'number') return {error: `${where} (${object}): config.${key} must be a number`}
    }

    mappings.push({config: structuredClone(config) as MappingConfig, object})
  }

  return {mappings}
}

export function applyImport(ctx: ConnectContext, conn: ConnectionRuntime, mappings: ImportedMapping[]): string[] {
  const now = new Date().toISOString()
  const applied: string[] = []
  for (const imported of mappings) {
    const config = imported.config
    // Connect always maps these, whatever the file says
    const always = ['Id', 'SystemModstamp', ...(hasIsDeleted(imported.object, ctx.org) ? ['IsDeleted'] : [])]
    config.fields = {...Object.fromEntries(always.map(f => [f, {}])), ...config.fields}
    if (!config.upsert_field) delete config.upsert_field
    config.applied_at = now
    const existing = conn.mappings.find(m => m.object.toLowerCase() === imported.object.toLowerCase())
    if (existing) {
      config.revision = (existing.config.revision ?? 1) + 1
      existing.config = config
      existing.updatedAt = now
      applied.push(existing.object)
    } else {
      config.revision = 1
      const serial = conn.serial * 1000 + conn.mappings.length + 1
      // a new mapping would now create its table and load it; the sandbox leaves that to the scenario
      const created = newMappingRuntime(conn.id, imported.object, serial, config, 'INITIAL', 'Creating')
      created.createdAt = now
      created.updatedAt = now
      conn.mappings.push(created)
      applied.push(created.object)
    }
  }

  return applied
}

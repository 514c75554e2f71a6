import {readFile} from 'node:fs/promises'

import {UsageError} from '../errors.js'
import type {ConnectionFacts, MappingFacts} from './types.js'

// Reads a `heroku connect:export` file (the same JSON `connect:import` accepts) into the facts
// the rules read, so a configuration can be audited before anyone imports it. Every complaint
// names the file and the JSON path, because these files are edited by hand.

type Json = Record<string, unknown>

export async function readExportFile(file: string, schemaOverride?: string): Promise<ConnectionFacts> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}`, 'export one with: heroku connect:export -a APP')
  }

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`)
  }

  return parseExport(json, file, schemaOverride)
}

export function parseExport(json: unknown, file: string, schemaOverride?: string): ConnectionFacts {
  const fail = (path: string, problem: string): never => {
    throw new UsageError(`${file}: ${path} ${problem}`, 'the file should be the output of: heroku connect:export -a APP')
  }

  if (!isObject(json)) fail('the top level', 'must be a JSON object')
  const root = json as Json
  if (!Array.isArray(root.mappings)) fail('mappings', 'is missing: this is not a Heroku Connect export')
  if (root.version !== undefined && root.version !== 1) fail('version', `is ${JSON.stringify(root.version)}; only version 1 exports are known`)
  const connection = root.connection === undefined ? {} : root.connection
  if (!isObject(connection)) fail('connection', 'must be an object')
  const conn = connection as Json

  const name = optionalString(conn.name, 'connection.name', fail)
  const apiVersion = conn.api_version === undefined ? null : String(conn.api_version)
  if (apiVersion !== null && !/^\d+(\.\d+)?$/.test(apiVersion)) fail('connection.api_version', `is ${JSON.stringify(conn.api_version)}, not a version like "62.0"`)
  const features = conn.features === undefined ? {} : conn.features
  if (!isObject(features)) fail('connection.features', 'must be an object')

  const seen = new Set<string>()
  const mappings = (root.mappings as unknown[]).map((entry, index) => {
    const mapping = parseMapping(entry, `mappings[${index}]`, fail)
    if (seen.has(mapping.object.toLowerCase())) fail(`mappings[${index}].object_name`, `repeats ${mapping.object}`)
    seen.add(mapping.object.toLowerCase())
    return mapping
  })

  return {
    apiVersion,
    features: Object.fromEntries(Object.entries(features as Json).map(([key, value]) => [key, value === true])),
    file,
    logDrain: typeof conn.logplex_log_enabled === 'boolean' ? conn.logplex_log_enabled : null,
    mappings,
    name,
    origin: 'export',
    // an export names the org but not the user; --username gives it
    salesforceUser: {organizationId: typeof conn.organization_id === 'string' && conn.organization_id ? conn.organization_id : null, username: null},
    schema: schemaOverride ?? schemaFromName(name) ?? 'salesforce',
    state: null,
    validations: null,
  }
}

function parseMapping(entry: unknown, path: string, fail: (path: string, problem: string) => never): MappingFacts {
  if (!isObject(entry)) fail(path, 'must be an object')
  const mapping = entry as Json
  const object = mapping.object_name
  if (typeof object !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(object)) fail(`${path}.object_name`, `is ${JSON.stringify(object)}, not a Salesforce object API name`)
  if (!isObject(mapping.config)) fail(`${path}.config`, 'must be an object')
  const config = mapping.config as Json
  if (config.access !== 'read_only' && config.access !== 'read_write') fail(`${path}.config.access`, `is ${JSON.stringify(config.access)}; expected "read_only" or "read_write"`)
  if (!isObject(config.fields)) fail(`${path}.config.fields`, 'must be an object of field API names')
  const indexes = config.indexes === undefined ? {} : config.indexes
  if (!isObject(indexes)) fail(`${path}.config.indexes`, 'must be an object')
  const upsert = config.upsert_field ?? null
  if (upsert !== null && typeof upsert !== 'string') fail(`${path}.config.upsert_field`, 'must be a field API name')

  return {
    access: config.access as MappingFacts['access'],
    fields: Object.keys(config.fields as Json),
    indexes: Object.fromEntries(Object.entries(indexes as Json).map(([field, spec]) => [field, {unique: isObject(spec) && (spec as Json).unique === true}])),
    maxDailyApiCalls: optionalNumber(config.sf_max_daily_api_calls, `${path}.config.sf_max_daily_api_calls`, fail),
    notify: typeof config.sf_notify_enabled === 'boolean' ? config.sf_notify_enabled : null,
    object: object as string,
    pollingSeconds: optionalNumber(config.sf_polling_seconds, `${path}.config.sf_polling_seconds`, fail),
    state: null,
    stateDescription: null,
    table: (object as string).toLowerCase(),
    upsertField: upsert as null | string,
  }
}

/** Connect names connections `<app>:<db_key>:<schema>`. */
function schemaFromName(name: null | string): null | string {
  const parts = name?.split(':') ?? []
  return parts.length >= 3 && parts.at(-1) ? parts.at(-1)! : null
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(value: unknown, path: string, fail: (path: string, problem: string) => never): null | string {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') fail(path, 'must be a string')
  return value as string
}

function optionalNumber(value: unknown, path: string, fail: (path: string, problem: string) => never): null | number {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a number')
  return value as number
}

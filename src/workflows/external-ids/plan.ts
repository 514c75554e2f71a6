import type {MappingConfig} from '../../clients/connect-types.js'
import type {PgQueryable} from '../../clients/postgres.js'
import type {MappingFacts, Snapshot} from '../../snapshot/types.js'

import {changedConfig, configDiff} from '../../analysis/mapping-config.js'
import {sameName} from '../../analysis/salesforce-fields.js'
import {identifierField, isRandomUuidDefault, isReadWrite, judgeIdentifier, needsIdentifierFix} from '../../analysis/unique-ids.js'
import {BULK_BATCH_SIZE, BULK_MIN_RUN, fmt, predictWrites} from '../../analysis/write-prediction.js'
import {UsageError} from '../../errors.js'
import {BUILTIN_UUID_VERSION, type ColumnState, readColumn, readDuplicates, uuidValue} from './sql.js'
import {type BackfillCost, type ExternalIdPlan, type FieldState, type MappingPlan, type Step, STEPS, UUID_LENGTH} from './types.js'

// The plan of connect:external-ids: which read-write mappings need a unique identifier, judged
// with the audit's own analysis (HC001, HC002, HC003), and for each what every step will do, what
// the backfill costs in Salesforce writes, and which values are already duplicated. Reads only.

export interface PlanRequest {
  app: string
  connectionId: string
  snapshot: Snapshot
  /** --mapping: object names; empty = every read-write mapping that needs it */
  mappings: string[]
  /** --field: the field to create where a mapping has no identifier yet */
  field: string
  /** --field was given (not the default) */
  fieldGiven: boolean
  permissionSet: string
  batchRows: number
  timeoutMs: number
  createsStateSchema: boolean
  /** each mapping's id and saved configuration, from the Connect API */
  saved: Record<string, {id: string; config: MappingConfig}>
}

/** Connect's healthy mapping states; anything not healthy and not transitional is an error state. */
export const HEALTHY_MAPPING = new Set(['DATA_SYNCED', 'POLLING_SF_BULK', 'POLLING_SF_CHANGES', 'POLLING_SF_FOR_DELETES'])
export const TRANSITIONAL_MAPPING = new Set(['INITIAL', 'LOADING_BULK_JOB', 'RELOAD_TABLE', 'RESYNC', 'SCHEMA_CHANGED', 'WAIT_BULK_LOAD', 'WAIT_BULK_UPDATE'])

/** Batch sizes that fill Connect's Bulk chunks exactly and are each Bulk-eligible on their own. */
export const BULK_BATCH_OPTIONS = [1, 2, 5, 10].map(n => n * BULK_BATCH_SIZE).filter(n => n >= BULK_MIN_RUN)

const FIELD_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/

export function validateFieldName(name: string): void {
  if (!FIELD_NAME.test(name) || name.length > 43) {
    throw new UsageError(`--field "${name}" is not a custom field API name`, 'use letters, digits and single underscores, starting with a letter and ending in __c, e.g. External_Id__c')
  }
}

export async function buildPlan(db: PgQueryable, request: PlanRequest): Promise<ExternalIdPlan> {
  const {snapshot} = request
  const connection = snapshot.connection!
  const postgres = snapshot.postgres!
  const selected = pickMappings(connection.mappings, request.mappings)
  const untouched: ExternalIdPlan['untouched'] = []
  const mappings: MappingPlan[] = []
  const integration = snapshot.salesforce?.integrationUser
  for (const mapping of selected) {
    if (!isReadWrite(mapping)) {
      untouched.push({object: mapping.object, reason: 'read-only: nothing is written from Postgres, so no identifier is needed'})
      continue
    }

    const judgement = judgeIdentifier(snapshot, mapping)
    if (!needsIdentifierFix(judgement)) {
      untouched.push({object: mapping.object, reason: `already has a sound unique identifier (${mapping.upsertField}: External ID, Unique, no NULLs or duplicates, no sequence or id default)`})
      continue
    }

    const planned = await planMapping(db, request, mapping, judgement)
    // the audit could not count, and the live read finds nothing to do either
    if (planned.duplicates.length === 0 && STEPS.every(step => planned.actions[step] === null)) {
      untouched.push({object: mapping.object, reason: `already has a sound unique identifier (${mapping.upsertField}), read again now`})
      continue
    }

    mappings.push(planned)
  }

  const needsUser = mappings.some(m => m.actions.access)
  if (needsUser && !integration?.user) {
    throw new UsageError('the Salesforce user Connect syncs as could not be read, so the new field cannot be granted to it',
      integration?.unavailable.user?.grant ?? 'check that the connection is authorized (heroku connect:info) and that the Salesforce token can read Users')
  }

  const warnings: string[] = []
  if (connection.state === 'PAUSED') warnings.push('the connection is PAUSED: Connect sends the backfilled values to Salesforce only after heroku connect:resume')
  if (request.batchRows < BULK_MIN_RUN) warnings.push(`batches of ${fmt(request.batchRows)} are below Bulk's ${fmt(BULK_MIN_RUN)}: when the app writes between batches, each batch goes SOAP`)
  const builtin = postgres.serverVersion >= BUILTIN_UUID_VERSION
  const pgcrypto = (postgres.runtime?.extensions ?? []).some(e => e.name === 'pgcrypto')
  return {
    app: request.app,
    assignee: integration?.user ? {id: integration.user.id, username: integration.username} : null,
    batchRows: request.batchRows,
    blocked: mappings.filter(m => m.duplicates.length > 0).map(m => m.object),
    bulkBatchOptions: BULK_BATCH_OPTIONS,
    connectionId: request.connectionId,
    createsStateSchema: request.createsStateSchema,
    field: request.field,
    mappings,
    needsPgcrypto: !builtin && !pgcrypto && mappings.some(m => m.actions.default || m.actions.backfill),
    permissionSet: request.permissionSet,
    schema: connection.schema,
    serverVersion: postgres.serverVersion,
    timeoutMs: request.timeoutMs,
    untouched,
    uuidExpression: builtin ? `${uuidValue} (built in since PostgreSQL 13)` : `${uuidValue} (pgcrypto's, before PostgreSQL 13)`,
    warnings,
  }
}

function pickMappings(all: MappingFacts[], wanted: string[]): MappingFacts[] {
  if (wanted.length === 0) return all
  return wanted.map(name => {
    const found = all.find(m => sameName(m.object, name))
    if (!found) throw new UsageError(`no mapping ${name} on this connection`, `mapped objects: ${all.map(m => m.object).sort().join(', ') || 'none'}`)
    return found
  })
}

async function planMapping(db: PgQueryable, request: PlanRequest, mapping: MappingFacts, judgement: MappingPlan['judgement']): Promise<MappingPlan> {
  const {snapshot} = request
  const connection = snapshot.connection!
  const field = mapping.upsertField ?? request.field
  const target = {column: field.toLowerCase(), key: 'id', schema: connection.schema, table: mapping.table}
  const described = identifierField(snapshot, mapping, field)
  const fieldState: FieldState = {
    externalId: described?.externalId ?? false, exists: Boolean(described), name: described?.name ?? field, type: described?.type ?? null, unique: described?.unique ?? false,
  }
  if (described && !mapping.upsertField && described.type !== 'string') {
    throw new UsageError(`Salesforce field ${mapping.object}.${described.name} already exists as a ${described.type} field, not Text`, `name another field with --field (for example --field Guard_External_Id__c)`)
  }

  // a UUID is 36 characters: Salesforce would refuse every backfilled value and every new row's
  if (described?.type === 'string' && described.length !== undefined && described.length < UUID_LENGTH) {
    throw new UsageError(
      `Salesforce field ${mapping.object}.${described.name} holds ${described.length} characters, and a UUID needs ${UUID_LENGTH}`,
      mapping.upsertField ? `widen it to Text(${UUID_LENGTH}) in Setup, then run this again` : `widen it to Text(${UUID_LENGTH}) in Setup, or name another field with --field (for example --field Guard_External_Id__c)`,
    )
  }

  const column = await readColumn(db, target)
  const duplicates = column.exists ? await readDuplicates(db, target) : []
  const warnings: string[] = []
  if (mapping.upsertField && request.fieldGiven && !sameName(request.field, mapping.upsertField)) {
    warnings.push(`${mapping.object} already uses ${mapping.upsertField} as its unique identifier: that field is made sound, --field ${request.field} is not used`)
  }

  if (mapping.state && !HEALTHY_MAPPING.has(mapping.state)) warnings.push(`mapping ${mapping.object} is ${mapping.state}: Connect may not apply the change until that is fixed (see HC073)`)
  const cost = backfillCost(snapshot, mapping, field, column)
  const missingFlags = fieldState.exists ? [fieldState.externalId ? '' : 'External ID', fieldState.unique ? '' : 'Unique'].filter(Boolean) : []
  const edit = snapshot.salesforce?.integrationUser?.fieldPermissions?.some(p => sameName(p.field, `${mapping.object}.${field}`) && p.edit) ?? false
  const mapped = mapping.fields.some(f => sameName(f, field)) && Boolean(mapping.upsertField && sameName(mapping.upsertField, field))
  const actions: Record<Step, null | string> = {
    access: fieldState.exists && edit ? null : `grant Edit on ${mapping.object}.${field} to Connect's user through permission set ${request.permissionSet}`,
    backfill: cost.rows > 0 ? `fill ${column.exists ? `${fmt(cost.rows)} NULL values` : (fieldState.exists ? `the NULLs Connect leaves once it has loaded the values Salesforce holds (at most ${fmt(cost.rows)})` : `${fmt(cost.rows)} NULL values (every row: the column is new)`)} with ${uuidValue} in batches of up to ${fmt(request.batchRows)} rows; ${costLine(cost)}` : null,
    default: isRandomUuidDefault(column.default) ? null : `set the default of ${connection.schema}.${mapping.table}.${target.column} to ${uuidValue}${column.default ? ` (now ${column.default})` : ''}`,
    field: !fieldState.exists
      ? `create Text(${UUID_LENGTH}) field ${mapping.object}.${field}, External ID and Unique, through the Tooling API`
      : (missingFlags.length > 0 ? `mark ${mapping.object}.${fieldState.name} ${missingFlags.join(' and ')} through the Tooling API` : null),
    mapping: mapped ? null : `add ${field} to the ${mapping.object} mapping and make it the unique identifier (upsert_field), then wait for the column`,
  }
  const saved = request.saved[mapping.object]
  return {
    actions, column: target.column, configDiff: saved ? configDiff(saved.config, changedConfig(saved.config, {upsertField: field})) : [],
    cost, duplicates, field, fieldState, judgement, key: target.key, mappingId: saved?.id ?? '',
    mappingState: mapping.state ?? 'unknown', object: mapping.object, schema: connection.schema, table: mapping.table, warnings,
  }
}

/** One contiguous run of UPDATEs for the synced rows, as the write-mode predictor sees it once the mapping has its identifier. */
function backfillCost(snapshot: Snapshot, mapping: MappingFacts, field: string, column: ColumnState): BackfillCost {
  const connection = snapshot.connection!
  const rows = column.nulls
  if (column.synced === 0) return {apiCalls: 0, reasons: [], rows, synced: 0, via: 'soap'}
  const settings = {...connection, mappings: connection.mappings.map(m => (m.object === mapping.object ? {...m, upsertField: field} : m))}
  const prediction = predictWrites([{action: 'UPDATE', count: column.synced, table: mapping.table}], settings)
  const run = prediction.runs[0]
  return {apiCalls: run.apiCalls, reasons: run.reasons, rows, synced: column.synced, via: run.via}
}

function costLine(cost: BackfillCost): string {
  if (cost.synced === 0) return 'no row is in Salesforce yet, so it costs no Salesforce writes'
  const how = cost.via === 'bulk' ? 'through the Bulk API' : `through SOAP (${cost.reasons.join('; ')})`
  return `up to ${fmt(cost.synced)} synced rows become UPDATEs Connect sends ${how}: about ${fmt(cost.apiCalls)} API call${cost.apiCalls === 1 ? '' : 's'}`
}

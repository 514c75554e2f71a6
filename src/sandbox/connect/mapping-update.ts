import type {PoolClient} from 'pg'

import type {MappingConfig} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'
import type {SfObjectSpec} from '../model.js'

import {qualified, quoteIdent} from '../../sql.js'
import {columnName, findField, pgTypeForField} from '../postgres/field-types.js'
import {fitName} from '../postgres/names.js'
import {integrationView} from '../salesforce/fields.js'
import {databaseAvailable, withClient} from './db.js'
import {fail, mappingRoute, ok} from './guard.js'
import {liveData} from './counts.js'
import {loadNewColumns} from './reload.js'
import {mappingBody} from './shapes.js'
import type {ConnectContext, ConnectionRuntime, MappingRuntime} from './state.js'

// PUT /api/v3/mappings/<id> with `{config}`: Connect saves the new field list and changes the
// table to match, dropping the columns of fields that left the mapping and adding columns for new
// ones, which it fills from Salesforce by sfid (RESYNC; here before the answer, so the values are
// there by the time the mapping reports DATA_SYNCED again). A field the integration user cannot see is a 400, as
// Connect describes the object as that user. A new `upsert_field` (the unique identifier) must be
// a mapped External ID field; Connect indexes its column uniquely (hcu_idx_<table>_<column>, as
// the sandbox builds mapped tables). Applying takes a moment: the mapping reports
// SCHEMA_CHANGED ("Altering DB schema") and then RESYNC ("Loading new columns") to the next GETs.

const APPLYING = [{description: 'Altering DB schema', state: 'SCHEMA_CHANGED'}, {description: 'Loading new columns', state: 'RESYNC'}]

class Refusal extends Error {}

function upsertFieldOf(object: SfObjectSpec, config: Partial<MappingConfig>): string | null | undefined {
  const wanted = config.upsert_field
  if (wanted === undefined || wanted === null) return wanted
  if (typeof wanted !== 'string') throw new Refusal('upsert_field must be a field API name or null')
  const mapped = Object.keys(config.fields ?? {}).find(f => f.toLowerCase() === wanted.toLowerCase())
  if (!mapped) throw new Refusal(`The unique identifier ${wanted} must be one of the mapping's fields`)
  const field = findField(object, wanted)
  if (!field?.externalId) throw new Refusal(`${object.name}.${wanted} is not an External ID field in Salesforce and cannot be the unique identifier`)
  return field.name
}

async function alterTable(conn: ConnectionRuntime, mapping: MappingRuntime, actions: string[], uniqueColumn: string | undefined, load: (client: PoolClient) => Promise<unknown>): Promise<void> {
  const table = qualified(conn.spec.schema, mapping.table)
  const index = uniqueColumn
    ? `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(fitName(['hcu_idx_', {part: mapping.table}, '_', {part: uniqueColumn}]))} ON ${table} USING btree (${quoteIdent(uniqueColumn)})`
    : undefined
  if (actions.length === 0 && !index) return
  // Connect's own session (xmlbinary hex): schema changes are not data changes, nothing is logged
  await withClient(conn, async client => {
    await client.query('BEGIN')
    try {
      if (actions.length > 0) await client.query(`ALTER TABLE ${table} ${actions.join(', ')}`)
      await load(client)
      if (index) await client.query(index)
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK')
      if ((error as {code?: string}).code === '23505') throw new Refusal(`The column ${uniqueColumn} of ${table} holds duplicate values; it cannot be the unique identifier`)
      throw error
    }
  })
}

export function registerMappingUpdate(server: FakeHttpServer, ctx: ConnectContext): void {
  server.route('PUT', '/api/v3/mappings/:id', mappingRoute(ctx, async (conn, mapping, req) => {
    const config = (req.body as {config?: Partial<MappingConfig>} | undefined)?.config
    if (!config || typeof config.fields !== 'object' || config.fields === null) return fail(400, 'Request body must be {"config": {"fields": {...}, ...}}')
    const object = ctx.org.spec.objects.find(o => o.name === mapping.object)
    if (!object) return fail(404, `Object ${mapping.object} not found in Salesforce`)
    const before = new Set(Object.keys(mapping.config.fields).map(f => f.toLowerCase()))
    const visible = new Set(integrationView(object).map(f => f.name.toLowerCase()))
    const unknown = Object.keys(config.fields).filter(f => !findField(object, f) || (!before.has(f.toLowerCase()) && !visible.has(f.toLowerCase())))
    if (unknown.length > 0) return fail(400, `Fields not found on ${mapping.object} (or not readable by the integration user): ${unknown.join(', ')}`)
    let upsertField: string | null | undefined
    try {
      upsertField = upsertFieldOf(object, config)
    } catch (error) {
      if (error instanceof Refusal) return fail(400, error.message)
      throw error
    }

    if (!(await databaseAvailable(conn))) return fail(409, 'The connection\'s database is unavailable')
    const after = new Set(Object.keys(config.fields).map(f => f.toLowerCase()))
    const added = Object.keys(config.fields).filter(f => !before.has(f.toLowerCase()) && pgTypeForField(findField(object, f)!))
    const actions = [
      ...[...before].filter(f => !after.has(f) && f !== 'id').map(f => `DROP COLUMN IF EXISTS ${quoteIdent(columnName(f))}`),
      ...added.map(f => `ADD COLUMN IF NOT EXISTS ${quoteIdent(columnName(f))} ${pgTypeForField(findField(object, f)!)}`),
    ]
    const newIdentifier = upsertField && upsertField !== mapping.config.upsert_field ? upsertField : undefined
    try {
      await alterTable(conn, mapping, actions, newIdentifier ? columnName(newIdentifier) : undefined, client => loadNewColumns(ctx, conn, mapping, added.map(f => findField(object, f)!.name), client))
    } catch (error) {
      if (error instanceof Refusal) return fail(400, error.message)
      throw error
    }

    const indexes = {...(config.indexes ?? mapping.config.indexes)}
    if (upsertField) indexes[upsertField] = {unique: true}
    const next: MappingConfig = {...mapping.config, ...config, fields: config.fields, indexes, revision: (mapping.config.revision ?? 0) + 1}
    if (upsertField === null) delete next.upsert_field
    else if (upsertField) next.upsert_field = upsertField
    mapping.config = next
    mapping.updatedAt = new Date().toISOString()
    if (actions.length > 0 || newIdentifier) mapping.applying = APPLYING.map(s => ({...s}))
    return ok(mappingBody(ctx, conn, mapping, await liveData(ctx, conn)))
  }))
}

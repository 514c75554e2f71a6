import type {FakeResponse} from '../http.js'
import type {SfObjectSpec} from '../model.js'
import type {FakeOrg, SaveResult, SfRecord} from '../org-runtime.js'

import {accessOf} from './access.js'
import {buildCatalog, mappedTable, tableAsObject} from './catalog.js'
import {queryColumns} from './columns.js'
import {batchSizeFrom} from './cursors.js'
import {describeGlobal, describeGlobalEntry, describeSObject} from './describe.js'
import {notFound, SalesforceFault} from './fault.js'
import {formatValue} from './query.js'
import type {SfCall, SfContext, SfRouter} from './router.js'
import {applyWrite, findObject, rollback, type WriteJournal, type WriteOperation} from './write.js'

// sObject resources: describeGlobal, describe, single records, sObject Collections, and the
// query endpoints. Writes go through applyWrite, the same validation SOAP and Bulk use.

const COLLECTION_LIMIT = 200

interface Describable {
  object: SfObjectSpec
  readOnly: boolean
}

function describables(org: FakeOrg): Describable[] {
  const spec = org.spec.objects.map(object => ({object, readOnly: false}))
  const known = new Set(org.spec.objects.map(o => o.name.toLowerCase()))
  const setup = buildCatalog(org, new Date()).tables
    .filter(t => t.rows && t.api !== 'tooling' && !known.has(t.name.toLowerCase()))
    .map(t => ({object: tableAsObject(t), readOnly: true}))
  return [...spec, ...setup]
}

function describable(org: FakeOrg, name: string): Describable | undefined {
  return describables(org).find(d => d.object.name.toLowerCase() === name.toLowerCase())
}

function requireObject(org: FakeOrg, name: string): SfObjectSpec {
  const object = findObject(org.spec, name)
  if (!object) throw notFound()
  return object
}

const json = (status: number, body: unknown): FakeResponse => ({body, status})

function errorsBody(result: SaveResult): Array<Record<string, unknown>> {
  return result.errors.map(e => ({errorCode: e.statusCode, fields: e.fields, message: e.message}))
}

function recordUrl(version: string, object: string, id: string): string {
  return `/services/data/v${version}/sobjects/${object}/${id}`
}

async function readRecord(org: FakeOrg, object: SfObjectSpec, id: string, version: string, fields?: string[]): Promise<SfRecord | undefined> {
  const table = mappedTable(object)
  const wanted = fields
    ? fields.map(f => {
        const column = table.columns.find(c => c.name.toLowerCase() === f.toLowerCase())
        if (!column) throw new SalesforceFault(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${object.name}`)
        return column
      })
    // compound address fields are read through their parts, as the RecordStore keeps them
    : table.columns.filter(c => c.type !== 'address')
  const [row] = await org.records.select(object.name, [...new Set(['Id', ...wanted.map(c => c.name)])], {where: {field: 'Id', values: [id]}})
  if (!row) return undefined
  const out: SfRecord = {attributes: {type: object.name, url: recordUrl(version, object.name, String(row.Id))}}
  for (const column of wanted) out[column.name] = formatValue(column, row[column.name])
  return out
}

/** A record of a Setup object (User, Profile, …), which lives in the in-memory setup tables. */
function setupRecord(org: FakeOrg, name: string, id: string, version: string, fields?: string[]): SfRecord {
  const table = buildCatalog(org, new Date()).table(name)
  const row = table?.rows?.().find(r => r.Id === id || String(r.Id).slice(0, 15) === id)
  if (!table || !row) throw notFound()
  const columns = fields
    ? fields.map(f => {
        const found = table.columns.find(c => c.name.toLowerCase() === f.toLowerCase())
        if (!found) throw new SalesforceFault(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${table.name}`)
        return found
      })
    : table.columns
  const out: SfRecord = {attributes: {type: table.name, url: recordUrl(version, table.name, String(row.Id))}}
  for (const c of columns) out[c.name] = formatValue(c, row[c.name] ?? null)
  return out
}

function saveResultBody(result: SaveResult): Record<string, unknown> {
  const body: Record<string, unknown> = {errors: result.errors, success: result.success}
  if (result.id) body.id = result.id
  if (result.created !== undefined) body.created = result.created
  return body
}

async function singleWrite(ctx: SfContext, call: SfCall, object: SfObjectSpec, operation: WriteOperation, record: SfRecord, externalIdField?: string): Promise<SaveResult> {
  const [result] = await applyWrite(ctx.org.spec, ctx.org.records, object.name, operation, [record], {externalIdField, journal: call.journal})
  return result
}

function singleFailure(result: SaveResult, call: SfCall, object: string): FakeResponse {
  const code = result.errors[0]?.statusCode
  if (code === 'INVALID_CROSS_REFERENCE_KEY' || code === 'ENTITY_IS_DELETED') return json(404, notFound().body)
  if (code === 'DUPLICATE_EXTERNAL_ID') {
    const ids = /\[(.*)\]/.exec(result.errors[0].message)?.[1].split(', ') ?? []
    return json(300, ids.map(id => recordUrl(call.version, object, id)))
  }

  return json(400, errorsBody(result))
}

/** Collections may mix sObject types; allOrNone spans all of them. */
async function collectionWrite(ctx: SfContext, call: SfCall, operation: WriteOperation, records: SfRecord[], allOrNone: boolean, fixedType?: string, externalIdField?: string): Promise<SaveResult[]> {
  if (records.length > COLLECTION_LIMIT) {
    throw new SalesforceFault(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`)
  }

  const results: SaveResult[] = Array.from({length: records.length})
  const groups = new Map<string, number[]>()
  for (const [i, record] of records.entries()) {
    const type = fixedType ?? (record.attributes as {type?: string} | undefined)?.type
    if (!type) {
      results[i] = {errors: [{fields: [], message: 'No SObject Type defined in attributes', statusCode: 'INVALID_TYPE'}], success: false}
      continue
    }

    groups.set(type, [...(groups.get(type) ?? []), i])
  }

  // a local journal undoes this call alone; a composite transaction inherits it on success
  const local: WriteJournal = {inserted: [], updated: []}
  const journal = allOrNone || call.journal ? local : undefined
  for (const [type, indexes] of groups) {
    const batch = indexes.map(i => records[i])
    const saved = findObject(ctx.org.spec, type)
      ? await applyWrite(ctx.org.spec, ctx.org.records, type, operation, batch, {allOrNone, externalIdField, journal})
      : batch.map((): SaveResult => ({errors: [{fields: [], message: `sObject type '${type}' is not supported.`, statusCode: 'INVALID_TYPE'}], success: false}))
    for (const [j, i] of indexes.entries()) results[i] = saved[j]
  }

  if (allOrNone && results.some(r => !r.success)) {
    await rollback(ctx.org.records, local)
    return results.map(r => (r.success
      ? {errors: [{fields: [], message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK'}], success: false}
      : r))
  }

  call.journal?.inserted.push(...local.inserted)
  call.journal?.updated.push(...local.updated)
  return results
}

async function objectsOwning(org: FakeOrg, ids: string[]): Promise<Map<string, string>> {
  const owner = new Map<string, string>()
  for (const object of org.spec.objects) {
    const pending = ids.filter(id => !owner.has(id))
    if (pending.length === 0) break
    const rows = await org.records.select(object.name, ['Id'], {where: {field: 'Id', values: pending}})
    for (const row of rows) owner.set(String(row.Id), object.name)
  }

  return owner
}

function bodyObject(call: SfCall): Record<string, unknown> {
  if (!call.body || typeof call.body !== 'object' || Array.isArray(call.body)) {
    throw new SalesforceFault(400, 'JSON_PARSER_ERROR', 'The request body is missing or is not a JSON object')
  }

  return call.body as Record<string, unknown>
}

function queryHandler(api: 'data' | 'tooling') {
  return async (ctx: SfContext, call: SfCall): Promise<FakeResponse> => {
    const soql = call.query.get('q')
    if (!soql) throw new SalesforceFault(400, 'MALFORMED_QUERY', 'A query string (q) is required')
    if (call.query.get('columns') === 'true') return json(200, await queryColumns(ctx.org, soql, api, call.version))
    const body = await ctx.cursors.start(ctx.org, soql, {api, batchSize: batchSizeFrom(call.headers['sforce-query-options']), userId: ctx.userId, version: call.version})
    return json(200, body)
  }
}

function moreHandler(api: 'data' | 'tooling') {
  return async (ctx: SfContext, call: SfCall): Promise<FakeResponse> => json(200, await ctx.cursors.more(call.params.locator, api, call.version))
}

export function registerRest(router: SfRouter): void {
  router
    .add('GET', '/sobjects', 'rest', (ctx, call) => json(200, describeGlobal(describables(ctx.org), call.version)), true)
    .add('GET', '/sobjects/:name/describe', 'rest', (ctx, call) => {
      const found = describable(ctx.org, call.params.name)
      if (!found) throw notFound()
      const all = describables(ctx.org).map(d => d.object)
      if (found.readOnly) return json(200, describeSObject(found.object, all, call.version, true))
      // the caller sees the object through its own permissions: none at all means it does not exist for them
      const view = accessOf(ctx.org.spec).viewFor(ctx.userId, found.object)
      if (!view.fields) throw notFound()
      return json(200, describeSObject(found.object, all, call.version, false, view.fields))
    }, true)
    .add('GET', '/sobjects/:name', 'rest', (ctx, call) => {
      const found = describable(ctx.org, call.params.name)
      if (!found) throw notFound()
      return json(200, {objectDescribe: describeGlobalEntry(found.object, call.version, found.readOnly), recentItems: []})
    }, true)
    .add('POST', '/sobjects/:name', 'rest', async (ctx, call) => {
      const object = requireObject(ctx.org, call.params.name)
      const result = await singleWrite(ctx, call, object, 'insert', bodyObject(call))
      return result.success ? json(201, {errors: [], id: result.id, success: true}) : singleFailure(result, call, object.name)
    }, true)
    .add('GET', '/sobjects/:name/:id', 'rest', async (ctx, call) => {
      const fields = call.query.get('fields')?.split(',').map(f => f.trim()).filter(Boolean)
      const object = findObject(ctx.org.spec, call.params.name)
      const record = object && await readRecord(ctx.org, object, call.params.id, call.version, fields)
      // Setup objects (User, Profile…) live in the setup tables, even when a scenario maps them
      return json(200, record ?? setupRecord(ctx.org, call.params.name, call.params.id, call.version, fields))
    }, true)
    .add('PATCH', '/sobjects/:name/:id', 'rest', async (ctx, call) => {
      const object = requireObject(ctx.org, call.params.name)
      const result = await singleWrite(ctx, call, object, 'update', {...bodyObject(call), Id: call.params.id})
      return result.success ? {status: 204} : singleFailure(result, call, object.name)
    }, true)
    .add('DELETE', '/sobjects/:name/:id', 'rest', async (ctx, call) => {
      const object = requireObject(ctx.org, call.params.name)
      const result = await singleWrite(ctx, call, object, 'delete', {Id: call.params.id})
      return result.success ? {status: 204} : singleFailure(result, call, object.name)
    }, true)
    .add('PATCH', '/sobjects/:name/:field/:value', 'rest', async (ctx, call) => {
      const object = requireObject(ctx.org, call.params.name)
      const {field, value} = call.params
      const result = await singleWrite(ctx, call, object, 'upsert', {...bodyObject(call), [field]: value}, field)
      if (!result.success) return singleFailure(result, call, object.name)
      return json(result.created ? 201 : 200, saveResultBody(result))
    }, true)
    .add('POST', '/composite/sobjects', 'rest', async (ctx, call) => {
      const body = bodyObject(call)
      const results = await collectionWrite(ctx, call, 'insert', (body.records as SfRecord[]) ?? [], Boolean(body.allOrNone))
      return json(200, results.map(r => saveResultBody(r)))
    }, true)
    .add('PATCH', '/composite/sobjects', 'rest', async (ctx, call) => {
      const body = bodyObject(call)
      const results = await collectionWrite(ctx, call, 'update', (body.records as SfRecord[]) ?? [], Boolean(body.allOrNone))
      return json(200, results.map(r => saveResultBody(r)))
    }, true)
    .add('PATCH', '/composite/sobjects/:name/:field', 'rest', async (ctx, call) => {
      const body = bodyObject(call)
      requireObject(ctx.org, call.params.name)
      const results = await collectionWrite(ctx, call, 'upsert', (body.records as SfRecord[]) ?? [], Boolean(body.allOrNone), call.params.name, call.params.field)
      return json(200, results.map(r => saveResultBody(r)))
    }, true)
    .add('DELETE', '/composite/sobjects', 'rest', async (ctx, call) => {
      const ids = (call.query.get('ids') ?? '').split(',').map(s => s.trim()).filter(Boolean)
      const owners = await objectsOwning(ctx.org, ids)
      const records = ids.map(id => ({attributes: {type: owners.get(id)}, Id: id}))
      const results = await collectionWrite(ctx, call, 'delete', records, call.query.get('allOrNone') === 'true')
      return json(200, results.map((r, i) => saveResultBody(r.success ? r : {...r, id: ids[i]})))
    }, true)
    .add('POST', '/composite/sobjects/:name', 'rest', async (ctx, call) => {
      const object = requireObject(ctx.org, call.params.name)
      const body = bodyObject(call)
      const ids = (body.ids as string[]) ?? []
      const fields = (body.fields as string[]) ?? []
      const out: Array<SfRecord | null> = []
      for (const id of ids) out.push((await readRecord(ctx.org, object, id, call.version, fields)) ?? null)
      return json(200, out)
    }, true)
    .add('GET', '/query', 'rest', queryHandler('data'), true)
    .add('GET', '/queryAll', 'rest', queryHandler('data'), true)
    .add('GET', '/query/:locator', 'rest', moreHandler('data'), true)
    .add('GET', '/queryAll/:locator', 'rest', moreHandler('data'), true)
    .add('GET', '/tooling/query', 'tooling', queryHandler('tooling'))
    .add('GET', '/tooling/query/:locator', 'tooling', moreHandler('tooling'))
}

import type {OrgSpec, SfObjectSpec} from '../model.js'
import type {RecordStore, SaveResult, SfRecord} from '../org-runtime.js'

import {SalesforceFault} from './fault.js'
import {type FieldTraits, integrationView, isTextType} from './fields.js'

// Validates writes the way Salesforce does for the integration user, then applies them to the
// RecordStore. Nothing here counts API calls: SOAP, Bulk, REST and composite callers count their
// own requests and share this one validation so a bad record fails identically on every path.

export type WriteOperation = 'delete' | 'insert' | 'update' | 'upsert'
type SaveError = SaveResult['errors'][number]

/** What a write changed, so a composite allOrNone failure can undo it. Deletes are not undoable. */
export interface WriteJournal {
  inserted: Array<{ids: string[]; object: string}>
  updated: Array<{before: SfRecord[]; object: string}>
}

export interface WriteOptions {
  allOrNone?: boolean
  externalIdField?: string
  journal?: WriteJournal
  now?: Date
}

interface Plan {
  index: number
  mode: 'delete' | 'insert' | 'update'
  id?: string
  values: SfRecord
  errors: SaveError[]
}

const err = (statusCode: string, message: string, fields: string[] = []): SaveError => ({fields, message, statusCode})

export function findObject(spec: OrgSpec, name: string): SfObjectSpec | undefined {
  const lower = name.toLowerCase()
  return spec.objects.find(o => o.name.toLowerCase() === lower)
}

function field(record: SfRecord, name: string): unknown {
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === lower) return value
  return undefined
}

const blank = (value: unknown): boolean => value === null || value === undefined || value === ''
const matchKey = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : String(value))

export async function applyWrite(
  spec: OrgSpec,
  store: RecordStore,
  objectName: string,
  operation: WriteOperation,
  records: SfRecord[],
  options: WriteOptions = {},
): Promise<SaveResult[]> {
  const object = findObject(spec, objectName)
  if (!object) throw new SalesforceFault(400, 'INVALID_TYPE', `sObject type '${objectName}' is not supported.`)
  const fields = integrationView(object)
  const byLower = new Map(fields.map(f => [f.name.toLowerCase(), f]))
  const now = (options.now ?? new Date()).toISOString()

  let plans: Plan[]
  let created: boolean[] | undefined
  if (operation === 'delete') {
    plans = records.map((r, index) => idPlan(index, 'delete', r))
  } else if (operation === 'upsert') {
    ;({created, plans} = await planUpsert(store, object, byLower, records, options.externalIdField ?? 'Id'))
  } else if (operation === 'update') {
    plans = records.map((r, index) => idPlan(index, 'update', r))
  } else {
    plans = records.map((r, index) => ({errors: [], index, mode: 'insert', values: r}))
  }

  for (const plan of plans) if (plan.mode !== 'delete' && plan.errors.length === 0) normalize(plan, object.name, fields, byLower)
  await checkExists(store, object.name, plans.filter(p => p.mode !== 'insert' && p.errors.length === 0 && !(created && p.mode === 'update')))
  await checkUnique(store, object.name, fields, plans)

  const failed = plans.some(p => p.errors.length > 0)
  if (failed && options.allOrNone) {
    return plans.map(p => ({
      errors: p.errors.length > 0 ? p.errors : [err('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header')],
      success: false,
    }))
  }

  stampSystemFields(object, plans, spec.integrationUserId, now)
  await execute(store, object.name, plans, options.journal)
  return plans.map(p => {
    const result: SaveResult = p.errors.length > 0 ? {errors: p.errors, success: false} : {errors: [], id: p.id, success: true}
    if (created && p.errors.length === 0) result.created = created[p.index]
    return result
  })
}

function idPlan(index: number, mode: 'delete' | 'update', record: SfRecord): Plan {
  const id = field(record, 'Id')
  const {Id: _id, id: _lower, ...values} = record
  if (blank(id)) return {errors: [err('MISSING_ARGUMENT', `Id not specified in an ${mode} call`, ['Id'])], index, mode, values}
  return {errors: [], id: String(id), index, mode, values}
}

async function planUpsert(
  store: RecordStore,
  object: SfObjectSpec,
  byLower: Map<string, FieldTraits>,
  records: SfRecord[],
  externalIdField: string,
): Promise<{created: boolean[]; plans: Plan[]}> {
  const ext = byLower.get(externalIdField.toLowerCase())
  if (!ext || !(ext.externalId || ext.idLookup)) {
    throw new SalesforceFault(400, 'INVALID_FIELD', `Field name provided, ${externalIdField} is not an External ID or indexed field for ${object.name}`)
  }

  const created = records.map(() => false)
  const keys = records.map(r => field(r, ext.name))
  if (ext.type === 'id') {
    // upsert on Id: a blank Id inserts, anything else must exist
    const plans = records.map((r, index): Plan => {
      if (blank(keys[index])) {
        created[index] = true
        return {errors: [], index, mode: 'insert', values: withoutKey(r, ext.name)}
      }

      return {errors: [], id: String(keys[index]), index, mode: 'update', values: withoutKey(r, ext.name)}
    })
    await checkExists(store, object.name, plans.filter(p => p.mode === 'update'))
    return {created, plans}
  }

  const present = keys.filter(k => !blank(k))
  const existing = present.length > 0 ? await store.select(object.name, ['Id', ext.name], {where: {field: ext.name, values: present}}) : []
  const matches = new Map<string, string[]>()
  for (const row of existing) {
    const key = matchKey(row[ext.name])
    matches.set(key, [...(matches.get(key) ?? []), String(row.Id)])
  }

  const seen = new Set<string>()
  const plans = records.map((r, index): Plan => {
    const key = keys[index]
    const values = {...r}
    if (blank(key)) return {errors: [err('MISSING_ARGUMENT', `${ext.name} not specified`, [ext.name])], index, mode: 'insert', values}
    const k = matchKey(key)
    if (seen.has(k)) return {errors: [err('DUPLICATE_VALUE', `Duplicate external id specified: ${String(key)}`, [ext.name])], index, mode: 'insert', values}
    seen.add(k)
    const ids = matches.get(k) ?? []
    if (ids.length > 1) {
      return {errors: [err('DUPLICATE_EXTERNAL_ID', `${ext.name}: more than one record found for external id field: [${ids.join(', ')}]`, [ext.name])], index, mode: 'update', values}
    }

    if (ids.length === 1) return {errors: [], id: ids[0], index, mode: 'update', values: withoutKey(r, ext.name)}
    created[index] = true
    return {errors: [], index, mode: 'insert', values}
  })
  return {created, plans}
}

function withoutKey(record: SfRecord, name: string): SfRecord {
  const lower = name.toLowerCase()
  return Object.fromEntries(Object.entries(record).filter(([k]) => k.toLowerCase() !== lower))
}

function normalize(plan: Plan, object: string, fields: FieldTraits[], byLower: Map<string, FieldTraits>): void {
  const insert = plan.mode === 'insert'
  const values: SfRecord = {}
  const notWriteable: string[] = []
  for (const [key, value] of Object.entries(plan.values)) {
    if (key === 'attributes') continue
    const f = byLower.get(key.toLowerCase())
    if (!f) {
      plan.errors.push(err('INVALID_FIELD', `No such column '${key}' on sobject of type ${object}`, [key]))
      continue
    }

    if (f.type === 'id') {
      if (insert) plan.errors.push(err('INVALID_FIELD_FOR_INSERT_UPDATE', 'Record ID: cannot specify Id in an insert call', ['Id']))
      continue
    }

    if (insert ? !f.createable : !f.updateable) notWriteable.push(f.name)
    if (typeof value === 'string' && isTextType(f.type) && value.length > f.length) {
      plan.errors.push(err('STRING_TOO_LONG', `${f.label}: data value too large: ${value.slice(0, 40)} (max length=${f.length})`, [f.name]))
    }

    values[f.name] = value
  }

  if (notWriteable.length > 0) {
    plan.errors.push(err(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${notWriteable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      notWriteable,
    ))
  }

  const missing = insert
    ? fields.filter(f => f.required && blank(values[f.name])).map(f => f.name)
    : fields.filter(f => !f.nillable && !f.calculated && f.name in values && blank(values[f.name])).map(f => f.name)
  if (missing.length > 0) plan.errors.push(err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing))
  plan.values = values
}

async function checkExists(store: RecordStore, object: string, plans: Plan[]): Promise<void> {
  if (plans.length === 0) return
  const ids = plans.map(p => p.id!)
  const rows = await store.select(object, ['Id'], {where: {field: 'Id', values: ids}})
  const found = new Set(rows.map(r => String(r.Id)))
  for (const p of plans) {
    if (!found.has(p.id!)) p.errors.push(err('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${p.id}`, ['Id']))
  }
}

async function checkUnique(store: RecordStore, object: string, fields: FieldTraits[], plans: Plan[]): Promise<void> {
  for (const f of fields.filter(t => t.unique)) {
    const writing = plans.filter(p => p.mode !== 'delete' && p.errors.length === 0 && !blank(p.values[f.name]))
    if (writing.length === 0) continue
    const seen = new Set<string>()
    for (const p of writing) {
      const key = matchKey(p.values[f.name])
      if (seen.has(key)) p.errors.push(err('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: <unknown>`, [f.name]))
      seen.add(key)
    }

    const rows = await store.select(object, ['Id', f.name], {where: {field: f.name, values: writing.map(p => p.values[f.name])}})
    const owners = new Map(rows.map(r => [matchKey(r[f.name]), String(r.Id)]))
    for (const p of writing) {
      const owner = owners.get(matchKey(p.values[f.name]))
      if (owner && owner !== p.id && p.errors.length === 0) {
        p.errors.push(err('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${owner}`, [f.name]))
      }
    }
  }
}

function stampSystemFields(object: SfObjectSpec, plans: Plan[], userId: string, now: string): void {
  const has = new Set(object.fields.map(f => f.name))
  const booleans = object.fields.filter(f => f.type === 'boolean' && f.name !== 'IsDeleted').map(f => f.name)
  for (const p of plans) {
    if (p.errors.length > 0 || p.mode === 'delete') continue
    const stamp: SfRecord = {}
    if (p.mode === 'insert') {
      for (const name of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) if (has.has(name)) stamp[name] = now
      for (const name of ['CreatedById', 'LastModifiedById']) if (has.has(name)) stamp[name] = userId
      if (has.has('IsDeleted')) stamp.IsDeleted = false
      if (has.has('OwnerId') && blank(p.values.OwnerId)) stamp.OwnerId = userId
      for (const name of booleans) if (p.values[name] === undefined) stamp[name] = false
    } else {
      for (const name of ['LastModifiedDate', 'SystemModstamp']) if (has.has(name)) stamp[name] = now
      if (has.has('LastModifiedById')) stamp.LastModifiedById = userId
    }

    p.values = {...p.values, ...stamp}
  }
}

async function execute(store: RecordStore, object: string, plans: Plan[], journal?: WriteJournal): Promise<void> {
  const ok = plans.filter(p => p.errors.length === 0)
  const inserts = ok.filter(p => p.mode === 'insert')
  if (inserts.length > 0) {
    const ids = await store.insert(object, inserts.map(p => p.values))
    for (const [i, p] of inserts.entries()) p.id = ids[i]
    journal?.inserted.push({ids, object})
  }

  const updates = ok.filter(p => p.mode === 'update')
  if (updates.length > 0) {
    if (journal) {
      const columns = [...new Set(['Id', ...updates.flatMap(p => Object.keys(p.values))])]
      journal.updated.push({before: await store.select(object, columns, {where: {field: 'Id', values: updates.map(p => p.id)}}), object})
    }

    const done = await store.update(object, updates.map(p => ({...p.values, Id: p.id})))
    for (const [i, p] of updates.entries()) if (!done[i]) p.errors.push(err('ENTITY_IS_DELETED', 'entity is deleted'))
  }

  const deletes = ok.filter(p => p.mode === 'delete')
  if (deletes.length > 0) {
    const done = await store.remove(object, deletes.map(p => p.id!))
    for (const [i, p] of deletes.entries()) if (!done[i]) p.errors.push(err('ENTITY_IS_DELETED', 'entity is deleted'))
  }
}

/** Undo a composite transaction's inserts and updates, newest first. */
export async function rollback(store: RecordStore, journal: WriteJournal): Promise<void> {
  for (const {before, object} of [...journal.updated].reverse()) {
    if (before.length > 0) await store.update(object, before)
  }

  for (const {ids, object} of [...journal.inserted].reverse()) {
    if (ids.length > 0) await store.remove(object, ids)
  }
}

import type {FakeResponse} from '../http.js'
import type {OrgSpec, SfFieldSpec, SfFieldType, SfObjectSpec} from '../model.js'
import type {FakeOrg} from '../org-runtime.js'

import {accessOf} from './access.js'
import {customFieldId} from './custom-fields.js'
import {SalesforceFault} from './fault.js'
import type {SfCall, SfContext, SfRouter} from './router.js'
import {findObject} from './write.js'

// Tooling API writes to CustomField: create a field (`POST /tooling/sobjects/CustomField` with
// FullName and Metadata) and change one (`PATCH …/CustomField/<id>` with Metadata), as
// connect:external-ids does for a mapping's unique identifier. A created field joins the object's
// spec, so describe, SOQL, FieldPermissions and the record store see it at once; the record
// store's uniqueness check then holds for it on every write path.

/**
 * Takes away (or gives back) a user's "Customize Application" permission: without it every
 * CustomField write answers INSUFFICIENT_ACCESS, as Salesforce does. A scenario sets the same
 * through OrgSpec.customizeApplicationDenied; tests flip it at runtime here.
 */
export function setCustomizeApplication(spec: OrgSpec, userId: string, allowed: boolean): void {
  const denied = new Set(spec.customizeApplicationDenied ?? [])
  if (allowed) denied.delete(userId)
  else denied.add(userId)
  spec.customizeApplicationDenied = [...denied]
}

// Tooling Metadata.type → the describe type the sandbox models. Only types with an obvious
// describe counterpart; others are refused rather than half-modelled.
const TYPES: Record<string, SfFieldType> = {
  Checkbox: 'boolean', Date: 'date', DateTime: 'datetime', Email: 'email', Number: 'double', Phone: 'phone', Text: 'string', Url: 'url',
}
const TEXT_MAX = 255

interface FieldMetadata {
  label?: unknown
  type?: unknown
  length?: unknown
  externalId?: unknown
  unique?: unknown
  caseSensitive?: unknown
  required?: unknown
}

function requireCustomize(ctx: SfContext): void {
  const access = accessOf(ctx.org.spec)
  if (ctx.org.spec.customizeApplicationDenied?.includes(ctx.userId) || !access.hasPermission(ctx.userId, 'ModifyAllData')) {
    throw new SalesforceFault(403, 'INSUFFICIENT_ACCESS', 'insufficient access rights on object id: you need the "Customize Application" permission to create or change custom fields')
  }
}

function metadataOf(call: SfCall): FieldMetadata {
  const body = call.body as {Metadata?: unknown} | undefined
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SalesforceFault(400, 'JSON_PARSER_ERROR', 'The request body is missing or is not a JSON object')
  const {Metadata: metadata} = body
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) throw new SalesforceFault(400, 'FIELD_INTEGRITY_EXCEPTION', 'Metadata: a CustomField Metadata object is required', ['Metadata'])
  return metadata as FieldMetadata
}

const integrity = (message: string, field = 'Metadata'): SalesforceFault => new SalesforceFault(400, 'FIELD_INTEGRITY_EXCEPTION', message, [field])

/** `Object.Field__c`: an object of the org and a custom field name Salesforce would accept. */
function parseFullName(spec: OrgSpec, fullName: unknown): {object: SfObjectSpec; field: string} {
  const text = typeof fullName === 'string' ? fullName : ''
  const [objectName, field, extra] = text.split('.')
  const object = objectName ? findObject(spec, objectName) : undefined
  if (!object || !field || extra !== undefined) {
    throw integrity('Must specify the name in the CustomObject.CustomField format (e.g. Account.MyNewCustomField), and must specify the \'FullName\' field.', 'FullName')
  }

  if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/.test(field) || field.length > 43) {
    throw new SalesforceFault(400, 'INVALID_FIELD', `Invalid field name ${field}: it must end in __c, begin with a letter and use only letters, digits and single underscores`, ['FullName'])
  }

  return {field, object}
}

/** The field spec Metadata describes; `base` is the field being changed, if any. */
function fieldFrom(name: string, metadata: FieldMetadata, base?: SfFieldSpec): SfFieldSpec {
  const typeName = metadata.type ?? (base ? Object.entries(TYPES).find(([, t]) => t === base.type)?.[0] : undefined)
  const type = typeof typeName === 'string' ? TYPES[typeName] : undefined
  if (!type) throw integrity(`Metadata.type: ${String(typeName)} is not a supported field type here (${Object.keys(TYPES).join(', ')})`)
  if (base && type !== base.type) throw integrity(`Cannot change the type of ${name} from ${base.type} to ${String(typeName)} with this call`)
  const label = metadata.label ?? base?.label ?? name.replace(/__c$/, '').replaceAll('_', ' ')
  if (typeof label !== 'string' || label.trim() === '') throw integrity('Metadata.label: a label is required')
  const field: SfFieldSpec = {...base, label, name, type}
  if (type === 'string') {
    const length = metadata.length ?? base?.length
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > TEXT_MAX) {
      throw integrity(`Length: a Text field's length must be a whole number from 1 to ${TEXT_MAX}; got ${String(length)}`)
    }

    field.length = length
  }

  const flag = (value: unknown, fallback: boolean | undefined) => (value === undefined ? Boolean(fallback) : value === true)
  field.externalId = flag(metadata.externalId, base?.externalId)
  field.unique = flag(metadata.unique, base?.unique)
  if ((field.externalId || field.unique) && !['double', 'email', 'string'].includes(type)) {
    throw integrity(`External ID and Unique apply only to Text, Number and Email fields, not ${String(typeName)}`)
  }

  if (flag(metadata.required, base?.nillable === false)) field.nillable = false
  else delete field.nillable
  return field
}

/** Salesforce refuses Unique while records share a value (case-insensitively, unless caseSensitive). */
async function checkNoDuplicates(org: FakeOrg, object: SfObjectSpec, field: SfFieldSpec, caseSensitive: boolean): Promise<void> {
  const rows = await org.records.select(object.name, [field.name])
  const seen = new Map<string, number>()
  for (const row of rows) {
    const value = row[field.name]
    if (value === null || value === undefined || value === '') continue
    const key = caseSensitive ? String(value) : String(value).toLowerCase()
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }

  const duplicated = [...seen].filter(([, n]) => n > 1)
  if (duplicated.length > 0) {
    const [value, count] = duplicated[0]
    throw new SalesforceFault(400, 'DUPLICATE_VALUE', `Cannot make ${object.name}.${field.name} unique: ${duplicated.length} value(s) are duplicated, e.g. "${value}" on ${count} records`, [field.name])
  }
}

function findById(spec: OrgSpec, id: string): {object: SfObjectSpec; field: SfFieldSpec} | undefined {
  for (const object of spec.objects) {
    for (const field of object.fields) {
      if (field.name.endsWith('__c') && (customFieldId(object.name, field.name) === id || customFieldId(object.name, field.name).slice(0, 15) === id)) return {field, object}
    }
  }

  return undefined
}

async function createField(ctx: SfContext, call: SfCall): Promise<FakeResponse> {
  requireCustomize(ctx)
  const metadata = metadataOf(call)
  const {field: name, object} = parseFullName(ctx.org.spec, (call.body as {FullName?: unknown}).FullName)
  const existing = object.fields.find(f => f.name.toLowerCase() === name.toLowerCase())
  if (existing) {
    throw new SalesforceFault(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a field named ${existing.name} on ${object.name} (type ${existing.type}${existing.length ? `(${existing.length})` : ''})`, ['FullName'])
  }

  const field = fieldFrom(name, metadata)
  // a new field is empty, so Unique cannot fail on existing values
  const access = accessOf(ctx.org.spec)
  const created: SfFieldSpec = {...field, hiddenFromIntegrationUser: true}
  object.fields.push(created)
  try {
    await ctx.org.records.addField?.(object.name, created)
  } catch (error) {
    object.fields.pop()
    throw error
  }

  access.fieldCreated(object, created, ctx.userId)
  return {body: {errors: [], id: customFieldId(object.name, name), success: true}, status: 201}
}

async function updateField(ctx: SfContext, call: SfCall): Promise<FakeResponse> {
  requireCustomize(ctx)
  const metadata = metadataOf(call)
  const found = findById(ctx.org.spec, call.params.id)
  if (!found) throw new SalesforceFault(404, 'NOT_FOUND', 'The requested resource does not exist')
  const {field: current, object} = found
  if (current.formula !== undefined || current.rollup) throw integrity(`${object.name}.${current.name} is a formula or roll-up field; this call changes plain fields only`)
  const next = fieldFrom(current.name, metadata, current)
  if (next.unique && !current.unique) await checkNoDuplicates(ctx.org, object, current, metadata.caseSensitive === true)
  // the spec object is shared with every reader: change it in place
  Object.assign(current, next)
  return {status: 204}
}

export function registerCustomFieldWrites(router: SfRouter): void {
  router
    .add('POST', '/tooling/sobjects/CustomField', 'tooling', createField)
    .add('PATCH', '/tooling/sobjects/CustomField/:id', 'tooling', updateField)
}

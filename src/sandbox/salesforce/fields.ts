import type {SfFieldSpec, SfFieldType, SfObjectSpec} from '../model.js'

// One place that turns a terse SfFieldSpec into the flags Salesforce would report. Describe,
// write validation, FieldDefinition and FieldPermissions all read these, so "required",
// "writeable" and "visible to the integration user" mean the same thing everywhere.

export interface FieldTraits {
  spec: SfFieldSpec
  name: string
  type: SfFieldType
  label: string
  custom: boolean
  calculated: boolean
  formula: string | null
  createable: boolean
  updateable: boolean
  nillable: boolean
  defaultedOnCreate: boolean
  externalId: boolean
  unique: boolean
  idLookup: boolean
  encrypted: boolean
  filterable: boolean
  sortable: boolean
  groupable: boolean
  length: number
  precision: number
  scale: number
  digits: number
  referenceTo: string[]
  relationshipName: string | null
  /** insert fails without a value: not nillable, createable, no default, not calculated */
  required: boolean
  /** has FieldPermissions rows (Salesforce keeps none for required and system fields) */
  permissionable: boolean
}

const TEXT_TYPES = new Set<SfFieldType>(['combobox', 'email', 'encryptedstring', 'multipicklist', 'phone', 'picklist', 'string', 'textarea', 'url'])
const NUMBER_TYPES = new Set<SfFieldType>(['currency', 'double', 'int', 'percent'])
// Salesforce fills these itself; they are never required and never carry field-level security
export const SYSTEM_FIELDS = new Set(['CreatedById', 'CreatedDate', 'Id', 'IsDeleted', 'LastModifiedById', 'LastModifiedDate', 'SystemModstamp'])

export const isTextType = (type: SfFieldType): boolean => TEXT_TYPES.has(type)
export const isNumberType = (type: SfFieldType): boolean => NUMBER_TYPES.has(type)

const DEFAULT_LENGTH: Partial<Record<SfFieldType, number>> = {
  combobox: 255, email: 80, encryptedstring: 175, id: 18, multipicklist: 4099, phone: 40,
  picklist: 255, reference: 18, string: 255, textarea: 255, url: 255,
}

export function humanize(name: string): string {
  return name
    .replace(/__c$/, '')
    .replaceAll('_', ' ')
    .replaceAll(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
}

export function fieldTraits(field: SfFieldSpec): FieldTraits {
  const {type} = field
  const calculated = Boolean(field.formula) || Boolean(field.rollup)
  const system = SYSTEM_FIELDS.has(field.name)
  const writeableByDefault = !calculated && type !== 'id' && !system
  const createable = field.createable ?? writeableByDefault
  const updateable = field.updateable ?? writeableByDefault
  // checkboxes are never null in Salesforce: they default to false on create
  const nillable = field.nillable ?? !(type === 'id' || type === 'boolean')
  const defaultedOnCreate = field.defaultedOnCreate ?? (type === 'id' || type === 'boolean' || system || field.name === 'OwnerId')
  const externalId = Boolean(field.externalId)
  const unique = Boolean(field.unique)
  const longText = type === 'textarea' && (field.length ?? 255) > 255
  const classicEncrypted = type === 'encryptedstring'
  const encrypted = Boolean(field.encrypted)
  const filterable = !longText && !classicEncrypted && type !== 'address' && !(encrypted && !externalId)
  const sortable = filterable && type !== 'multipicklist'
  const length = isTextType(type) || type === 'id' || type === 'reference'
    ? (field.length ?? (calculated && type === 'string' ? 1300 : DEFAULT_LENGTH[type] ?? 255))
    : 0
  const precision = type === 'currency' || type === 'double' || type === 'percent' ? 18 : 0
  const scale = type === 'currency' || type === 'percent' ? 2 : 0
  const required = !nillable && createable && !defaultedOnCreate && !calculated
  return {
    calculated,
    createable,
    custom: field.name.endsWith('__c'),
    defaultedOnCreate,
    digits: type === 'int' ? 9 : 0,
    encrypted,
    externalId,
    filterable,
    formula: field.formula ?? null,
    groupable: filterable && !isNumberType(type) && type !== 'datetime' && type !== 'textarea',
    idLookup: type === 'id' || externalId || (unique && filterable),
    label: field.label ?? humanize(field.name),
    length,
    name: field.name,
    nillable,
    permissionable: !required && !system && type !== 'id' && field.name !== 'OwnerId',
    precision,
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.relationshipName ?? null,
    required,
    scale,
    sortable,
    spec: field,
    type,
    unique,
    updateable,
  }
}

/** The object as its integration user sees it: hidden fields gone, read-only fields not writeable. */
export function integrationView(object: SfObjectSpec): FieldTraits[] {
  const fields = object.fields.some(f => f.name === 'Id')
    ? object.fields
    : [{createable: false, name: 'Id', nillable: false, type: 'id' as const, updateable: false}, ...object.fields]
  return fields
    .filter(f => !f.hiddenFromIntegrationUser)
    .map(f => {
      const traits = fieldTraits(f)
      if (f.readOnlyForIntegrationUser) return {...traits, createable: false, required: false, updateable: false}
      return traits
    })
}

/** The Setup UI data type label FieldDefinition.DataType reports, e.g. `Text(80)`, `Formula (Text)`. */
export function dataTypeLabel(t: FieldTraits): string {
  const {spec} = t
  if (spec.rollup) return `Roll-Up Summary (${spec.rollup.operation} ${spec.rollup.summarizedObject})`
  if (spec.formula) return `Formula (${formulaResultLabel(t.type)})`
  let label = baseTypeLabel(t)
  if (t.externalId) label += ' (External ID)'
  if (t.unique) label += ' (Unique Case Insensitive)'
  return label
}

function formulaResultLabel(type: SfFieldType): string {
  const labels: Partial<Record<SfFieldType, string>> = {
    boolean: 'Checkbox', currency: 'Currency', date: 'Date', datetime: 'Date/Time', double: 'Number',
    int: 'Number', percent: 'Percent', time: 'Time',
  }
  return labels[type] ?? 'Text'
}

function baseTypeLabel(t: FieldTraits): string {
  const whole = t.precision - t.scale
  switch (t.type) {
    case 'address': { return 'Address' }
    case 'boolean': { return 'Checkbox' }
    case 'combobox':
    case 'picklist': { return 'Picklist' }
    case 'currency': { return `Currency(${whole}, ${t.scale})` }
    case 'date': { return 'Date' }
    case 'datetime': { return 'Date/Time' }
    case 'double': { return `Number(${whole}, ${t.scale})` }
    case 'email': { return 'Email' }
    case 'encryptedstring': { return `Text (Encrypted)(${t.length})` }
    case 'id': { return 'Lookup()' }
    case 'int': { return 'Number(9, 0)' }
    case 'multipicklist': { return 'Picklist (Multi-Select)' }
    case 'percent': { return `Percent(${whole}, ${t.scale})` }
    case 'phone': { return 'Phone' }
    case 'reference': { return `Lookup(${t.referenceTo.join(',')})` }
    case 'string': { return t.name === 'Name' && !t.custom ? 'Name' : `Text(${t.length})` }
    case 'textarea': { return t.length > 255 ? `Long Text Area(${t.length})` : `Text Area(${t.length})` }
    case 'time': { return 'Time' }
    case 'url': { return `URL(${t.length})` }
  }
}

export function soapType(type: SfFieldType): string {
  switch (type) {
    case 'address': { return 'urn:address' }
    case 'boolean': { return 'xsd:boolean' }
    case 'currency':
    case 'double':
    case 'percent': { return 'xsd:double' }
    case 'date': { return 'xsd:date' }
    case 'datetime': { return 'xsd:dateTime' }
    case 'id':
    case 'reference': { return 'tns:ID' }
    case 'int': { return 'xsd:int' }
    case 'time': { return 'xsd:time' }
    default: { return 'xsd:string' }
  }
}

const KEY_PREFIXES: Record<string, string> = {
  Account: '001', Asset: '02i', Campaign: '701', Case: '500', Contact: '003', Contract: '800',
  EntityDefinition: '000', Event: '00U', FieldDefinition: '000', FieldPermissions: '01k', Lead: '00Q',
  LoginHistory: '0Ya', ObjectPermissions: '110', Opportunity: '006', Order: '801', Organization: '00D',
  PermissionSet: '0PS', PermissionSetAssignment: '0Pa', Pricebook2: '01s', Product2: '01t', Profile: '00e',
  Task: '00T', User: '005', UserLicense: '100',
}

/** Standard key prefixes where known; custom objects get a stable `a0X` prefix from their name. */
export function keyPrefixFor(object: string): string {
  const known = KEY_PREFIXES[object]
  if (known) return known
  let hash = 0
  for (const ch of object) hash = (hash * 31 + ch.charCodeAt(0)) % (36 * 36)
  return `a${hash.toString(36).padStart(2, '0').toUpperCase()}`
}

/** A deterministic 18-character id for generated Setup rows. */
export function syntheticId(prefix: string, n: number): string {
  return `${prefix}Hs${n.toString(36).toUpperCase().padStart(10, '0')}AAA`
}

/** Salesforce REST renders datetimes as `2024-05-01T10:00:00.000+0000`. */
export function formatDateTime(value: Date): string {
  return value.toISOString().replace('Z', '+0000')
}

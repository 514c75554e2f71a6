import type {MappingSpec, SfFieldSpec, SfFieldType, SfObjectSpec} from '../model.js'
import {truncateIdentifier} from './names.js'

// How Connect lays out a Salesforce field in Postgres (reference/heroku-connect-db.md §2.3), and
// the column list of a mapped table and of the fake org's table for the same object. Both sides
// share this so a record means the same thing in the org store and in the Connect schema.

/** Long text areas become `text`; the real cut-over is unknown (observed: varchar(8000) and text at 32000). */
export const TEXTAREA_VARCHAR_MAX = 8000

const FIXED_TYPES: Partial<Record<SfFieldType, string>> = {
  boolean: 'boolean',
  currency: 'double precision',
  date: 'date',
  datetime: 'timestamp',
  double: 'double precision',
  email: 'varchar(80)',
  id: 'varchar(18)',
  int: 'integer',
  multipicklist: 'varchar(4099)',
  percent: 'double precision',
  phone: 'varchar(40)',
  picklist: 'varchar(255)',
  reference: 'varchar(18)',
  time: 'time',
  url: 'varchar(255)',
}

/** Postgres type of a field's column, or undefined for compound fields, which Connect maps through their parts. */
export function pgTypeForField(field: SfFieldSpec): string | undefined {
  const sized = (fallback: number) => `varchar(${field.length ?? fallback})`
  if (field.formula !== undefined && (field.type === 'string' || field.type === 'textarea')) return 'varchar(1300)'
  switch (field.type) {
    case 'address': return undefined
    case 'combobox':
    case 'string': return sized(255)
    case 'encryptedstring': return sized(175)
    case 'textarea': return (field.length ?? 255) > TEXTAREA_VARCHAR_MAX ? 'text' : sized(255)
    default: return FIXED_TYPES[field.type]
  }
}

/** Objects that have no IsDeleted field in Salesforce, so their tables have no isdeleted column. */
const WITHOUT_IS_DELETED = new Set(['emailtemplate', 'recordtype', 'user'])

export interface ColumnSpec {
  column: string
  pgType: string
  /** the field as the object spec spells it; system fields the spec omits are synthesised */
  field: SfFieldSpec
}

export const columnName = (fieldName: string): string => (fieldName.toLowerCase() === 'id' ? 'sfid' : truncateIdentifier(fieldName.toLowerCase()))

export function findField(object: SfObjectSpec, name: string): SfFieldSpec | undefined {
  const wanted = name.toLowerCase()
  return object.fields.find((f) => f.name.toLowerCase() === wanted)
}

export function hasIsDeleted(object: SfObjectSpec): boolean {
  return findField(object, 'IsDeleted') !== undefined || !WITHOUT_IS_DELETED.has(object.name.toLowerCase())
}

const SYSTEM_FIELDS: SfFieldSpec[] = [
  {name: 'CreatedDate', type: 'datetime'},
  {name: 'IsDeleted', type: 'boolean'},
  {name: 'SystemModstamp', type: 'datetime'},
]

function column(object: SfObjectSpec, name: string, fallback?: SfFieldSpec): ColumnSpec | undefined {
  const field = findField(object, name) ?? fallback
  if (!field) throw new Error(`field ${object.name}.${name} is mapped but not in the org's ${object.name} spec`)
  const pgType = pgTypeForField(field)
  return pgType ? {column: columnName(field.name), field, pgType} : undefined
}

function dedupe(columns: Array<ColumnSpec | undefined>): ColumnSpec[] {
  const seen = new Set<string>()
  return columns.filter((c): c is ColumnSpec => c !== undefined && !seen.has(c.column) && Boolean(seen.add(c.column)))
}

/** Data columns of a mapped table in Connect's order (fields first, then sfid); id and _hc_* come after. */
export function mappedColumns(object: SfObjectSpec, mapping: MappingSpec): ColumnSpec[] {
  const system = SYSTEM_FIELDS.filter((f) => f.name !== 'IsDeleted' || hasIsDeleted(object)).map((f) => column(object, f.name, f))
  // the unique identifier and indexed fields must be mapped for Connect to index them
  const names = [...mapping.fields, ...(mapping.upsertField ? [mapping.upsertField] : []), ...(mapping.indexedFields ?? [])]
  const fields = names.filter((name) => name.toLowerCase() !== 'id').map((name) => column(object, name))
  return dedupe([...system, ...fields, column(object, 'Id', {name: 'Id', type: 'id'})])
}

/** Columns of the fake org's table: every non-compound field, plus the system columns it always keeps. */
export function orgColumns(object: SfObjectSpec): ColumnSpec[] {
  const fields = object.fields.filter((f) => f.name.toLowerCase() !== 'id').map((f) => column(object, f.name, f))
  return dedupe([
    column(object, 'Id', {name: 'Id', type: 'id'}),
    ...SYSTEM_FIELDS.map((f) => column(object, f.name, f)),
    ...fields,
  ])
}

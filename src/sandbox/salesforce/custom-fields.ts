import type {OrgSpec, SfFieldSpec, SfObjectSpec} from '../model.js'
import type {Table} from './table.js'


// Tooling API CustomField: the metadata of formula and roll-up summary fields, as
// `connect:schema:scaffold --formulas` reads it. As in a real org, Metadata (a structured value) is
// returned only when the query names one record, and TableEnumOrId keys a standard object by its
// name but a custom object by its 01I id, which Tooling CustomObject (Id) and EntityDefinition
// (DurableId, the 15-character form) give for the object's name.

const METADATA_ONE_ROW = 'When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval.'

/** A stable fake id per field: the 00N prefix of custom fields and a hash of its name. */
export function customFieldId(object: string, field: string): string {
  let hash = 0
  for (const char of `${object}.${field}`) hash = (hash * 31 + char.codePointAt(0)!) % 2_176_782_336
  return `00N${hash.toString(36).toUpperCase().padStart(6, '0')}000000AAA`.slice(0, 18)
}

const isCustom = (object: SfObjectSpec) => object.custom ?? object.name.endsWith('__c')

/** A stable fake 18-character 01I id per custom object, from a hash of its name. */
export function customObjectId(name: string): string {
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) % 2_176_782_336
  return `01I${hash.toString(36).toUpperCase().padStart(6, '0')}000000AAA`.slice(0, 18)
}

/** How TableEnumOrId and EntityDefinition.DurableId name an object: standard by name, custom by 01I id (15 characters). */
export function entityKey(object: SfObjectSpec): string {
  return isCustom(object) ? customObjectId(object.name).slice(0, 15) : object.name
}

function metadataOf(object: SfObjectSpec, field: SfFieldSpec): Record<string, unknown> {
  const base = {fullName: `${object.name}.${field.name}`, label: field.label ?? field.name.replace(/__c$/, '').replaceAll('_', ' ')}
  if (field.rollup) {
    return {
      ...base, summarizedField: field.rollup.summarizedField ?? null,
      summaryFilterItems: (field.rollup.filterItems ?? []).map(i => ({field: i.field, operation: i.operation, value: i.value ?? null, valueField: null})),
      summaryForeignKey: field.rollup.foreignKey ?? null, summaryOperation: field.rollup.operation.toLowerCase(), type: 'Summary',
    }
  }

  if (field.formula === undefined) return {...base, ...plainMetadata(field)}
  const type = {boolean: 'Checkbox', currency: 'Currency', date: 'Date', datetime: 'DateTime', double: 'Number', percent: 'Percent'}[field.type as string] ?? 'Text'
  return {...base, formula: field.formula, formulaTreatBlanksAs: 'BlankAsZero', type}
}

const TOOLING_TYPES: Partial<Record<SfFieldSpec['type'], string>> = {
  boolean: 'Checkbox', currency: 'Currency', date: 'Date', datetime: 'DateTime', double: 'Number', email: 'Email', int: 'Number',
  percent: 'Percent', phone: 'Phone', picklist: 'Picklist', reference: 'Lookup', string: 'Text', textarea: 'TextArea', url: 'Url',
}

/** A field that is neither formula nor roll-up: its type, length and identifier flags. */
function plainMetadata(field: SfFieldSpec): Record<string, unknown> {
  const type = TOOLING_TYPES[field.type] ?? 'Text'
  const text = type === 'Text'
  return {
    caseSensitive: text ? false : null, externalId: Boolean(field.externalId), length: text ? (field.length ?? 255) : null,
    required: field.nillable === false, type, unique: Boolean(field.unique),
  }
}

export function customFieldTable(spec: OrgSpec): Table {
  return {
    api: 'tooling',
    columns: [
      {name: 'Id', type: 'id'}, {name: 'DeveloperName', type: 'string'}, {name: 'NamespacePrefix', type: 'string'},
      {name: 'TableEnumOrId', type: 'id'}, {name: 'FullName', type: 'string'}, {name: 'Metadata', type: 'address'},
    ],
    label: 'Custom Field',
    name: 'CustomField',
    relationships: [],
    rows: () => spec.objects.flatMap(object => object.fields.filter(f => f.name.endsWith('__c')).map(field => ({
      DeveloperName: field.name.replace(/__c$/, ''), FullName: `${object.name}.${field.name}`, Id: customFieldId(object.name, field.name),
      Metadata: metadataOf(object, field), NamespacePrefix: null, TableEnumOrId: entityKey(object),
    }))),
    requiredFilter: {message: METADATA_ONE_ROW, paths: ['id'], whenSelecting: ['fullname', 'metadata']},
  }
}

/** Tooling CustomObject: a custom object's 01I id for its DeveloperName (the name without `__c`). */
export function customObjectTable(spec: OrgSpec): Table {
  return {
    api: 'tooling',
    columns: [{name: 'Id', type: 'id'}, {name: 'DeveloperName', type: 'string'}, {name: 'NamespacePrefix', type: 'string'}],
    label: 'Custom Object',
    name: 'CustomObject',
    relationships: [],
    rows: () => spec.objects.filter(o => isCustom(o)).map(o => ({DeveloperName: o.name.replace(/__c$/, ''), Id: customObjectId(o.name), NamespacePrefix: null})),
  }
}

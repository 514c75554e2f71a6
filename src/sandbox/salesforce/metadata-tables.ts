import type {OrgSpec, SfFieldType} from '../model.js'

import type {Column, Table} from './table.js'
import {entityKey} from './custom-fields.js'
import {dataTypeLabel, fieldTraits, humanize, keyPrefixFor} from './fields.js'

// EntityDefinition and FieldDefinition, served by both the Tooling and the data API as in a real
// org. FieldDefinition is metadata: it lists every field whatever the caller's field-level
// security, and DataType carries the Setup label (`Roll-Up Summary (SUM Opportunity)`). A custom
// object's DurableId is its 01I id, as in a real org; a standard object's is its name.

const cols = (type: SfFieldType, ...names: string[]): Column[] => names.map(name => ({name, type}))
// standard entities and fields share this placeholder Id in real Tooling answers
const PLACEHOLDER_ID = '000000000000000AAA'
const developerName = (name: string): string => name.replace(/__c$/, '')

export function metadataTables(spec: OrgSpec): Table[] {
  return [
    {
      api: 'both',
      columns: [
        ...cols('id', 'Id'), ...cols('string', 'DurableId', 'QualifiedApiName', 'DeveloperName', 'Label', 'KeyPrefix', 'NamespacePrefix'),
        ...cols('boolean', 'IsCustomizable', 'IsQueryable'),
      ],
      label: 'Entity Definition',
      name: 'EntityDefinition',
      relationships: [],
      rows: () =>
        spec.objects.map(o => ({
          DeveloperName: developerName(o.name), DurableId: entityKey(o), Id: PLACEHOLDER_ID, IsCustomizable: true, IsQueryable: true,
          KeyPrefix: keyPrefixFor(o.name), Label: o.label ?? humanize(o.name), NamespacePrefix: null, QualifiedApiName: o.name,
        })),
      urlKey: 'DurableId',
    },
    {
      api: 'both',
      columns: [
        ...cols('id', 'Id'),
        ...cols('string', 'DurableId', 'QualifiedApiName', 'DeveloperName', 'Label', 'DataType', 'ExtraTypeInfo', 'NamespacePrefix', 'RelationshipName', 'EntityDefinitionId'),
        ...cols('boolean', 'IsCalculated', 'IsNillable', 'IsIndexed', 'IsApiFilterable', 'IsApiSortable', 'IsNameField', 'IsCompound', 'IsHighScaleNumber', 'IsFieldHistoryTracked'),
        ...cols('int', 'Length', 'Precision', 'Scale'),
      ],
      label: 'Field Definition',
      name: 'FieldDefinition',
      relationships: [{idField: 'EntityDefinitionId', name: 'EntityDefinition', target: 'EntityDefinition', targetKey: 'DurableId'}],
      requiredFilter: {
        message: "FieldDefinition queries must filter on the entity: add WHERE EntityDefinition.QualifiedApiName = 'Account' (or EntityDefinitionId / DurableId)",
        paths: ['entitydefinition.qualifiedapiname', 'entitydefinitionid', 'durableid', 'entitydefinition.durableid'],
      },
      rows: () =>
        spec.objects.flatMap(o =>
          o.fields.map(f => {
            const t = fieldTraits(f)
            return {
              DataType: dataTypeLabel(t), DeveloperName: developerName(f.name), DurableId: `${entityKey(o)}.${f.name}`, EntityDefinitionId: entityKey(o),
              ExtraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null, Id: PLACEHOLDER_ID, IsApiFilterable: t.filterable,
              IsApiSortable: t.sortable, IsCalculated: t.calculated, IsCompound: false, IsFieldHistoryTracked: false,
              IsHighScaleNumber: false, IsIndexed: t.type === 'id' || t.type === 'reference' || t.externalId || t.unique,
              IsNameField: f.name === 'Name', IsNillable: t.nillable, Label: t.label, Length: t.length, NamespacePrefix: null,
              Precision: t.precision, QualifiedApiName: f.name, RelationshipName: t.relationshipName, Scale: t.scale,
            }
          }),
        ),
      urlKey: 'DurableId',
    },
  ]
}

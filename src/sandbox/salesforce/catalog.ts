import type {SfObjectSpec} from '../model.js'
import type {FakeOrg} from '../org-runtime.js'

import {humanize, integrationView} from './fields.js'
import {customFieldTable, customObjectTable} from './custom-fields.js'
import {metadataTables} from './metadata-tables.js'
import {setupTables} from './setup-tables.js'
import type {Catalog, Table} from './table.js'

// What SOQL can see: one Table per queryable sObject. Setup objects (User, Profile,
// PermissionSet…, LoginHistory, FieldDefinition) are computed from the OrgSpec in memory;
// every other object in the spec is read from the RecordStore.

export type {Catalog, Column, Relationship, Table} from './table.js'

export function mappedTable(object: SfObjectSpec): Table {
  const fields = integrationView(object)
  return {
    api: 'data',
    columns: fields.map(f => ({filterable: f.filterable, name: f.name, sortable: f.sortable, type: f.type})),
    label: object.label,
    name: object.name,
    relationships: fields
      .filter(f => f.type === 'reference' && f.relationshipName && f.referenceTo.length > 0)
      .map(f => ({idField: f.name, name: f.relationshipName!, target: f.referenceTo[0]})),
  }
}

export function buildCatalog(org: FakeOrg, now: Date): Catalog {
  const setup = [...setupTables(org.spec, now), ...metadataTables(org.spec), customFieldTable(org.spec), customObjectTable(org.spec)]
  const setupNames = new Set(setup.map(t => t.name.toLowerCase()))
  const mapped = org.spec.objects.filter(o => !setupNames.has(o.name.toLowerCase())).map(o => mappedTable(o))
  const tables = [...setup, ...mapped]
  const byName = new Map(tables.map(t => [t.name.toLowerCase(), t]))
  return {
    table: name => byName.get(name.toLowerCase()),
    tables,
  }
}

/** A describe-able object for a Setup table the OrgSpec does not define itself (all read-only). */
export function tableAsObject(table: Table): SfObjectSpec {
  const relationships = new Map(table.relationships.map(r => [r.idField, r]))
  return {
    fields: table.columns.map(c => {
      const rel = relationships.get(c.name)
      return {
        createable: false,
        name: c.name,
        nillable: c.name !== 'Id',
        type: c.type,
        updateable: false,
        ...(rel ? {referenceTo: [rel.target], relationshipName: rel.name} : {}),
      }
    }),
    label: table.label ?? humanize(table.name),
    name: table.name,
  }
}

import type {SfFieldType} from '../model.js'
import type {FakeOrg} from '../org-runtime.js'

import {buildCatalog, type Catalog, type Table} from './catalog.js'
import {isNumberType, isTextType} from './fields.js'
import {type QueryApi, runQuery} from './query.js'

// `query?q=…&columns=true`: Salesforce parses the query and answers with the selected columns
// instead of records (sf data query asks for them to lay out its table). A relationship path
// such as Profile.Name is one column, Profile, with Name among its joinColumns.

export interface ColumnMetadata {
  aggregate: boolean
  apexType: null | string
  booleanType: boolean
  columnName: string
  custom: boolean
  displayName: string
  foreignKeyName: null | string
  insertable: boolean
  joinColumns: ColumnMetadata[]
  numberType: boolean
  textType: boolean
  updatable: boolean
}

const APEX_TYPES: Partial<Record<SfFieldType, string>> = {
  boolean: 'Boolean', currency: 'Double', date: 'Date', datetime: 'Datetime', double: 'Double', id: 'Id', int: 'Integer',
  percent: 'Double', reference: 'Id', time: 'Time',
}

function column(name: string, display: string, type: SfFieldType | undefined, joins: ColumnMetadata[]): ColumnMetadata {
  const field = type !== undefined && joins.length === 0
  return {
    aggregate: false,
    apexType: field ? APEX_TYPES[type] ?? 'String' : null,
    booleanType: type === 'boolean',
    columnName: name,
    custom: name.endsWith('__c') || name.endsWith('__r'),
    displayName: display,
    foreignKeyName: null,
    insertable: false,
    joinColumns: joins,
    numberType: field && isNumberType(type),
    textType: field && isTextType(type),
    updatable: false,
  }
}

/** Columns for canonical dotted paths (as runQuery resolved them), grouped by their first step. */
function columnsFor(catalog: Catalog, table: Table | undefined, paths: string[][], prefix: string): ColumnMetadata[] {
  const groups = new Map<string, string[][]>()
  for (const [head, ...rest] of paths) groups.set(head, [...(groups.get(head) ?? []), rest])
  return [...groups].map(([head, rests]) => {
    const display = prefix ? `${prefix}.${head}` : head
    const nested = rests.filter(r => r.length > 0)
    if (nested.length === 0) return column(head, display, table?.columns.find(c => c.name === head)?.type, [])
    const rel = table?.relationships.find(r => r.name === head)
    return column(head, display, undefined, columnsFor(catalog, rel ? catalog.table(rel.target) : undefined, nested, display))
  })
}

export async function queryColumns(org: FakeOrg, soql: string, api: QueryApi, version: string): Promise<Record<string, unknown>> {
  const outcome = await runQuery(org, soql, api, version)
  const paths = outcome.columns.map(c => c.split('.'))
  return {
    columnMetadata: columnsFor(buildCatalog(org, new Date()), outcome.table, paths, ''),
    entityName: outcome.table.name,
    groupBy: false,
    idSelected: paths.some(p => p.length === 1 && p[0] === 'Id'),
    keyPrefix: null,
  }
}

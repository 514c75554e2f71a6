import type {FakeOrg, SfRecord} from '../org-runtime.js'

import {accessOf} from './access.js'
import {buildCatalog, type Catalog, type Column, type Relationship, type Table} from './catalog.js'
import {formatDateTime, isNumberType, isTextType} from './fields.js'
import {checkCondition, compareRows, family, idKey, matches, type Resolved, valueAt} from './predicates.js'
import {type Condition, parseSoql, SoqlError, type SoqlQuery} from './soql.js'

// Runs a parsed SOQL query against the catalog: resolves field paths like Salesforce does
// (case-insensitive, relationship names, INVALID_FIELD for unknown or FLS-hidden fields), loads
// rows from memory or the RecordStore, joins parents, filters, sorts and projects records
// with nested `attributes`. Large unfiltered store scans stay paged instead of loaded whole.

export type QueryApi = 'data' | 'tooling'

export interface QueryOutcome {
  query: SoqlQuery
  table: Table
  /** canonical dotted paths of the selected fields, for CSV headers */
  columns: string[]
  totalSize: number
  fetch(offset: number, size: number): Promise<SfRecord[]>
}

interface JoinNode {
  table: Table
  columns: Set<string>
  children: Map<string, {node: JoinNode; rel: Relationship}>
}

/** `userId`: the caller, whose rights gate the Setup objects; none for the sandbox's own reads. */
export async function runQuery(org: FakeOrg, soql: string, api: QueryApi, version: string, now = new Date(), userId?: string): Promise<QueryOutcome> {
  return runParsed(org, parseSoql(soql), api, version, now, userId)
}

// Setup objects a user without View Setup and Configuration cannot see at all
const NEEDS_VIEW_SETUP = new Set(['fieldpermissions', 'objectpermissions', 'permissionset', 'permissionsetassignment', 'permissionsetgroup'])

async function runParsed(org: FakeOrg, query: SoqlQuery, api: QueryApi, version: string, now: Date, userId?: string): Promise<QueryOutcome> {
  const catalog = buildCatalog(org, now)
  const access = userId === undefined ? undefined : accessOf(org.spec)
  const hidden = access && NEEDS_VIEW_SETUP.has(query.from.toLowerCase()) && !access.hasPermission(userId!, 'ViewSetup') && access.setsOf(userId!).size > 0
  const table = hidden ? undefined : catalog.table(query.from)
  if (!table || (table.api !== 'both' && table.api !== api)) {
    throw new SoqlError(
      `sObject type '${query.from}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      'INVALID_TYPE',
    )
  }

  const select = query.fields.map(p => resolvePath(catalog, table, p))
  const where = await Promise.all(query.where.map(async c => {
    const path = resolvePath(catalog, table, c.path)
    return {cond: c.subquery ? await semiJoin(org, c, path, api, version, now, userId) : c, path}
  }))
  const order = query.orderBy.map(o => ({item: o, path: resolvePath(catalog, table, o.path)}))
  for (const {cond, path} of where) checkCondition(cond, path)
  for (const {path} of order) {
    if (path.column.sortable === false || path.column.filterable === false) throw new SoqlError(`field '${path.column.name}' can not be sorted in a query call`, 'INVALID_FIELD')
  }

  if (table.requiredFilter) {
    const filtered = where.some(w => (w.cond.op === '=' || w.cond.op === 'IN') && table.requiredFilter!.paths.includes(w.path.names.join('.').toLowerCase()))
    if (!filtered) throw new SoqlError(table.requiredFilter.message)
  }

  if ((query.offset ?? 0) > 2000) throw new SoqlError('Maximum SOQL offset allowed is 2000', 'NUMBER_OUTSIDE_VALID_RANGE')

  const root = joinTree(table, [...select, ...where.map(w => w.path), ...order.map(o => o.path)])
  const project = (row: SfRecord): SfRecord => {
    const out: SfRecord = {attributes: attributes(table, row, api, version)}
    for (const path of select) place(out, row, path, 0, api, version)
    return out
  }

  const columns = select.map(p => p.names.join('.'))
  const skip = query.offset ?? 0
  const cap = query.limit ?? Number.POSITIVE_INFINITY

  // an unfiltered, unsorted scan of a stored object is paged straight from the store
  if (!table.rows && where.length === 0 && order.length === 0) {
    const total = Math.max(0, Math.min((await org.records.count(table.name)) - skip, cap))
    return {
      columns, query, table, totalSize: total,
      async fetch(offset, size) {
        const limit = Math.min(size, total - offset)
        if (limit <= 0 || query.count) return []
        const rows = await org.records.select(table.name, [...root.columns], {limit, offset: skip + offset})
        const joined = await attachParents(org, catalog, rows.map(r => ({...r})), root)
        return joined.map(r => project(r))
      },
    }
  }

  let rows = await loadRows(org, table, [...root.columns], pushdown(where))
  // LoginHistory: everyone reads their own rows (v37+); others' need Manage Users
  if (access && table.name === 'LoginHistory' && !access.hasPermission(userId!, 'ModifyAllData')) rows = rows.filter(r => r.UserId === userId)
  rows = await attachParents(org, catalog, rows, root)
  rows = rows.filter(row => where.every(({cond, path}) => matches(valueAt(row, path), path.column, cond, now)))
  if (order.length > 0) rows.sort((a, b) => compareRows(a, b, order))
  const records = rows.slice(skip, skip + cap)
  return {
    columns, query, table, totalSize: records.length,
    async fetch(offset, size) {
      return query.count ? [] : records.slice(offset, offset + size).map(r => project(r))
    },
  }
}

/** Runs a semi-join's inner query and turns the condition into an IN / NOT IN list of its ids. */
async function semiJoin(org: FakeOrg, cond: Condition, path: Resolved, api: QueryApi, version: string, now: Date, userId?: string): Promise<Condition> {
  if (family(path.column) !== 'id') throw new SoqlError(`Semi join sub-selects are only allowed on Id and reference fields, not on '${path.column.name}'`, 'INVALID_FIELD')
  const inner = await runParsed(org, cond.subquery!, api, version, now, userId)
  const column = resolvePath(buildCatalog(org, now), inner.table, cond.subquery!.fields[0])
  if (family(column.column) !== 'id') throw new SoqlError(`The selected field of a semi join sub-select must be an Id or reference field, not '${column.column.name}'`, 'INVALID_FIELD')
  const rows = await inner.fetch(0, inner.totalSize)
  const ids = [...new Set(rows.map(r => valueAt(r, column)).filter(v => v !== null && v !== undefined).map(String))]
  // an empty semi-join matches nothing (IN) or everything (NOT IN); a value no id can equal keeps that
  return {op: cond.op, path: cond.path, values: (ids.length > 0 ? ids : ['']).map(value => ({kind: 'string', value}))}
}

function resolvePath(catalog: Catalog, table: Table, written: string[]): Resolved {
  let parts = written
  const isRel = (t: Table, name: string) => t.relationships.some(r => r.name.toLowerCase() === name.toLowerCase())
  // SOQL accepts the object's own name as a prefix: SELECT Contact.LastName FROM Contact
  if (parts.length > 1 && parts[0].toLowerCase() === table.name.toLowerCase() && !isRel(table, parts[0])) parts = parts.slice(1)
  const rels: Relationship[] = []
  const tables: Table[] = [table]
  let current = table
  for (const part of parts.slice(0, -1)) {
    const rel = current.relationships.find(r => r.name.toLowerCase() === part.toLowerCase())
    const target = rel && catalog.table(rel.target)
    if (!rel || !target) {
      throw new SoqlError(
        `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        'INVALID_FIELD',
      )
    }

    rels.push(rel)
    tables.push(target)
    current = target
  }

  const last = parts.at(-1)!
  const column = current.columns.find(c => c.name.toLowerCase() === last.toLowerCase())
  if (!column) {
    throw new SoqlError(
      `No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      'INVALID_FIELD',
    )
  }

  return {column, names: [...rels.map(r => r.name), column.name], rels, tables}
}

function joinTree(table: Table, paths: Resolved[]): JoinNode {
  const root: JoinNode = {children: new Map(), columns: new Set(['Id']), table}
  for (const path of paths) {
    let node = root
    for (const [i, rel] of path.rels.entries()) {
      node.columns.add(rel.idField)
      let child = node.children.get(rel.name)
      if (!child) {
        child = {node: {children: new Map(), columns: new Set(['Id', rel.targetKey ?? 'Id']), table: path.tables[i + 1]}, rel}
        node.children.set(rel.name, child)
      }

      node = child.node
    }

    node.columns.add(path.column.name)
  }

  for (const c of [...root.columns]) if (!table.columns.some(col => col.name === c)) root.columns.delete(c)
  return root
}

/** An id/reference equality the RecordStore can filter on exactly (18-character ids only). */
function pushdown(where: Array<{cond: Condition; path: Resolved}>): {field: string; values: unknown[]} | undefined {
  const hit = where.find(({cond, path}) =>
    path.rels.length === 0 && family(path.column) === 'id' && (cond.op === '=' || cond.op === 'IN')
    && cond.values.every(v => v.kind === 'string' && v.value.length === 18))
  return hit && {field: hit.path.column.name, values: hit.cond.values.map(v => (v as {value: string}).value)}
}

async function loadRows(org: FakeOrg, table: Table, columns: string[], where?: {field: string; values: unknown[]}): Promise<SfRecord[]> {
  if (table.rows) {
    const rows = table.rows()
    if (!where) return rows
    const wanted = new Set(where.values.map(v => idKey(v)))
    return rows.filter(r => wanted.has(idKey(r[where.field])))
  }

  const rows = await org.records.select(table.name, columns.filter(c => table.columns.some(col => col.name === c)), where ? {where} : undefined)
  return rows.map(r => ({...r}))
}

async function attachParents(org: FakeOrg, catalog: Catalog, rows: SfRecord[], node: JoinNode): Promise<SfRecord[]> {
  for (const {node: child, rel} of node.children.values()) {
    const key = rel.targetKey ?? 'Id'
    const ids = [...new Set(rows.map(r => r[rel.idField]).filter(v => v !== null && v !== undefined && v !== ''))]
    let parents = ids.length > 0 ? await loadRows(org, child.table, [...child.columns], {field: key, values: ids}) : []
    parents = await attachParents(org, catalog, parents, child)
    const index = new Map(parents.map(p => [idKey(p[key]), p]))
    for (const row of rows) row[rel.name] = index.get(idKey(row[rel.idField])) ?? null
  }

  return rows
}

function attributes(table: Table, row: SfRecord, api: QueryApi, version: string): Record<string, string> {
  const key = row[table.urlKey ?? 'Id']
  const base = `/services/data/v${version}/${api === 'tooling' ? 'tooling/' : ''}sobjects/${table.name}`
  return key === undefined || key === null ? {type: table.name} : {type: table.name, url: `${base}/${String(key)}`}
}

/** Renders a stored value the way the REST API prints it. */
export function formatValue(column: Column, value: unknown): unknown {
  if (value === undefined || value === null) return null
  if (column.type === 'datetime') {
    const date = value instanceof Date ? value : new Date(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
    return Number.isNaN(date.getTime()) ? String(value) : formatDateTime(date)
  }

  if (column.type === 'date') return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10)
  if (isNumberType(column.type)) return Number(value)
  if (column.type === 'boolean') return value === true || value === 'true'
  if (isTextType(column.type) || column.type === 'id' || column.type === 'reference') return String(value)
  return value
}

function place(out: SfRecord, row: SfRecord | null, path: Resolved, depth: number, api: QueryApi, version: string): void {
  if (depth === path.rels.length) {
    out[path.column.name] = formatValue(path.column, row?.[path.column.name])
    return
  }

  const rel = path.rels[depth]
  const parent = (row?.[rel.name] as SfRecord | null | undefined) ?? null
  if (!parent) {
    out[rel.name] = null
    return
  }

  if (!out[rel.name]) out[rel.name] = {attributes: attributes(path.tables[depth + 1], parent, api, version)}
  place(out[rel.name] as SfRecord, parent, path, depth + 1, api, version)
}

import type {SfRecord} from '../org-runtime.js'

import type {Column, Relationship, Table} from './catalog.js'
import {isNumberType} from './fields.js'
import {type Condition, type Literal, SoqlError} from './soql.js'

// SOQL comparison semantics, kept apart from query planning: text compares case-insensitively,
// ids match on their first 15 characters, null is a value (`!= 'x'` keeps nulls), relative
// dates are ranges, and a literal of the wrong type is refused the way Salesforce refuses it.

const DAY = 86_400_000

/** A field path resolved against the catalog. */
export interface Resolved {
  rels: Relationship[]
  tables: Table[]
  column: Column
  /** canonical names: relationship names then the column */
  names: string[]
}

export type Family = 'boolean' | 'date' | 'datetime' | 'id' | 'number' | 'text'

export function family(column: Column): Family {
  if (column.type === 'id' || column.type === 'reference') return 'id'
  if (column.type === 'boolean') return 'boolean'
  if (isNumberType(column.type)) return 'number'
  if (column.type === 'date') return 'date'
  if (column.type === 'datetime') return 'datetime'
  return 'text'
}

export function checkCondition(cond: Condition, path: Resolved): void {
  const {column} = path
  if (column.filterable === false) throw new SoqlError(`field '${column.name}' can not be filtered in query call`, 'INVALID_FIELD')
  const fam = family(column)
  const allowed: Record<Family, Array<Literal['kind']>> = {
    boolean: ['boolean'], date: ['date', 'relative'], datetime: ['datetime', 'relative'], id: ['string'], number: ['number'], text: ['string'],
  }
  for (const value of cond.values) {
    if (value.kind === 'null' || allowed[fam].includes(value.kind)) continue
    const quoted = fam === 'id' || fam === 'text'
    const typeName = fam === 'id' || fam === 'text' ? 'string' : fam === 'number' ? 'double' : fam
    throw new SoqlError(
      `value of filter criterion for field '${column.name}' must be of type ${typeName} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`,
      'INVALID_FIELD',
    )
  }

  if (cond.op === 'LIKE' && fam !== 'text' && fam !== 'id') throw new SoqlError(`invalid operator on field '${column.name}': LIKE works on text fields only`, 'INVALID_QUERY_FILTER_OPERATOR')
}

// Salesforce matches 15- and 18-character ids alike; other keys (DurableId) compare whole
export function idKey(value: unknown): string {
  const text = String(value ?? '')
  return /^[a-zA-Z0-9]{18}$/.test(text) ? text.slice(0, 15) : text
}

export function valueAt(row: SfRecord, path: Resolved): unknown {
  let current: SfRecord | null = row
  for (const rel of path.rels) {
    current = (current?.[rel.name] as SfRecord | null | undefined) ?? null
    if (!current) return null
  }

  return current[path.column.name] ?? null
}

function norm(fam: Family, value: unknown): boolean | number | string | null {
  if (value === null || value === undefined) return null
  switch (fam) {
    case 'boolean': { return value === true || value === 'true' }
    case 'number': { return Number(value) }
    case 'id': { return idKey(value) }
    case 'text': { return String(value).toLowerCase() }
    case 'date': { return Date.parse(`${String(value instanceof Date ? value.toISOString() : value).slice(0, 10)}T00:00:00Z`) }
    case 'datetime': { return value instanceof Date ? value.getTime() : Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) }
  }
}

function literalRange(lit: Literal, now: Date): [number, number] | undefined {
  if (lit.kind !== 'relative') return undefined
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  switch (lit.name) {
    case 'TODAY': { return [today, today + DAY] }
    case 'YESTERDAY': { return [today - DAY, today] }
    case 'TOMORROW': { return [today + DAY, today + 2 * DAY] }
    // LAST_N_DAYS:n starts at midnight n days ago and runs through today
    case 'LAST_N_DAYS': { return [today - lit.n * DAY, today + DAY] }
    case 'NEXT_N_DAYS': { return [today + DAY, today + (lit.n + 1) * DAY] }
    case 'N_DAYS_AGO': { return [today - lit.n * DAY, today - (lit.n - 1) * DAY] }
    default: { return undefined }
  }
}

function literalValue(fam: Family, lit: Literal): boolean | number | string | null {
  switch (lit.kind) {
    case 'null': { return null }
    case 'boolean':
    case 'number': { return lit.value }
    case 'string': { return norm(fam, lit.value) }
    case 'date':
    case 'datetime': { return norm(fam, lit.value) }
    default: { return null }
  }
}

function likeRegex(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      source += pattern[++i]
    } else if (ch === '%') {
      source += '.*'
    } else if (ch === '_') {
      source += '.'
    } else {
      source += ch.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
  }

  return new RegExp(`^${source}$`, 'is')
}

export function matches(raw: unknown, column: Column, cond: Condition, now: Date): boolean {
  const fam = family(column)
  const value = norm(fam, raw)
  if (cond.op === 'IN' || cond.op === 'NOT IN') {
    const hit = cond.values.some(lit => literalValue(fam, lit) === value)
    return cond.op === 'IN' ? hit : !hit
  }

  const lit = cond.values[0]
  if (cond.op === 'LIKE') return value !== null && lit.kind === 'string' && likeRegex(lit.value).test(String(raw))
  const range = literalRange(lit, now)
  if (range) {
    if (value === null) return cond.op === '!='
    const v = value as number
    const inside = v >= range[0] && v < range[1]
    const ops = {'!=': !inside, '<': v < range[0], '<=': v < range[1], '=': inside, '>': v >= range[1], '>=': v >= range[0]}
    return ops[cond.op]
  }

  const expected = literalValue(fam, lit)
  // SOQL treats null as a value: `!= 'x'` keeps nulls, `= null` finds them
  if (cond.op === '=') return value === expected
  if (cond.op === '!=') return value !== expected
  if (value === null || expected === null) return false
  const cmp = value < expected ? -1 : value > expected ? 1 : 0
  return {'<': cmp < 0, '<=': cmp <= 0, '>': cmp > 0, '>=': cmp >= 0}[cond.op]
}

export function compareRows(a: SfRecord, b: SfRecord, order: Array<{item: {descending: boolean; nullsLast: boolean}; path: Resolved}>): number {
  for (const {item, path} of order) {
    const fam = family(path.column)
    const x = norm(fam, valueAt(a, path))
    const y = norm(fam, valueAt(b, path))
    if (x === y) continue
    if (x === null) return item.nullsLast ? 1 : -1
    if (y === null) return item.nullsLast ? -1 : 1
    const cmp = x < y ? -1 : 1
    return item.descending ? -cmp : cmp
  }

  return 0
}

import type {FilterItem} from '../../snapshot/custom-fields.js'
import type {FormulaField, FormulaObject} from './schema.js'

import {quoteIdent, quoteLiteral} from '../../sql.js'
import {BASE_ALIAS as PARENT_ALIAS} from './translate.js'
import {Refusal, type RefusalReason} from './typed.js'

// A roll-up summary field as a correlated aggregate over the child table: COUNT, SUM, MIN or MAX
// of the child rows whose lookup holds the parent's sfid, with the filter items Salesforce applies.

export interface RollUpSpec {
  operation: string
  /** `Child__c.Lookup__c` */
  summaryForeignKey: string
  /** `Child__c.Field__c`; absent for COUNT */
  summarizedField?: string
  filterItems: FilterItem[]
}

export type RollUpTranslation =
  | {detail: string; ok: false; reason: RefusalReason}
  | {lookupColumn: string; ok: true; sql: string}

const CHILD = 'c'

export function translateRollUp(spec: RollUpSpec, child: FormulaObject): RollUpTranslation {
  try {
    const lookup = column(child, spec.summaryForeignKey)
    const where = [`${CHILD}.${quoteIdent(lookup.column)} = ${PARENT_ALIAS}.sfid`]
    if (child.field('IsDeleted')) where.push(`NOT COALESCE(${CHILD}.${quoteIdent(child.field('IsDeleted')!.column)}, FALSE)`)
    where.push(...spec.filterItems.map(item => filter(child, item)))
    const sql = `(SELECT ${aggregate(spec, child)} FROM ${child.table} ${CHILD} WHERE ${where.join(' AND ')})`
    return {lookupColumn: lookup.column, ok: true, sql}
  } catch (error) {
    if (error instanceof Refusal) return {detail: error.message, ok: false, reason: error.reason}
    throw error
  }
}

function column(child: FormulaObject, qualifiedName: string): FormulaField {
  const name = qualifiedName.includes('.') ? qualifiedName.slice(qualifiedName.indexOf('.') + 1) : qualifiedName
  const found = child.field(name)
  if (!found) throw new Refusal('unmapped', `${child.name}.${name} is not a mapped field`)
  return found
}

function aggregate(spec: RollUpSpec, child: FormulaObject): string {
  const operation = spec.operation.toLowerCase()
  if (operation === 'count') return 'count(*)::numeric'
  if (!spec.summarizedField) throw new Refusal('syntax', `a ${operation} roll-up names no summarized field`)
  const field = column(child, spec.summarizedField)
  const value = `${CHILD}.${quoteIdent(field.column)}`
  if (operation === 'sum') {
    if (field.type !== 'number') throw new Refusal('type', `SUM of a ${field.sfType} field`)
    // Salesforce shows 0, not blank, for a parent with no matching children
    return `COALESCE(sum(${value}), 0)::numeric`
  }

  if (operation !== 'min' && operation !== 'max') throw new Refusal('unsupported-function', `roll-up operation ${spec.operation}`)
  if (!['date', 'datetime', 'number'].includes(field.type ?? '')) throw new Refusal('type', `${operation.toUpperCase()} of a ${field.sfType} field`)
  return `${operation}(${value})`
}

/** `"Completed", "Closed, not Completed"` or `Renewal, Current`: commas split, except inside quotes. */
export function filterValues(value: string): string[] {
  const values: string[] = []
  let current = ''
  let quoted = false
  for (const char of value) {
    if (char === '"') quoted = !quoted
    else if (char === ',' && !quoted) {
      values.push(current.trim())
      current = ''
    } else current += char
  }

  values.push(current.trim())
  return values
}

const ORDER: Record<string, string> = {greaterOrEqual: '>=', greaterThan: '>', lessOrEqual: '<=', lessThan: '<'}

function filter(child: FormulaObject, item: FilterItem): string {
  if (item.valueField) throw new Refusal('filter', `the filter on ${item.field} compares with another field (${item.valueField})`)
  const field = column(child, item.field)
  const sql = `${CHILD}.${quoteIdent(field.column)}`
  const raw = item.value ?? ''
  const {operation} = item
  if (raw.trim() === '' && (operation === 'equals' || operation === 'notEqual')) {
    const blank = field.type === 'text' || field.type === 'picklist' ? `(${sql} IS NULL OR ${sql} = '')` : `(${sql} IS NULL)`
    return operation === 'equals' ? blank : `NOT ${blank}`
  }

  const values = filterValues(raw)
  switch (field.type) {
    case 'boolean': {
      if (values.length !== 1 || !/^(true|false)$/i.test(values[0]) || !['equals', 'notEqual'].includes(operation)) throw new Refusal('filter', `checkbox filter ${operation} ${raw}`)
      const wanted = values[0].toLowerCase() === 'true' === (operation === 'equals')
      return `COALESCE(${sql}, FALSE) = ${wanted ? 'TRUE' : 'FALSE'}`
    }

    case 'picklist':
    case 'text': return textFilter(sql, operation, values, raw)
    case 'number': return numberFilter(sql, operation, values, raw)
    default: throw new Refusal('filter', `a filter on a ${field.sfType} field (${item.field} ${operation} ${raw})`)
  }
}

// Salesforce's filter criteria ignore case
function textFilter(sql: string, operation: string, values: string[], raw: string): string {
  const subject = `lower(COALESCE(${sql}, ''))`
  const list = values.map(v => `lower(${quoteLiteral(v)})`).join(', ')
  switch (operation) {
    case 'contains': return `(${values.map(v => `strpos(${subject}, lower(${quoteLiteral(v)})) > 0`).join(' OR ')})`
    case 'equals': return `${subject} IN (${list})`
    case 'notContain': return `NOT (${values.map(v => `strpos(${subject}, lower(${quoteLiteral(v)})) > 0`).join(' OR ')})`
    case 'notEqual': return `${subject} NOT IN (${list})`
    case 'startsWith': return `(${values.map(v => `starts_with(${subject}, lower(${quoteLiteral(v)}))`).join(' OR ')})`
    default: throw new Refusal('filter', `text filter ${operation} ${raw}`)
  }
}

function numberFilter(sql: string, operation: string, values: string[], raw: string): string {
  if (!values.every(v => /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v))) throw new Refusal('filter', `number filter ${operation} ${raw}`)
  const list = values.map(v => `${v}::numeric`).join(', ')
  if (operation === 'equals') return `${sql} IN (${list})`
  // a blank number is "not equal" to every value
  if (operation === 'notEqual') return `(${sql} IS NULL OR ${sql} NOT IN (${list}))`
  if (operation in ORDER && values.length === 1) return `${sql} ${ORDER[operation]} ${list}`
  throw new Refusal('filter', `number filter ${operation} ${raw}`)
}

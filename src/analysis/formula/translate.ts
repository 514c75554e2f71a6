import type {FormulaObject} from './schema.js'

import {quoteIdent} from '../../sql.js'
import {translateCall} from './functions.js'
import {binary} from './operators.js'
import {FormulaSyntaxError, type Node, parse} from './syntax.js'
import {Refusal, type RefusalReason, type SqlType, type Typed, want} from './typed.js'

// Salesforce formula → one SQL expression over the object's table (alias `t`) and LEFT JOINs to
// the tables its lookups lead to. Either the SQL computes what Salesforce computes, or the
// formula is refused with a reason; it is never approximated.

export type {RefusalReason} from './typed.js'

/** The field's own settings that change what the formula means. */
export interface FormulaSettings {
  /** `<type>` of the formula field: Text, Number, Currency, Percent, Checkbox, Date, DateTime */
  returnType: string
  /** `<formulaTreatBlanksAs>`: BlankAsZero (Salesforce's default for new fields) or BlankAsBlank */
  treatBlanksAs?: string
  /** `<scale>`: decimals of a number result */
  scale?: number
}

export interface Join {
  alias: string
  /** quoted, qualified table */
  table: string
  /** `<alias>.sfid = <from>.<lookup column>` */
  on: string
}

export type Translation =
  | {detail: string; ok: false; reason: RefusalReason}
  | {joins: Join[]; ok: true; sql: string; type: SqlType; volatile: boolean}

export const BASE_ALIAS = 't'
export const MAX_LOOKUP_DEPTH = 2

const RETURN_TYPES: Record<string, SqlType> = {
  checkbox: 'boolean', currency: 'number', date: 'date', datetime: 'datetime', number: 'number', percent: 'number', text: 'text',
}

/** `aliasPrefix` keeps the joins of several formulas in one view apart. */
export function translateFormula(formula: string, object: FormulaObject, settings: FormulaSettings, aliasPrefix = 'j'): Translation {
  const joins: Join[] = []
  let volatile = false
  const blankAsZero = (settings.treatBlanksAs ?? 'BlankAsZero').toLowerCase() === 'blankaszero'

  function field(path: string[]): Typed {
    if (path.some(p => p.startsWith('$'))) throw new Refusal('global', `${path.join('.')} is a global Salesforce value, not a column`)
    if (path.some(p => p.includes(':'))) throw new Refusal('polymorphic', `${path.join('.')} reads through a polymorphic lookup, which Connect stores as a bare id`)
    if (path.length - 1 > MAX_LOOKUP_DEPTH) throw new Refusal('lookup-depth', `${path.join('.')} goes ${path.length - 1} lookups deep; at most ${MAX_LOOKUP_DEPTH} are translated`)
    let target = object
    let alias = BASE_ALIAS
    for (const [i, relationship] of path.slice(0, -1).entries()) {
      const lookup = target.lookup(relationship)
      if (!lookup) throw new Refusal('unmapped', `${target.name} has no mapped lookup behind ${path.slice(0, i + 1).join('.')}`)
      const key = path.slice(0, i + 1).join('.').toLowerCase()
      let join = joins.find(j => j.alias === aliasFor(key))
      if (!join) {
        join = {alias: aliasFor(key), on: `${aliasFor(key)}.sfid = ${alias}.${quoteIdent(lookup.column)}`, table: lookup.object.table}
        joins.push(join)
      }

      alias = join.alias
      target = lookup.object
    }

    const name = path.at(-1)!
    const found = target.field(name)
    if (!found) throw new Refusal('unmapped', `${target.name}.${name} is not a mapped field`)
    if (!found.type) throw new Refusal('type', `${target.name}.${name} is a ${found.sfType} field, which is not translated`)
    const column = `${alias}.${quoteIdent(found.column)}`
    switch (found.type) {
      case 'boolean': return {sql: `COALESCE(${column}, FALSE)`, type: 'boolean'}
      case 'number': {
        const value = found.percent ? `(${column} / 100.0)` : column
        return {sql: blankAsZero ? `COALESCE(${value}, 0)` : value, type: 'number'}
      }

      default: return {sql: column, type: found.type}
    }
  }

  const aliasKeys: string[] = []
  function aliasFor(key: string): string {
    if (!aliasKeys.includes(key)) aliasKeys.push(key)
    return `${aliasPrefix}${aliasKeys.indexOf(key) + 1}`
  }

  function translate(node: Node): Typed {
    switch (node.kind) {
      case 'binary': return binary(node.op, translate(node.left), translate(node.right))
      case 'bool': return {sql: node.value ? 'TRUE' : 'FALSE', type: 'boolean'}
      case 'call': return translateCall(node.name, node.args, {markVolatile() { volatile = true }, translate})
      case 'field': return field(node.path)
      case 'negate': return {sql: `(- ${want(translate(node.operand), ['number'], 'unary -').sql})`, type: 'number'}
      case 'null': return {sql: 'NULL', type: 'null'}
      case 'number': return {sql: `${node.text}::numeric`, type: 'number'}
      case 'string': return {sql: `${quoteLiteralText(node.value)}::text`, type: 'text'}
    }
  }

  try {
    const result = translate(parse(formula))
    return {joins, ok: true, volatile, ...finish(result, settings)}
  } catch (error) {
    if (error instanceof Refusal) return {detail: error.message, ok: false, reason: error.reason}
    if (error instanceof FormulaSyntaxError) return {detail: error.message, ok: false, reason: 'syntax'}
    throw error
  }
}

/** Shape the value as the API returns the field, which is what Connect would have stored. */
function finish(result: Typed, settings: FormulaSettings): Typed {
  const declared = settings.returnType.toLowerCase()
  const type = RETURN_TYPES[declared]
  if (!type) throw new Refusal('type', `formulas returning ${settings.returnType} are not translated`)
  if (result.type !== type && result.type !== 'null') throw new Refusal('type', `the formula computes ${result.type} but the field returns ${settings.returnType}`)
  const scaled = (sql: string) => (settings.scale === undefined ? `(${sql})::numeric` : `round((${sql})::numeric, ${settings.scale})`)
  switch (declared) {
    // the API returns a blank text formula as null
    case 'text': return {sql: `NULLIF(${result.sql}, '')`, type}
    case 'checkbox': return {sql: `COALESCE(${result.sql}, FALSE)`, type}
    // a formula computes 0.5 for 50%; the API (and so Connect) holds 50
    case 'percent': return {sql: scaled(`${result.sql} * 100`), type}
    case 'number':
    case 'currency': return {sql: scaled(result.sql), type}
    case 'date': return {sql: `(${result.sql})::date`, type}
    default: return {sql: `(${result.sql})::timestamp`, type}
  }
}

function quoteLiteralText(value: string): string {
  if (value.includes('\0')) throw new Refusal('syntax', 'a text literal holds a NUL byte')
  return `'${value.replaceAll("'", "''")}'`
}

/** `FROM <table> t LEFT JOIN …` for a translation's joins. */
export function fromClause(object: FormulaObject, joins: Join[]): string {
  return [`FROM ${object.table} ${BASE_ALIAS}`, ...joins.map(j => `LEFT JOIN ${j.table} ${j.alias} ON ${j.on}`)].join(' ')
}

import {blankAsEmpty, Refusal, type Typed, want} from './typed.js'

// Binary operators with Salesforce's meaning. Where Postgres would raise an error for a single
// row (division by zero, a negative base to a fractional power) the value is NULL instead, as
// Salesforce shows #Error! for that record and the rest of the view keeps working.

const COMPARE: Record<string, string> = {'!=': '<>', '<': '<', '<=': '<=', '<>': '<>', '=': '=', '==': '=', '>': '>', '>=': '>='}

export function binary(op: string, left: Typed, right: Typed): Typed {
  if (op === '&&' || op === '||') {
    want(left, ['boolean'], op)
    want(right, ['boolean'], op)
    return {sql: `(${left.sql} ${op === '&&' ? 'AND' : 'OR'} ${right.sql})`, type: 'boolean'}
  }

  if (op in COMPARE) return compare(COMPARE[op], left, right)
  if (op === '&') return concat(left, right)
  if (op === '+' && left.type === 'text' && right.type === 'text') return concat(left, right)
  if (op === '+' || op === '-') return addOrSubtract(op, left, right)
  want(left, ['number'], op)
  want(right, ['number'], op)
  if (op === '*') return {sql: `(${left.sql} * ${right.sql})`, type: 'number'}
  if (op === '/') return {sql: `(${left.sql} / NULLIF(${right.sql}, 0))`, type: 'number'}
  return {sql: `(CASE WHEN ${left.sql} < 0 AND ${right.sql} <> trunc(${right.sql}) THEN NULL ELSE power(${left.sql}, ${right.sql}) END)`, type: 'number'}
}

function concat(left: Typed, right: Typed): Typed {
  want(left, ['text', 'null'], '&')
  want(right, ['text', 'null'], '&')
  // Salesforce joins a blank as ''; Postgres's || would make the whole value NULL
  return {sql: `(${blankAsEmpty(left)} || ${blankAsEmpty(right)})`, type: 'text'}
}

function compare(op: string, left: Typed, right: Typed): Typed {
  if (left.type === 'picklist' || right.type === 'picklist') throw new Refusal('type', 'a picklist is compared with ISPICKVAL() or CASE(), not an operator')
  if (left.type === 'null' || right.type === 'null') throw new Refusal('type', 'comparing with NULL is always blank in Salesforce; use ISBLANK()')
  if (left.type !== right.type) throw new Refusal('type', `${op} compares ${left.type} with ${right.type}`)
  if (left.type === 'text') {
    // text order depends on collation, which Salesforce and Postgres do not share
    if (op !== '=' && op !== '<>') throw new Refusal('type', `${op} on text is not translated: Postgres orders text by its own collation`)
    return {sql: `(${blankAsEmpty(left)} ${op} ${blankAsEmpty(right)})`, type: 'boolean'}
  }

  if (left.type === 'boolean' && op !== '=' && op !== '<>') throw new Refusal('type', `${op} on checkboxes`)
  // a comparison with a blank number or date is false, never blank
  return {sql: `COALESCE(${left.sql} ${op} ${right.sql}, FALSE)`, type: 'boolean'}
}

function addOrSubtract(op: '+' | '-', left: Typed, right: Typed): Typed {
  const types = `${left.type} ${op} ${right.type}`
  switch (types) {
    case 'date + number':
    case 'date - number': return {sql: `(${left.sql} ${op} trunc(${right.sql})::integer)`, type: 'date'}
    case 'date - date': return {sql: `((${left.sql} - ${right.sql})::numeric)`, type: 'number'}
    case 'datetime + number':
    case 'datetime - number': return {sql: `(${left.sql} ${op} ${right.sql} * interval '1 day')`, type: 'datetime'}
    case 'datetime - datetime': return {sql: `(extract(epoch FROM ${left.sql} - ${right.sql}) / 86400)`, type: 'number'}
    case 'number + date': return addOrSubtract('+', right, left)
    case 'number + datetime': return addOrSubtract('+', right, left)
    case 'number + number':
    case 'number - number': return {sql: `(${left.sql} ${op} ${right.sql})`, type: 'number'}
    default: throw new Refusal('type', `${types} is not arithmetic Salesforce allows`)
  }
}

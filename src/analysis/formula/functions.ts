import type {Node} from './syntax.js'

import {quoteLiteral} from '../../sql.js'
import {blankAsEmpty, isBlankSql, Refusal, type Typed, unify, want} from './typed.js'

// The functions of the subset, each with Salesforce's meaning spelled out in SQL. Anything not in
// this table is refused rather than approximated.

export interface CallContext {
  translate(node: Node): Typed
  /** the formula reads TODAY(): a materialized view of it goes stale at midnight */
  markVolatile(): void
}

type Translator = (args: Node[], ctx: CallContext) => Typed

const NUMBER_TEXT = String.raw`^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$`

function arity(name: string, args: Node[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`
    throw new Refusal('syntax', `${name} takes ${wanted} arguments, not ${args.length}`)
  }
}

const fn = (name: string, min: number, max: number, body: (args: Typed[], ctx: CallContext, nodes: Node[]) => Typed): [string, Translator] => [
  name,
  (nodes, ctx) => {
    arity(name, nodes, min, max)
    return body(nodes.map(n => ctx.translate(n)), ctx, nodes)
  },
]

const textFn = (name: string, sql: (x: string) => string): [string, Translator] =>
  fn(name, 1, 1, ([x]) => ({sql: sql(want(x, ['text', 'null'], name).sql), type: 'text'}))

/** LEFT/RIGHT: Postgres counts a negative length from the other end; Salesforce treats it as 0. */
const sideFn = (name: 'LEFT' | 'RIGHT'): [string, Translator] =>
  fn(name, 2, 2, ([x, n]) => {
    want(x, ['text', 'null'], name)
    want(n, ['number'], `${name}'s length`)
    return {sql: `${name.toLowerCase()}(${x.sql}, GREATEST(trunc(${n.sql}), 0)::integer)`, type: 'text'}
  })

function caseOf(nodes: Node[], ctx: CallContext): Typed {
  if (nodes.length < 4 || nodes.length % 2 !== 0) throw new Refusal('syntax', `CASE takes an expression, value/result pairs and an else result; got ${nodes.length} arguments`)
  const [subject, ...rest] = nodes.map(n => ctx.translate(n))
  want(subject, ['text', 'picklist', 'number', 'date'], 'CASE')
  const textual = subject.type === 'text' || subject.type === 'picklist'
  const key = textual ? blankAsEmpty(subject) : subject.sql
  const otherwise = rest.at(-1)!
  const pairs = []
  for (let i = 0; i + 1 < rest.length; i += 2) pairs.push({result: rest[i + 1], value: want(rest[i], textual ? ['text'] : [subject.type], 'a CASE value')})
  const type = unify([...pairs.map(p => p.result), otherwise], 'CASE')
  const whens = pairs.map(p => `WHEN ${textual ? blankAsEmpty(p.value) : p.value.sql} THEN ${p.result.sql}`).join(' ')
  return {sql: `(CASE ${key} ${whens} ELSE ${otherwise.sql} END)`, type}
}

function text([x]: Typed[]): Typed {
  switch (x.type) {
    // trim_scale: Salesforce prints 1.50 as "1.5" and 3.0 as "3"
    case 'number': return {sql: `trim_scale((${x.sql})::numeric)::text`, type: 'text'}
    case 'date': return {sql: `to_char(${x.sql}, 'YYYY-MM-DD')`, type: 'text'}
    // Connect stores date/times in UTC; Salesforce's TEXT() prints them in GMT with a Z
    case 'datetime': return {sql: `to_char(${x.sql}, 'YYYY-MM-DD HH24:MI:SS"Z"')`, type: 'text'}
    case 'picklist':
    case 'text': return {sql: x.sql, type: 'text'}
    default: throw new Refusal('type', `TEXT of ${x.type} is not translated`)
  }
}

const TRANSLATORS = new Map<string, Translator>([
  fn('AND', 1, Infinity, args => ({sql: `(${args.map(a => want(a, ['boolean'], 'AND').sql).join(' AND ')})`, type: 'boolean'})),
  fn('BLANKVALUE', 2, 2, ([x, fallback]) => {
    const type = unify([x, fallback], 'BLANKVALUE')
    return {sql: `(CASE WHEN ${isBlankSql(x)} THEN ${fallback.sql} ELSE ${x.sql} END)`, type}
  }),
  ['CASE', caseOf],
  fn('IF', 3, 3, ([condition, then, otherwise]) => {
    want(condition, ['boolean'], 'IF')
    return {sql: `(CASE WHEN ${condition.sql} THEN ${then.sql} ELSE ${otherwise.sql} END)`, type: unify([then, otherwise], 'IF')}
  }),
  fn('ISBLANK', 1, 1, ([x]) => ({sql: isBlankSql(x), type: 'boolean'})),
  // Salesforce: "text fields are never null", so ISNULL of text is always false
  fn('ISNULL', 1, 1, ([x]) => ({sql: x.type === 'text' ? 'FALSE' : `(${x.sql} IS NULL)`, type: 'boolean'})),
  fn('ISPICKVAL', 2, 2, ([p, value], _ctx, nodes) => {
    want(p, ['picklist'], 'ISPICKVAL')
    if (nodes[1].kind !== 'string') throw new Refusal('type', 'ISPICKVAL compares with a text literal')
    return {sql: `(${blankAsEmpty(p)} = ${value.sql})`, type: 'boolean'}
  }),
  sideFn('LEFT'),
  fn('LEN', 1, 1, ([x]) => ({sql: `COALESCE(length(${want(x, ['text', 'null'], 'LEN').sql}), 0)::numeric`, type: 'number'})),
  textFn('LOWER', x => `lower(${x})`),
  fn('NOT', 1, 1, ([x]) => ({sql: `(NOT ${want(x, ['boolean'], 'NOT').sql})`, type: 'boolean'})),
  // Salesforce: NULLVALUE never replaces a text value, which is "never null"; use BLANKVALUE
  fn('NULLVALUE', 2, 2, ([x, fallback]) => {
    const type = unify([x, fallback], 'NULLVALUE')
    return x.type === 'text' ? {sql: x.sql, type} : {sql: `COALESCE(${x.sql}, ${fallback.sql})`, type}
  }),
  fn('OR', 1, Infinity, args => ({sql: `(${args.map(a => want(a, ['boolean'], 'OR').sql).join(' OR ')})`, type: 'boolean'})),
  sideFn('RIGHT'),
  fn('TEXT', 1, 1, text),
  fn('TODAY', 0, 0, (_args, ctx) => {
    ctx.markVolatile()
    return {sql: 'CURRENT_DATE', type: 'date'}
  }),
  textFn('UPPER', x => `upper(${x})`),
  // Salesforce gives #Error! for text that is not a number; a bare cast would fail the whole view
  fn('VALUE', 1, 1, ([x]) => {
    want(x, ['text'], 'VALUE')
    return {sql: `(CASE WHEN ${x.sql} ~ ${quoteLiteral(NUMBER_TEXT)} THEN trim(${x.sql})::numeric END)`, type: 'number'}
  }),
])

export function translateCall(name: string, args: Node[], ctx: CallContext): Typed {
  const translator = TRANSLATORS.get(name)
  if (!translator) throw new Refusal('unsupported-function', `${name}() is outside the translated subset`)
  return translator(args, ctx)
}

export const SUPPORTED_FUNCTIONS = [...TRANSLATORS.keys()].sort()

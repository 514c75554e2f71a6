import type {ValueType} from './schema.js'

// A translated sub-expression, and the refusal that stops a translation. Shared by the
// operator and function translators.

export type SqlType = 'null' | ValueType

export interface Typed {
  sql: string
  type: SqlType
}

export type RefusalReason =
  | 'filter' // a roll-up filter item the subset does not translate
  | 'global' // $User, $Label, $Setup, … : not in Postgres
  | 'lookup-depth' // more than two lookups deep
  | 'polymorphic' // Owner:User.Name, What:Account.Name: a lookup to one of several objects
  | 'syntax' // the parser could not read it
  | 'type' // a type the subset does not translate faithfully
  | 'unmapped' // a field or lookup the mapping does not hold
  | 'unsupported-function' // outside the subset

export class Refusal extends Error {
  constructor(readonly reason: RefusalReason, message: string) {
    super(message)
  }
}

export const isText = (t: SqlType) => t === 'text'

/** A text value where Salesforce's blank (null or '') reads as ''. */
export function blankAsEmpty(e: Typed): string {
  if (e.type === 'null') return `''`
  // a text literal is never NULL
  return /^'(?:[^']|'')*'::text$/.test(e.sql) ? e.sql : `COALESCE(${e.sql}, '')`
}

/** Salesforce treats '' and null alike for text; Postgres rows can hold either. */
export function isBlankSql(e: Typed): string {
  if (e.type === 'null') return 'TRUE'
  return e.type === 'text' || e.type === 'picklist' ? `(${e.sql} IS NULL OR ${e.sql} = '')` : `(${e.sql} IS NULL)`
}

export function want(e: Typed, types: SqlType[], what: string): Typed {
  if (!types.includes(e.type)) throw new Refusal('type', `${what} takes ${types.filter(t => t !== 'null').join(' or ')}, not ${e.type}`)
  return e
}

/** The one type two branches share (IF, CASE, BLANKVALUE); NULL fits any. */
export function unify(items: Typed[], what: string): SqlType {
  const types = new Set(items.map(i => i.type).filter(t => t !== 'null'))
  if (types.has('picklist')) throw new Refusal('type', `${what} cannot return a picklist value; wrap it in TEXT()`)
  if (types.size > 1) throw new Refusal('type', `${what} mixes ${[...types].join(' and ')}`)
  return types.values().next().value ?? 'null'
}

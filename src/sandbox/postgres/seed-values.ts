import {quoteLiteral} from '../../sql.js'
import type {OrgSpec, SfFieldSpec} from '../model.js'
import type {ColumnSpec} from './field-types.js'
import {sfidSql} from './org-store.js'

// Deterministic, plausible values for record number `n` (a SQL expression), per field type. The
// mapped table, the org store (for the fields the mapping leaves out) and the seeded log all use
// the same expressions, so record n is the same record wherever it appears.

export interface SeedWorld {
  org: OrgSpec
  /** seeded records per object API name (lowercase) */
  rows: Map<string, number>
}

const PICKLIST = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis']
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie']

const pick = (list: string[], n: string) => `(${arrayLiteral(list)})[((${n})::bigint % ${list.length})::integer + 1]`
const arrayLiteral = (list: string[]) => `ARRAY[${list.map((v) => quoteLiteral(v)).join(', ')}]::text[]`

/**
 * Unique per record and stable across runs, shaped like the v4 UUID an app would generate.
 * md5 or gen_random_uuid cost several times more per row, and so does a ::uuid cast: the groups
 * come from a 64-bit hash for looks, the last one from a bijective mix of the record number
 * (valid below 2^28 records) for uniqueness.
 */
function uniqueText(object: string, n: string): string {
  const h = `hashint8extended(${n}, ${saltOf(object)})`
  return `concat_ws('-', to_hex((${h} & 2147483647) | 2147483648), to_hex(((${h} >> 31) & 32767) | 32768), ` +
    `to_hex(((${h} >> 46) & 4095) | 16384), to_hex(((${h} >> 20) & 16383) | 32768), ` +
    `to_hex(((((${h} >> 8) & 14) + 1) << 44) | ((${n}) * 25214903917 % 1099511627776)))`
}

/** A unique value that survives the column's length: a cut UUID would lose the part that makes it unique. */
function uniqueForLength(object: string, n: string, length: number): string {
  if (length >= 36) return uniqueText(object, n)
  if (length >= 12) return `to_hex(((${n}) * 25214903917 % 1099511627776) | 17592186044416)`
  return `(${n})::text`
}

function saltOf(object: string): number {
  let hash = 7
  for (const char of object) hash = (hash * 31 + char.codePointAt(0)!) % 1_000_003
  return hash
}

function textFor(object: string, field: SfFieldSpec, n: string): string {
  const name = field.name.toLowerCase()
  if (name === 'firstname') return pick(FIRST_NAMES, n)
  if (name === 'lastname') return `${pick(LAST_NAMES, `(${n}) / 10`)} || ' ' || (${n})::text`
  if (name === 'name') return `${quoteLiteral(`${object} `)} || (${n})::text`
  return `${quoteLiteral(`${field.label ?? field.name} `)} || (${n})::text`
}

/** A reference points at a seeded parent record, or at one of the org's users. */
function referenceFor(field: SfFieldSpec, n: string, world: SeedWorld): string {
  const target = field.referenceTo?.[0]
  if (!target) return 'NULL'
  const parents = world.rows.get(target.toLowerCase()) ?? 0
  if (parents > 0) return sfidSql(target, `((${n}) % ${parents}) + 1`)
  if (target === 'User' && world.org.users.length > 0) return pick(world.org.users.map((u) => u.id), n)
  return 'NULL'
}

export function valueSql(object: string, column: ColumnSpec, rowNumber: string, world: SeedWorld): string {
  const {field, pgType} = column
  const n = `(${rowNumber})::bigint` // products below overflow integer long before a million rows
  const unique = field.externalId || field.unique
  const cast = (expr: string) => `(${expr})::${pgType}`
  switch (column.column) {
    case 'sfid': return sfidSql(object, n)
    case 'createddate': return `timestamp '2023-01-01 08:00:00' + (${n}) * interval '7 seconds'`
    case 'systemmodstamp': return `timestamp '2024-03-01 08:00:00' + (${n}) * interval '3 seconds'`
    case 'isdeleted': return 'false'
  }

  switch (field.type) {
    case 'boolean': return `(${n}) % 3 = 0`
    case 'currency':
    case 'double':
    case 'percent': return unique ? `(${n})::double precision` : `((${n}) * 7919 % 1000000)::double precision / 100`
    case 'int': return unique ? `(${n})::integer` : `((${n}) * 37 % 5000)::integer`
    case 'date': return `date '2020-01-01' + ((${n}) % 2000)::integer`
    case 'datetime': return `timestamp '2022-06-01 09:00:00' + ((${n}) % 40000000) * interval '1 second'`
    case 'time': return `time '08:00' + ((${n}) % 600) * interval '1 minute'`
    case 'email': return cast(`'user' || (${n})::text || '@example.com'`)
    case 'phone': return cast(`'+1 415 555 ' || (1000 + (${n}) % 9000)::text`)
    case 'url': return cast(`'https://example.com/' || (${n})::text`)
    case 'picklist':
    case 'combobox': return cast(pick(PICKLIST, n))
    case 'multipicklist': return cast(`${pick(PICKLIST, n)} || ';' || ${pick(PICKLIST, `(${n}) + 2`)}`)
    case 'id':
    case 'reference': return referenceFor(field, n, world)
    case 'encryptedstring': return cast(`'secret-' || (${n})::text`)
    default: return cast(unique ? uniqueForLength(object, n, field.length ?? 255) : textFor(object, field, n))
  }
}

const SYSTEM_COLUMNS = new Set(['createddate', 'isdeleted', 'sfid', 'systemmodstamp'])

/**
 * What an app edit looks like: a new value guaranteed to differ from valueSql's for the same
 * record, typed like the column. Only fields an app would edit; undefined for the rest.
 */
export function editedValueSql(object: string, column: ColumnSpec, n: string, world: SeedWorld): string | undefined {
  const {field, pgType} = column
  if (SYSTEM_COLUMNS.has(column.column) || field.formula !== undefined || field.rollup || field.externalId || field.unique || field.updateable === false) {
    return undefined
  }

  const original = valueSql(object, column, n, world)
  switch (field.type) {
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
    case 'encryptedstring': return `('~' || ${original})::${pgType}`
    case 'boolean': return `NOT (${original})`
    case 'currency':
    case 'double':
    case 'percent':
    case 'int':
    case 'date': return `(${original}) + 1`
    case 'datetime': return `(${original}) + interval '1 hour'`
    default: return undefined
  }
}

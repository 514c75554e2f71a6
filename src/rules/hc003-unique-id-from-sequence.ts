import type {PostgresFacts} from '../snapshot/types.js'
import type {Rule, RuleHit} from './types.js'

import {sequenceOwnedBy, sqlIdent, sqlName} from '../analysis/connect-objects.js'

const SEQUENCE = /\b(nextval|currval|lastval)\s*\(/i
const RANDOM_UUID = /\b(gen_random_uuid|uuid_generate_v[14]\w*|uuidv[47])\s*\(/i
// a reference to Connect's `id` column (a generated column's expression), outside string literals
const ID_COLUMN = /(^|[^\w."$])"?id"?($|[^\w"(])/

function columnDefault(postgres: PostgresFacts, table: string, column: string): null | string | undefined {
  const ids = postgres.uniqueIds.find(u => u.table === table && u.column === column)
  if (ids) return ids.exists ? ids.default : undefined
  return postgres.relations.find(r => r.name === table && r.kind !== 'S')?.columns.find(c => c.name === column)?.default
}

/** Does the default draw from the serial sequence behind Connect's `<table>.id` (its name may be cut at 63 bytes)? */
function usesConnectIdSequence(postgres: PostgresFacts, expr: string, table: string): boolean {
  // currval(pg_get_serial_sequence('<table>', 'id')) copies the id the same insert just drew
  if (/pg_get_serial_sequence\s*\([^)]*,\s*'id'(::text)?\s*\)/i.test(expr)) return true
  const name = expr.match(/(?:nextval|currval)\('(?:[^'.]*\.)?"?([^'"]+)"?'/i)?.[1]
  return name === `${table}_id_seq` || postgres.relations.some(r => r.name === name && sequenceOwnedBy(r, postgres.schema, table, 'id'))
}

/**
 * What is wrong with the default, or null. Only a default that makes values repeat is a problem:
 * a sequence, or Connect's own `id`. A column with no default is fine where the app sets the
 * identifier at INSERT, as the practice advises; rows that really lack it are HC002's NULLs.
 */
function problem(postgres: PostgresFacts, expr: null | string, table: string): null | {message: string} {
  if (expr === null || RANDOM_UUID.test(expr)) return null
  const connectId = usesConnectIdSequence(postgres, expr, table) || ID_COLUMN.test(expr.replaceAll(/'(?:[^']|'')*'/g, "''"))
  if (connectId) return {message: `is derived from Connect's id column (${expr}): id is renumbered when the table is reloaded or the configuration imported into another database, so identifiers repeat`}
  if (SEQUENCE.test(expr)) return {message: `defaults to a sequence (${expr}): sequence values restart and repeat across databases, so they are not unique identifiers`}
  return null
}

export const hc003: Rule = {
  check(snapshot) {
    const {mappings, schema} = snapshot.connection!
    return mappings.filter(mapping => mapping.access === 'read_write' && mapping.upsertField).flatMap((mapping): RuleHit[] => {
      const column = mapping.upsertField!.toLowerCase()
      const expr = columnDefault(snapshot.postgres!, mapping.table, column)
      const found = expr === undefined ? null : problem(snapshot.postgres!, expr, mapping.table)
      if (!found) return []
      return [{
        field: mapping.upsertField,
        fix: `ALTER TABLE ${sqlName(schema, mapping.table)} ALTER COLUMN ${sqlIdent(column)} SET DEFAULT gen_random_uuid()::text`,
        message: `unique identifier ${schema}.${mapping.table}.${column} ${found.message}`,
        object: mapping.object,
        table: `${schema}.${mapping.table}`,
      }]
    })
  },
  id: 'HC003',
  name: 'unique-id-from-sequence',
  needs: ['connect', 'postgres'],
  practice: 1,
  remedy: 'Give the column a random UUID default, `ALTER TABLE … ALTER COLUMN … SET DEFAULT gen_random_uuid()::text`, so every row gets a value that is unique everywhere at the moment it is inserted. Values already written stay as they are: an identifier must never change once Salesforce has it.',
  severity: 'error',
  summary: 'unique identifier defaulted from a sequence or from Connect\'s `id`',
  why: 'The unique identifier is an alias for the Salesforce Id: it must never repeat. Sequences restart and collide when the configuration is imported into another database, and Connect\'s `id` is renumbered by every reload, so such values end up matching the wrong record. A column without a default is not reported: the app may set the identifier at INSERT, as the practice advises; rows that really lack one are reported by HC002.',
}

import type {MappingFacts, PostgresFacts, SfFieldFacts, Snapshot, UniqueIdFacts} from '../snapshot/types.js'

import {sequenceOwnedBy} from './connect-objects.js'
import {describedObject, findField} from './salesforce-fields.js'

// Whether a read-write mapping has a sound unique identifier, judged once for the audit (HC001,
// HC002, HC003) and for connect:external-ids, which fixes what these find. Pure functions only.

const SEQUENCE = /\b(nextval|currval|lastval)\s*\(/i
const RANDOM_UUID = /\b(gen_random_uuid|uuid_generate_v[14]\w*|uuidv[47])\s*\(/i
// a reference to Connect's `id` column (a generated column's expression), outside string literals
const ID_COLUMN = /(^|[^\w."$])"?id"?($|[^\w"(])/

export function isReadWrite(mapping: MappingFacts): boolean {
  return mapping.access === 'read_write'
}

/** HC001: a read-write mapping with no unique identifier at all. */
export function lacksUniqueId(mapping: MappingFacts): boolean {
  return isReadWrite(mapping) && !mapping.upsertField
}

/** The counted NULLs and duplicates of the identifier column, when the column exists. */
export function identifierCounts(postgres: PostgresFacts, mapping: MappingFacts): UniqueIdFacts | undefined {
  const column = mapping.upsertField?.toLowerCase()
  return column ? postgres.uniqueIds.find(u => u.table === mapping.table && u.column === column && u.exists) : undefined
}

/** HC002: the Salesforce field's missing flags (External ID, Unique); empty when sound or not described. */
export function missingFieldFlags(field: SfFieldFacts | undefined): Array<'External ID' | 'Unique'> {
  if (!field) return []
  return [field.externalId ? null : 'External ID' as const, field.unique ? null : 'Unique' as const].filter(f => f !== null)
}

/** The described Salesforce field behind the mapping's identifier (or the one named), if described. */
export function identifierField(snapshot: Snapshot, mapping: MappingFacts, name = mapping.upsertField): SfFieldFacts | undefined {
  const salesforce = snapshot.sources.salesforce.ok ? snapshot.salesforce : null
  const described = salesforce && name ? describedObject(salesforce, mapping.object) : null
  return described ? findField(described, name!) : undefined
}

/** The column's default; undefined when the column does not exist. */
export function identifierDefault(postgres: PostgresFacts, table: string, column: string): null | string | undefined {
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
 * HC003: what is wrong with the default, or null. Only a default that makes values repeat is a
 * problem: a sequence, or Connect's own `id`. A column with no default is fine where the app sets
 * the identifier at INSERT, as the practice advises; rows that really lack it are HC002's NULLs.
 */
export function badDefault(postgres: PostgresFacts, expr: null | string | undefined, table: string): null | {kind: 'connect-id' | 'sequence'; message: string} {
  if (expr === null || expr === undefined || RANDOM_UUID.test(expr)) return null
  const connectId = usesConnectIdSequence(postgres, expr, table) || ID_COLUMN.test(expr.replaceAll(/'(?:[^']|'')*'/g, "''"))
  if (connectId) return {kind: 'connect-id', message: `is derived from Connect's id column (${expr}): id is renumbered when the table is reloaded or the configuration imported into another database, so identifiers repeat`}
  if (SEQUENCE.test(expr)) return {kind: 'sequence', message: `defaults to a sequence (${expr}): sequence values restart and repeat across databases, so they are not unique identifiers`}
  return null
}

/** Is the default a random UUID generated at insert (what connect:external-ids sets)? */
export function isRandomUuidDefault(expr: null | string | undefined): boolean {
  return typeof expr === 'string' && RANDOM_UUID.test(expr)
}

/** Everything HC001, HC002 and HC003 would report about one mapping's identifier. */
export interface IdentifierJudgement {
  /** HC001 */
  missing: boolean
  /** HC002 (Postgres) */
  nulls: number
  duplicates: number
  /** the NULL and duplicate count did not finish within its scan budget: unknown, not zero */
  countsUnknown: boolean
  /** HC002 (Salesforce) */
  missingFlags: Array<'External ID' | 'Unique'>
  /** HC003 */
  badDefault: null | {kind: 'connect-id' | 'sequence'; message: string}
}

export function judgeIdentifier(snapshot: Snapshot, mapping: MappingFacts): IdentifierJudgement {
  const postgres = snapshot.sources.postgres.ok ? snapshot.postgres : null
  if (lacksUniqueId(mapping)) return {badDefault: null, countsUnknown: false, duplicates: 0, missing: true, missingFlags: [], nulls: 0}
  const column = mapping.upsertField!.toLowerCase()
  const counts = postgres ? identifierCounts(postgres, mapping) : undefined
  return {
    badDefault: postgres ? badDefault(postgres, identifierDefault(postgres, mapping.table, column), mapping.table) : null,
    countsUnknown: !postgres || Boolean(counts?.unfinished),
    duplicates: counts?.duplicates ?? 0,
    missing: false,
    missingFlags: missingFieldFlags(identifierField(snapshot, mapping)),
    nulls: counts?.nulls ?? 0,
  }
}

/** Does the audit find anything wrong with this read-write mapping's identifier (or could it not tell)? */
export function needsIdentifierFix(judgement: IdentifierJudgement): boolean {
  return judgement.missing || judgement.countsUnknown || judgement.nulls > 0 || judgement.duplicates > 0 || judgement.missingFlags.length > 0 || judgement.badDefault !== null
}

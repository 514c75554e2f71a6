import {type NamePiece, MAX_IDENTIFIER_BYTES, truncateIdentifier, utf8Bytes as bytes} from '../sql.js'
import type {ColumnFacts, FunctionFacts, IndexFacts, RelationFacts, Snapshot, TriggerFacts} from '../snapshot/types.js'

// Which objects in the Connect schema did Heroku Connect create? (reference/heroku-connect-db.md
// §1-§3). Rules that hunt for the user's own objects (HC020), check Connect's objects (HC075) or
// look for dependencies on them (HC040, HC041) share this one classifier, so Connect's objects
// are never reported as the user's, whatever the schema is called.
//
// Names are built from the mapped table name (`hc_<t>_logger`, `hcu_idx_<t>_<column>`, …), and
// Postgres keeps only 63 bytes of an identifier. A long name therefore shows up either cut at 63
// bytes (at a character boundary), or with its variable parts shortened and the suffix kept, maybe
// numbered (how Postgres names its own objects, e.g. `<t>_pkey`, `<t>_id_seq`). Indexes are also
// checked by their columns, so a user index that merely looks like `hc_idx_…` is still the user's.
// The documented layout of `_trigger_log` / `_trigger_log_archive` lives here too (HC075).


/** Connect's own tables, in every Connect schema. */
export const SYSTEM_TABLES = ['_trigger_log', '_trigger_log_archive', '_hcmeta', '_sf_event_log'] as const

/**
 * Tables of the 2014 layout (Cloudconnect, "c5"): `_trigger_last_id` and `c5_versions` beside a
 * `_trigger_log` with `_c5_source`. Connect made them, so they are never the user's; HC078 reports
 * the layout itself.
 */
const LEGACY_TABLES = new Set(['_trigger_last_id', 'c5_versions'])

/** Is this `_trigger_log` the legacy (pre-2015) layout rather than one damaged by hand? */
export function isLegacyTriggerLog(columns: ColumnFacts[] | null): boolean {
  if (!columns) return false
  const names = new Set(columns.map(c => c.name))
  return names.has('_c5_source') || (!names.has('txid') && !names.has('processed_at') && names.has('table_name') && names.has('record_id'))
}

/** Connect's schema-wide functions (`get_xmlbinary` normally lives in `public`). */
const SHARED_FUNCTIONS = new Set(['get_xmlbinary', 'hc_capture_insert_from_row', 'hc_capture_update_from_row', 'tlog_notify_trigger'])

/** System tables with a serial `id` (and so an owned `<t>_id_seq`); the archive keeps its rows' ids. */
const SERIAL_SYSTEM_TABLES = new Set(['_hcmeta', '_sf_event_log', '_trigger_log'])

/** Index name prefixes Connect uses on its system tables (besides `<t>_pkey`). */
const SYSTEM_INDEX_PREFIXES: Record<string, string[]> = {
  _hcmeta: [],
  _sf_event_log: ['idx__sf_event_log_'],
  _trigger_log: ['_trigger_log_idx_', 'idx__trigger_log_'],
  _trigger_log_archive: ['_trigger_log_archive_idx_'],
}

/** Is `actual` the name Postgres ends up with for `pieces` (exact, cut at 63 bytes, or shortened)? */
export function matchesConnectName(actual: string, pieces: NamePiece[]): boolean {
  const full = pieces.map(p => (typeof p === 'string' ? p : p.part)).join('')
  if (actual === full) return true
  if (bytes(full) <= MAX_IDENTIFIER_BYTES) return false
  if (actual === truncateIdentifier(full)) return true
  // shortened parts keep the name close to the limit (a cut character costs at most 3 bytes a part)
  const parts = pieces.filter(p => typeof p !== 'string').length
  if (bytes(actual) > MAX_IDENTIFIER_BYTES || bytes(actual) < MAX_IDENTIFIER_BYTES - 3 * parts - 3) return false
  const core = actual.replace(/\d+$/, '')
  return fitsShortened(core, pieces) || (core !== actual && fitsShortened(actual, pieces))
}

function fitsShortened(rest: string, pieces: NamePiece[]): boolean {
  if (pieces.length === 0) return rest === ''
  const [head, ...tail] = pieces
  if (typeof head === 'string') return rest.startsWith(head) && fitsShortened(rest.slice(head.length), tail)
  const chars = [...head.part]
  for (let n = chars.length; n >= 1; n--) {
    const prefix = chars.slice(0, n).join('')
    if (rest.startsWith(prefix) && fitsShortened(rest.slice(prefix.length), tail)) return true
  }

  return false
}

export type ConnectTriggerRole = 'log' | 'notify' | 'status'

export class ConnectObjects {
  readonly mapped: ReadonlySet<string>

  constructor(readonly schema: string, mappedTables: Iterable<string>, private readonly relations: readonly RelationFacts[] = []) {
    this.mapped = new Set([...mappedTables].map(t => truncateIdentifier(t)))
  }

  isMappedTable(name: string): boolean {
    return this.mapped.has(name)
  }

  isSystemTable(name: string): boolean {
    return (SYSTEM_TABLES as readonly string[]).includes(name)
  }

  /** A mapped table or one of Connect's system tables. */
  isConnectTable(name: string): boolean {
    return this.isMappedTable(name) || this.isSystemTable(name)
  }

  /** A table of the legacy layout, next to a legacy `_trigger_log`. */
  isLegacyTable(name: string): boolean {
    return LEGACY_TABLES.has(name) && isLegacyTriggerLog(this.relations.find(r => r.name === '_trigger_log' && r.kind === 'r')?.columns ?? null)
  }

  /** A table, view, sequence, … of the Connect schema that Connect created. */
  isConnectRelation(relation: RelationFacts): boolean {
    if (relation.kind === 'r' || relation.kind === 'p') return this.isConnectTable(relation.name) || this.isLegacyTable(relation.name)
    if (relation.kind === 'S') return this.isConnectSequence(relation)
    return false
  }

  /** The serial sequence of a Connect table's `id`: owned by it, or (when owned by nothing) used by its default or named for it. */
  isConnectSequence(sequence: RelationFacts): boolean {
    const serialTables = [...this.mapped, ...SERIAL_SYSTEM_TABLES]
    if (sequence.ownedBy) return serialTables.some(table => sequenceOwnedBy(sequence, this.schema, table, 'id'))
    return serialTables.some(table => {
      const id = this.relations.find(r => r.name === table && (r.kind === 'r' || r.kind === 'p'))?.columns.find(c => c.name === 'id')
      if (id?.default && sequenceNamesIn(id.default).includes(sequence.name)) return true
      return matchesConnectName(sequence.name, [{part: table}, '_', {part: 'id'}, '_seq'])
    })
  }

  isConnectFunction(fn: FunctionFacts): boolean {
    if (SHARED_FUNCTIONS.has(fn.name)) return true
    return fn.signature.trim() === '' && [...this.mapped].some(t => this.isTableFunction(fn.name, t))
  }

  /** `hc_<t>_logger` or `hc_<t>_status`, the trigger functions of mapped table `table`. */
  isTableFunction(name: string, table: string): boolean {
    return matchesConnectName(name, ['hc_', {part: table}, '_logger']) || matchesConnectName(name, ['hc_', {part: table}, '_status'])
  }

  /** Which of Connect's triggers this is on `table`, or null when Connect did not create it. */
  connectTriggerRole(table: string, trigger: TriggerFacts): ConnectTriggerRole | null {
    if (trigger.functionSchema !== this.schema) return null
    if (table === '_trigger_log') return trigger.name === 'tlog_insert_trigger' && trigger.functionName === 'tlog_notify_trigger' ? 'notify' : null
    if (!this.isMappedTable(table) || !this.isTableFunction(trigger.functionName, table)) return null
    const log = matchesConnectName(trigger.name, ['hc_', {part: table}, '_logtrigger'])
    const status = matchesConnectName(trigger.name, ['hc_', {part: table}, '_status_trigger'])
    if (log && status) return tieBreakRole(table, trigger)
    return log ? 'log' : status ? 'status' : null
  }

  isConnectTrigger(table: string, trigger: TriggerFacts): boolean {
    return this.connectTriggerRole(table, trigger) !== null
  }

  /** `<t>_pkey`, `hcu_idx_<t>_<column>` (unique) or `hc_idx_<t>_<column>`: single-column btree, named for its column. */
  isConnectIndex(table: string, index: IndexFacts): boolean {
    if (this.isSystemTable(table)) {
      // Connect's own indexes here include multi-column and partial ones
      return SYSTEM_INDEX_PREFIXES[table].some(prefix => index.name.startsWith(prefix)) || (index.name === `${table}_pkey` && index.unique)
    }

    if (!this.isMappedTable(table) || !plainBtree(index)) return false
    if (index.unique && index.columns[0] === 'id' && matchesConnectName(index.name, [{part: table}, '_pkey'])) return true
    const prefix = index.unique ? 'hcu_idx_' : 'hc_idx_'
    // the legacy layout named them `<t>_idx_<column>`
    return matchesConnectName(index.name, [prefix, {part: table}, '_', {part: index.columns[0]}])
      || matchesConnectName(index.name, [{part: table}, '_idx_', {part: index.columns[0]}])
  }
}

/**
 * A name cut at 63 bytes can fit both trigger patterns. Connect's log trigger fires AFTER and its
 * status trigger BEFORE, which the definition always shows; the function's visible suffix decides
 * when no definition was collected.
 */
function tieBreakRole(table: string, trigger: TriggerFacts): ConnectTriggerRole {
  if (/\bAFTER\b/i.test(trigger.definition)) return 'log'
  if (/\bBEFORE\b/i.test(trigger.definition)) return 'status'
  if (trigger.functionName.endsWith('_logger')) return 'log'
  return matchesConnectName(trigger.functionName, ['hc_', {part: table}, '_status']) ? 'status' : 'log'
}

/** A single-column btree index on the column itself: no expression, operator class or predicate (per its definition, when known). */
function plainBtree(index: IndexFacts): boolean {
  if (index.columns.length !== 1) return false
  if (!index.definition) return true
  const key = /\sUSING\s+btree\s+\((.*)\)$/i.exec(index.definition.trim())?.[1]?.replace(/\s+COLLATE\s+\S+$/i, '')
  const column = index.columns[0]
  return key === column || key === `"${column.replaceAll('"', '""')}"`
}

/**
 * Is the sequence owned by a column of `table` in `schema` (by `column`, when given)? The owner may be written `contact.id`,
 * `salesforce.contact.id` or with quoted parts (`"we""ird".id`); a raw name such as `we"ird.id` is
 * read both ways.
 */
export function sequenceOwnedBy(sequence: RelationFacts, schema: string, table: string, column?: string): boolean {
  if (sequence.kind !== 'S' || !sequence.ownedBy) return false
  const raw = sequence.ownedBy
  const dot = raw.lastIndexOf('.')
  const readings = [splitQualified(raw), dot > 0 ? [raw.slice(0, dot), raw.slice(dot + 1)] : []]
  return readings.some(parts => parts.length >= 2 && (column === undefined || parts.at(-1) === column) && parts.at(-2) === table
    && (parts.length === 2 || parts.at(-3) === schema))
}

/** Splits a dotted name, honouring double quotes; an unquoted name that has no quotes is taken as is. */
function splitQualified(text: string): string[] {
  const out: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '"') {
      if (quoted && text[i + 1] === '"') {
        current += '"'
        i++
      } else quoted = !quoted
    } else if (char === '.' && !quoted) {
      out.push(current)
      current = ''
    } else current += char
  }

  out.push(current)
  return out
}

/** Sequence names in a column default such as `nextval('salesforce.contact_id_seq'::regclass)`. */
function sequenceNamesIn(defaultExpr: string): string[] {
  return [...defaultExpr.matchAll(/nextval\('((?:[^']|'')*)'/g)].map(m => splitQualified(m[1].replaceAll("''", "'")).at(-1)!)
}

/** Does the relation look like a mapped table (an `sfid` column and Connect's sfid index or triggers)? */
export function looksLikeMappedTable(relation: RelationFacts): boolean {
  if ((relation.kind !== 'r' && relation.kind !== 'p') || (SYSTEM_TABLES as readonly string[]).includes(relation.name)) return false
  if (!relation.columns.some(c => c.name === 'sfid')) return false
  const t = relation.name
  return relation.indexes.some(i => i.unique && i.columns.length === 1 && i.columns[0] === 'sfid' && matchesConnectName(i.name, ['hcu_idx_', {part: t}, '_sfid']))
    || relation.triggers.some(tr => matchesConnectName(tr.name, ['hc_', {part: t}, '_logtrigger']) || matchesConnectName(tr.name, ['hc_', {part: t}, '_status_trigger']))
}

/** The mapped tables: the connection's mappings, or (without a connection) the tables that look mapped. */
export function mappedTableNames(snapshot: Snapshot): {from: 'catalog' | 'connect'; tables: string[]} {
  if (snapshot.connection) return {from: 'connect', tables: snapshot.connection.mappings.map(m => truncateIdentifier(m.table))}
  return {from: 'catalog', tables: (snapshot.postgres?.relations ?? []).filter(r => looksLikeMappedTable(r)).map(r => r.name)}
}

/** The classifier for a snapshot with Postgres facts. */
export function connectObjectsOf(snapshot: Snapshot): ConnectObjects {
  const pg = snapshot.postgres
  if (!pg) throw new Error('connectObjectsOf needs the Postgres facts')
  return new ConnectObjects(pg.schema, mappedTableNames(snapshot).tables, pg.relations)
}

/** The mapping whose table is `table`, if the connection is known. */
export function mappingOf(snapshot: Snapshot, table: string): null | string {
  return snapshot.connection?.mappings.find(m => truncateIdentifier(m.table) === table)?.object ?? null
}

/** `-a APP` for the commands in fixes. */
export function appFlag(snapshot: Snapshot): string {
  return `-a ${snapshot.app ?? 'APP'}`
}

// ---- the trigger log's layout ----

/** `_trigger_log` and `_trigger_log_archive`, column by column (reference/heroku-connect-db.md §1.2). */
export const TRIGGER_LOG_LAYOUT: ReadonlyArray<readonly [string, string]> = [
  ['id', 'integer'], ['txid', 'bigint'], ['created_at', 'timestamp with time zone'], ['updated_at', 'timestamp with time zone'],
  ['processed_at', 'timestamp with time zone'], ['processed_tx', 'bigint'], ['state', 'character varying(8)'], ['action', 'character varying(7)'],
  ['table_name', 'character varying(128)'], ['record_id', 'integer'], ['sfid', 'character varying(18)'], ['old', 'text'], ['values', 'text'],
  ['sf_result', 'integer'], ['sf_message', 'text'],
]

const TYPE_ALIASES: Record<string, string> = {
  int: 'integer', int4: 'integer', int8: 'bigint', timestamptz: 'timestamp with time zone',
}

function normalType(type: string): string {
  const t = type.trim().toLowerCase().replace(/\s+/g, ' ').replace(/^varchar\b/, 'character varying')
  return TYPE_ALIASES[t] ?? t
}

/** What differs from the documented 15 columns, in words; empty when identical or not collected. */
export function layoutDifferences(columns: ColumnFacts[] | null): string[] {
  if (!columns) return []
  const expected = new Map(TRIGGER_LOG_LAYOUT)
  const actual = new Map(columns.map(c => [c.name, normalType(c.type)]))
  const out: string[] = []
  const missing = TRIGGER_LOG_LAYOUT.filter(([name]) => !actual.has(name)).map(([name]) => name)
  const extra = columns.filter(c => !expected.has(c.name)).map(c => c.name)
  if (missing.length > 0) out.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`)
  if (extra.length > 0) out.push(`added column${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`)
  for (const [name, type] of TRIGGER_LOG_LAYOUT) {
    if (actual.has(name) && actual.get(name) !== type) out.push(`${name} is ${actual.get(name)}, not ${type}`)
  }

  const shared = columns.map(c => c.name).filter(n => expected.has(n))
  const order = TRIGGER_LOG_LAYOUT.map(([name]) => name).filter(n => actual.has(n))
  const moved = shared.findIndex((name, i) => name !== order[i])
  if (moved >= 0) out.push(`columns out of order from ${shared[moved]} (expected ${order[moved]})`)
  return out
}

/** The ALTER TABLE that restores the layout, when no column has to move (else null). */
export function layoutRepair(schema: string, table: string, columns: ColumnFacts[]): null | string {
  const expected = TRIGGER_LOG_LAYOUT.map(([name]) => name)
  const kept = columns.map(c => c.name).filter(name => expected.includes(name))
  if (kept.some((name, i) => name !== expected[i])) return null
  const actions = [
    ...columns.filter(c => !expected.includes(c.name)).map(c => `DROP COLUMN ${sqlIdent(c.name)}`),
    ...TRIGGER_LOG_LAYOUT.slice(0, kept.length)
      .filter(([name, type]) => normalType(columns.find(c => c.name === name)!.type) !== type)
      .map(([name, type]) => `ALTER COLUMN ${sqlIdent(name)} TYPE ${type} USING ${sqlIdent(name)}::${type}`),
    ...TRIGGER_LOG_LAYOUT.slice(kept.length).map(([name, type]) => `ADD COLUMN ${sqlIdent(name)} ${type}`),
  ]
  return `ALTER TABLE ${sqlName(schema, table)} ${actions.join(', ')};`
}

// ---- identifiers in the SQL we print ----

// Keywords that cannot be used as a bare table, column or function name (reserved, and the
// reserved-but-allowed-as-function-or-type ones); quoting a few more than needed is harmless.
const KEYWORDS = new Set(`all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both
case cast char character check coalesce collate collation column concurrently constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end
except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner
inout int integer intersect interval into is isnull join lateral leading least left like limit localtime localtimestamp national
natural nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
precision primary real references returning right row select session_user setof similar smallint some substring symmetric table
tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic verbose when where
window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/))

/** An identifier as SQL: bare when Postgres would read it back unchanged, else double-quoted. */
export function sqlIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name)) return name
  return `"${name.replaceAll('"', '""')}"`
}

export function sqlName(schema: string, name: string): string {
  return `${sqlIdent(schema)}.${sqlIdent(name)}`
}

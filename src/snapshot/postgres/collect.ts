import type {ConnectionFacts, PostgresFacts, RelationFacts} from '../types.js'
import {readForeignKeys, readFunctions, readIdDependents, readIdLikeColumns, readRelations, readRuntime, readSettings} from './catalog.js'
import type {Queryable} from './queryable.js'
import {truncateIdentifier} from '../../sql.js'
import {DEFAULT_MAX_SCAN_SECONDS} from './budget.js'
import {readSavedDdl} from './saved-ddl.js'
import {readLastopFailed, readUniqueIds} from './table-data.js'
import {pendingFromRuns, readLogHealth, readRuns} from './trigger-log.js'

// Everything the audit reads from Postgres, for one Connect schema. The caller runs it inside a
// READ ONLY, REPEATABLE READ transaction so all parts see one moment of the database.

export const CONNECT_SYSTEM_TABLES = ['_trigger_log', '_trigger_log_archive', '_hcmeta', '_sf_event_log'] as const

const LOG_COLUMNS_NEEDED = ['id', 'state', 'action', 'table_name', 'created_at']

export interface CollectPostgresOptions {
  /** per-check budget of the table scans (HC002's counts, HC070's FAILED rows) */
  maxScanSeconds?: number
}

export async function collectPostgres(db: Queryable, schema: string, connection: ConnectionFacts | null, options: CollectPostgresOptions = {}): Promise<PostgresFacts> {
  const maxScanSeconds = options.maxScanSeconds ?? DEFAULT_MAX_SCAN_SECONDS
  // JIT never pays for these queries: each is cheap per row, and past jit_optimize_above_cost
  // (the pass over a log of some 2 million rows gets there) compiling alone takes seconds. The
  // setting is local: it lasts until the caller's transaction ends, and outside one does nothing.
  await db.query("SELECT set_config('jit', 'off', true)")
  const settings = await readSettings(db, schema)
  const relations = await readRelations(db, schema)
  // without a connection, a mapped table is one with an sfid column and Connect's triggers; their
  // names are matched by prefix only, as `hc_<t>_logtrigger` loses its suffix when <t> is long
  const connectTrigger = (t: RelationFacts['triggers'][number]) => t.name.startsWith('hc_') && t.functionSchema === schema && t.functionName.startsWith('hc_')
  const mappedTables = connection?.mappings.map(m => m.table)
    ?? relations.filter(r => r.kind === 'r' && r.columns.some(c => c.name === 'sfid') && r.triggers.some(t => connectTrigger(t))).map(r => r.name)
  const [functions, foreignKeys, idDependents, idLikeColumns, runtime] = [
    await readFunctions(db, schema),
    await readForeignKeys(db, schema),
    await readIdDependents(db, schema),
    await readIdLikeColumns(db, schema, mappedTables.map(t => truncateIdentifier(t))),
    await readRuntime(db),
  ]

  const table = (name: string) => relations.find(r => r.name === name && r.kind === 'r')
  const systemTables = Object.fromEntries(CONNECT_SYSTEM_TABLES.map(name => [name, table(name)?.columns ?? null]))
  const logColumns = new Set((systemTables._trigger_log ?? []).map(c => c.name))
  const logReadable = LOG_COLUMNS_NEEDED.every(c => logColumns.has(c)) && systemTables._trigger_log_archive !== null

  const uniqueTargets = (connection?.mappings ?? [])
    .filter(m => m.access === 'read_write' && m.upsertField)
    .map(m => ({column: m.upsertField!.toLowerCase(), table: m.table}))

  const uniqueIds = await readUniqueIds(db, schema, uniqueTargets, relations, maxScanSeconds)
  const lastop = await readLastopFailed(db, schema, mappedTables, relations, maxScanSeconds)
  let triggerLog: PostgresFacts['triggerLog'] = null
  if (logReadable) {
    const runs = await readRuns(db, schema)
    const health = await readLogHealth(db, schema, logColumns.has('sf_message'))
    triggerLog = {...health, pending: pendingFromRuns(runs), runs}
  }

  const savedDdl = await readSavedDdl(db, schema)
  return {
    foreignKeys,
    functions,
    idDependents,
    idLikeColumns,
    lastopFailed: lastop.failed,
    ...(lastop.unfinished.length > 0 ? {lastopUnfinished: {seconds: maxScanSeconds, tables: lastop.unfinished}} : {}),
    relations,
    savedDdl,
    runtime,
    schema,
    schemaExists: settings.schemaExists,
    serverVersion: settings.serverVersion,
    systemTables,
    triggerLog,
    uniqueIds,
    xmlbinary: settings.xmlbinary,
  }
}

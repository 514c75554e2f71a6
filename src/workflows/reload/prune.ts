import type {PgQueryable, PgSession} from '../../clients/postgres.js'
import {GuardError, UsageError} from '../../errors.js'
import {backupTable, idMapTable} from './sql.js'
import {stateSchemaExists, stateTable} from '../state/schema.js'

// What a reload leaves in connect_guard, and removing it on request. Every reload keeps a full
// copy of the table (reload_N_backup) and its id map (reload_N_idmap, which the app may read to
// translate old ids it stored elsewhere). --status shows their sizes; --prune drops them for
// finished reloads only (complete, or aborted before the reload), never for one that is running,
// interrupted or failed, whose backup --resume still needs. The journal rows stay, so --status
// still tells the story; a pruned journal gets an event saying what was dropped.

export interface StoredTable {
  name: string
  /** pg_total_relation_size; null when the table is gone (pruned) */
  bytes: null | number
}

export interface JournalStorage {
  journalId: number
  status: string
  step: string
  tables: StoredTable[]
}

/** The backup and id map of each journal, with their sizes. */
export async function readStorage(db: PgQueryable, journalIds: number[]): Promise<JournalStorage[]> {
  if (journalIds.length === 0 || !(await stateSchemaExists(db))) return []
  const {rows} = await db.query<{bytes: null | string; id: number; name: string; status: string; step: string}>(
    `SELECT j.id::int, j.status, j.step, t.name, pg_total_relation_size(to_regclass(format('%I.%I', 'connect_guard', t.name)))::bigint AS bytes
       FROM ${stateTable('journal')} j
       CROSS JOIN LATERAL (VALUES ('reload_' || j.id || '_backup'), ('reload_' || j.id || '_idmap')) t(name)
      WHERE j.id = ANY($1::bigint[]) ORDER BY j.id DESC, t.name`,
    [journalIds],
  )
  const byId = new Map<number, JournalStorage>()
  for (const row of rows) {
    const entry = byId.get(row.id) ?? {journalId: row.id, status: row.status, step: row.step, tables: []}
    entry.tables.push({bytes: row.bytes === null ? null : Number(row.bytes), name: row.name})
    byId.set(row.id, entry)
  }

  return [...byId.values()]
}

export interface PrunePlan {
  /** journals whose tables are dropped */
  drop: JournalStorage[]
  /** finished journals kept by --keep */
  kept: number[]
  /** open journals (running, interrupted, failed): never pruned */
  open: number[]
  statements: string[]
  bytes: number
}

export interface PruneRequest {
  connectionId: string
  /** keep the tables of the N most recent finished reloads */
  keep?: number
  /** prune this one reload only */
  journal?: number
}

/** Which tables --prune would drop; refuses a --journal that is not finished. Reads only. */
export async function planPrune(db: PgQueryable, request: PruneRequest): Promise<PrunePlan> {
  const empty: PrunePlan = {bytes: 0, drop: [], kept: [], open: [], statements: []}
  if (!(await stateSchemaExists(db))) {
    if (request.journal !== undefined) throw new UsageError(`no reload ${request.journal} on this connection`, '`heroku connect:reload --status` lists them')
    return empty
  }

  const {rows} = await db.query<{id: number; status: string; step: string}>(
    `SELECT id::int, status, step FROM ${stateTable('journal')} WHERE kind = 'reload' AND connection_id = $1 ORDER BY id DESC`, [request.connectionId])
  const finished = rows.filter(r => r.status === 'complete').map(r => r.id)
  const open = rows.filter(r => r.status !== 'complete').map(r => r.id)
  let chosen: number[]
  let kept: number[] = []
  if (request.journal === undefined) {
    const keep = request.keep ?? 1
    kept = finished.slice(0, keep)
    chosen = finished.slice(keep)
  } else {
    const row = rows.find(r => r.id === request.journal)
    if (!row) throw new UsageError(`no reload ${request.journal} on this connection`, '`heroku connect:reload --status` lists them')
    if (row.status !== 'complete') {
      throw new GuardError(`reload ${row.id} is ${row.status} at step ${row.step}: its backup and id map are still needed`, 1,
        'finish it first: heroku connect:reload --resume (or --resume --abort before the reload)')
    }

    chosen = [row.id]
  }

  const drop = (await readStorage(db, chosen)).filter(s => s.tables.some(t => t.bytes !== null))
  const statements = drop.flatMap(s => s.tables.filter(t => t.bytes !== null).map(t => `DROP TABLE IF EXISTS ${stateTable(t.name)}`))
  const bytes = drop.flatMap(s => s.tables).reduce((sum, t) => sum + (t.bytes ?? 0), 0)
  return {bytes, drop, kept, open, statements}
}

/**
 * Drops what the plan names, one journal per transaction with its journal event, re-checking
 * that the journal is still finished (a --resume cannot reopen it, but nothing is assumed).
 * Idempotent: DROP TABLE IF EXISTS, and a second run finds nothing left to drop.
 */
export async function applyPrune(session: PgSession, plan: PrunePlan): Promise<number[]> {
  const done: number[] = []
  for (const entry of plan.drop) {
    await session.transaction(async tx => {
      const {rows} = await tx.query<{status: string}>(`SELECT status FROM ${stateTable('journal')} WHERE id = $1 FOR UPDATE`, [entry.journalId])
      if (rows[0]?.status !== 'complete') throw new GuardError(`reload ${entry.journalId} is no longer finished; nothing of it was dropped`, 1)
      await tx.query("SET LOCAL lock_timeout = '2s'")
      for (const name of [backupTable(entry.journalId), idMapTable(entry.journalId)]) await tx.query(`DROP TABLE IF EXISTS ${stateTable(name)}`)
      const bytes = entry.tables.reduce((sum, t) => sum + (t.bytes ?? 0), 0)
      // an event only: updateJournal would move the journal's finished_at
      await tx.query(`INSERT INTO ${stateTable('journal_event')} (journal_id, step, message) VALUES ($1, 'complete', $2)`, [entry.journalId, `pruned: dropped ${entry.tables.filter(t => t.bytes !== null).map(t => t.name).join(' and ')} (${formatBytes(bytes)})`])
    })
    done.push(entry.journalId)
  }

  return done
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} kB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

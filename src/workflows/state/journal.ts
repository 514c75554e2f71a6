import type {PgQueryable} from '../../clients/postgres.js'
import {stateSchemaExists, stateTable} from './schema.js'

// A journal row per run, updated at every step in the same transaction as the step's own writes
// where Postgres allows it, so a run killed at any moment can be continued from what it shows.
// The journal is generic: `kind` names the workflow (reload, external-ids), `plan` is what the
// run decided before it started, `progress` what it has done since (per step, per batch).

export type JournalStatus = 'complete' | 'failed' | 'interrupted' | 'running'

export interface Journal<Plan = unknown, Progress = Record<string, unknown>> {
  id: number
  kind: string
  app: null | string
  connectionId: string
  target: string
  status: JournalStatus
  /** the last step completed */
  step: string
  plan: Plan
  progress: Progress
  error: null | string
  startedAt: string
  updatedAt: string
  finishedAt: null | string
}

export interface JournalEvent {
  at: string
  step: string
  message: string
}

const COLUMNS = `id::int, kind, app, connection_id AS "connectionId", target, status, step, plan, progress, error,
  started_at AS "startedAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`

export async function createJournal<P>(db: PgQueryable, entry: {kind: string; app: null | string; connectionId: string; target: string; step: string; plan: P}): Promise<Journal<P>> {
  const {rows} = await db.query<Journal<P>>(
    `INSERT INTO ${stateTable('journal')} (kind, app, connection_id, target, status, step, plan)
     VALUES ($1, $2, $3, $4, 'running', $5, $6) RETURNING ${COLUMNS}`,
    [entry.kind, entry.app, entry.connectionId, entry.target, entry.step, JSON.stringify(entry.plan)],
  )
  await addEvent(db, rows[0].id, entry.step, 'started')
  return rows[0]
}

export interface JournalUpdate {
  status?: JournalStatus
  step?: string
  /** merged over the stored progress (top-level keys) */
  progress?: Record<string, unknown>
  error?: null | string
  event?: string
}

export async function updateJournal(db: PgQueryable, id: number, update: JournalUpdate): Promise<void> {
  await db.query(
    `UPDATE ${stateTable('journal')}
        SET status = coalesce($2::text, status), step = coalesce($3::text, step), progress = progress || coalesce($4::jsonb, '{}'),
            error = CASE WHEN $5::boolean THEN $6::text ELSE error END, updated_at = clock_timestamp(),
            finished_at = CASE WHEN coalesce($2::text, status) = 'complete' THEN clock_timestamp() ELSE NULL END
      WHERE id = $1`,
    [id, update.status ?? null, update.step ?? null, update.progress ? JSON.stringify(update.progress) : null, update.error !== undefined, update.error ?? null],
  )
  if (update.event) await addEvent(db, id, update.step ?? '', update.event)
}

async function addEvent(db: PgQueryable, id: number, step: string, message: string): Promise<void> {
  await db.query(`INSERT INTO ${stateTable('journal_event')} (journal_id, step, message) VALUES ($1, $2, $3)`, [id, step, message])
}

export async function readJournal<P, G>(db: PgQueryable, id: number): Promise<Journal<P, G> | undefined> {
  const {rows} = await db.query<Journal<P, G>>(`SELECT ${COLUMNS} FROM ${stateTable('journal')} WHERE id = $1`, [id])
  return rows[0]
}

/** The most recent runs of a kind, newest first; none when the state schema does not exist yet. */
export async function recentJournals<P, G>(db: PgQueryable, kind: string, connectionId: null | string, limit = 10): Promise<Array<Journal<P, G>>> {
  if (!(await stateSchemaExists(db))) return []
  const {rows} = await db.query<Journal<P, G>>(
    `SELECT ${COLUMNS} FROM ${stateTable('journal')} WHERE kind = $1 AND ($2::text IS NULL OR connection_id = $2) ORDER BY id DESC LIMIT $3`,
    [kind, connectionId, limit],
  )
  return rows
}

/** The run of a kind that has not completed (running, interrupted or failed), if any. */
export async function openJournal<P, G>(db: PgQueryable, kind: string, connectionId: string): Promise<Journal<P, G> | undefined> {
  if (!(await stateSchemaExists(db))) return undefined
  const {rows} = await db.query<Journal<P, G>>(
    `SELECT ${COLUMNS} FROM ${stateTable('journal')} WHERE kind = $1 AND connection_id = $2 AND status <> 'complete' ORDER BY id DESC LIMIT 1`,
    [kind, connectionId],
  )
  return rows[0]
}

export async function journalEvents(db: PgQueryable, id: number): Promise<JournalEvent[]> {
  const {rows} = await db.query<JournalEvent>(
    `SELECT at::text, step, message FROM ${stateTable('journal_event')} WHERE journal_id = $1 ORDER BY at`,
    [id],
  )
  return rows
}

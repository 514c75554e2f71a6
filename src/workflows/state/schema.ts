import type {PgQueryable} from '../../clients/postgres.js'
import {qualified, quoteIdent} from '../../sql.js'

// The plugin's own state schema (DESIGN.md §10): journals of long runs (reload, external-ids),
// backups and id maps. It is created on first use, is never the Connect schema, and nothing the
// plugin stores passes through a Connect table, so nothing of it reaches _trigger_log.

export const STATE_SCHEMA = 'connect_guard'

export const stateTable = (name: string): string => qualified(STATE_SCHEMA, name)

/** The DDL that creates the state schema; shown in plans, run by ensureStateSchema. */
export function stateSchemaDdl(): string[] {
  const s = quoteIdent(STATE_SCHEMA)
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${stateTable('journal')} (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  app text,
  connection_id text NOT NULL,
  target text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'interrupted', 'failed', 'complete')),
  step text NOT NULL,
  plan jsonb NOT NULL,
  progress jsonb NOT NULL DEFAULT '{}',
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
)`,
    `CREATE TABLE IF NOT EXISTS ${stateTable('journal_event')} (
  journal_id bigint NOT NULL REFERENCES ${stateTable('journal')} ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  step text NOT NULL,
  message text NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS journal_kind_connection_idx ON ${stateTable('journal')} (kind, connection_id, id DESC)`,
  ]
}

export async function stateSchemaExists(db: PgQueryable): Promise<boolean> {
  const {rows} = await db.query<{ok: boolean}>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${quoteIdent(STATE_SCHEMA)}.journal`])
  return rows[0]?.ok === true
}

/** Creates the schema if needed; concurrent first runs serialise on a transaction-level lock. */
export async function ensureStateSchema(db: {transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T>}): Promise<void> {
  await db.transaction(async tx => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('connect_guard'), hashtext('schema'))")
    for (const statement of stateSchemaDdl()) await tx.query(statement)
  })
}

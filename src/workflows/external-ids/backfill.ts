import type {PgQueryable, PgSession} from '../../clients/postgres.js'
import {qualified, quoteIdent} from '../../sql.js'
import {retryOnLockTimeout} from '../state/lock.js'

// The backfill of a new unique identifier: every NULL gets a fresh UUID, in key-range batches of
// the table's integer primary key (`id` on a Connect table), each its own short transaction with a
// lock_timeout, so no lock is held long and Ctrl-C stops at a batch boundary. Values come from
// gen_random_uuid(), never from a sequence or `id` (seed practice 1). It only ever touches NULLs, so
// a rerun, or a resume from any progress, fills what is left and changes nothing twice. Nothing is
// read into Node: a batch is one UPDATE, its bounds one index probe. The key range is read once, at
// the start: rows inserted later get the column's default, which the workflow sets before this runs.
//
// On a Connect table the mapped table's trigger logs every UPDATE into `_trigger_log`: intended,
// the values must reach Salesforce. Connect's triggers make each UPDATE cost far more than the
// write itself (the status and logger triggers read pg_settings through get_xmlbinary() per row),
// so a batch is sized by time as well as rows: it starts small, then each batch takes as many rows
// as fit in maxBatchMs at the rate just measured, up to batchRows. Bulk eligibility does not hang
// on one batch: the batches are consecutive transactions of one table's UPDATEs, so unless the
// app writes that table in between, `_trigger_log` holds them as one contiguous run, which with
// Ordered Writes and API 39+ goes through the Bulk API once it reaches 2,000 changes, in Connect's
// chunks of 5,000 (seed practices 4 and 8). BULK_FRIENDLY_BATCH_ROWS (10,000, two chunks) is the
// cap to use: where the machine is fast enough, each batch is a Bulk-eligible run on its own too.

export const BULK_FRIENDLY_BATCH_ROWS = 10_000
/** the longest a batch should hold its row locks; the next batch's size follows the measured rate */
export const DEFAULT_MAX_BATCH_MS = 150
const FIRST_BATCH_ROWS = 100
const MIN_BATCH_ROWS = 50
/** a batch waiting this long for a row or table lock the app holds gives up and is retried */
export const DEFAULT_LOCK_TIMEOUT_MS = 1000

export interface BackfillTarget {
  schema: string
  table: string
  column: string
  /** integer primary key; `id` for Connect tables */
  key: string
}

/** Where a backfill stands: `next` is the first key not yet done, `hi` the last key to do (inclusive). */
export interface BackfillProgress {
  next: number
  hi: number
  updated: number
  /** the longest batch transaction so far, in ms */
  longestMs: number
  done: boolean
}

export interface BackfillBatchOptions {
  lockTimeoutMs?: number
  /**
   * SQL for the new value, written by the caller (never user input): `gen_random_uuid()::text` by
   * default (PG 13+); before PG 13, pgcrypto's, e.g. `public.gen_random_uuid()::text`.
   */
  valueSql?: string
}

export interface BackfillOptions extends BackfillBatchOptions {
  /** most UPDATEs per batch (BULK_FRIENDLY_BATCH_ROWS); fewer when a batch would take over maxBatchMs */
  batchRows: number
  /** DEFAULT_MAX_BATCH_MS unless set; Infinity = always batchRows */
  maxBatchMs?: number
  /** resume from here; a fresh run reads the bounds itself */
  progress?: BackfillProgress
  stopRequested?: () => boolean
  /** after each committed batch, e.g. to journal the progress */
  onBatch?: (p: BackfillProgress) => Promise<void> | void
}

const DEFAULT_VALUE_SQL = 'gen_random_uuid()::text'

const names = (t: BackfillTarget) => ({column: quoteIdent(t.column), key: quoteIdent(t.key), table: qualified(t.schema, t.table)})

/** The key range holding NULLs, and how many there are; {lo: 0, hi: -1, nulls: 0} when none. */
export async function backfillBounds(db: PgQueryable, t: BackfillTarget): Promise<{lo: number; hi: number; nulls: number}> {
  const {column, key, table} = names(t)
  const {rows: [row]} = await db.query<{hi: null | string; lo: null | string; nulls: string}>(
    `SELECT min(${key})::text AS lo, max(${key})::text AS hi, count(*)::text AS nulls FROM ${table} WHERE ${column} IS NULL`,
  )
  if (!row || row.lo === null || row.hi === null) return {hi: -1, lo: 0, nulls: 0}
  return {hi: Number(row.hi), lo: Number(row.lo), nulls: Number(row.nulls)}
}

/** Fills the NULLs with keys in [from, to) in one short transaction; returns the rows updated. */
export async function backfillBatch(session: PgSession, t: BackfillTarget, from: number, to: number, opts: BackfillBatchOptions = {}): Promise<number> {
  const {column, key, table} = names(t)
  const lockTimeout = `${Math.max(1, Math.floor(opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS))}ms`
  return retryOnLockTimeout(() => session.transaction(async tx => {
    await tx.query("SELECT set_config('lock_timeout', $1, true)", [lockTimeout])
    const result = await tx.query(
      `UPDATE ${table} SET ${column} = ${opts.valueSql ?? DEFAULT_VALUE_SQL} WHERE ${key} >= $1 AND ${key} < $2 AND ${column} IS NULL`,
      [from, to],
    )
    return result.rowCount ?? 0
  }))
}

/**
 * The end (exclusive) of the batch that starts at `from`: just past its `rows`-th NULL, so each
 * batch is exactly `rows` UPDATEs however sparse the NULLs are; `hi + 1` for the last batch.
 */
async function batchEnd(db: PgQueryable, t: BackfillTarget, from: number, rows: number, hi: number): Promise<number> {
  const {column, key, table} = names(t)
  const {rows: [row]} = await db.query<{k: string}>(
    `SELECT ${key}::text AS k FROM ${table} WHERE ${key} >= $1 AND ${column} IS NULL ORDER BY ${key} OFFSET $2 LIMIT 1`,
    [from, rows],
  )
  return row ? Math.min(Number(row.k), hi + 1) : hi + 1
}

/** Fills every NULL of the column, batch by batch; stops at a batch boundary when stopRequested() says so. */
export async function backfill(session: PgSession, t: BackfillTarget, opts: BackfillOptions): Promise<BackfillProgress> {
  if (!Number.isInteger(opts.batchRows) || opts.batchRows < 1) throw new Error(`batchRows must be a positive whole number, not ${opts.batchRows}`)
  const maxBatchMs = opts.maxBatchMs ?? DEFAULT_MAX_BATCH_MS
  let size = Math.min(opts.batchRows, FIRST_BATCH_ROWS)
  let progress = opts.progress ?? await fresh(session, t)
  while (!progress.done) {
    if (opts.stopRequested?.()) break
    const from = progress.next
    const to = await batchEnd(session, t, from, size, progress.hi)
    const started = Date.now()
    const updated = await backfillBatch(session, t, from, to, opts)
    const elapsed = Date.now() - started
    progress = {
      done: to > progress.hi, hi: progress.hi, longestMs: Math.max(progress.longestMs, elapsed), next: to, updated: progress.updated + updated,
    }
    if (updated > 0) size = nextSize(size, updated, elapsed, opts.batchRows, maxBatchMs)
    await opts.onBatch?.(progress)
  }

  return progress
}

/** As many rows as fit in maxBatchMs at the rate just seen, at most doubling, within [MIN_BATCH_ROWS, batchRows]. */
function nextSize(size: number, updated: number, elapsedMs: number, batchRows: number, maxBatchMs: number): number {
  if (!Number.isFinite(maxBatchMs)) return batchRows
  const fits = Math.floor((maxBatchMs * updated) / Math.max(1, elapsedMs))
  return Math.max(Math.min(MIN_BATCH_ROWS, batchRows), Math.min(batchRows, size * 2, fits))
}

async function fresh(db: PgQueryable, t: BackfillTarget): Promise<BackfillProgress> {
  const bounds = await backfillBounds(db, t)
  return {done: bounds.nulls === 0, hi: bounds.hi, longestMs: 0, next: bounds.lo, updated: 0}
}


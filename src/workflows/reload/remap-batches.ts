import type {PgQueryable} from '../../clients/postgres.js'
import {retryOnLockTimeout} from '../state/lock.js'
import {stateTable} from '../state/schema.js'
import {remapBatchSql} from './sql.js'
import {InterruptedError, type StepContext} from './steps.js'
import type {RemapProgress, RemapStripe, RemapTarget} from './types.js'

// The remap's batches. The key range is cut into stripes; WORKERS transactions at a time (each on
// its own pooled connection) take the next unfinished stripe and walk it in batches. A batch and
// its stripe's new `next` commit in one transaction, so each range is applied exactly once however
// often the run is killed and resumed, and two workers never touch the same rows (disjoint key
// ranges, so they cannot deadlock on the app table either). The batch size adapts so that a batch
// takes about TARGET_BATCH_MS, and a statement that runs past BATCH_LIMIT_MS is cancelled by
// Postgres (statement_timeout) and retried at half the size: nothing of it was applied, and no
// batch holds its row locks near the 2 s limit however loaded the machine is.

/** Two workers: the machines (and small Heroku Postgres plans) have two cores; an UPDATE is single-threaded. */
export const WORKERS = 2
const STRIPES_PER_WORKER = 2
const TARGET_BATCH_MS = 500
const BATCH_LIMIT_MS = 1500
const FIRST_BATCH_ROWS = 50_000
const MIN_BATCH_ROWS = 1000
const MAX_BATCH_ROWS = 250_000
/** cancelled batches in a row, at the smallest size, before the run gives up */
const TIMEOUT_RETRIES = 5

/** Cuts [lo, hi] into stripes: one when `single` (no key to batch by, or ids that overlap). */
export function planStripes(lo: number, hi: number, single: boolean): RemapStripe[] {
  const count = single ? 1 : WORKERS * STRIPES_PER_WORKER
  const size = Math.max(1, Math.ceil((hi - lo + 1) / count))
  const stripes: RemapStripe[] = []
  for (let from = lo; from <= hi; from += size) stripes.push({end: Math.min(hi + 1, from + size), longestMs: 0, next: from, updated: 0})
  return stripes
}

export interface BatchRun {
  ctx: StepContext
  name: string
  target: RemapTarget
  progress: RemapProgress
  /** key values per row, to turn a row count into a key range */
  keysPerRow: number
  /** one whole stripe per statement: without a key, ids that overlap must be remapped in one go */
  wholeStripe: boolean
  /** concurrent batch transactions (WORKERS unless told) */
  workers: number
  report(line: string): void
}

/** Runs every unfinished stripe; resolves once all are done, or rejects after every worker has stopped. */
export async function runStripes(run: BatchRun): Promise<void> {
  const {progress} = run
  const queue = progress.stripes.map((stripe, index) => ({index, stripe})).filter(s => s.stripe.next < s.stripe.end)
  let failure: unknown
  const worker = async () => {
    let rows = FIRST_BATCH_ROWS
    while (failure === undefined) {
      const item = queue.shift()
      if (!item) return
      try {
        rows = await runStripe(run, item.index, rows, () => failure !== undefined)
      } catch (error) {
        failure ??= error
      }
    }
  }

  const workers = run.wholeStripe ? 1 : Math.max(1, Math.min(run.workers, queue.length))
  await Promise.all(Array.from({length: workers}, worker))
  if (failure !== undefined) throw failure
}

async function runStripe(run: BatchRun, index: number, firstRows: number, otherFailed: () => boolean): Promise<number> {
  const {ctx, name, progress} = run
  const stripe = progress.stripes[index]
  const sql = remapBatchSql(run.target, ctx.journal.id)
  let rows = firstRows
  let timeouts = 0
  while (stripe.next < stripe.end && !otherFailed()) {
    if (ctx.stopRequested()) throw new InterruptedError(`stopped while remapping ${name}`, `continue with ${ctx.resumeCommand}`)
    const from = stripe.next
    const to = run.wholeStripe ? stripe.end : Math.min(stripe.end, from + Math.max(1, Math.round(rows * run.keysPerRow)))
    const started = Date.now()
    let next: RemapStripe
    try {
      next = await retryOnLockTimeout(() => ctx.session.transaction(async tx => {
        // A commit lost in a server crash is safe to lose (synchronous_commit off): the batch and
        // its stripe's `next` are in this one transaction, and WAL is replayed in order, so after
        // recovery the journal never points past a batch that was not applied: --resume redoes it.
        // The step's final journal commit is synchronous and flushes every earlier one first.
        // work_mem: room to hash the id map in memory; a hash join that spills to disk doubles a batch.
        // by key, a batch's time follows its size; without a key (or in one statement) it does not
        const limit = run.target.key && !run.wholeStripe ? BATCH_LIMIT_MS : 0
        await tx.query(`SET LOCAL lock_timeout = '1s'; SET LOCAL statement_timeout = ${limit}; SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'`)
        const result = await tx.query(sql, [from, to])
        await tx.query('SET LOCAL statement_timeout = 0')
        const ms = Date.now() - started
        const advanced: RemapStripe = {...stripe, longestMs: Math.max(stripe.longestMs, ms), next: to, updated: stripe.updated + (result.rowCount ?? 0)}
        await setStripe(tx, ctx.journal.id, name, index, advanced)
        return advanced
      }))
    } catch (error) {
      // 57014: our statement_timeout cancelled the batch (the session has none of its own)
      if ((error as {code?: string}).code !== '57014') throw error
      if (rows <= MIN_BATCH_ROWS && ++timeouts >= TIMEOUT_RETRIES) {
        throw new InterruptedError(`batches of ${MIN_BATCH_ROWS} rows of ${name} still take over ${BATCH_LIMIT_MS / 1000} s: the database is too busy to remap without long locks`,
          `continue with ${ctx.resumeCommand} when it is quieter`)
      }

      rows = Math.max(MIN_BATCH_ROWS, Math.floor(rows / 2))
      continue
    }

    timeouts = 0
    Object.assign(stripe, next)
    const ms = Date.now() - started
    rows = Math.min(MAX_BATCH_ROWS, Math.max(MIN_BATCH_ROWS, Math.round(rows * Math.min(1.5, Math.max(0.5, TARGET_BATCH_MS / Math.max(1, ms))))))
    run.report(`${name}: ${progress.stripes.reduce((sum, s) => sum + s.updated, 0)} rows remapped`)
    ctx.afterCommit('remap-batch')
  }

  return rows
}

/** Writes one stripe into the journal in place: workers committing at once never overwrite each other's stripes. */
async function setStripe(tx: PgQueryable, journalId: number, name: string, index: number, stripe: RemapStripe): Promise<void> {
  await tx.query(
    `UPDATE ${stateTable('journal')} SET progress = jsonb_set(progress, ARRAY['remap', $2, 'stripes', $3], $4::jsonb), updated_at = clock_timestamp() WHERE id = $1`,
    [journalId, name, String(index), JSON.stringify(stripe)],
  )
}


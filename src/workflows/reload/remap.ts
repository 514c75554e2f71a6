import {updateJournal} from '../state/journal.js'
import {stateTable} from '../state/schema.js'
import {idMapSql, idMapTable, remapBatchSql, remapBoundsSql, unmatchedSql} from './sql.js'
import {commitStep, InterruptedError, type StepContext} from './steps.js'
import type {RemapProgress, RemapTarget} from './types.js'

// Remap: old id → new id by sfid, kept as a table in connect_guard for the app to use, then every
// --remap column updated in batches. A batch is a key range of the app table (its integer primary
// key), or a range of old ids when it has none; the batch and the journal's "next range" commit
// together, so each range is applied exactly once however often the run is killed and resumed.
// Nothing is read into Node: every batch is one UPDATE … FROM inside Postgres.

const BATCH_ROWS = 50_000
const LOCK_RETRIES = 5

const label = (t: RemapTarget) => `${t.schema}.${t.table}.${t.column}`

export async function remapStep(ctx: StepContext, report: (line: string) => void): Promise<Record<string, RemapProgress>> {
  const {id} = ctx.journal
  for (const statement of idMapSql(ctx.journal.plan, id)) await ctx.session.query(statement)
  const all: Record<string, RemapProgress> = {...ctx.journal.progress.remap}
  for (const target of ctx.journal.plan.remap) {
    const name = label(target)
    let progress = all[name]
    if (progress?.done) continue
    const {rows: [bounds]} = await ctx.session.query<{hi: null | string; lo: null | string; n: string}>(remapBoundsSql(target, id))
    const lo = Number(bounds.lo ?? 0)
    const hi = Number(bounds.hi ?? -1)
    // without a key, a new id equal to another row's old id would be remapped twice across batches:
    // then the whole column goes in one statement, which sees each row once
    const overlap = target.key === null && await idsOverlap(ctx, id)
    const width = overlap ? hi - lo + 1 : Math.max(1, Math.ceil(((hi - lo + 1) * BATCH_ROWS) / Math.max(1, Number(bounds.n))))
    if (!progress) {
      const {rows: [un]} = await ctx.session.query<{n: string}>(unmatchedSql(target, id))
      progress = {done: false, longestMs: 0, next: lo, unmatched: Number(un.n), updated: 0}
    }

    const sql = remapBatchSql(target, id)
    while (progress.next <= hi) {
      if (ctx.stopRequested()) throw new InterruptedError(`stopped while remapping ${name}`, `continue with ${ctx.resumeCommand}`)
      const from = progress.next
      const to = Math.min(hi + 1, from + width)
      const started = Date.now()
      const updated = await withLockRetries(() => ctx.session.transaction(async tx => {
        await tx.query("SET LOCAL lock_timeout = '2s'")
        const result = await tx.query(sql, [from, to])
        const next: RemapProgress = {...progress!, next: to, updated: progress!.updated + (result.rowCount ?? 0)}
        next.longestMs = Math.max(next.longestMs, Date.now() - started)
        await updateJournal(tx, id, {progress: {remap: {...all, [name]: next}}})
        return next
      }))
      progress = updated
      all[name] = progress
      report(`${name}: ${progress.updated} rows remapped`)
      ctx.afterCommit('remap-batch')
    }

    progress = {...progress, done: true}
    all[name] = progress
    await updateJournal(ctx.session, id, {event: `remapped ${name}: ${progress.updated} rows, ${progress.unmatched} without a new id`, progress: {remap: all}})
  }

  ctx.journal.progress.remap = all
  await ctx.session.transaction(tx => commitStep(ctx, tx, 'remap', {remap: all}, `remapped ${ctx.journal.plan.remap.length} columns; id map in ${stateTable(idMapTable(id))}`))
  return all
}

async function idsOverlap(ctx: StepContext, id: number): Promise<boolean> {
  const map = stateTable(idMapTable(id))
  const {rows: [row]} = await ctx.session.query<{overlap: boolean}>(
    `SELECT EXISTS (SELECT 1 FROM ${map} a JOIN ${map} b ON b.old_id = a.new_id WHERE a.old_id <> a.new_id) AS overlap`,
  )
  return row.overlap
}

/** A batch that waited 2 s for a lock the app holds is retried: nothing of it was applied. */
async function withLockRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if ((error as {code?: string}).code !== '55P03' || attempt >= LOCK_RETRIES) throw error
      await new Promise(resolve => {
        setTimeout(resolve, 200 * attempt)
      })
    }
  }
}

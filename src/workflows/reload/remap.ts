import {qualified} from '../../sql.js'
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

const BATCH_ROWS = 20_000
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

    // batching by key, the column's own indexes only slow the updates down (every row gets a new
    // entry): they are dropped (definitions kept in the journal) and rebuilt CONCURRENTLY after
    if (target.key && !progress.indexes) {
      progress = {...progress, indexes: await columnIndexes(ctx, target)}
      await updateJournal(ctx.session, id, {progress: {remap: {...all, [name]: progress}}})
    }

    for (const index of progress.indexes ?? []) {
      await ctx.session.transaction(async tx => {
        await tx.query("SET LOCAL lock_timeout = '2s'")
        await tx.query(`DROP INDEX IF EXISTS ${qualified(target.schema, index.name)}`)
      })
    }

    const sql = remapBatchSql(target, id)
    while (progress.next <= hi) {
      if (ctx.stopRequested()) throw new InterruptedError(`stopped while remapping ${name}`, `continue with ${ctx.resumeCommand}`)
      const from = progress.next
      const to = Math.min(hi + 1, from + width)
      const started = Date.now()
      const updated = await withLockRetries(() => ctx.session.transaction(async tx => {
        await tx.query("SET LOCAL lock_timeout = '2s'")
        // a batch is a few thousand rows: probing the map's primary key per row beats hashing all of it
        await tx.query('SET LOCAL enable_hashjoin = off')
        await tx.query('SET LOCAL enable_mergejoin = off')
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

    for (const index of progress.indexes ?? []) await rebuildIndex(ctx, target, index, report)
    progress = {...progress, done: true}
    all[name] = progress
    await updateJournal(ctx.session, id, {event: `remapped ${name}: ${progress.updated} rows, ${progress.unmatched} without a new id`, progress: {remap: all}})
  }

  ctx.journal.progress.remap = all
  await ctx.session.transaction(tx => commitStep(ctx, tx, 'remap', {remap: all}, `remapped ${ctx.journal.plan.remap.length} columns; id map in ${stateTable(idMapTable(id))}`))
  return all
}

/** Plain (not unique, not constraint) indexes whose only key is the column. */
async function columnIndexes(ctx: StepContext, target: RemapTarget): Promise<Array<{definition: string; name: string}>> {
  const {rows} = await ctx.session.query<{definition: string; name: string}>(
    `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = $1::regclass AND i.indnatts = 1 AND NOT i.indisunique AND NOT i.indisprimary AND a.attname = $2
        AND i.indpred IS NULL AND i.indexprs IS NULL
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [qualified(target.schema, target.table), target.column],
  )
  return rows
}

/** CREATE INDEX CONCURRENTLY: writes go on meanwhile. A build killed half way leaves an invalid index, dropped first. */
async function rebuildIndex(ctx: StepContext, target: RemapTarget, index: {definition: string; name: string}, report: (line: string) => void): Promise<void> {
  const {rows} = await ctx.session.query<{valid: boolean}>(
    'SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)', [qualified(target.schema, index.name)])
  if (rows[0]?.valid) return
  if (rows.length > 0) await ctx.session.query(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(target.schema, index.name)}`)
  report(`rebuilding index ${index.name} concurrently`)
  await ctx.session.query(index.definition.replace(/^CREATE INDEX /, 'CREATE INDEX CONCURRENTLY '))
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

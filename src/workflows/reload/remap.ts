import {qualified} from '../../sql.js'
import {updateJournal} from '../state/journal.js'
import {stateTable} from '../state/schema.js'
import {planStripes, runStripes, WORKERS} from './remap-batches.js'
import {idMapSql, idMapTable, nonNullSql, remapBoundsSql} from './sql.js'
import {commitStep, type StepContext} from './steps.js'
import type {RemapProgress, RemapTarget} from './types.js'

// Remap: old id → new id by sfid, kept as a table in connect_guard for the app to use, then every
// --remap column updated in batches (remap-batches.ts). A batch is a key range of the app table
// (its integer primary key), or a range of old ids when it has none. Nothing is read into Node:
// every batch is one UPDATE … FROM inside Postgres.

const label = (t: RemapTarget) => `${t.schema}.${t.table}.${t.column}`

/** Builds the id map once: its rows and the journal's note of them commit together. */
export async function buildIdMap(ctx: StepContext): Promise<number> {
  if (ctx.journal.progress.idMap !== undefined) return ctx.journal.progress.idMap
  const {id} = ctx.journal
  const rows = await ctx.session.transaction(async tx => {
    for (const statement of idMapSql(ctx.journal.plan, id)) await tx.query(statement)
    const {rows: [{n}]} = await tx.query<{n: string}>(`SELECT count(*) AS n FROM ${stateTable(idMapTable(id))}`)
    await updateJournal(tx, id, {progress: {idMap: Number(n)}})
    return Number(n)
  })
  ctx.journal.progress.idMap = rows
  return rows
}

export async function remapStep(ctx: StepContext, report: (line: string) => void): Promise<Record<string, RemapProgress>> {
  const {id} = ctx.journal
  await buildIdMap(ctx)
  const all: Record<string, RemapProgress> = {...ctx.journal.progress.remap}
  for (const target of ctx.journal.plan.remap) {
    const name = label(target)
    if (all[name]?.done) continue
    const {rows: [bounds]} = await ctx.session.query<{hi: null | string; lo: null | string; n: string}>(remapBoundsSql(target, id))
    const lo = Number(bounds.lo ?? 0)
    const hi = Number(bounds.hi ?? -1)
    // without a key, a new id equal to another row's old id would be remapped twice across batches:
    // then the whole column goes in one statement, which sees each row once
    const overlap = target.key === null && await idsOverlap(ctx, id)
    let progress = all[name] ?? {done: false, longestMs: 0, nonNull: 0, stripes: planStripes(lo, hi, target.key === null), unmatched: 0, updated: 0}

    // batching by key, the column's own indexes only slow the updates down (every row gets a new
    // entry): they are dropped (definitions kept in the journal) and rebuilt CONCURRENTLY after
    if (target.key && !progress.indexes) progress = {...progress, indexes: await columnIndexes(ctx, target)}
    all[name] = progress
    // the stripes are in the journal before any batch writes into one of them in place
    await updateJournal(ctx.session, id, {progress: {remap: all}})

    for (const index of progress.indexes ?? []) {
      await ctx.session.transaction(async tx => {
        await tx.query("SET LOCAL lock_timeout = '2s'")
        await tx.query(`DROP INDEX IF EXISTS ${qualified(target.schema, index.name)}`)
      })
    }

    if (progress.indexes?.length) report(`dropped ${progress.indexes.map(i => i.name).join(', ')} for the batches`)
    // counted on a connection of its own while the batches run (the pool has room for it), for the unmatched count
    const nonNull = ctx.session.query<{n: string}>(nonNullSql(target))
    nonNull.catch(() => {})
    await runStripes({ctx, keysPerRow: (hi - lo + 1) / Math.max(1, Number(bounds.n)), name, progress, report, target, wholeStripe: overlap, workers: ctx.remapWorkers ?? WORKERS})
    for (const index of progress.indexes ?? []) await rebuildIndex(ctx, target, index, report)
    const updated = progress.stripes.reduce((sum, s) => sum + s.updated, 0)
    const values = Number((await nonNull).rows[0].n)
    progress = {...progress, done: true, longestMs: Math.max(0, ...progress.stripes.map(s => s.longestMs)), nonNull: values, unmatched: Math.max(0, values - updated), updated}
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
  // on a connection of its own (dropped afterwards), with room to sort in memory: at the default
  // 64 MB, a million keys already spill to disk, which costs a fifth of the build
  const conn = await ctx.session.reserve()
  try {
    await conn.query(`SELECT set_config('maintenance_work_mem', greatest(setting::bigint, ${INDEX_BUILD_KB})::text || 'kB', false) FROM pg_settings WHERE name = 'maintenance_work_mem'`)
    await conn.query(index.definition.replace(/^CREATE INDEX /, 'CREATE INDEX CONCURRENTLY '))
  } finally {
    conn.release()
  }
}

const INDEX_BUILD_KB = 256 * 1024

async function idsOverlap(ctx: StepContext, id: number): Promise<boolean> {
  const map = stateTable(idMapTable(id))
  const {rows: [row]} = await ctx.session.query<{overlap: boolean}>(
    `SELECT EXISTS (SELECT 1 FROM ${map} a JOIN ${map} b ON b.old_id = a.new_id WHERE a.old_id <> a.new_id) AS overlap`,
  )
  return row.overlap
}

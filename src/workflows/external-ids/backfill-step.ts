import {fmt} from '../../analysis/write-prediction.js'
import {backfillBatch, backfillBounds} from './backfill.js'
import {InterruptedError, progressOf, saveProgress, type StepContext} from './context.js'
import type {BackfillProgress, MappingPlan} from './types.js'

// Step 5: fill the NULL identifiers with random UUIDs, in key-range batches of the plan's size
// (each its own short transaction, so no lock is held for long), the journal saying after every
// batch where the next one starts. Values never come from a sequence or from `id`: the key only
// bounds the batches. Only NULLs change, so a batch run twice changes nothing the second time,
// and a synced row's value (which Salesforce holds) is never touched.

export async function backfillStep(ctx: StepContext, m: MappingPlan, report: (line: string) => void): Promise<void> {
  const target = {column: m.column, key: m.key, schema: m.schema, table: m.table}
  const bounds = await backfillBounds(ctx.session, target)
  const saved = progressOf(ctx, m).backfill
  const progress: BackfillProgress = saved ?? {batches: 0, done: false, longestMs: 0, next: bounds.min ?? 0, updated: 0}
  const size = ctx.journal.plan.batchRows
  if (bounds.min === null || bounds.max === null) {
    report('no rows to fill')
  } else {
    progress.next = Math.max(progress.next, bounds.min)
    while (progress.next <= bounds.max) {
      if (ctx.stopRequested()) {
        throw new InterruptedError(`stopped after ${fmt(progress.updated)} ${m.object} rows, at ${m.key} ${progress.next}`, `continue with ${ctx.resumeCommand}`)
      }

      const from = progress.next
      const to = from + size
      const started = Date.now()
      const updated = await backfillBatch(ctx.session, target, from, to)
      const ms = Date.now() - started
      Object.assign(progress, {batches: progress.batches + 1, longestMs: Math.max(progress.longestMs, ms), next: to, updated: progress.updated + updated})
      await saveProgress(ctx, m, {backfill: progress})
      report(`${fmt(progress.updated)} rows filled (${m.key} < ${to} of ${bounds.max + 1})`)
    }
  }

  progress.done = true
  await saveProgress(ctx, m, {backfill: progress}, 'backfill')
}

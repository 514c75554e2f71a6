import {fmt} from '../../analysis/write-prediction.js'
import {backfill} from './backfill.js'
import {InterruptedError, progressOf, saveProgress, type StepContext} from './context.js'
import type {MappingPlan} from './types.js'

// Step 5: fill the NULL identifiers with random UUIDs through the backfill engine, in key-range
// batches of the plan's size (each its own short transaction), the journal saying after every
// batch where the next one starts. Values never come from a sequence or from `id`: the key only
// bounds the batches. Only NULLs change, so a synced row's value (which Salesforce holds) stays.

export async function backfillStep(ctx: StepContext, m: MappingPlan, report: (line: string) => void): Promise<void> {
  const target = {column: m.column, key: m.key, schema: m.schema, table: m.table}
  const progress = await backfill(ctx.session, target, {
    batchRows: ctx.journal.plan.batchRows,
    async onBatch(p) {
      await saveProgress(ctx, m, {backfill: p})
      report(`${fmt(p.updated)} rows filled (${m.key} < ${p.next} of ${p.hi + 1})`)
    },
    progress: progressOf(ctx, m).backfill,
    stopRequested: ctx.stopRequested,
  })
  if (!progress.done) throw new InterruptedError(`stopped after ${fmt(progress.updated)} ${m.object} rows, at ${m.key} ${progress.next}`, `continue with ${ctx.resumeCommand}`)
  await saveProgress(ctx, m, {backfill: progress}, 'backfill')
}

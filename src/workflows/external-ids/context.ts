import type {ConnectApi} from '../../clients/connect-api.js'
import type {ConnectionDetails} from '../../clients/connect-types.js'
import type {PgQueryable, PgSession} from '../../clients/postgres.js'
import type {SalesforceClient} from '../../clients/salesforce.js'
import {type Journal, updateJournal} from '../state/journal.js'
import type {ExternalIdPlan, ExternalIdProgress, MappingPlan, MappingProgress, Step} from './types.js'

// What every step of connect:external-ids is given, and how a step records that it is done: in
// the journal, per mapping, so --resume continues with the first step a mapping has not finished.

export type ExternalIdJournal = Journal<ExternalIdPlan, ExternalIdProgress>

export interface StepContext {
  session: PgSession
  api: ConnectApi
  connection: ConnectionDetails
  salesforce: SalesforceClient
  journal: ExternalIdJournal
  resumeCommand: string
  pollMs: number
  /** how long waiting for Connect may take in this process */
  timeoutMs: number
  stopRequested(): boolean
  /** called after each step commits (the tests' failure hook) */
  afterCommit(point: string): void
}

export {InterruptedError, StepFailedError} from '../state/run-errors.js'

export function progressOf(ctx: StepContext, m: MappingPlan): MappingProgress {
  ctx.journal.progress.mappings ??= {}
  ctx.journal.progress.mappings[m.object] ??= {done: []}
  return ctx.journal.progress.mappings[m.object]
}

/** Saves the mapping's progress (merged) and, with `step`, marks that step done; inside `db`'s transaction when given one. */
export async function saveProgress(ctx: StepContext, m: MappingPlan, change: Partial<MappingProgress>, step?: Step, db: PgQueryable = ctx.session): Promise<void> {
  const progress = progressOf(ctx, m)
  Object.assign(progress, change)
  if (step && !progress.done.includes(step)) progress.done.push(step)
  const mappings = {...ctx.journal.progress.mappings, [m.object]: progress}
  await updateJournal(db, ctx.journal.id, {event: step ? `${m.object}: ${step} done` : undefined, progress: {mappings}, step: step ? `${m.object}:${step}` : undefined})
  if (step) ctx.journal.step = `${m.object}:${step}`
}

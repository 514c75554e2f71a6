import {GuardError} from '../../errors.js'
import type {PhaseRunner, ProgressPhase} from '../../progress.js'
import {createJournal, openJournal, readJournal, updateJournal} from '../state/journal.js'
import {withRunLock} from '../state/lock.js'
import {ensureStateSchema} from '../state/schema.js'
import {backfillStep} from './backfill-step.js'
import {type ExternalIdJournal, InterruptedError, progressOf, type StepContext} from './context.js'
import {defaultStep, mappingStep} from './postgres-steps.js'
import {accessStep, fieldStep} from './salesforce-steps.js'
import {type ExternalIdPlan, type ExternalIdProgress, type MappingPlan, type Step, STEPS} from './types.js'

// Runs the plan's steps, mapping by mapping, journaled: a new run creates the journal, a resumed
// one skips every step its journal shows done. One run per connection at a time (advisory lock);
// a journal left open (interrupted, failed, or running with no live lock) must be resumed first.

export const JOURNAL_KIND = 'external-ids'

export type RunContext = Omit<StepContext, 'journal'> & {runPhases: PhaseRunner}

export interface ExternalIdOutcome {
  journalId: number
  status: 'complete'
  /** per mapping: the steps done in this run and before */
  progress: ExternalIdProgress
  notes: string[]
}

const TITLES: Record<Step, (m: MappingPlan) => string> = {
  access: m => `${m.object}: Edit on ${m.field} for Connect's user`,
  backfill: m => `${m.object}: filling NULL ${m.column} values`,
  default: m => `${m.object}: default ${m.column} to gen_random_uuid()::text`,
  field: m => `${m.object}: Salesforce field ${m.field} (External ID, Unique)`,
  mapping: m => `${m.object}: ${m.field} as the mapping's unique identifier`,
}

const RUNNERS: Record<Step, (ctx: StepContext, m: MappingPlan, report: (line: string) => void) => Promise<void>> = {
  access: accessStep, backfill: backfillStep, default: defaultStep, field: fieldStep, mapping: mappingStep,
}

export async function startRun(ctx: RunContext, plan: ExternalIdPlan): Promise<ExternalIdOutcome> {
  await ensureStateSchema(ctx.session)
  return withRunLock(ctx.session, JOURNAL_KIND, ctx.connection, async () => {
    const open = await openJournal(ctx.session, JOURNAL_KIND, ctx.connection.id)
    if (open) throw new GuardError(`connect:external-ids run ${open.id} is ${open.status} at ${open.step}; finish it before starting another`, 1, ctx.resumeCommand)
    const journal = await createJournal<ExternalIdPlan>(ctx.session, {
      app: plan.app, connectionId: ctx.connection.id, kind: JOURNAL_KIND, plan, step: 'plan', target: plan.mappings.map(m => m.object).join(', ') || 'none',
    }) as ExternalIdJournal
    return runSteps(ctx, journal)
  })
}

export async function resumeRun(ctx: RunContext): Promise<ExternalIdOutcome> {
  return withRunLock(ctx.session, JOURNAL_KIND, ctx.connection, async () => {
    const open = await openJournal<ExternalIdPlan, ExternalIdProgress>(ctx.session, JOURNAL_KIND, ctx.connection.id)
    if (!open) throw new GuardError(`no interrupted connect:external-ids run to resume on connection ${ctx.connection.name ?? ctx.connection.id}`, 2, '`heroku connect:external-ids --status` lists past runs')
    await updateJournal(ctx.session, open.id, {error: null, event: `resumed after ${open.step}`, status: 'running'})
    return runSteps(ctx, {...open, status: 'running'})
  })
}

async function runSteps(run: RunContext, journal: ExternalIdJournal): Promise<ExternalIdOutcome> {
  const ctx: StepContext = {...run, journal}
  const {plan} = journal
  const phases: ProgressPhase[] = []
  for (const m of plan.mappings.filter(p => !plan.blocked.includes(p.object))) {
    const done = progressOf(ctx, m).done
    for (const step of STEPS.filter(s => m.actions[s] !== null && !done.includes(s))) {
      phases.push({tasks: [{
        async run(report) {
          if (ctx.stopRequested()) throw new InterruptedError(`stopped before ${m.object}: ${step}`, `continue with ${ctx.resumeCommand}`)
          await RUNNERS[step](ctx, m, report)
          ctx.afterCommit(`${m.object}:${step}`)
        },
        title: TITLES[step](m),
      }], title: TITLES[step](m)})
    }
  }

  try {
    await run.runPhases(phases)
  } catch (error) {
    await recordStop(ctx, error)
    throw error
  }

  await updateJournal(ctx.session, journal.id, {event: 'complete', status: 'complete', step: 'complete'})
  const final = (await readJournal<ExternalIdPlan, ExternalIdProgress>(ctx.session, journal.id))!
  const notes = Object.values(final.progress.mappings ?? {}).flatMap(p => p.notes ?? [])
  return {journalId: journal.id, notes, progress: final.progress, status: 'complete'}
}

/** Marks the journal interrupted or failed; when the database itself is gone there is nothing to mark. */
async function recordStop(ctx: StepContext, error: unknown): Promise<void> {
  const interrupted = error instanceof InterruptedError
  const message = error instanceof Error ? error.message : String(error)
  await updateJournal(ctx.session, ctx.journal.id, {
    error: interrupted ? null : message,
    event: interrupted ? `interrupted: ${message}` : `failed: ${message}`,
    status: interrupted ? 'interrupted' : 'failed',
  }).catch(() => {})
}

import type {ConnectApi} from '../../clients/connect-api.js'
import type {ConnectionDetails} from '../../clients/connect-types.js'
import type {PgSession} from '../../clients/postgres.js'
import {GuardError} from '../../errors.js'
import type {PhaseRunner, ProgressTask} from '../../progress.js'
import {createJournal, openJournal, readJournal, updateJournal} from '../state/journal.js'
import {withRunLock} from '../state/lock.js'
import {ensureStateSchema} from '../state/schema.js'
import {remapStep} from './remap.js'
import {backupStep, InterruptedError, type ReloadJournal, reloadStep, restoreStep, type StepContext, StepFailedError, unblockStep, verifyStep, waitStep} from './steps.js'
import {type Preflight, type ReloadPlan, type ReloadProgress, type Step, STEPS} from './types.js'

// Runs a reload's steps after its preflight, journaled: a new run starts at the backup, a resumed
// one after the last step its journal shows. One run per connection at a time (advisory lock);
// a journal left open (interrupted, failed, or running with no live lock) must be resumed first.

export const JOURNAL_KIND = 'reload'

export interface RunRequest {
  session: PgSession
  api: ConnectApi
  connection: ConnectionDetails
  runPhases: PhaseRunner
  resumeCommand: string
  pollMs: number
  timeoutMs: number
  stopRequested(): boolean
  afterCommit(point: string): void
}

export interface ReloadOutcome {
  journalId: number
  status: 'complete'
  progress: ReloadProgress
  warnings: string[]
}

const TITLES: Record<Exclude<Step, 'complete' | 'preflight'>, string> = {
  backup: 'Backing up the table into connect_guard',
  reload: 'Requesting the reload from Heroku Connect',
  remap: 'Remapping old ids to new ids',
  restore: 'Restoring foreign keys (NOT VALID, then VALIDATE)',
  unblock: 'Dropping the foreign keys that block the reload',
  verify: 'Comparing the reloaded rows with the backup by sfid',
  wait: 'Waiting for Connect to reload',
}

/** A new run: refuses while another run's journal is open, then creates the journal and runs every step. */
export async function startReload(request: RunRequest, preflight: Preflight): Promise<ReloadOutcome> {
  await ensureStateSchema(request.session)
  return withRunLock(request.session, JOURNAL_KIND, request.connection, async () => {
    const open = await openJournal<ReloadPlan, ReloadProgress>(request.session, JOURNAL_KIND, request.connection.id)
    if (open) {
      throw new GuardError(`reload ${open.id} of ${open.target} is ${open.status} at step ${open.step}; finish it before starting another`, 1, request.resumeCommand)
    }

    const journal = await createJournal<ReloadPlan>(request.session, {
      app: preflight.plan.app, connectionId: request.connection.id, kind: JOURNAL_KIND, plan: preflight.plan, step: 'preflight', target: preflight.plan.object,
    }) as ReloadJournal
    request.afterCommit('preflight')
    return runSteps(request, journal)
  })
}

/** Continues the open journal of this connection from its last completed step. */
export async function resumeReload(request: RunRequest, options: {abort?: boolean} = {}): Promise<ReloadOutcome> {
  return withRunLock(request.session, JOURNAL_KIND, request.connection, async () => {
    const open = await openJournal<ReloadPlan, ReloadProgress>(request.session, JOURNAL_KIND, request.connection.id)
    if (!open) throw new GuardError(`no interrupted reload to resume on connection ${request.connection.name ?? request.connection.id}`, 2, '`heroku connect:reload --status` lists past reloads')
    if (options.abort) return abortRun(request, open as ReloadJournal)
    await updateJournal(request.session, open.id, {error: null, event: `resumed after ${open.step}`, status: 'running'})
    return runSteps(request, {...open, status: 'running'} as ReloadJournal)
  })
}

async function runSteps(request: RunRequest, journal: ReloadJournal): Promise<ReloadOutcome> {
  const ctx: StepContext = {...request, journal}
  const runners: Record<keyof typeof TITLES, (report: (line: string) => void) => Promise<unknown>> = {
    backup: report => backupStep(ctx, report),
    reload: report => reloadStep(ctx, report),
    remap: report => remapStep(ctx, report),
    restore: report => restoreStep(ctx, report),
    unblock: report => unblockStep(ctx, report),
    verify: report => verifyStep(ctx, report),
    wait: report => waitStep(ctx, report),
  }
  const first = STEPS.indexOf(journal.step as Step) + 1
  const todo = STEPS.slice(first).filter((s): s is keyof typeof TITLES => s in TITLES)
  const tasks: ProgressTask[] = todo.map(step => ({
    async run(report) {
      if (request.stopRequested()) throw new InterruptedError(`stopped before ${step}`, `continue with ${request.resumeCommand}`)
      await runners[step](report)
      request.afterCommit(step)
    },
    title: TITLES[step],
  }))
  try {
    await request.runPhases(tasks.map(task => ({tasks: [task], title: task.title})))
  } catch (error) {
    await recordStop(request, journal, error)
    throw error
  }

  await updateJournal(request.session, journal.id, {event: 'complete', status: 'complete', step: 'complete'})
  const final = (await readJournal<ReloadPlan, ReloadProgress>(request.session, journal.id))!
  const warnings = [
    ...(final.progress.restored ?? []).filter(r => !r.validated).map(r => `foreign key ${r.name} is back but NOT VALID: ${r.error}`),
    ...Object.entries(final.progress.remap ?? {}).filter(([, p]) => p.unmatched > 0).map(([name, p]) => `${name}: ${p.unmatched} rows hold ids whose record is gone from Salesforce; they were left as they were`),
  ]
  return {journalId: journal.id, progress: final.progress, status: 'complete', warnings}
}

/** Stops a run that has not asked Connect to reload yet: restores what it dropped, closes the journal. */
async function abortRun(request: RunRequest, journal: ReloadJournal): Promise<ReloadOutcome> {
  if (STEPS.indexOf(journal.step as Step) >= STEPS.indexOf('reload')) {
    throw new GuardError(`reload ${journal.id} has already asked Connect to reload ${journal.target}: it cannot be undone, only finished`, 1, request.resumeCommand)
  }

  const ctx: StepContext = {...request, journal}
  await request.runPhases([{tasks: [{run: report => restoreStep(ctx, report), title: TITLES.restore}], title: TITLES.restore}])
  await updateJournal(request.session, journal.id, {event: 'aborted: nothing was reloaded, the foreign keys are back', status: 'complete', step: 'complete'})
  const final = (await readJournal<ReloadPlan, ReloadProgress>(request.session, journal.id))!
  return {journalId: journal.id, progress: final.progress, status: 'complete', warnings: ['aborted before the reload: the table was not reloaded']}
}

/** Marks the journal interrupted or failed; when the database itself is gone there is nothing to mark. */
async function recordStop(request: RunRequest, journal: ReloadJournal, error: unknown): Promise<void> {
  const interrupted = error instanceof InterruptedError
  const message = error instanceof Error ? error.message : String(error)
  const backTo = error instanceof StepFailedError ? error.backTo : undefined
  await updateJournal(request.session, journal.id, {
    error: interrupted ? null : message,
    event: interrupted ? `interrupted: ${message}` : `failed: ${message}`,
    status: interrupted ? 'interrupted' : 'failed',
    step: backTo,
  }).catch(() => {})
}

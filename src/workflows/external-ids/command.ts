import type {ConnectionDetails} from '../../clients/connect-types.js'
import type {PgSession} from '../../clients/postgres.js'
import {parseDuration} from '../../duration.js'
import {CollectError, GuardError, UsageError} from '../../errors.js'
import {type Journal, journalEvents, openJournal, recentJournals} from '../state/journal.js'
import {StopOnInterrupt} from '../state/interrupt.js'
import {runLockHeld, runningElsewhere} from '../state/lock.js'
import {stateSchemaExists} from '../state/schema.js'
import {dryRunCalls} from './dry-run.js'
import {buildPlan, validateFieldName} from './plan.js'
import {type ExternalIdOutcome, JOURNAL_KIND, resumeRun, type RunContext, startRun} from './run.js'
import {migrationFile, readColumn, readOnlyReason} from './sql.js'
import type {ExternalIdsRequest} from './request.js'
import type {ExternalIdPlan, ExternalIdProgress} from './types.js'
import {openWorld, type World} from './world.js'

// connect:external-ids from flags to outcome: collect what the audit collects (Connect, Postgres,
// Salesforce), plan with the audit's own judgement, then stop at the plan (--dry-run, --out) or
// confirm and run the journaled steps (or --resume them). Rendering is the command's.

export type {ExternalIdsRequest, Presenter} from './request.js'

export interface ExternalIdsResult {
  app: string
  mode: ExternalIdsRequest['mode']
  exitCode: number
  plan?: ExternalIdPlan
  dryRun?: string[]
  out?: string
  outcome?: ExternalIdOutcome
  journals?: Array<Journal<ExternalIdPlan, ExternalIdProgress>>
}

export async function runExternalIds(request: ExternalIdsRequest): Promise<ExternalIdsResult> {
  validateFieldName(request.field)
  if (!Number.isInteger(request.batchRows) || request.batchRows < 1 || request.batchRows > 1_000_000) throw new UsageError(`--batch-rows ${request.batchRows} is out of range`, 'use 1 to 1,000,000; 5,000 fills one Bulk chunk')
  const timeoutMs = parseDuration(request.timeout, '--timeout')
  const world = await openWorld(request)
  try {
    return await inWorld(request, world, timeoutMs)
  } finally {
    await world.session.close().catch(() => {})
  }
}

async function inWorld(request: ExternalIdsRequest, world: World, timeoutMs: number): Promise<ExternalIdsResult> {
  const base = {app: request.app, mode: request.mode}
  const {connection, session} = world
  if (request.mode === 'status') {
    const journals = await recentJournals<ExternalIdPlan, ExternalIdProgress>(session, JOURNAL_KIND, connection.id)
    const events = journals[0] ? await journalEvents(session, journals[0].id) : []
    request.present.status(journals, events)
    return {...base, exitCode: 0, journals}
  }

  const salesforce = world.salesforce!
  const resumeCommand = `heroku connect:external-ids --resume -a ${request.app}`
  const interrupt = new StopOnInterrupt('batch boundary', text => request.present.note(text))

  const ctx: RunContext = {
    afterCommit(point) {
      if (request.testFailAfter === point) throw new GuardError(`test hook: failing after ${point}`, 3, resumeCommand)
    },
    api: world.api, connection, pollMs: request.pollMs, resumeCommand, runPhases: request.runPhases, salesforce, session,
    stopRequested: interrupt.stopRequested,
    timeoutMs,
  }
  const guarded = async (work: () => Promise<ExternalIdOutcome>): Promise<ExternalIdOutcome> => {
    const readOnly = await readOnlyReason(session)
    if (readOnly) throw new CollectError(`${readOnly}: connect:external-ids cannot write to it`, 'point --database-url at the primary (heroku pg:info), then run again')
    await request.present.confirm(request.app)
    return interrupt.during(work)
  }

  if (request.mode === 'resume') return {...base, exitCode: 0, outcome: await guarded(() => resumeRun(ctx))}

  await refuseWhileOpen(session, connection, resumeCommand)
  const saved = Object.fromEntries((connection.mappings ?? []).map(m => [m.object_name, {config: m.config, id: m.id}]))
  const plan = await session.readOnly(tx => buildPlan(tx, {
    app: request.app, batchRows: request.batchRows, connectionId: connection.id, createsStateSchema: false, field: request.field, fieldGiven: request.fieldGiven,
    mappings: request.mappings, permissionSet: request.permissionSet, saved, snapshot: world.snapshot!, timeoutMs,
  }))
  plan.createsStateSchema = !(await stateSchemaExists(session))
  await request.present.plan(plan)
  const blockedCode = plan.blocked.length > 0 ? 1 : 0
  const result: ExternalIdsResult = {...base, exitCode: blockedCode, plan}
  if (request.out) {
    const {writeFile} = await import('node:fs/promises')
    const bounds = Object.fromEntries(await Promise.all(plan.mappings.map(async m => [m.object, await readColumn(session, m)] as const)))
    await writeFile(request.out, migrationFile(plan, bounds))
    request.present.note(`Wrote the Postgres part as a migration to ${request.out}`)
    result.out = request.out
  }

  const runnable = plan.mappings.filter(m => !plan.blocked.includes(m.object))
  if (request.dryRun || request.out) {
    if (request.dryRun) {
      result.dryRun = dryRunCalls(plan, salesforce.apiVersion, `${connection.region_url ?? ''}/api/v3`)
      request.present.calls(result.dryRun)
    }

    return result
  }

  if (runnable.length === 0) return result
  return {...result, outcome: await guarded(() => startRun(ctx, plan))}
}

/** A run in progress (lock held) or left open (journal) comes first. */
async function refuseWhileOpen(session: PgSession, connection: ConnectionDetails, resumeCommand: string): Promise<void> {
  if (await runLockHeld(session, JOURNAL_KIND, connection.id)) throw runningElsewhere(JOURNAL_KIND, connection)

  const open = await openJournal(session, JOURNAL_KIND, connection.id)
  if (open) throw new GuardError(`connect:external-ids run ${open.id} is ${open.status} at ${open.step}; finish it before starting another`, 1, resumeCommand)
}

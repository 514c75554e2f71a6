import type {APIClient} from '@heroku-cli/command'

import type {ConnectionDetails, MappingDetails} from '../../clients/connect-types.js'
import type {PgSession} from '../../clients/postgres.js'
import {parseDuration} from '../../duration.js'
import {GuardError, UsageError} from '../../errors.js'
import type {PhaseRunner} from '../../progress.js'
import {type Journal, type JournalEvent, journalEvents, openJournal, recentJournals} from '../state/journal.js'
import {StopOnInterrupt} from '../state/interrupt.js'
import {runLockHeld, runningElsewhere, withRunLock} from '../state/lock.js'
import {stateSchemaExists, stateTable} from '../state/schema.js'
import {readPendingCount} from './catalog.js'
import {dryRunStatements} from './dry-run.js'
import {runPreflight} from './preflight.js'
import {applyPrune, type JournalStorage, planPrune, type PrunePlan, readStorage} from './prune.js'
import {JOURNAL_KIND, type ReloadOutcome, resumeReload, type RunRequest, startReload} from './run.js'
import type {CheckName, Preflight, ReloadPlan, ReloadProgress} from './types.js'

// connect:reload from flags to outcome: find the connection, the mapping and the database, run
// the preflight (waiting for pending changes with --wait-drain), then either stop there, print
// the dry run, or confirm and run (or resume) the journaled steps. Rendering is the command's.

export interface ReloadCommandRequest {
  app: string
  resource?: string
  mapping?: string
  mode: 'preflight' | 'prune' | 'resume' | 'safe' | 'status'
  /** with prune: keep the backups of the N most recent finished reloads (default 1), or prune one reload */
  keep?: number
  journal?: number
  /** with resume: restore what the run dropped and close it, when Connect has not been asked to reload yet */
  abort?: boolean
  remap: string[]
  force: CheckName[]
  dryRun: boolean
  databaseUrl?: string
  timeout: string
  waitDrain?: string
  pollMs: number
  heroku: APIClient
  runPhases: PhaseRunner
  present: Presenter
  /** the tests' crash hook: SIGKILL self right after this commit point */
  testCrashAfter?: string
}

export interface Presenter {
  preflight(preflight: Preflight): void
  statements(statements: string[]): void
  status(journals: Array<Journal<ReloadPlan, ReloadProgress>>, events: JournalEvent[], storage: JournalStorage[]): void
  prune(plan: PrunePlan, dryRun: boolean): void
  note(text: string): void
  confirm(app: string): Promise<void>
}

export interface ReloadResult {
  app: string
  mode: ReloadCommandRequest['mode']
  exitCode: number
  preflight?: Preflight
  dryRun?: string[]
  outcome?: ReloadOutcome
  journals?: Array<Journal<ReloadPlan, ReloadProgress>>
  /** with status: the backup and id map of each journal listed, with their sizes */
  storage?: JournalStorage[]
  /** with prune: what was (or, with --dry-run, would be) dropped, and the journals pruned */
  prune?: {plan: PrunePlan; pruned: number[]}
}

export async function runReloadCommand(request: ReloadCommandRequest): Promise<ReloadResult> {
  const timeoutMs = parseDuration(request.timeout, '--timeout')
  const drainMs = request.waitDrain === undefined ? undefined : parseDuration(request.waitDrain, '--wait-drain')
  const [{ConnectApi}, {getConfigVars}, {connectPostgres}] = await Promise.all([
    import('../../clients/connect-api.js'), import('../../clients/heroku-platform.js'), import('../../clients/postgres.js'),
  ])
  const api = await ConnectApi.fromHeroku(request.heroku)
  const connection = await api.findConnection(request.app, {resource: request.resource})
  let url = request.databaseUrl
  if (!url) {
    const vars = await getConfigVars(request.heroku, request.app)
    url = vars[connection.db_key]
    if (!url) throw new UsageError(`app ${request.app} has no config var ${connection.db_key} (the connection's database)`, 'pass --database-url')
  }

  const session = await connectPostgres(url, {applicationName: 'heroku-connect-guard reload', lockTimeoutMs: 2000, statementTimeoutMs: 0})
  try {
    return await inSession(request, session, api, connection, timeoutMs, drainMs)
  } finally {
    await session.close().catch(() => {})
  }
}

async function inSession(
  request: ReloadCommandRequest, session: PgSession, api: import('../../clients/connect-api.js').ConnectApi, connection: ConnectionDetails, timeoutMs: number, drainMs?: number,
): Promise<ReloadResult> {
  const base = {app: request.app, mode: request.mode}
  if (request.mode === 'status') {
    const journals = await recentJournals<ReloadPlan, ReloadProgress>(session, JOURNAL_KIND, connection.id)
    const events = journals[0] ? await journalEvents(session, journals[0].id) : []
    const storage = await readStorage(session, journals.map(j => j.id))
    request.present.status(journals, events, storage)
    return {...base, exitCode: 0, journals, storage}
  }

  if (request.mode === 'prune') return {...base, exitCode: 0, prune: await prune(request, session, connection)}

  const resumeCommand = `heroku connect:reload --resume -a ${request.app}`
  const interrupt = new StopOnInterrupt('step boundary', text => request.present.note(text))

  const runRequest: RunRequest = {
    afterCommit(point) {
      if (request.testCrashAfter === point) process.kill(process.pid, 'SIGKILL')
    },
    api, connection, pollMs: request.pollMs, resumeCommand, runPhases: request.runPhases, session,
    stopRequested: interrupt.stopRequested,
    timeoutMs,
  }

  if (request.mode === 'resume') {
    await request.present.confirm(request.app)
    return {...base, exitCode: 0, outcome: await interrupt.during(() => resumeReload(runRequest, {abort: request.abort}))}
  }

  const mapping = pickMapping(connection, request.mapping!)
  if (request.mode === 'safe') await refuseWhileOpen(session, connection, resumeCommand)
  const preflightOf = (fresh: MappingDetails) => session.readOnly(tx => runPreflight(tx, {
    app: request.app, connection, force: request.force, mapping: fresh, remap: request.remap, timeoutMs,
  }, session.target))
  let preflight = await preflightOf(mapping)
  const pending = preflight.checks.find(c => c.name === 'pending-changes')
  if (pending && !pending.ok && !pending.forced && drainMs !== undefined) {
    await waitForDrain(request, session, preflight, drainMs)
    preflight = await preflightOf(await api.getMapping(connection, mapping.id))
  }

  request.present.preflight(preflight)
  const refusedCode = preflight.refused ? 1 : 0
  if (request.mode === 'preflight') {
    request.present.note('\nThis only showed the preflight. Connect\'s own reload empties the table: rows never synced are lost, every id changes, and a foreign key makes it fail.'
      + `\nRun with --safe to back up, reload, verify, remap ids and restore: heroku connect:reload ${mapping.object_name} --safe -a ${request.app}`)
    return {...base, exitCode: refusedCode, preflight}
  }

  if (preflight.refused) return {...base, exitCode: 1, preflight}
  if (request.dryRun) {
    const next = (await stateSchemaExists(session))
      ? Number((await session.query<{n: string}>(`SELECT coalesce(max(id), 0) + 1 AS n FROM ${stateTable('journal')}`)).rows[0].n)
      : 1
    const statements = dryRunStatements(preflight, next, `${connection.region_url ?? ''}/api/v3`)
    request.present.statements(statements)
    return {...base, dryRun: statements, exitCode: 0, preflight}
  }

  await request.present.confirm(request.app)
  return {...base, exitCode: 0, outcome: await interrupt.during(() => startReload(runRequest, preflight)), preflight}
}

/** Drops the backups and id maps of finished reloads, holding the run lock so no reload starts or resumes meanwhile. */
async function prune(request: ReloadCommandRequest, session: PgSession, connection: ConnectionDetails): Promise<{plan: PrunePlan; pruned: number[]}> {
  return withRunLock(session, JOURNAL_KIND, connection, async () => {
    const plan = await planPrune(session, {connectionId: connection.id, journal: request.journal, keep: request.keep})
    request.present.prune(plan, request.dryRun)
    if (request.dryRun || plan.drop.length === 0) return {plan, pruned: []}
    await request.present.confirm(request.app)
    return {plan, pruned: await applyPrune(session, plan)}
  }, () => new GuardError(`a connect:reload is running on connection ${connection.name ?? connection.id}`, 1, 'prune once it has finished'))
}

/** A run in progress (lock held) or left open (journal) comes first: a preflight now would only see its effects. */
async function refuseWhileOpen(session: PgSession, connection: ConnectionDetails, resumeCommand: string): Promise<void> {
  if (await runLockHeld(session, JOURNAL_KIND, connection.id)) throw runningElsewhere(JOURNAL_KIND, connection)

  const open = await openJournal<ReloadPlan, ReloadProgress>(session, JOURNAL_KIND, connection.id)
  if (open) throw new GuardError(`reload ${open.id} of ${open.target} is ${open.status} at step ${open.step}; finish it before starting another`, 1, resumeCommand)
}

function pickMapping(connection: ConnectionDetails, wanted: string): MappingDetails {
  const mappings = connection.mappings ?? []
  const found = mappings.find(m => m.id === wanted || String(m._id ?? '') === wanted || m.object_name.toLowerCase() === wanted.toLowerCase())
  if (!found) {
    const known = mappings.map(m => m.object_name).sort().join(', ') || 'none'
    throw new UsageError(`no mapping ${wanted} on connection ${connection.name ?? connection.id}`, `mapped objects: ${known}`)
  }

  return found
}

async function waitForDrain(request: ReloadCommandRequest, session: PgSession, preflight: Preflight, drainMs: number): Promise<void> {
  const {schema, table} = preflight.plan
  const deadline = Date.now() + drainMs
  await request.runPhases([{tasks: [{
    async run(report) {
      for (;;) {
        const pending = await readPendingCount(session, schema, table)
        report(`${pending} changes to ${table} still pending`)
        if (pending === 0) return
        if (Date.now() >= deadline) return
        await new Promise(resolve => {
          setTimeout(resolve, Math.min(2000, Math.max(100, deadline - Date.now())))
        })
      }
    },
    title: `Waiting for Connect to send pending changes to ${table}`,
  }], title: 'drain'}])
}

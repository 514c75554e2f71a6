import {type ConnectApi, ConnectCollectError, ConnectUsageError} from '../../clients/connect-api.js'
import type {ConnectionDetails} from '../../clients/connect-types.js'
import type {PgQueryable, PgSession} from '../../clients/postgres.js'
import {qualified} from '../../sql.js'
import {type Journal, updateJournal} from '../state/journal.js'
import {InterruptedError, StepFailedError as RunStepFailedError} from '../state/run-errors.js'
import {stateTable} from '../state/schema.js'
import {readPendingCount} from './catalog.js'
import {addForeignKeySql, backupSql, ddlTable, dropForeignKeySql, reloadedSql, validateForeignKeySql, verifySql} from './sql.js'
import type {ReloadPlan, ReloadProgress, Step, VerifyResult} from './types.js'

// The steps of a safe reload. Each one is idempotent and commits its own journal update in the
// same transaction as its writes where Postgres allows it (backup, unblock, every remap batch),
// so a process killed between any two statements leaves a journal that says exactly where to go on.

export type ReloadJournal = Journal<ReloadPlan, ReloadProgress>

export interface StepContext {
  session: PgSession
  api: ConnectApi
  connection: ConnectionDetails
  journal: ReloadJournal
  resumeCommand: string
  pollMs: number
  /** how long the wait step may take in this process */
  timeoutMs: number
  /** concurrent remap batch transactions; the bench compares one with the default */
  remapWorkers?: number
  stopRequested(): boolean
  /** called after each journal update that ends a step or a batch (the tests' crash hook) */
  afterCommit(point: string): void
}

export {InterruptedError} from '../state/run-errors.js'
/** A reload step that failed; `backTo` names the step --resume redoes first. */
export class StepFailedError extends RunStepFailedError<Step> {}

const SHORT_LOCK = "SET LOCAL lock_timeout = '2s'"

/**
 * A Connect API call in the middle of a run. Whatever Connect answers (401, 403, 404, 409, 429 after
 * its retries, 5xx, no answer), the run could not call it: exit 3, the journal stays open, and the
 * hint says to resume once the cause is fixed. A 404 here is not a usage error: the mapping existed
 * at the preflight.
 */
async function callConnect<T>(ctx: StepContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw connectFailure(ctx, error)
  }
}

function connectFailure(ctx: StepContext, error: unknown): unknown {
  if (!(error instanceof ConnectCollectError || error instanceof ConnectUsageError)) return error
  const fix = error.hint ? `${error.hint}; then continue` : 'continue'
  return new StepFailedError(error.message, 3, `${fix} with ${ctx.resumeCommand} (the backup and the journal are kept)`)
}

export async function commitStep(ctx: StepContext, tx: PgQueryable, step: Step, progress: Partial<ReloadProgress> | undefined, event: string): Promise<void> {
  await updateJournal(tx, ctx.journal.id, {event, progress, step})
  ctx.journal.step = step
  if (progress) Object.assign(ctx.journal.progress, progress)
}

export async function backupStep(ctx: StepContext, report: (line: string) => void): Promise<void> {
  const {plan} = ctx.journal
  await ctx.session.transaction(async tx => {
    for (const statement of backupSql(plan, ctx.journal.id)) await tx.query(statement)
    // the DDL of what depends on the table, kept next to the copy (only the foreign keys are dropped)
    const ddl: Array<[string, string, string]> = [
      ...plan.dependants.foreignKeysIn.map(fk => ['foreign key', `${fk.schema}.${fk.table}.${fk.name}`, addForeignKeySql(fk)] as [string, string, string]),
      ...plan.dependants.triggers.map(t => ['trigger', t.name, t.definition] as [string, string, string]),
    ]
    for (const [kind, name, text] of ddl) {
      await tx.query(`INSERT INTO ${stateTable(ddlTable)} (journal_id, kind, name, ddl) VALUES ($1, $2, $3, $4)`, [ctx.journal.id, kind, name, text])
    }

    for (const view of plan.dependants.views) {
      await tx.query(
        `INSERT INTO ${stateTable(ddlTable)} (journal_id, kind, name, ddl) SELECT $1, $2, $3::text, pg_get_viewdef($3::text::regclass, true)`,
        [ctx.journal.id, view.kind, qualified(view.schema, view.name)],
      )
    }

    const {rows: [{n}]} = await tx.query<{n: string}>(`SELECT count(*) AS n FROM ${stateTable(`reload_${ctx.journal.id}_backup`)}`)
    report(`${n} rows copied`)
    await commitStep(ctx, tx, 'backup', {backedUp: Number(n)}, `backed up ${n} rows`)
  })
}

export async function unblockStep(ctx: StepContext, report: (line: string) => void): Promise<void> {
  const fks = ctx.journal.plan.dependants.foreignKeysIn
  await ctx.session.transaction(async tx => {
    await tx.query(SHORT_LOCK)
    for (const fk of fks) await tx.query(dropForeignKeySql(fk))
    await commitStep(ctx, tx, 'unblock', undefined, `dropped ${fks.length} foreign keys`)
  })
  report(fks.length > 0 ? `dropped ${fks.map(fk => fk.name).join(', ')}` : 'nothing blocks the reload')
}

async function reloadEvidence(ctx: StepContext): Promise<{empty: boolean; replaced: boolean}> {
  const {rows: [row]} = await ctx.session.query<{empty: boolean; replaced: boolean}>(reloadedSql(ctx.journal.plan, ctx.journal.id))
  return row
}

export async function reloadStep(ctx: StepContext, report: (line: string) => void): Promise<void> {
  const {plan} = ctx.journal
  const mapping = await callConnect(ctx, () => ctx.api.getMapping(ctx.connection, plan.mappingId))
  const evidence = await reloadEvidence(ctx)
  if (mapping.state === 'RELOAD_TABLE' || (evidence.replaced && !evidence.empty)) {
    report(`Connect is already reloading or has reloaded ${plan.object}`)
  } else {
    // changes the app made since the preflight would be discarded by the reload
    const pending = await readPendingCount(ctx.session, plan.schema, plan.table)
    if (pending > 0) {
      throw new StepFailedError(`${pending} changes to ${plan.table} arrived in _trigger_log after the preflight; the reload would discard them`, 1,
        `wait for Connect to send them, then ${ctx.resumeCommand}`)
    }

    try {
      await ctx.api.reloadMapping(ctx.connection, {id: plan.mappingId, object_name: plan.object} as never)
    } catch (error) {
      // 409: a reload is already under way (ours, started by a process that died): follow it;
      // the wait step fails (exit 3) if Connect then shows no sign of reloading
      if ((error as {status?: number}).status !== 409) throw connectFailure(ctx, error)
    }

    report(`POST /api/v3/mappings/${plan.mappingId}/actions/reload accepted`)
  }

  await ctx.session.transaction(tx => commitStep(ctx, tx, 'reload', {reloadRequestedAt: new Date().toISOString()}, 'reload requested'))
}

const HEALTHY = new Set(['DATA_SYNCED', 'POLLING_SF_CHANGES', 'POLLING_SF_BULK', 'POLLING_SF_FOR_DELETES'])

export async function waitStep(ctx: StepContext, report: (line: string) => void): Promise<void> {
  const {plan} = ctx.journal
  const started = Date.now()
  let seen = ctx.journal.progress.reloadSeen === true
  let polls = 0
  let last = ''
  for (;;) {
    const mapping = await callConnect(ctx, () => ctx.api.getMapping(ctx.connection, plan.mappingId))
    polls++
    const counts: {db?: null | number; sf?: null | number} = mapping.counts ?? {}
    const line = `${mapping.state}: ${counts.db ?? '?'} of ${counts.sf ?? '?'} rows in the table`
    if (line !== last) report(line)
    last = line
    if (mapping.state === 'RELOAD_TABLE') {
      if (!seen) await updateJournal(ctx.session, ctx.journal.id, {event: 'Connect is reloading', progress: {reloadSeen: true}})
      seen = true
    } else if (HEALTHY.has(mapping.state)) {
      const evidence = await reloadEvidence(ctx)
      if (evidence.empty ? seen || polls > 1 : evidence.replaced) break
      if (!seen && polls >= 3) {
        throw new StepFailedError(`Connect reports ${plan.object} as ${mapping.state} but has not reloaded it`, 3, `run ${ctx.resumeCommand} to request the reload again`, 'unblock')
      }
    } else {
      throw new StepFailedError(`the reload of ${plan.object} ended in ${mapping.state}${mapping.state_description ? `: ${mapping.state_description}` : ''}`, 3,
        `fix the cause (heroku connect:diagnose), then ${ctx.resumeCommand}; the backup is kept in connect_guard`, 'unblock')
    }

    if (ctx.stopRequested()) throw new InterruptedError(`stopped while Connect reloads ${plan.object}`, `continue with ${ctx.resumeCommand}`)
    if (Date.now() - started >= ctx.timeoutMs) {
      throw new InterruptedError(`the reload of ${plan.object} did not finish within ${Math.round(ctx.timeoutMs / 1000)} s (Connect is still ${mapping.state})`, `continue with ${ctx.resumeCommand}`)
    }

    await new Promise(resolve => {
      setTimeout(resolve, ctx.pollMs)
    })
  }

  await ctx.session.transaction(tx => commitStep(ctx, tx, 'wait', undefined, 'Connect finished the reload'))
}

export async function verifyStep(ctx: StepContext, report: (line: string) => void): Promise<VerifyResult> {
  const {rows: [row]} = await ctx.session.query<Record<string, null | string | string[]>>(verifySql(ctx.journal.plan, ctx.journal.id))
  const result: VerifyResult = {
    backedUp: Number(row.backed_up),
    changed: Number(row.changed),
    missing: Number(row.missing),
    new: Number(row.new),
    reloaded: Number(row.reloaded),
    samples: {changed: (row.changed_samples as null | string[]) ?? [], missing: (row.missing_samples as null | string[]) ?? [], new: (row.new_samples as null | string[]) ?? []},
  }
  report(`${result.reloaded} rows reloaded; ${result.missing} missing, ${result.new} new, ${result.changed} changed`)
  await ctx.session.transaction(tx => commitStep(ctx, tx, 'verify', {verify: result}, `verified: ${result.missing} missing, ${result.new} new, ${result.changed} changed`))
  return result
}

export async function restoreStep(ctx: StepContext, report: (line: string) => void): Promise<void> {
  const restored: NonNullable<ReloadProgress['restored']> = []
  for (const fk of ctx.journal.plan.dependants.foreignKeysIn) {
    const {rows} = await ctx.session.query<{validated: boolean}>(
      'SELECT convalidated AS validated FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass',
      [fk.name, qualified(fk.schema, fk.table)],
    )
    if (rows.length === 0) {
      await ctx.session.transaction(async tx => {
        await tx.query(SHORT_LOCK)
        await tx.query(addForeignKeySql(fk))
      })
    }

    if (rows[0]?.validated) {
      restored.push({name: fk.name, validated: true})
      continue
    }

    try {
      // VALIDATE takes SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans
      await ctx.session.query(validateForeignKeySql(fk))
      restored.push({name: fk.name, validated: true})
      report(`${fk.name} restored and validated`)
    } catch (error) {
      if ((error as {code?: string}).code !== '23503') throw error
      restored.push({error: (error as Error).message, name: fk.name, validated: false})
      report(`${fk.name} restored NOT VALID: some rows point at ids that no longer exist`)
    }
  }

  await ctx.session.transaction(tx => commitStep(ctx, tx, 'restore', {restored}, `restored ${restored.length} foreign keys`))
}

import {changedConfig, configChanged} from '../../analysis/mapping-config.js'
import {sameName} from '../../analysis/salesforce-fields.js'
import {isRandomUuidDefault} from '../../analysis/unique-ids.js'
import {InterruptedError, progressOf, saveProgress, type StepContext, StepFailedError} from './context.js'
import {HEALTHY_MAPPING, TRANSITIONAL_MAPPING} from './plan.js'
import {qualified, quoteIdent} from '../../sql.js'
import {PGCRYPTO_SQL, readColumn, setDefaultSql} from './sql.js'
import type {MappingPlan} from './types.js'

// Steps 3 and 4: the mapping takes the field as its unique identifier (through the Connect API,
// then a wait until Connect has added the column), and the column gets a random UUID default.
// The default is plain DDL: Connect's logging triggers fire on rows, so nothing reaches
// _trigger_log, and the short lock_timeout keeps the ALTER from queueing behind long work.

const sleep = (ms: number) => new Promise(resolve => {
  setTimeout(resolve, ms)
})

export async function mappingStep(ctx: StepContext, m: MappingPlan, report: (line: string) => void): Promise<void> {
  let mapping = await ctx.api.getMapping(ctx.connection, m.mappingId)
  const progress = progressOf(ctx, m)
  if (!progress.stateBefore) await saveProgress(ctx, m, {stateBefore: mapping.state})
  const config = changedConfig(mapping.config, {upsertField: m.field})
  if (configChanged(mapping.config, config)) {
    try {
      const saved = await ctx.api.updateMapping(ctx.connection, mapping, config)
      // an answer without the mapping (an empty 200/204) says nothing of its state: read it
      mapping = saved?.config ? saved : await ctx.api.getMapping(ctx.connection, m.mappingId)
    } catch (error) {
      // 409: Connect is busy with the mapping (a reload, another change); the change can be sent again later
      if ((error as {status?: number}).status !== 409) throw error
      throw new StepFailedError(`Heroku Connect refused the change to the ${m.object} mapping (409): ${(error as Error).message.replace(/^.*\(409\):?\s*/, '') || 'it is busy'}`, 3, `wait for Connect to finish with ${m.object}, then ${ctx.resumeCommand}`)
    }
    report(`PUT /api/v3/mappings/${m.mappingId}: ${m.field} added as the unique identifier`)
  } else {
    report(`${m.object} already maps ${m.field} as its unique identifier`)
  }

  const started = Date.now()
  for (;;) {
    const column = await readColumn(ctx.session, m)
    const taken = Boolean(mapping.config.upsert_field && sameName(mapping.config.upsert_field, m.field))
    const state = String(mapping.state)
    report(`${m.object}: ${state}; column ${m.column} ${column.exists ? 'exists' : 'not there yet'}`)
    if (taken && column.exists && !TRANSITIONAL_MAPPING.has(state)) {
      if (!HEALTHY_MAPPING.has(state) && state !== progressOf(ctx, m).stateBefore) {
        throw new StepFailedError(`mapping ${m.object} went to ${state} after the change${mapping.state_description ? `: ${mapping.state_description}` : ''}`, 3,
          `fix the cause (heroku connect:mapping:diagnose ${m.object}), then ${ctx.resumeCommand}`)
      }

      // a field Salesforce already had holds values there: the backfill must not replace them, so
      // wait until Connect has loaded them into the new column (its RESYNC)
      const loaded = await salesforceValuesLoaded(ctx, m)
      if (loaded.done) break
      report(`waiting for Connect to load the ${loaded.salesforce} values Salesforce holds (${loaded.postgres} in the column so far)`)
    }

    if (!TRANSITIONAL_MAPPING.has(state) && !HEALTHY_MAPPING.has(state) && state !== progressOf(ctx, m).stateBefore) {
      throw new StepFailedError(`mapping ${m.object} is in a bad state (${state}) and did not take ${m.field}`, 3, `fix the cause (heroku connect:mapping:diagnose ${m.object}), then ${ctx.resumeCommand}`)
    }

    if (ctx.stopRequested()) throw new InterruptedError(`stopped while Connect applies the ${m.object} mapping`, `continue with ${ctx.resumeCommand}`)
    if (Date.now() - started >= ctx.timeoutMs) {
      throw new InterruptedError(`Connect did not finish applying the ${m.object} mapping within ${Math.round(ctx.timeoutMs / 1000)} s (mapping ${state}; column ${m.column} ${column.exists ? 'added' : 'not added yet'})`, `continue with ${ctx.resumeCommand}`)
    }

    await sleep(ctx.pollMs)
    mapping = await ctx.api.getMapping(ctx.connection, m.mappingId)
  }

  await saveProgress(ctx, m, {}, 'mapping')
}

/** Whether the column holds (at least) as many values on synced rows as Salesforce holds for the field; a new field has none. */
async function salesforceValuesLoaded(ctx: StepContext, m: MappingPlan): Promise<{done: boolean; postgres: number; salesforce: number}> {
  if (!m.fieldState.exists) return {done: true, postgres: 0, salesforce: 0}
  if (!/^\w+$/.test(m.object) || !/^\w+$/.test(m.fieldState.name)) throw new StepFailedError(`${m.object}.${m.fieldState.name} is not a Salesforce API name`, 2, 'check the mapping')
  const {totalSize: salesforce} = await ctx.salesforce.query(`SELECT COUNT() FROM ${m.object} WHERE ${m.fieldState.name} != null`)
  const {rows: [{n}]} = await ctx.session.query<{n: string}>(`SELECT count(${quoteIdent(m.column)}) AS n FROM ${qualified(m.schema, m.table)} WHERE sfid IS NOT NULL`)
  return {done: Number(n) >= salesforce, postgres: Number(n), salesforce}
}

const LOCK_TRIES = 5

export async function defaultStep(ctx: StepContext, m: MappingPlan, report: (line: string) => void): Promise<void> {
  const column = await readColumn(ctx.session, m)
  if (!column.exists) throw new StepFailedError(`column ${m.schema}.${m.table}.${m.column} does not exist`, 3, `the mapping step adds it; ${ctx.resumeCommand}`)
  if (isRandomUuidDefault(column.default)) {
    report(`${m.column} already defaults to ${column.default}`)
    await saveProgress(ctx, m, {}, 'default')
    return
  }

  if (ctx.journal.plan.needsPgcrypto) await ctx.session.query(PGCRYPTO_SQL)
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.session.transaction(async tx => {
        // ALTER TABLE takes ACCESS EXCLUSIVE for an instant; give up fast rather than queue the app behind it
        await tx.query("SET LOCAL lock_timeout = '1s'")
        await tx.query(setDefaultSql(m))
        await saveProgress(ctx, m, {}, 'default', tx)
      })
      break
    } catch (error) {
      if ((error as {code?: string}).code !== '55P03' || attempt >= LOCK_TRIES) throw error
      report(`the table is busy; trying again (${attempt} of ${LOCK_TRIES})`)
      await sleep(500 * attempt)
    }
  }

  report(`${m.column} now defaults to gen_random_uuid()::text${column.default ? ` (was ${column.default})` : ''}`)
}

import type {PgSession} from '../../clients/postgres.js'
import type {Snapshot} from '../../snapshot/types.js'

import {UsageError} from '../../errors.js'
import {describeChanges} from './mapping-diff.js'
import {planScaffold, type ScaffoldOptions, type ScaffoldPlan} from './plan.js'
import {readScaffoldFacts, type ScaffoldFacts} from './read.js'

// connect:schema:scaffold: plan from the snapshot and a few catalog reads, then print, write or apply.

export {applyScaffold} from './apply.js'
export {changedExportPath} from './export-change.js'
export {type MappingChange, mappingChanges, removeReplacedFields} from './mapping-diff.js'
export {replaceableFields} from './formulas.js'
export {migrationSql, type ScaffoldPlan} from './plan.js'

/** The catalog facts the plan needs, after checking the helper schema's name. */
export async function readFacts(session: PgSession, snapshot: Snapshot, helper: string): Promise<ScaffoldFacts> {
  const schema = snapshot.postgres!.schema
  if (helper === schema) throw new UsageError(`--helper-schema ${helper} is the Connect schema`, 'name another schema: the point is to keep your objects out of the one Connect rebuilds')
  if (helper.startsWith('pg_') || helper === '' || helper.includes('\0')) throw new UsageError(`--helper-schema ${JSON.stringify(helper)} is not a name Postgres accepts for a schema`)
  return session.readOnly(tx => readScaffoldFacts(tx, schema, helper))
}

export function planFor(snapshot: Snapshot, facts: ScaffoldFacts, options: ScaffoldOptions): ScaffoldPlan {
  try {
    return planScaffold(snapshot, facts, options)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** The plan for people: what moves, what is saved, what is computed, and what to change by hand. */
export function describePlan(plan: ScaffoldPlan): string[] {
  const lines = [`Plan for the helper schema ${plan.helperSchema} next to ${plan.connectSchema} (${plan.steps.reduce((n, s) => n + s.statements.length, 0)} statements, one transaction):`]
  for (const step of plan.steps) lines.push(`  - ${step.title}`)
  for (const moved of plan.moves) lines.push(`    move ${moved}`)
  for (const saved of plan.saved) lines.push(`    save ${saved}`)
  for (const c of plan.formulas.computed) lines.push(`    compute ${c.object}.${c.field} in ${c.view}`)
  for (const m of plan.formulas.materialized) lines.push(`    materialize ${m.view} as ${m.copy} (${m.reason})`)
  for (const u of plan.formulas.untranslated) lines.push(`    not computed: ${u.object}.${u.field} (${u.reason}): ${u.detail}`)
  if (plan.functionEdits.length > 0) lines.push('Functions to change by hand:')
  for (const edit of plan.functionEdits) lines.push(`  ${edit.function} line ${edit.line}: ${edit.text}\n    → ${edit.change}`)
  if (plan.mappingChanges.length > 0) lines.push(`Mapping changes once the views exist (${plan.offline ? 'offline: written as an export to import, with --confirm or --out' : 'through the Connect API, with --confirm'}):`, ...describeChanges(plan.mappingChanges))
  for (const note of plan.notes) lines.push(`Note: ${note}`)
  return lines
}

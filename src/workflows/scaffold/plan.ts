import type {CustomFieldMetadata} from '../../snapshot/custom-fields.js'
import type {Snapshot} from '../../snapshot/types.js'
import type {ScaffoldFacts} from './read.js'

import {foreignObjects} from '../../analysis/foreign-objects.js'
import {RESTORE_FUNCTION} from '../../snapshot/postgres/saved-ddl.js'
import {qualified, quoteIdent} from '../../sql.js'
import {type FormulaPlan, planFormulaViews} from './formulas.js'
import {helperSchemaGrants} from './grants.js'
import {type MappingChange, mappingChanges} from './mapping-diff.js'
import {type FunctionEdit, functionEdits, moveStatements} from './move.js'
import {savedDdlStatements} from './saved-ddl.js'

// The whole scaffold as a list of idempotent SQL statements, run in one transaction by --confirm
// or written as a migration by --out: the same statements either way.

export interface ScaffoldOptions {
  helperSchema: string
  move: boolean
  formulas: boolean
  /** --materialize: a materialized copy of every formula view, not only of those over big child tables */
  materialize?: boolean
  /** Tooling CustomField metadata by `Object.Field__c` (--formulas) */
  metadata?: Record<string, CustomFieldMetadata>
}

export interface ScaffoldStep {
  title: string
  statements: string[]
}

export interface ScaffoldPlan {
  app: null | string
  connectSchema: string
  helperSchema: string
  steps: ScaffoldStep[]
  /** objects that move, as `schema.name` */
  moves: string[]
  /** triggers and indexes on Connect tables whose DDL is saved */
  saved: string[]
  functionEdits: FunctionEdit[]
  formulas: Omit<FormulaPlan, 'statements'>
  /** the mappings come from an export file (--config-file): a mapping change is written as an export, not saved */
  offline: boolean
  /** fields to remove from mappings once the views exist */
  mappingChanges: MappingChange[]
  notes: string[]
}

export function planScaffold(snapshot: Snapshot, facts: ScaffoldFacts, options: ScaffoldOptions): ScaffoldPlan {
  const schema = snapshot.postgres!.schema
  const helper = options.helperSchema
  const found = foreignObjects(snapshot)
  const grants = helperSchemaGrants(facts, helper)
  const steps: ScaffoldStep[] = [{statements: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(helper)};`, ...grants.statements], title: `helper schema ${helper}, with the Connect schema's grants and default privileges`}]
  const notes = [...grants.notes, `add the helper schema to the app's search_path to find its objects by bare name: ALTER ROLE ${quoteIdent(facts.currentUser)} SET search_path = "$user", public, ${quoteIdent(helper)};`]
  const plan: ScaffoldPlan = {
    app: snapshot.app, connectSchema: schema, formulas: {computed: [], indexSuggestions: [], materialized: [], materializeNotes: [], replaced: [], untranslated: []}, functionEdits: [], helperSchema: helper, mappingChanges: [], moves: [], notes, offline: snapshot.connection?.origin === 'export', saved: [], steps,
  }

  if (options.move) {
    const moves = moveStatements(found, schema, helper)
    if (moves.length > 0) steps.push({statements: moves, title: `move ${moves.length} objects out of ${schema}`})
    plan.moves = [...found.relations.map(r => `${schema}.${r.relation.name}`), ...found.functions.map(f => `${schema}.${f.fn.name}(${f.fn.signature})`)]
    plan.functionEdits = functionEdits(found, facts.functionBodies, schema, helper)
    const saved = savedDdlStatements(found, schema, helper)
    if (saved.length > 0) {
      steps.push({statements: saved, title: 'save the DDL of triggers and indexes added on Connect tables'})
      plan.saved = [...found.triggers.map(t => `trigger ${t.item.name} on ${schema}.${t.table.name}`), ...found.indexes.map(i => `index ${i.item.name} on ${schema}.${i.table.name}`)]
      notes.push(`after Connect rebuilds a table (a reload, a schema rebuild), re-create them: SELECT * FROM ${qualified(helper, RESTORE_FUNCTION)}();`)
    }
  }

  if (options.formulas) {
    const {statements, ...formulas} = planFormulaViews(snapshot, helper, {metadata: options.metadata ?? {}, viewColumns: facts.helperViewColumns}, {all: options.materialize ?? false, rows: facts.tableRows})
    plan.formulas = formulas
    plan.mappingChanges = mappingChanges(snapshot, formulas.replaced)
    if (statements.length > 0) steps.push({statements, title: `views computing ${formulas.computed.length} formula and roll-up fields`})
    notes.push(...formulas.materializeNotes)
    for (const {field, object} of formulas.indexSuggestions) notes.push(`add ${field} to the ${object} mapping's indexes, so Connect keeps the index the roll-up joins on`)
  }

  return plan
}

/** The plan as a migration file: what --confirm runs, in one transaction. */
export function migrationSql(plan: ScaffoldPlan): string {
  const header = [
    `-- heroku connect:schema:scaffold${plan.app ? ` -a ${plan.app}` : ''}: helper schema ${plan.helperSchema} next to ${plan.connectSchema}`,
    '-- every statement checks before it acts, so running this file again changes nothing',
  ]
  const body = plan.steps.flatMap(step => [`\n-- ${step.title}`, ...step.statements])
  return [...header, 'BEGIN;', ...body, '\nCOMMIT;', ''].join('\n')
}

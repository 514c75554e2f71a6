import type {CustomFieldMetadata} from '../../snapshot/custom-fields.js'
import type {SfFieldFacts, Snapshot} from '../../snapshot/types.js'

import {formulaObject} from '../../analysis/formula/from-snapshot.js'
import {translateRollUp} from '../../analysis/formula/rollup.js'
import {translateFormula} from '../../analysis/formula/translate.js'
import {describedObject, formulaReferences, isFormula, looksLikeRollUp, mappedFields, sameName} from '../../analysis/salesforce-fields.js'
import {type ComputedField, formulaViewSql, viewName} from './formula-view.js'
import {viewGrants} from './grants.js'
import {manualAdvice, MATERIALIZE_CHILD_ROWS, type MaterializedView, materializedName, materializeStatements, refreshStatement, scheduleAdvice} from './materialize.js'

// --formulas: one view per mapped object in the helper schema, computing its cross-object
// formulas (through the translator) and roll-up summaries (an aggregate over the mapped child
// table) from mapped columns. The Tooling metadata gives each field's exact settings; without it a
// formula falls back to the describe and Salesforce's defaults, and a roll-up cannot be built.

/** The describe's type of a formula field, as the metadata's return type. */
const RETURN_TYPES: Record<string, string> = {
  boolean: 'Checkbox', currency: 'Currency', date: 'Date', datetime: 'DateTime', double: 'Number', int: 'Number', percent: 'Percent', string: 'Text',
}

export interface FormulaPlan {
  statements: string[]
  computed: Array<{object: string; field: string; view: string}>
  untranslated: Array<{object: string; field: string; reason: string; detail: string}>
  /** fields a view now computes: the mapping no longer needs its stale copy */
  replaced: Array<{object: string; field: string}>
  /** child lookups the roll-ups join on, missing from the child mapping's indexes */
  indexSuggestions: Array<{object: string; field: string}>
  /** views also kept as a materialized copy, with the reason and the refresh */
  materialized: MaterializedView[]
  /** how to refresh them on a schedule, and how to materialize the others */
  materializeNotes: string[]
}

export interface MaterializeOptions {
  /** --materialize: every view gets a materialized copy */
  all: boolean
  /** the planner's row estimate of a Connect table, by table name (absent: never analysed) */
  rows: Record<string, number>
}

export interface FormulaFacts {
  metadata: Record<string, CustomFieldMetadata>
  /** the columns of the helper schema's existing views, by view name */
  viewColumns: Record<string, string[]>
}

/**
 * The formula and roll-up fields --formulas replaces: the mapped ones, and those a view of the
 * helper schema already computes (`viewColumns`, by view name), so a rerun after the mapping has
 * dropped them still rebuilds their views instead of finding nothing to do.
 */
function replaceable(snapshot: Snapshot, viewColumns: Record<string, string[]>): Array<{field: SfFieldFacts; object: string}> {
  const wanted = (field: SfFieldFacts) => looksLikeRollUp(field) || (isFormula(field) && formulaReferences(field.calculatedFormula).crossObject.length > 0)
  const mapped = mappedFields(snapshot).filter(({field}) => wanted(field)).map(({field, mapping}) => ({field, object: mapping.object}))
  const computed = snapshot.connection!.mappings.flatMap(mapping => {
    const columns = viewColumns[viewName(mapping.table)] ?? []
    const described = snapshot.salesforce && describedObject(snapshot.salesforce, mapping.object)
    return (described?.fields ?? [])
      .filter(f => wanted(f) && columns.includes(f.name.toLowerCase()) && !mapped.some(m => m.object === mapping.object && sameName(m.field.name, f.name)))
      .map(field => ({field, object: mapping.object}))
  })
  return [...mapped, ...computed]
}

/** The fields --formulas would replace, for the Tooling read. */
export function replaceableFields(snapshot: Snapshot, viewColumns: Record<string, string[]> = {}): Array<{object: string; field: string}> {
  return replaceable(snapshot, viewColumns).map(({field, object}) => ({field: field.name, object}))
}

export function planFormulaViews(snapshot: Snapshot, helper: string, {metadata, viewColumns}: FormulaFacts, materialize: MaterializeOptions = {all: false, rows: {}}): FormulaPlan {
  const plan: FormulaPlan = {computed: [], indexSuggestions: [], materialized: [], materializeNotes: [], replaced: [], statements: [], untranslated: []}
  const byObject = new Map<string, ComputedField[]>()
  /** per object, its largest roll-up child table and that table's estimate */
  const bigChild = new Map<string, {rows: number; table: string}>()
  for (const {field, object} of replaceable(snapshot, viewColumns)) {
    const {name} = field
    const meta = metadata[`${object}.${name}`]
    const list = byObject.get(object) ?? []
    byObject.set(object, list)
    const self = formulaObject(snapshot, object)!
    let computed: ComputedField
    if (looksLikeRollUp(field)) {
      if (!meta?.summaryForeignKey) {
        plan.untranslated.push({detail: 'no summary metadata from the Tooling API (CustomField)', field: name, object, reason: 'roll-up'})
        continue
      }

      const childName = meta.summaryForeignKey.split('.')[0]
      const child = formulaObject(snapshot, childName)
      const spec = {filterItems: meta.summaryFilterItems ?? [], operation: meta.summaryOperation ?? '', summarizedField: meta.summarizedField ?? undefined, summaryForeignKey: meta.summaryForeignKey}
      const translation = child ? translateRollUp(spec, child) : {detail: `the child object ${childName} is not mapped`, ok: false as const, reason: 'unmapped' as const}
      computed = {field: name, source: `${spec.operation.toUpperCase()}(${spec.summarizedField ?? childName}) over ${spec.summaryForeignKey}`, translation}
      const lookup = meta.summaryForeignKey.split('.')[1]
      const childMapping = snapshot.connection!.mappings.find(m => sameName(m.object, childName))
      const suggested = plan.indexSuggestions.some(i => i.object === childMapping?.object && sameName(i.field, lookup))
      const rows = childMapping ? materialize.rows[childMapping.table] : undefined
      if (translation.ok && childMapping && rows !== undefined && rows > (bigChild.get(object)?.rows ?? -1)) bigChild.set(object, {rows, table: childMapping.table})
      if (translation.ok && childMapping && !suggested && !Object.keys(childMapping.indexes).some(i => sameName(i, lookup))) plan.indexSuggestions.push({field: lookup, object: childMapping.object})
    } else {
      const formula = meta?.formula ?? field.calculatedFormula!
      const settings = {returnType: meta?.type ?? RETURN_TYPES[field.type] ?? field.type, scale: meta?.scale ?? undefined, treatBlanksAs: meta?.formulaTreatBlanksAs ?? undefined}
      computed = {field: name, source: formula, translation: translateFormula(formula, self, settings, `j${list.length + 1}_`)}
    }

    list.push(computed)
    if (computed.translation.ok) plan.replaced.push({field: name, object})
    else plan.untranslated.push({detail: computed.translation.detail, field: name, object, reason: computed.translation.reason})
  }

  let volatile = false
  const plain: string[] = []
  for (const [objectName, fields] of byObject) {
    if (fields.length === 0) continue
    const mapping = snapshot.connection!.mappings.find(m => m.object === objectName)!
    const view = viewName(mapping.table)
    const {columns, sql} = formulaViewSql(helper, view, formulaObject(snapshot, objectName)!, fields)
    plan.statements.push(sql)
    if (columns.length === 0) continue
    plan.statements.push(viewGrants(helper, view))
    plan.computed.push(...columns.map(field => ({field, object: objectName, view: `${helper}.${view}`})))
    const child = bigChild.get(objectName)
    const reason = materialize.all ? '--materialize' : child && child.rows >= MATERIALIZE_CHILD_ROWS ? `a roll-up aggregates ${snapshot.postgres!.schema}.${child.table}, about ${child.rows} rows (at least ${MATERIALIZE_CHILD_ROWS})` : undefined
    if (!reason) {
      plain.push(view)
      continue
    }

    plan.statements.push(...materializeStatements(helper, view), viewGrants(helper, materializedName(view)))
    plan.materialized.push({copy: `${helper}.${materializedName(view)}`, reason, refresh: refreshStatement(helper, view), view: `${helper}.${view}`})
    volatile ||= fields.some(f => f.translation.ok && 'volatile' in f.translation && f.translation.volatile)
  }

  if (plan.materialized.length > 0) plan.materializeNotes.push(scheduleAdvice(plan.materialized.map(m => m.refresh), volatile))
  plan.materializeNotes.push(...plain.map(view => manualAdvice(helper, view)))
  return plan
}

import type {Snapshot} from '../../snapshot/types.js'

import {formulaObject} from '../../analysis/formula/from-snapshot.js'
import {translateFormula} from '../../analysis/formula/translate.js'
import {formulaReferences, isFormula, looksLikeRollUp, mappedFields} from '../../analysis/salesforce-fields.js'
import {type ComputedField, formulaViewSql, viewName} from './formula-view.js'

// --formulas: a view per mapped object in the helper schema computing its cross-object formulas
// from the mapped columns. Roll-up summaries need the summary's metadata, which the describe does
// not carry: they are listed, not generated, until the Tooling API read is in place.

/** The describe's type of a formula field, as the metadata's return type. */
const RETURN_TYPES: Record<string, string> = {
  boolean: 'Checkbox', currency: 'Currency', date: 'Date', datetime: 'DateTime', double: 'Number', int: 'Number', percent: 'Percent', string: 'Text',
}

export interface FormulaPlan {
  statements: string[]
  computed: Array<{object: string; field: string; view: string}>
  untranslated: Array<{object: string; field: string; reason: string; detail: string}>
}

export function planFormulaViews(snapshot: Snapshot, helper: string): FormulaPlan {
  const plan: FormulaPlan = {computed: [], statements: [], untranslated: []}
  if (!snapshot.salesforce || !snapshot.connection) return plan
  const byObject = new Map<string, ComputedField[]>()
  for (const {field, mapping} of mappedFields(snapshot)) {
    const list = byObject.get(mapping.object) ?? []
    byObject.set(mapping.object, list)
    if (looksLikeRollUp(field)) {
      plan.untranslated.push({detail: 'the roll-up\'s summary metadata (Tooling API CustomField) is not read yet', field: field.name, object: mapping.object, reason: 'roll-up'})
      continue
    }

    if (!isFormula(field) || formulaReferences(field.calculatedFormula!).crossObject.length === 0) continue
    const object = formulaObject(snapshot, mapping.object)!
    const translation = translateFormula(field.calculatedFormula!, object, {returnType: RETURN_TYPES[field.type] ?? field.type}, `j${list.length + 1}_`)
    list.push({field: field.name, source: field.calculatedFormula!, translation})
    if (!translation.ok) plan.untranslated.push({detail: translation.detail, field: field.name, object: mapping.object, reason: translation.reason})
  }

  for (const [objectName, fields] of byObject) {
    if (fields.length === 0) continue
    const mapping = snapshot.connection.mappings.find(m => m.object === objectName)!
    const view = viewName(mapping.table)
    const {columns, sql} = formulaViewSql(helper, view, formulaObject(snapshot, objectName)!, fields)
    plan.statements.push(sql)
    plan.computed.push(...columns.map(field => ({field, object: objectName, view: `${helper}.${view}`})))
  }

  return plan
}

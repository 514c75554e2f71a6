import type {FormulaObject} from '../../analysis/formula/schema.js'

import {type RollUpTranslation} from '../../analysis/formula/rollup.js'
import {BASE_ALIAS, type Join, type Translation} from '../../analysis/formula/translate.js'
import {qualified, quoteIdent} from '../../sql.js'

// One view per object in the helper schema: the object's sfid and a column per formula or
// roll-up field computed from the mapped columns. Fields the translator refused stay in the file
// as commented stubs with the formula, so nobody mistakes a missing column for a computed one.

export interface ComputedField {
  /** the Salesforce field name; the view's column is its lower-case form, as Connect names columns */
  field: string
  /** the formula text, or a one-line description of the roll-up */
  source: string
  translation: RollUpTranslation | Translation
}

/** The helper schema's view for a Connect table. */
export const viewName = (table: string) => `${table}_computed`

export function formulaViewSql(helperSchema: string, viewTable: string, object: FormulaObject, fields: ComputedField[]): {sql: string; columns: string[]} {
  const computed = fields.filter(f => f.translation.ok)
  const joins: Join[] = computed.flatMap(f => (f.translation.ok && 'joins' in f.translation ? f.translation.joins : []))
  const columns = computed.map(f => f.field.toLowerCase())
  const select = [`${BASE_ALIAS}.sfid`, ...computed.map(f => `${(f.translation as {sql: string}).sql} AS ${quoteIdent(f.field.toLowerCase())}`)]
  const stubs = fields.filter(f => !f.translation.ok).map(f => {
    const refusal = f.translation as {detail: string; reason: string}
    return [`-- ${object.name}.${f.field} is not computed here (${refusal.reason}): ${oneLine(refusal.detail)}`, ...f.source.split(/\r?\n/).map(line => `--   ${line}`)].join('\n')
  })
  const from = [`FROM ${object.table} ${BASE_ALIAS}`, ...joins.map(j => `LEFT JOIN ${j.table} ${j.alias} ON ${j.on}`)]
  const view = `CREATE OR REPLACE VIEW ${qualified(helperSchema, viewTable)} AS\nSELECT ${select.join(',\n       ')}\n${from.join('\n')};`
  return {columns, sql: [...stubs, computed.length > 0 ? view : ''].filter(Boolean).join('\n')}
}

const oneLine = (text: string) => text.replaceAll(/\s+/g, ' ')

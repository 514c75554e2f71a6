import type {Snapshot} from '../../snapshot/types.js'
import type {FormulaObject} from './schema.js'

import {qualified, truncateIdentifier} from '../../sql.js'
import {describedObject, findField, formulaReferences, sameName} from '../salesforce-fields.js'
import {lookupFieldName, valueTypeOf} from './schema.js'

// The translator's view of a Connect setup: an object is readable when it is mapped, a field when
// the mapping holds it, and a lookup when its field is mapped, points at one object, and that
// object is mapped too. Everything else the translator refuses as unmapped.

export function formulaObject(snapshot: Snapshot, objectName: string): FormulaObject | undefined {
  const {mappings, schema} = snapshot.connection!
  const mapping = mappings.find(m => sameName(m.object, objectName))
  const described = mapping && snapshot.salesforce && describedObject(snapshot.salesforce, mapping.object)
  if (!mapping || !described) return undefined
  const table = snapshot.postgres?.relations.find(r => r.name === truncateIdentifier(mapping.table) && r.kind === 'r')
  // Connect keeps sfid and isdeleted whatever the field list says
  const alwaysThere = (name: string) => sameName(name, 'Id') || (sameName(name, 'IsDeleted') && Boolean(table?.columns.some(c => c.name === 'isdeleted')))
  const mapped = (name: string) => (alwaysThere(name) || mapping.fields.some(f => sameName(f, name)) ? findField(described, name) : undefined)
  return {
    field(name) {
      const field = mapped(name)
      if (!field) return undefined
      const column = sameName(field.name, 'Id') ? 'sfid' : truncateIdentifier(field.name.toLowerCase())
      // a mapped cross-object formula is the stale copy being replaced: never read it
      const stale = field.calculatedFormula && formulaReferences(field.calculatedFormula).crossObject.length > 0
      return {column, percent: field.type === 'percent', sfType: stale ? 'cross-object formula' : field.type, type: stale ? undefined : valueTypeOf(field.type)}
    },
    lookup(relationship) {
      const field = mapped(lookupFieldName(relationship))
      if (!field || field.referenceTo.length !== 1) return undefined
      const target = formulaObject(snapshot, field.referenceTo[0])
      return target && {column: truncateIdentifier(field.name.toLowerCase()), object: target}
    },
    name: mapping.object,
    table: qualified(schema, mapping.table),
  }
}

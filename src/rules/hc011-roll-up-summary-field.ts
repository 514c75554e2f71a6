import type {Rule, RuleHit} from './types.js'

import {CAUSES} from './causes.js'
import {formulasFix} from './commands.js'
import {appFlag} from '../analysis/connect-objects.js'
import {looksLikeRollUp, mappedFields, sameName} from '../analysis/salesforce-fields.js'

export const hc011: Rule = {
  check(snapshot) {
    const {fieldDataTypes} = snapshot.salesforce!
    return mappedFields(snapshot).flatMap(({column, field, mapping, name, table}): RuleHit[] => {
      if (!looksLikeRollUp(field)) return []
      // FieldDefinition.DataType confirms it ("Roll-Up Summary (SUM Opportunity)") when it was read
      const types = Object.entries(fieldDataTypes).find(([object]) => sameName(object, mapping.object))?.[1] ?? {}
      const dataType = Object.entries(types).find(([f]) => sameName(f, name))?.[1]
      if (dataType !== undefined && !dataType.startsWith('Roll-Up Summary')) return []
      const what = dataType ? `a roll-up summary field (${dataType})` : 'probably a roll-up summary field (calculated, with no formula)'
      return [{
        cause: CAUSES.calculatedFields(mapping.object),
        field: name,
        fix: `remove ${name} from the ${mapping.object} mapping, or compute it in Postgres from the child rows: ${formulasFix(appFlag(snapshot))}`,
        message: `${mapping.object}.${name} is ${what}: Salesforce recalculates it from child records without always touching ${mapping.object}'s SystemModstamp, so ${column} can go stale`,
        object: mapping.object,
        table,
      }]
    })
  },
  id: 'HC011',
  name: 'roll-up-summary-field',
  needs: ['connect', 'salesforce'],
  practice: 2,
  remedy: 'Map the child object instead and compute the total in Postgres (a view or trigger in a helper schema, keyed by `sfid`); `heroku connect:schema:scaffold --formulas -a APP` generates it. If the app does not need the value, drop the field from the mapping.',
  severity: 'warning',
  summary: 'mapped roll-up summary field',
  why: 'Connect only re-reads records whose `SystemModstamp` moved. A roll-up summary is computed by Salesforce from the child records, and not every recalculation touches the parent\'s `SystemModstamp` (the mass recalculation after the roll-up\'s definition or filter changes is one), so the total in Postgres can silently differ from the one in Salesforce.',
}

import type {Rule, RuleHit} from './types.js'

import {CAUSES} from './causes.js'
import {formulasFix} from './commands.js'
import {appFlag} from '../analysis/connect-objects.js'
import {formulaReferences, isFormula, mappedFields} from '../analysis/salesforce-fields.js'

export const hc010: Rule = {
  check(snapshot) {
    return mappedFields(snapshot).flatMap(({column, field, mapping, name, table}): RuleHit[] => {
      if (!isFormula(field)) return []
      const {crossObject, globals} = formulaReferences(field.calculatedFormula)
      const where = {cause: CAUSES.calculatedFields(mapping.object), field: name, object: mapping.object, table}
      if (crossObject.length > 0) {
        return [{
          ...where,
          fix: `remove ${name} from the ${mapping.object} mapping, or compute it in Postgres from the mapped columns: ${formulasFix(appFlag(snapshot))}`,
          message: `${mapping.object}.${name} is a cross-object formula (${crossObject.join(', ')}): edits to the related record do not change ${mapping.object}'s SystemModstamp, so ${column} goes stale`,
        }]
      }

      if (globals.length === 0) return []
      return [{
        ...where,
        fix: `remove ${name} from the ${mapping.object} mapping and read ${globals.join(', ')} where the app needs it`,
        message: `${mapping.object}.${name} is a formula on a global reference (${globals.join(', ')}): changes to it do not change SystemModstamp either, so ${column} never refreshes`,
        severity: 'info',
      }]
    })
  },
  id: 'HC010',
  name: 'cross-object-formula',
  needs: ['connect', 'salesforce'],
  practice: 2,
  remedy: 'Either drop the field from the mapping, or map the fields the formula reads (on this object and on the related one) and compute the value in Postgres with a view or trigger in a helper schema; `heroku connect:schema:scaffold --formulas -a APP` generates that replacement. Formulas on globals (`$User`, `$Setup`, …) are best read where the app needs them.',
  severity: 'warning',
  summary: 'mapped formula field that reads another record (cross-object formula)',
  why: 'Connect finds changed records by polling `SystemModstamp`. Salesforce computes a formula when the record is read, and an edit to the parent record it reads (`Account.Name` on a Contact) does not touch the child\'s `SystemModstamp`, so Connect never re-reads the child and the value in Postgres stays as it was when the child itself last changed. Formulas on globals such as `$Setup` or `$User` go stale the same way.',
}

import {appFlag} from '../analysis/connect-objects.js'
import type {ValidationCheck} from '../snapshot/types.js'
import {CAUSES} from './causes.js'
import type {Rule} from './types.js'

/**
 * The audit rule that already reports what a check of Connect's diagnose says, if any: such a check
 * folds into that rule's finding (listed there as related "connect:diagnose") instead of repeating it.
 * Checks are known by their documented display names (Dev Center "Heroku Connect Diagnostics").
 */
function sameCause(check: ValidationCheck): string | string[] | undefined {
  const name = `${check.displayName} ${check.ruleId ?? ''}`
  if (check.object === null) return /api[\s_]version/i.test(name) ? CAUSES.apiVersion() : undefined
  if (/unique[\s_]identifier|upsert/i.test(name)) return [CAUSES.noUniqueId(check.object), CAUSES.uniqueIdField(check.object)]
  if (/calculated/i.test(name)) return CAUSES.calculatedFields(check.object)
  if (/required[\s_]fields/i.test(name)) return CAUSES.requiredFields(check.object)
  return undefined
}

export const hc080: Rule = {
  check(snapshot) {
    const connection = snapshot.connection!
    if (connection.validations === null && connection.validationsSkipped) return {provide: connection.validationsSkipped.provide, skip: connection.validationsSkipped.reason}
    if (connection.validations === null) return {provide: 'pass --app so the audit can run Connect\'s diagnose', skip: 'Connect\'s own validations need the Connect API; pass --app'}
    return connection.validations.map(check => {
      const mapping = check.object === null ? undefined : connection.mappings.find(m => m.object === check.object)
      const diagnose = check.object === null ? 'heroku connect:diagnose' : `heroku connect:mapping:diagnose ${check.object}`
      return {
        fix: check.docUrl ?? `${diagnose} ${appFlag(snapshot)}`,
        foldInto: sameCause(check),
        message: `${check.displayName}: ${check.message}`,
        object: check.object,
        relatedId: 'connect:diagnose',
        severity: check.level,
        table: mapping ? `${connection.schema}.${mapping.table}` : null,
      }
    })
  },
  id: 'HC080',
  name: 'connect-diagnose',
  needs: ['connect'],
  practice: null,
  remedy: 'Follow the linked Dev Center section for the check; `heroku connect:diagnose -a APP` (or `connect:mapping:diagnose MAPPING`) shows the same result with the checks that passed. A check that repeats another rule\'s finding (the unique identifier, calculated fields, required fields, the API version) is not listed twice: that finding names `connect:diagnose` under `related`.',
  severity: 'error',
  summary: 'a check of Heroku Connect\'s own diagnose failed',
  why: 'Connect runs its own validations of the connection (Salesforce API version, database plan, logging, …) and of each mapping (unique identifier, calculated and binary fields, required fields, …). The audit merges Connect\'s errors and warnings in, so one report covers everything `heroku connect:diagnose` would say; where a check reports a cause another rule already found, the two are one finding.',
}

import {appFlag} from '../analysis/connect-objects.js'
import type {Rule} from './types.js'

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
        message: `${check.displayName}: ${check.message}`,
        object: check.object,
        severity: check.level,
        table: mapping ? `${connection.schema}.${mapping.table}` : null,
      }
    })
  },
  id: 'HC080',
  name: 'connect-diagnose',
  needs: ['connect'],
  practice: null,
  remedy: 'Follow the linked Dev Center section for the check; `heroku connect:diagnose -a APP` (or `connect:mapping:diagnose MAPPING`) shows the same result with the checks that passed.',
  severity: 'error',
  summary: 'a check of Heroku Connect\'s own diagnose failed',
  why: 'Connect runs its own validations of the connection (Salesforce API version, database plan, logging, …) and of each mapping (unique identifier, calculated and binary fields, required fields, …). The audit merges Connect\'s errors and warnings in unchanged, so one report covers everything `heroku connect:diagnose` would say.',
}

import type {FieldGap, ObjectGap, UserCheck} from '../analysis/integration-user/index.js'
import type {Rule, RuleHit} from './types.js'

import {analyseIntegrationUser} from '../analysis/integration-user/index.js'
import {appFlag} from '../analysis/connect-objects.js'

// The audit's view of the integration-user analysis that connect:user:check shows in full: each
// failing check becomes a finding, each check that could not run an info finding saying what to
// grant. Encrypted fields are HC060's.

export const hc050: Rule = {
  check(snapshot) {
    const salesforce = snapshot.salesforce!
    const facts = salesforce.integrationUser
    if (!facts) {
      const why = salesforce.integrationUserUnavailable
      return {provide: why?.provide ?? 'pass --username with the Salesforce user the connection is authorized as', skip: why?.reason ?? 'the integration user could not be read'}
    }

    if (!facts.user) {
      return {provide: facts.unavailable.user?.grant, skip: `the integration user ${facts.username} could not be read: ${facts.unavailable.user?.reason ?? 'no answer'}`}
    }

    const analysis = analyseIntegrationUser(facts, snapshot.connection!, salesforce)
    const app = appFlag(snapshot)
    const apply = `heroku connect:user:check ${app} --apply --confirm ${snapshot.app ?? 'APP'}`
    const who = `integration user ${facts.username}`
    const {schema} = snapshot.connection!
    const table = (object: string) => `${schema}.${object.toLowerCase()}`
    const hits: RuleHit[] = []
    for (const check of analysis.checks) {
      if (check.id === 'encrypted-fields' || check.verdict === 'pass') continue
      // UI logins are their own finding; a person's account is one only with other signs
      if (check.id === 'not-a-person' && check.signals?.every(s => s.kind === 'ui-logins')) continue
      if (check.verdict === 'skip') {
        hits.push({fix: `grant ${check.grant ?? 'read access to Setup'}; then: heroku connect:user:check ${app}`, message: `${who}: "${check.title}" was not checked: ${check.evidence.replace(/^not checked: /, '')}`, severity: 'info'})
        continue
      }

      if (check.objectGaps && check.id === 'object-permissions') hits.push(...check.objectGaps.map(gap => objectHit(who, gap, table(gap.object), apply)))
      else if (check.fieldGaps) hits.push(...check.fieldGaps.map(gap => fieldHit(who, gap, table(gap.object), apply)))
      else hits.push(accountHit(who, check, app, apply))
    }

    return hits
  },
  id: 'HC050',
  name: 'integration-user',
  needs: ['connect', 'salesforce'],
  practice: 6,
  remedy: 'Authorize the connection as a dedicated user that nobody logs in as: the **Salesforce Integration** license with the **Minimum Access - API Only Integrations** profile (or API Only User from a permission set), a password that never expires, View All Data (or View All on each mapped object), and the object and field permissions each mapping needs, through a permission set. `heroku connect:user:check` shows every check and can create and assign that permission set.',
  severity: 'error',
  summary: 'integration user shared with people, not API-only, with an expiring password or missing permissions on mapped objects and fields',
  why: 'Every change Connect writes carries the integration user\'s name, and every poll sees only what that user may see. A user people also log in as makes their edits indistinguishable from the sync, and a password reset or expiry, a profile change or a lost permission stops the sync or silently drops records and fields from Postgres.',
}

function accountHit(who: string, check: UserCheck, app: string, apply: string): RuleHit {
  const warn = check.verdict === 'warn' ? {severity: 'warning' as const} : {}
  switch (check.id) {
    case 'interactive-logins': {
      return {...warn, fix: `create a dedicated user with the Salesforce Integration license and the "Minimum Access - API Only Integrations" profile and authorize the connection as it (heroku connect:sf:auth ${app}), or grant API Only User: ${apply}`, message: `${who} has interactive logins: ${check.evidence}`}
    }

    case 'not-a-person': {
      return {fix: `authorize the connection as a dedicated integration user (heroku connect:sf:auth ${app})`, message: `${who} looks like a person's account: ${check.evidence}`, severity: 'warning'}
    }

    case 'active': {
      return {fix: `activate the user and grant API Enabled, or authorize the connection as another user (heroku connect:sf:auth ${app})`, message: `${who} cannot sync: ${check.evidence}`}
    }

    default: {
      return {fix: apply, message: `${who}: ${check.title} fails: ${check.evidence}`, severity: 'warning'}
    }
  }
}

function objectHit(who: string, gap: ObjectGap, table: string, apply: string): RuleHit {
  return {fix: apply, message: `${who} lacks ${gap.missing.join(', ')} on ${gap.object}: Connect cannot ${gap.missing.includes('Read') ? 'sync it' : 'write the changes Postgres makes to it'}`, object: gap.object, table}
}

function fieldHit(who: string, gap: FieldGap, table: string, apply: string): RuleHit {
  const where = {field: gap.field, object: gap.object, table}
  const column = `${table}.${gap.field.toLowerCase()}`
  if (gap.state === 'deleted') return {...where, fix: `remove ${gap.field} from the ${gap.object} mapping: in the Heroku Connect dashboard, or in a heroku connect:export file that you then heroku connect:import`, message: `${gap.object}.${gap.field} is mapped but no longer exists in Salesforce`, severity: 'warning'}
  if (gap.missing === 'Read') return {...where, fix: apply, message: `${who} cannot read ${gap.object}.${gap.field}${gap.state === 'hidden-or-deleted' ? ' (no Read, or the field was deleted)' : ''}: Connect cannot sync it, so ${column} stays empty and writes to it fail`}
  return {...where, fix: apply, message: `${who} cannot edit ${gap.object}.${gap.field}, which Connect writes: inserts and updates from Postgres that set it fail`, severity: 'warning'}
}

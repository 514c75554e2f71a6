import {userCheckFix} from './commands.js'
import type {Rule, RuleHit} from './types.js'

import {appFlag} from '../analysis/connect-objects.js'
import {findField, sameName} from '../analysis/salesforce-fields.js'

export const hc050: Rule = {
  check(snapshot) {
    const {gaps, integrationUser: user, objects} = snapshot.salesforce!
    if (!user) {
      const gap = gaps.filter(g => /user|profile|permission|login/i.test(g))
      return {
        provide: 'pass --target-org logged in as the user the connection is authorized as, with View Setup and Configuration',
        skip: `the integration user could not be read${gap.length > 0 ? `: ${gap.join('; ')}` : ''}`,
      }
    }

    const CHECK = userCheckFix(user.username, appFlag(snapshot))
    const who = `integration user ${user.username}`
    const profile = user.profileName ? `profile "${user.profileName}"` : `${user.username}'s profile`
    const hits: RuleHit[] = []
    if (user.uiLogins > 0) {
      hits.push({fix: `create a dedicated user with the Salesforce Integration license and the "Minimum Access - API Only Integrations" profile, then authorize the connection as it: heroku connect:sf:auth ${appFlag(snapshot)}`, message: `${who} logged in to the Salesforce UI ${user.uiLogins} times in the last 30 days: it is shared with people, whose edits look like Connect's and whose password or permission changes stop the sync`})
    }

    if (user.apiUserOnly === false) hits.push({fix: `enable API Only User on ${profile} or a permission set assigned to ${user.username}`, message: `${who} is not API-only: anyone with its password can log in to the Salesforce UI`, severity: 'warning'})
    if (user.passwordNeverExpires === false) hits.push({fix: `enable Password Never Expires on ${profile} or a permission set assigned to ${user.username}`, message: `${who}'s password expires: when it does, Connect can no longer log in and the sync stops until someone re-authorizes`, severity: 'warning'})
    if (user.viewAllData === false) hits.push({fix: `grant View All Data, or View All on each mapped object, to ${user.username} through a permission set; then check: ${CHECK}`, message: `${who} lacks View All Data: unless it has View All on every mapped object, Connect's polls skip the records it cannot see and Postgres misses them`, severity: 'warning'})

    const {mappings, schema} = snapshot.connection!
    for (const mapping of mappings) {
      const object = objects[mapping.object]
      const where = {object: mapping.object, table: `${schema}.${mapping.table}`}
      if (!object) continue
      if ('error' in object) {
        hits.push({...where, fix: `grant Read on ${mapping.object} to ${profile} or a permission set assigned to ${user.username}; then check: ${CHECK}`, message: `${who} cannot describe ${mapping.object} (${object.error}): Connect cannot sync it`})
        continue
      }

      for (const name of mapping.fields) {
        const field = findField(object, name)
        const listed = user.unreadableFields.some(f => sameName(f, `${mapping.object}.${name}`))
        const fls = `the field-level security of ${mapping.object}.${name} for ${profile} or a permission set assigned to ${user.username}`
        if (!field || listed) {
          hits.push({...where, field: name, fix: `grant Read (and Edit on read-write mappings) in ${fls}; then check: ${CHECK}`, message: `${who} cannot read ${mapping.object}.${name}: Connect cannot sync it, so ${where.table}.${name.toLowerCase()} stays empty and writes to it fail`})
        } else if (mapping.access === 'read_write' && isFieldSecured(field) && !field.createable && !field.updateable) {
          hits.push({...where, field: name, fix: `grant Edit in ${fls}; then check: ${CHECK}`, message: `${who} cannot edit ${mapping.object}.${name}, mapped read-write: inserts and updates from Postgres that set it fail`, severity: 'warning'})
        }
      }
    }

    return hits
  },
  id: 'HC050',
  name: 'integration-user',
  needs: ['connect', 'salesforce'],
  practice: 6,
  remedy: 'Authorize the connection as a dedicated user that nobody logs in as: the **Salesforce Integration** license with the **Minimum Access - API Only Integrations** profile, a password that never expires, View All Data (or View All on each mapped object), and Read/Edit field-level security on every mapped field through a permission set. `heroku connect:user:check` lists what is missing.',
  severity: 'error',
  summary: 'integration user shared with people, not API-only, with an expiring password or missing permissions on mapped objects and fields',
  why: 'Every change Connect writes carries the integration user\'s name, and every poll sees only what that user may see. A user people also log in as makes their edits indistinguishable from the sync, and a password reset or expiry, a profile change or a lost permission stops the sync or silently drops records and fields from Postgres.',
}

/**
 * A custom field that is neither formula nor auto-number: if it is not writable, field-level
 * security made it so. Standard fields are left out: many are read-only by nature (IsWon, Name).
 */
function isFieldSecured(field: {autoNumber: boolean; calculated: boolean; name: string}): boolean {
  return /__p?c$/i.test(field.name) && !field.calculated && !field.autoNumber
}

import type {ConnectionFacts, SalesforceFacts, SfIntegrationUserFacts, UserPermission} from '../../snapshot/types.js'
import type {ObjectRight, RequiredGrants, UserAnalysis, UserCheck} from './types.js'

import {accountChecks} from './account.js'
import {encryptedCheck, fieldCheck, objectCheck, viewAllCheck} from './permissions.js'

export type * from './types.js'
export {holds} from './account.js'

// One analysis of Connect's integration user, two views: HC050 turns the failing checks into
// findings, connect:user:check draws them as a table and offers the grants as a permission set.

const TITLES: Array<[UserCheck['id'], string]> = [
  ['active', 'active and API Enabled'], ['api-only', 'API-only'], ['password-never-expires', 'password never expires'],
  ['interactive-logins', 'no interactive logins (30 days)'], ['not-a-person', 'not a person\'s account'], ['view-all', 'sees every record (View All)'],
  ['object-permissions', 'object permissions on mapped objects'], ['field-permissions', 'field permissions on mapped fields'], ['encrypted-fields', 'encrypted fields (View Encrypted Data)'],
]

export function analyseIntegrationUser(facts: SfIntegrationUserFacts, connection: ConnectionFacts, salesforce: SalesforceFacts): UserAnalysis {
  const base = {ownToken: facts.ownToken, tokenUser: facts.tokenUser, username: facts.username}
  if (!facts.user) {
    const why = facts.unavailable.user
    const checks = TITLES.map(([id, title]): UserCheck => ({evidence: `not checked: ${why?.reason ?? 'the user was not read'}`, grant: why?.grant, id, title, verdict: 'skip'}))
    return {...base, checks, grants: {fields: [], objects: [], userPermissions: []}}
  }

  const checks = [
    ...accountChecks(facts),
    viewAllCheck(facts, connection),
    objectCheck(facts, connection),
    fieldCheck(facts, connection, salesforce),
    encryptedCheck(facts, connection, salesforce),
  ]
  return {...base, checks, grants: requiredGrants(checks)}
}

/** The smallest permission set that makes every failing permission check pass. */
function requiredGrants(checks: UserCheck[]): RequiredGrants {
  const failing = (id: UserCheck['id']) => checks.find(c => c.id === id && c.verdict === 'fail')
  const userPermissions: UserPermission[] = []
  if (failing('api-only')) userPermissions.push('ApiEnabled', 'ApiUserOnly')
  if (failing('active') && !checks.find(c => c.id === 'active')!.evidence.includes('inactive')) userPermissions.push('ApiEnabled')
  if (failing('password-never-expires')) userPermissions.push('PasswordNeverExpires')

  const objects = new Map<string, Set<ObjectRight>>()
  for (const gap of [...(failing('object-permissions')?.objectGaps ?? []), ...(failing('view-all')?.objectGaps ?? [])]) {
    const rights = objects.get(gap.object) ?? new Set<ObjectRight>()
    for (const right of gap.missing) rights.add(right)
    // Salesforce's own dependencies: everything needs Read, Delete needs Edit
    rights.add('Read')
    if (rights.has('Delete')) rights.add('Edit')
    objects.set(gap.object, rights)
  }

  const fields = new Map<string, boolean>()
  for (const gap of failing('field-permissions')?.fieldGaps ?? []) {
    if (gap.state === 'deleted') continue
    const key = `${gap.object}.${gap.field}`
    fields.set(key, (fields.get(key) ?? false) || gap.needsEdit)
  }

  const order: ObjectRight[] = ['Read', 'Create', 'Edit', 'Delete', 'ViewAllRecords']
  return {
    fields: [...fields].map(([field, edit]) => ({edit, field})),
    objects: [...objects].map(([object, rights]) => ({object, rights: order.filter(r => rights.has(r))})),
    userPermissions: [...new Set(userPermissions)],
  }
}

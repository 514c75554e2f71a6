import type {SfIntegrationUserFacts, UserPermission} from '../../snapshot/types.js'
import type {UserCheck} from './types.js'

// Checks on the account itself: active and API-enabled, API-only, a password that never
// expires, no interactive logins, and not a person's. Permissions are ORed over every
// permission set that reaches the user (its profile's, its own, its groups').

const INTEGRATION_LICENSE = 'Salesforce Integration'
const INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations'
const INTERACTIVE = new Set(['Application', 'SAML Idp Initiated SSO', 'SAML Sfdc Initiated SSO'])
// words a dedicated user's name carries and a person's does not
const MACHINE_NAME = /\b(?:api|automation|bot|connect|etl|heroku|integration|service|sync|system)\b/i

/** Whether any permission set reaching the user grants `permission`; null when they could not be read. */
export function holds(facts: SfIntegrationUserFacts, permission: UserPermission): boolean | null {
  if (!facts.permissionSets) return null
  return facts.permissionSets.some(set => set.permissions[permission])
}

/** The permission sets that grant `permission`, for evidence: `profile Connect Sync, Heroku_Connect_Sync (group X)`. */
function grantedBy(facts: SfIntegrationUserFacts, permission: UserPermission): string {
  const sets = (facts.permissionSets ?? []).filter(set => set.permissions[permission])
  return sets.map(set => (set.type === 'Profile' ? `profile ${facts.user?.profileName ?? set.name}` : set.group ? `${set.name} (group ${set.group})` : set.name)).join(', ')
}

function isApiOnly(facts: SfIntegrationUserFacts): boolean | null {
  const user = facts.user!
  if (user.userLicense === INTEGRATION_LICENSE && user.profileName === INTEGRATION_PROFILE) return true
  return holds(facts, 'ApiUserOnly')
}

function interactiveLogins(facts: SfIntegrationUserFacts): number {
  return Object.entries(facts.logins?.byType ?? {}).filter(([type]) => INTERACTIVE.has(type)).reduce((sum, [, n]) => sum + n, 0)
}

const skip = (id: UserCheck['id'], title: string, facts: SfIntegrationUserFacts, part: keyof SfIntegrationUserFacts['unavailable']): UserCheck => {
  const why = facts.unavailable[part]
  return {evidence: `not checked: ${why?.reason ?? 'not read'}`, grant: why?.grant, id, title, verdict: 'skip'}
}

export function accountChecks(facts: SfIntegrationUserFacts): UserCheck[] {
  const user = facts.user!
  const checks: UserCheck[] = []
  const apiEnabled = holds(facts, 'ApiEnabled')
  if (!user.isActive) checks.push({evidence: `${user.name} is inactive: Connect cannot log in as it`, id: 'active', title: 'active and API Enabled', verdict: 'fail'})
  else if (apiEnabled === false) checks.push({evidence: 'no profile or permission set grants API Enabled: Connect cannot call the API as it', id: 'active', title: 'active and API Enabled', verdict: 'fail'})
  else if (apiEnabled === null && !facts.ownToken) checks.push({...skip('active', 'active and API Enabled', facts, 'permissionSets'), evidence: `active; API Enabled not checked: ${facts.unavailable.permissionSets?.reason}`})
  else checks.push({evidence: apiEnabled ? `active, API Enabled from ${grantedBy(facts, 'ApiEnabled')}` : 'active, and its own token calls the API', id: 'active', title: 'active and API Enabled', verdict: 'pass'})

  const licence = `licence ${user.userLicense ?? 'unknown'}, profile ${user.profileName ?? 'unknown'}`
  const apiOnly = isApiOnly(facts)
  if (apiOnly === null) checks.push(skip('api-only', 'API-only', facts, 'permissionSets'))
  else if (apiOnly) checks.push({evidence: `${licence}; API Only User ${holds(facts, 'ApiUserOnly') ? `from ${grantedBy(facts, 'ApiUserOnly')}` : 'by its licence'}`, id: 'api-only', title: 'API-only', verdict: 'pass'})
  else checks.push({evidence: `${licence}, and no profile or permission set grants API Only User: anyone with its password can log in to the Salesforce UI`, id: 'api-only', title: 'API-only', verdict: 'fail'})

  const never = holds(facts, 'PasswordNeverExpires')
  if (never === null) checks.push(skip('password-never-expires', 'password never expires', facts, 'permissionSets'))
  else if (never) checks.push({evidence: `Password Never Expires from ${grantedBy(facts, 'PasswordNeverExpires')}`, id: 'password-never-expires', title: 'password never expires', verdict: 'pass'})
  else checks.push({evidence: 'no profile or permission set grants Password Never Expires: when it expires, Connect can no longer log in and the sync stops', id: 'password-never-expires', title: 'password never expires', verdict: 'fail'})

  checks.push(loginCheck(facts, apiOnly === true), personCheck(facts))
  return checks
}

function loginCheck(facts: SfIntegrationUserFacts, apiOnly: boolean): UserCheck {
  const title = 'no interactive logins (30 days)'
  if (!facts.logins) return skip('interactive-logins', title, facts, 'logins')
  const ui = interactiveLogins(facts)
  const split = Object.entries(facts.logins.byType).sort(([, a], [, b]) => b - a).map(([type, n]) => `${type} ${n}`).join(', ')
  const seen = `${facts.logins.total} logins: ${split || 'none'}`
  if (ui === 0) return {evidence: seen, id: 'interactive-logins', title, verdict: 'pass'}
  const latest = facts.logins.ui[0]
  const last = latest ? `; latest UI login ${latest.at}${latest.sourceIp ? ` from ${latest.sourceIp}` : ''}` : ''
  if (apiOnly) return {evidence: `${seen}${last}; API Only User now blocks further UI logins`, id: 'interactive-logins', title, verdict: 'warn'}
  return {evidence: `${seen}${last}: people log in as Connect's user, so their edits look like Connect's`, id: 'interactive-logins', title, verdict: 'fail'}
}

/** Heuristics, each stated in the evidence; record ownership is not counted (it costs a query per object). */
function personCheck(facts: SfIntegrationUserFacts): UserCheck {
  const user = facts.user!
  const signals: NonNullable<UserCheck['signals']> = []
  if (user.firstName && user.lastName && !MACHINE_NAME.test(`${user.firstName} ${user.lastName}`)) signals.push({kind: 'name', text: `a person's name (${user.name})`})
  if (user.managerId) signals.push({kind: 'manager', text: 'a manager is set'})
  const ui = facts.logins ? interactiveLogins(facts) : 0
  if (ui > 0) signals.push({kind: 'ui-logins', text: `${ui} UI logins`})
  const checked = 'checked: a person\'s name, a manager, UI logins'
  const title = 'not a person\'s account'
  if (signals.length === 0) return {evidence: `no sign of a person (${checked})`, id: 'not-a-person', title, verdict: 'pass'}
  return {evidence: `${signals.map(s => s.text).join('; ')} (${checked})`, id: 'not-a-person', signals, title, verdict: signals.length > 1 ? 'fail' : 'warn'}
}

import type {CompositeQueryResult, SalesforceUserInfo} from '../clients/salesforce.js'
import type {IntegrationUserPart, SfFieldPermissionFacts, SfIntegrationUserFacts, SfObjectPermissionFacts, SfPermissionSetFacts, UserPermission} from './types.js'

import {soqlString} from '../clients/salesforce.js'
import {UsageError} from '../errors.js'

// Connect's integration user, read by username whoever owns the token: five queries that travel
// in one /composite call. The later ones reach the user's id through a composite reference, and
// the permission queries reach every permission set (the profile's own, assigned ones, groups'
// aggregates) through a semi-join on PermissionSetAssignment. The audit (HC050) and
// connect:user:check both read Connect's user through this one module.

export const USER_PERMISSIONS: UserPermission[] = ['ApiEnabled', 'ApiUserOnly', 'ModifyAllData', 'PasswordNeverExpires', 'ViewAllData', 'ViewEncryptedData']
export const USER_QUERY_KEYS = ['user', 'permissionSets', 'logins', 'objectPermissions', 'fieldPermissions'] as const

const USER_ID = '@{user.records[0].Id}'
const OBJECT_NAME = /^[A-Za-z]\w*$/
const SETUP_GRANT = 'View Setup and Configuration for the user whose token is used'
const GRANTS: Record<IntegrationUserPart, string> = {
  fieldPermissions: SETUP_GRANT,
  logins: 'Manage Users or Monitor Login History for the user whose token is used (or use the integration user\'s own token)',
  objectPermissions: SETUP_GRANT,
  permissionSets: `${SETUP_GRANT}, and Assign Permission Sets or Manage Users`,
  user: 'API Enabled for the user whose token is used',
}

export interface IntegrationUserTarget {
  username: string
  organizationId: null | string
}

/** The SOQL for Connect's user: keyed as in SfIntegrationUserFacts, in dependency order. */
export function integrationUserQueries(username: string, objects: string[]): Record<string, string> {
  const name = soqlString(username)
  const sets = `ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${USER_ID}')`
  const mapped = [...new Set(objects.filter(o => OBJECT_NAME.test(o)))].map(o => `'${o}'`).join(', ')
  const queries: Record<string, string> = {
    user: `SELECT Id, Username, Name, FirstName, LastName, Email, IsActive, UserType, ManagerId, Profile.Name, Profile.UserLicense.Name FROM User WHERE Username = ${name}`,
    permissionSets: `SELECT PermissionSetId, PermissionSet.Name, PermissionSet.Type, PermissionSetGroup.DeveloperName, ${USER_PERMISSIONS.map(p => `PermissionSet.Permissions${p}`).join(', ')} FROM PermissionSetAssignment WHERE AssigneeId = '${USER_ID}'`,
    logins: `SELECT LoginType, LoginTime, Application, SourceIp FROM LoginHistory WHERE UserId = '${USER_ID}' AND LoginTime = LAST_N_DAYS:30 ORDER BY LoginTime DESC`,
  }
  if (mapped) {
    queries.objectPermissions = `SELECT ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE ${sets} AND SobjectType IN (${mapped})`
    queries.fieldPermissions = `SELECT ParentId, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ${sets} AND SobjectType IN (${mapped})`
  }

  return queries
}

const sameOrg = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15)

/** A token for another org than Connect's cannot say anything about Connect's user: stop. */
export function checkSameOrg(info: SalesforceUserInfo, target: IntegrationUserTarget): void {
  if (target.organizationId && info.organization_id && !sameOrg(info.organization_id, target.organizationId)) {
    throw new UsageError(
      `the Salesforce token is for org ${info.organization_id}, but the connection syncs org ${target.organizationId}`,
      `log in to org ${target.organizationId} (sf org login web --alias X, then --target-org X) or set SF_INSTANCE_URL and SF_ACCESS_TOKEN for it`,
    )
  }
}

type Row = Record<string, unknown>
const str = (v: unknown): null | string => (typeof v === 'string' && v !== '' ? v : null)
const rel = (row: Row, name: string): Row => (row[name] && typeof row[name] === 'object' ? (row[name] as Row) : {})

/** Turns the query answers (or the error that stopped them all) into the facts the analysis reads. */
export function integrationUserFacts(info: SalesforceUserInfo, target: IntegrationUserTarget, answers: Partial<Record<string, CompositeQueryResult>> | {failed: string}): SfIntegrationUserFacts {
  // a composite call that failed as a whole (session expired, 429, 5xx) leaves every part unread
  const facts: SfIntegrationUserFacts = {
    fieldPermissions: null,
    logins: null,
    objectPermissions: null,
    ownToken: (info.preferred_username ?? '').toLowerCase() === target.username.toLowerCase(),
    permissionSets: null,
    tokenUser: info.preferred_username ?? info.user_id,
    unavailable: {},
    user: null,
    username: target.username,
  }
  if (typeof answers.failed === 'string') {
    const reason = answers.failed
    for (const part of USER_QUERY_KEYS) facts.unavailable[part] = {grant: GRANTS[part], reason}
    return facts
  }

  const results = answers as Partial<Record<string, CompositeQueryResult>>
  const parts = USER_QUERY_KEYS.filter(k => k in results)

  const rows = (key: IntegrationUserPart): Row[] | undefined => {
    const result = results[key]
    if (!result) return undefined
    if (result.error) {
      facts.unavailable[key] = {grant: GRANTS[key], reason: `${result.error.errorCode}: ${result.error.message}`}
      return undefined
    }

    return result.records
  }

  const [user] = rows('user') ?? []
  if (!user) {
    const reason = facts.unavailable.user?.reason ?? `no active or inactive user ${target.username} in org ${info.organization_id}`
    const grant = facts.unavailable.user ? GRANTS.user : 're-authorize the connection as the intended user (heroku connect:sf:auth), or pass --username'
    for (const part of parts) facts.unavailable[part] = part === 'user' ? {grant, reason} : {grant, reason: `the user was not read (${reason})`}
    return facts
  }

  const profile = rel(user, 'Profile')
  facts.user = {
    email: str(user.Email), firstName: str(user.FirstName), id: String(user.Id), isActive: user.IsActive !== false, lastName: str(user.LastName),
    managerId: str(user.ManagerId), name: str(user.Name) ?? target.username, profileName: str(profile.Name),
    userLicense: str(rel(profile, 'UserLicense').Name), userType: str(user.UserType),
  }
  facts.permissionSets = rows('permissionSets')?.map((row): SfPermissionSetFacts => {
    const set = rel(row, 'PermissionSet')
    return {
      group: str(rel(row, 'PermissionSetGroup').DeveloperName),
      id: String(row.PermissionSetId),
      name: str(set.Name) ?? String(row.PermissionSetId),
      permissions: Object.fromEntries(USER_PERMISSIONS.map(p => [p, set[`Permissions${p}`] === true])) as Record<UserPermission, boolean>,
      type: str(set.Type) ?? 'Regular',
    }
  }) ?? null
  const logins = rows('logins')
  if (logins) {
    const byType: Record<string, number> = {}
    for (const row of logins) byType[String(row.LoginType)] = (byType[String(row.LoginType)] ?? 0) + 1
    const ui = logins.filter(row => row.LoginType === 'Application').slice(0, 5)
    facts.logins = {byType, total: logins.length, ui: ui.map(row => ({application: str(row.Application), at: String(row.LoginTime), sourceIp: str(row.SourceIp)}))}
  }

  facts.objectPermissions = rows('objectPermissions')?.map((row): SfObjectPermissionFacts => ({
    create: row.PermissionsCreate === true, delete: row.PermissionsDelete === true, edit: row.PermissionsEdit === true, modifyAll: row.PermissionsModifyAllRecords === true,
    object: String(row.SobjectType), parentId: String(row.ParentId), read: row.PermissionsRead === true, viewAll: row.PermissionsViewAllRecords === true,
  })) ?? (results.objectPermissions ? null : [])
  facts.fieldPermissions = rows('fieldPermissions')?.map((row): SfFieldPermissionFacts => ({
    edit: row.PermissionsEdit === true, field: String(row.Field), parentId: String(row.ParentId), read: row.PermissionsRead === true,
  })) ?? (results.fieldPermissions ? null : [])
  return facts
}

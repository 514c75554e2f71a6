import type {OrgSpec, SfFieldType} from '../model.js'
import type {SfRecord} from '../org-runtime.js'

import type {Column, Table} from './catalog.js'
import {fieldTraits, formatDateTime, integrationView, syntheticId} from './fields.js'

// Users, profiles, permission sets, their grants and login history, derived from the OrgSpec
// the way an org exposes them to SOQL. Each profile owns a hidden permission set
// (IsOwnedByProfile); FieldPermissions has a row only where Read is granted.

const DAY = 86_400_000
const ORG_CREATED = '2021-03-04T17:00:00.000+0000'
const PERMISSIONS = ['ApiEnabled', 'ApiUserOnly', 'ModifyAllData', 'PasswordNeverExpires', 'ViewAllData', 'ViewEncryptedData', 'ViewSetup'] as const

const cols = (type: SfFieldType, ...names: string[]): Column[] => names.map(name => ({name, type}))
const permissionColumns = (): Column[] => cols('boolean', ...PERMISSIONS.map(p => `Permissions${p}`))

interface PermSet {
  row: SfRecord
  assignees: string[]
  /** grants reach the integration user, so its FLS restrictions apply to them */
  integration: boolean
  viewAll: boolean
  modifyAll: boolean
}

export function profilePermissionSetId(profileId: string): string {
  return `0PS${profileId.slice(3)}`
}

function licenseRows(spec: OrgSpec): SfRecord[] {
  const names = [...new Set(spec.profiles.map(p => p.userLicense))]
  return names.map((name, i) => {
    const profiles = new Set(spec.profiles.filter(p => p.userLicense === name).map(p => p.id))
    return {
      Id: syntheticId('100', i + 1),
      LicenseDefinitionKey: name === 'Salesforce Integration' ? 'SFDC_INTEGRATION' : name === 'Salesforce' ? 'SFDC' : name.toUpperCase().replaceAll(/\W+/g, '_'),
      MasterLabel: name,
      Name: name,
      Status: 'Active',
      TotalLicenses: name === 'Salesforce Integration' ? 5 : 25,
      UsedLicenses: spec.users.filter(u => profiles.has(u.profileId)).length,
    }
  })
}

function permissionSets(spec: OrgSpec): PermSet[] {
  const owned = spec.profiles.map((p): PermSet => {
    const assignees = spec.users.filter(u => u.profileId === p.id).map(u => u.id)
    return {
      assignees,
      integration: assignees.includes(spec.integrationUserId),
      modifyAll: p.modifyAllData,
      row: {
        Id: profilePermissionSetId(p.id), IsCustom: false, IsOwnedByProfile: true, Label: p.id, LicenseId: null,
        Name: `X${p.id}`, NamespacePrefix: null, PermissionsApiEnabled: p.apiEnabled, PermissionsApiUserOnly: p.apiUserOnly,
        PermissionsModifyAllData: p.modifyAllData, PermissionsPasswordNeverExpires: p.passwordNeverExpires,
        PermissionsViewAllData: p.viewAllData, PermissionsViewEncryptedData: p.viewEncryptedData,
        PermissionsViewSetup: p.viewSetup, ProfileId: p.id, Type: 'Profile',
      },
      viewAll: p.viewAllData || p.modifyAllData,
    }
  })
  const custom = spec.permissionSets.map((ps): PermSet => ({
    assignees: ps.assignees,
    integration: ps.assignees.includes(spec.integrationUserId),
    modifyAll: Boolean(ps.modifyAllData),
    row: {
      Id: ps.id, IsCustom: true, IsOwnedByProfile: false, Label: ps.name.replaceAll('_', ' '), LicenseId: null,
      Name: ps.name, NamespacePrefix: null, PermissionsApiEnabled: Boolean(ps.apiEnabled), PermissionsApiUserOnly: false,
      PermissionsModifyAllData: Boolean(ps.modifyAllData), PermissionsPasswordNeverExpires: false,
      PermissionsViewAllData: Boolean(ps.viewAllData), PermissionsViewEncryptedData: Boolean(ps.viewEncryptedData),
      PermissionsViewSetup: false, ProfileId: null, Type: 'Regular',
    },
    viewAll: Boolean(ps.viewAllData || ps.modifyAllData),
  }))
  return [...owned, ...custom]
}

// Only grants that matter to the check are modelled: every profile's own set, plus any custom
// set that reaches the integration user.
const granting = (sets: PermSet[]): PermSet[] => sets.filter(s => s.row.IsOwnedByProfile || s.integration)

function objectPermissionRows(spec: OrgSpec, sets: PermSet[]): SfRecord[] {
  let n = 0
  return granting(sets).flatMap(set =>
    spec.objects.map(o => ({
      Id: syntheticId('110', ++n), ParentId: set.row.Id, PermissionsCreate: true, PermissionsDelete: true,
      PermissionsEdit: true, PermissionsModifyAllRecords: set.modifyAll, PermissionsRead: true,
      PermissionsViewAllRecords: set.viewAll, SobjectType: o.name,
    })),
  )
}

function fieldPermissionRows(spec: OrgSpec, sets: PermSet[]): SfRecord[] {
  let n = 0
  return granting(sets).flatMap(set =>
    spec.objects.flatMap(o =>
      o.fields
        .filter(f => !(set.integration && f.hiddenFromIntegrationUser))
        .map(f => ({f, t: fieldTraits(f)}))
        .filter(({t}) => t.permissionable)
        .map(({f, t}) => ({
          Field: `${o.name}.${f.name}`, Id: syntheticId('01k', ++n), ParentId: set.row.Id,
          PermissionsEdit: (t.createable || t.updateable) && !(set.integration && f.readOnlyForIntegrationUser),
          PermissionsRead: true, SobjectType: o.name,
        })),
    ),
  )
}

function loginRows(spec: OrgSpec, now: Date): SfRecord[] {
  return spec.logins.map((login, i) => {
    const ui = login.loginType === 'Application'
    return {
      ApiType: ui ? 'N/A' : 'REST', ApiVersion: ui ? 'N/A' : '62.0', Application: login.application,
      AuthenticationServiceId: null, Browser: ui ? 'Chrome 124' : 'Unknown', CipherSuite: 'ECDHE-RSA-AES256-GCM-SHA384',
      ClientVersion: 'N/A', CountryIso: 'US', Id: syntheticId('0Ya', i + 1), LoginGeoId: null,
      // minutes apart so ORDER BY LoginTime is deterministic within a day
      LoginTime: formatDateTime(new Date(now.getTime() - login.daysAgo * DAY - i * 60_000)), LoginType: login.loginType,
      LoginUrl: `${spec.instanceName.toLowerCase()}.salesforce.com`, NetworkId: null, Platform: ui ? 'Mac OSX' : 'Unknown',
      SourceIp: `198.51.100.${(i % 250) + 1}`, Status: login.status ?? 'Success', TlsProtocol: 'TLS 1.3', UserId: login.userId,
    }
  })
}

function userTable(spec: OrgSpec, now: Date): Table {
  const base: Column[] = [
    ...cols('id', 'Id'),
    ...cols('string', 'Username', 'Name', 'FirstName', 'LastName', 'Alias', 'UserType', 'TimeZoneSidKey', 'LanguageLocaleKey'),
    ...cols('email', 'Email'),
    ...cols('boolean', 'IsActive'),
    ...cols('reference', 'ProfileId'),
    ...cols('datetime', 'LastLoginDate', 'CreatedDate', 'SystemModstamp'),
  ]
  const known = new Set(base.map(c => c.name))
  const declared = spec.objects.find(o => o.name === 'User')
  const extra: Column[] = declared
    ? integrationView(declared).filter(f => !known.has(f.name)).map(f => ({filterable: f.filterable, name: f.name, type: f.type}))
    : []
  const logins = loginRows(spec, now)
  return {
    api: 'data',
    columns: [...base, ...extra],
    name: 'User',
    relationships: [{idField: 'ProfileId', name: 'Profile', target: 'Profile'}],
    rows: () =>
      spec.users.map(u => {
        const [first, ...rest] = u.name.split(' ')
        const last = logins.filter(l => l.UserId === u.id && l.Status === 'Success').map(l => String(l.LoginTime)).sort().at(-1)
        return {
          ...Object.fromEntries(extra.map(c => [c.name, null])),
          Alias: u.username.slice(0, 8), CreatedDate: ORG_CREATED, Email: u.username, FirstName: rest.length > 0 ? first : null,
          Id: u.id, IsActive: u.isActive ?? true, LanguageLocaleKey: 'en_US', LastLoginDate: last ?? null,
          LastName: rest.length > 0 ? rest.join(' ') : first, Name: u.name, ProfileId: u.profileId, SystemModstamp: ORG_CREATED,
          TimeZoneSidKey: 'America/Los_Angeles', Username: u.username, UserType: u.userType ?? 'Standard',
        }
      }),
  }
}

export function setupTables(spec: OrgSpec, now: Date): Table[] {
  const licenses = licenseRows(spec)
  const licenseId = new Map(licenses.map(l => [l.Name, l.Id]))
  const sets = permissionSets(spec)
  const assignments = sets.flatMap(s => s.assignees.map(userId => ({PermissionSetId: s.row.Id, userId})))
  const filterableLogin = new Set(['AuthenticationServiceId', 'CipherSuite', 'CountryIso', 'Id', 'LoginTime', 'LoginType', 'LoginUrl', 'NetworkId', 'TlsProtocol', 'UserId'])
  const loginColumns: Column[] = [
    ...cols('id', 'Id'), ...cols('reference', 'UserId', 'AuthenticationServiceId', 'LoginGeoId', 'NetworkId'), ...cols('datetime', 'LoginTime'),
    ...cols('string', 'LoginType', 'Application', 'Status', 'SourceIp', 'ApiType', 'ApiVersion', 'Platform', 'Browser', 'LoginUrl', 'CipherSuite', 'CountryIso', 'TlsProtocol', 'ClientVersion'),
  ].map(c => ({...c, filterable: filterableLogin.has(c.name)}))

  return [
    userTable(spec, now),
    {
      api: 'data',
      columns: [...cols('id', 'Id'), ...cols('string', 'Name', 'UserType', 'Description'), ...cols('reference', 'UserLicenseId'), ...permissionColumns()],
      name: 'Profile',
      relationships: [{idField: 'UserLicenseId', name: 'UserLicense', target: 'UserLicense'}],
      rows: () =>
        spec.profiles.map(p => ({
          Description: null, Id: p.id, Name: p.name, PermissionsApiEnabled: p.apiEnabled, PermissionsApiUserOnly: p.apiUserOnly,
          PermissionsModifyAllData: p.modifyAllData, PermissionsPasswordNeverExpires: p.passwordNeverExpires,
          PermissionsViewAllData: p.viewAllData, PermissionsViewEncryptedData: p.viewEncryptedData, PermissionsViewSetup: p.viewSetup,
          UserLicenseId: licenseId.get(p.userLicense), UserType: 'Standard',
        })),
    },
    {
      api: 'data',
      columns: [...cols('id', 'Id'), ...cols('string', 'Name', 'MasterLabel', 'LicenseDefinitionKey', 'Status'), ...cols('int', 'TotalLicenses', 'UsedLicenses')],
      name: 'UserLicense',
      relationships: [],
      rows: () => licenses.map(l => ({...l})),
    },
    {
      api: 'data',
      columns: [
        ...cols('id', 'Id'), ...cols('string', 'Name', 'Label', 'Type', 'NamespacePrefix'), ...cols('boolean', 'IsOwnedByProfile', 'IsCustom'),
        ...cols('reference', 'ProfileId', 'LicenseId'), ...permissionColumns(),
      ],
      label: 'Permission Set',
      name: 'PermissionSet',
      relationships: [{idField: 'ProfileId', name: 'Profile', target: 'Profile'}],
      rows: () => sets.map(s => ({...s.row})),
    },
    {
      api: 'data',
      columns: [
        ...cols('id', 'Id'), ...cols('reference', 'AssigneeId', 'PermissionSetId', 'PermissionSetGroupId'), ...cols('boolean', 'IsActive'),
        ...cols('datetime', 'ExpirationDate', 'SystemModstamp'),
      ],
      label: 'Permission Set Assignment',
      name: 'PermissionSetAssignment',
      relationships: [
        {idField: 'AssigneeId', name: 'Assignee', target: 'User'},
        {idField: 'PermissionSetId', name: 'PermissionSet', target: 'PermissionSet'},
      ],
      rows: () =>
        assignments.map((a, i) => ({
          AssigneeId: a.userId, ExpirationDate: null, Id: syntheticId('0Pa', i + 1), IsActive: true,
          PermissionSetGroupId: null, PermissionSetId: a.PermissionSetId, SystemModstamp: ORG_CREATED,
        })),
    },
    {
      api: 'data',
      columns: [
        ...cols('id', 'Id'), ...cols('reference', 'ParentId'), ...cols('string', 'SobjectType'),
        ...cols('boolean', 'PermissionsRead', 'PermissionsCreate', 'PermissionsEdit', 'PermissionsDelete', 'PermissionsViewAllRecords', 'PermissionsModifyAllRecords'),
      ],
      label: 'Object Permissions',
      name: 'ObjectPermissions',
      relationships: [{idField: 'ParentId', name: 'Parent', target: 'PermissionSet'}],
      rows: () => objectPermissionRows(spec, sets),
    },
    {
      api: 'data',
      columns: [...cols('id', 'Id'), ...cols('reference', 'ParentId'), ...cols('string', 'SobjectType', 'Field'), ...cols('boolean', 'PermissionsRead', 'PermissionsEdit')],
      label: 'Field Permissions',
      name: 'FieldPermissions',
      relationships: [{idField: 'ParentId', name: 'Parent', target: 'PermissionSet'}],
      rows: () => fieldPermissionRows(spec, sets),
    },
    {
      api: 'data',
      columns: loginColumns,
      label: 'Login History',
      name: 'LoginHistory',
      relationships: [],
      rows: () => loginRows(spec, now),
    },
    {
      api: 'data',
      columns: [
        ...cols('id', 'Id'), ...cols('string', 'Name', 'InstanceName', 'OrganizationType', 'NamespacePrefix', 'Country', 'LanguageLocaleKey', 'DefaultLocaleSidKey', 'TimeZoneSidKey'),
        ...cols('boolean', 'IsSandbox'), ...cols('datetime', 'TrialExpirationDate', 'CreatedDate'),
      ],
      name: 'Organization',
      relationships: [],
      rows: () => [{
        Country: 'US', CreatedDate: ORG_CREATED, DefaultLocaleSidKey: 'en_US', Id: spec.organizationId, InstanceName: spec.instanceName,
        IsSandbox: false, LanguageLocaleKey: 'en_US', Name: 'Sandbox Org', NamespacePrefix: null, OrganizationType: 'Enterprise Edition',
        TimeZoneSidKey: 'America/Los_Angeles', TrialExpirationDate: null,
      }],
    },
  ]
}

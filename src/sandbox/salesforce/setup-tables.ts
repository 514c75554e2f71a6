import type {OrgSpec, SfFieldType} from '../model.js'
import type {SfRecord} from '../org-runtime.js'

import type {Column, Table} from './table.js'
import {accessOf, PERMISSION_FLAGS} from './access.js'
import {formatDateTime, integrationView, syntheticId} from './fields.js'

// Users, profiles, permission sets, their grants and login history, derived from the OrgSpec
// the way an org exposes them to SOQL. Each profile owns a hidden permission set
// (IsOwnedByProfile); FieldPermissions has a row only where Read is granted. Permission sets,
// assignments and their grants come from the org's mutable access store (access.ts).

const DAY = 86_400_000
const ORG_CREATED = '2021-03-04T17:00:00.000+0000'

const cols = (type: SfFieldType, ...names: string[]): Column[] => names.map(name => ({name, type}))
const permissionColumns = (): Column[] => cols('boolean', ...PERMISSION_FLAGS.map(p => `Permissions${p}`))

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

/** Each login spec, expanded: `count` logins spread evenly over the 30 days before `daysAgo`. */
function expandLogins(spec: OrgSpec): Array<OrgSpec['logins'][number] & {offsetMs: number}> {
  return spec.logins.flatMap(login => {
    const count = login.count ?? 1
    const step = count > 1 ? Math.floor((30 * DAY) / count) : 0
    return Array.from({length: count}, (_, k) => ({...login, offsetMs: login.daysAgo * DAY + k * step}))
  })
}

function loginRows(spec: OrgSpec, now: Date): SfRecord[] {
  return expandLogins(spec).map((login, i) => {
    const ui = login.loginType === 'Application'
    return {
      ApiType: ui ? 'N/A' : 'REST', ApiVersion: ui ? 'N/A' : '62.0', Application: login.application,
      AuthenticationServiceId: null, Browser: ui ? 'Chrome 124' : 'Unknown', CipherSuite: 'ECDHE-RSA-AES256-GCM-SHA384',
      ClientVersion: 'N/A', CountryIso: 'US', Id: syntheticId('0Ya', i + 1), LoginGeoId: null,
      // minutes apart so ORDER BY LoginTime is deterministic within a day
      LoginTime: formatDateTime(new Date(now.getTime() - login.offsetMs - (i % 50) * 60_000)), LoginType: login.loginType,
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
    ...cols('reference', 'ProfileId', 'ManagerId'),
    ...cols('datetime', 'LastLoginDate', 'CreatedDate', 'SystemModstamp'),
  ]
  const known = new Set(base.map(c => c.name))
  const declared = spec.objects.find(o => o.name === 'User')
  const extra: Column[] = declared
    ? integrationView(declared).filter(f => !known.has(f.name)).map(f => ({filterable: f.filterable, name: f.name, type: f.type}))
    : []
  return {
    api: 'data',
    columns: [...base, ...extra],
    name: 'User',
    relationships: [{idField: 'ProfileId', name: 'Profile', target: 'Profile'}, {idField: 'ManagerId', name: 'Manager', target: 'User'}],
    rows: () => {
      // computed only when User is read: a catalog is built for every query
      const logins = loginRows(spec, now)
      return spec.users.map(u => {
        const [first, ...rest] = u.name.split(' ')
        const last = logins.filter(l => l.UserId === u.id && l.Status === 'Success').map(l => String(l.LoginTime)).sort().at(-1)
        return {
          ...Object.fromEntries(extra.map(c => [c.name, null])),
          Alias: u.username.slice(0, 8), CreatedDate: ORG_CREATED, Email: u.username, FirstName: rest.length > 0 ? first : null,
          Id: u.id, IsActive: u.isActive ?? true, LanguageLocaleKey: 'en_US', LastLoginDate: last ?? null, ManagerId: u.managerId ?? null,
          LastName: rest.length > 0 ? rest.join(' ') : first, Name: u.name, ProfileId: u.profileId, SystemModstamp: ORG_CREATED,
          TimeZoneSidKey: 'America/Los_Angeles', Username: u.username, UserType: u.userType ?? 'Standard',
        }
      })
    },
  }
}

export function setupTables(spec: OrgSpec, now: Date): Table[] {
  const licenses = licenseRows(spec)
  const licenseId = new Map(licenses.map(l => [l.Name, l.Id]))
  const access = accessOf(spec)
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
        ...cols('reference', 'ProfileId', 'LicenseId', 'PermissionSetGroupId'), ...permissionColumns(),
      ],
      label: 'Permission Set',
      name: 'PermissionSet',
      relationships: [{idField: 'ProfileId', name: 'Profile', target: 'Profile'}, {idField: 'PermissionSetGroupId', name: 'PermissionSetGroup', target: 'PermissionSetGroup'}],
      rows: () => access.permissionSets.map(s => ({...s})),
    },
    {
      api: 'data',
      columns: [...cols('id', 'Id'), ...cols('string', 'DeveloperName', 'MasterLabel', 'Status')],
      label: 'Permission Set Group',
      name: 'PermissionSetGroup',
      relationships: [],
      rows: () => access.groups.map(g => ({...g})),
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
        {idField: 'PermissionSetGroupId', name: 'PermissionSetGroup', target: 'PermissionSetGroup'},
      ],
      rows: () => access.assignments.map(a => ({...a})),
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
      rows: () => access.objectPermissions.map(r => ({...r})),
    },
    {
      api: 'data',
      columns: [...cols('id', 'Id'), ...cols('reference', 'ParentId'), ...cols('string', 'SobjectType', 'Field'), ...cols('boolean', 'PermissionsRead', 'PermissionsEdit')],
      label: 'Field Permissions',
      name: 'FieldPermissions',
      relationships: [{idField: 'ParentId', name: 'Parent', target: 'PermissionSet'}],
      rows: () => access.fieldPermissions.map(r => ({...r})),
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

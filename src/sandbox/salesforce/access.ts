import type {OrgSpec, SfFieldSpec, SfObjectSpec} from '../model.js'
import type {SfRecord} from '../org-runtime.js'

import {SalesforceFault} from './fault.js'
import {fieldTraits, type FieldTraits, integrationView, syntheticId} from './fields.js'

// Who may do what in the fake org: permission sets (each profile owns one, each permission set
// group has an aggregate one), their assignments, and their ObjectPermissions / FieldPermissions
// rows. Seeded from the OrgSpec and then mutable, so permission sets created through REST take
// effect at once: in SOQL, in the describe the user sees, and in the checks that read both.

export const PERMISSION_FLAGS = ['ApiEnabled', 'ApiUserOnly', 'ModifyAllData', 'PasswordNeverExpires', 'ViewAllData', 'ViewEncryptedData', 'ViewSetup'] as const
export const OBJECT_FLAGS = ['Read', 'Create', 'Edit', 'Delete', 'ViewAllRecords', 'ModifyAllRecords'] as const

const access = new WeakMap<OrgSpec, OrgAccess>()

/** The org's one access store, created from its spec on first use. */
export function accessOf(spec: OrgSpec): OrgAccess {
  let found = access.get(spec)
  if (!found) {
    found = new OrgAccess(spec)
    access.set(spec, found)
  }

  return found
}

export function profilePermissionSetId(profileId: string): string {
  return `0PS${profileId.slice(3)}`
}

const flags = (source: Partial<Record<string, boolean>>): SfRecord =>
  Object.fromEntries(PERMISSION_FLAGS.map(f => [`Permissions${f}`, Boolean(source[f])]))

const objectRow = (parentId: string, sobjectType: string, grants: Partial<Record<(typeof OBJECT_FLAGS)[number], boolean>>): SfRecord =>
  ({ParentId: parentId, SobjectType: sobjectType, ...Object.fromEntries(OBJECT_FLAGS.map(f => [`Permissions${f}`, Boolean(grants[f])]))})

export interface UserView {
  /** the object's fields as this user's describe shows them; undefined when it cannot read the object */
  fields?: FieldTraits[]
}

export class OrgAccess {
  readonly permissionSets: SfRecord[] = []
  readonly groups: SfRecord[] = []
  readonly assignments: SfRecord[] = []
  readonly objectPermissions: SfRecord[] = []
  readonly fieldPermissions: SfRecord[] = []
  /** fields created through the Tooling API, whose integration-user flags follow its grants */
  private readonly runtimeFields: Array<{object: string; field: SfFieldSpec}> = []
  private serial = 0

  constructor(private readonly spec: OrgSpec) {
    this.seed()
  }

  /** Creates one Setup record the way POST /sobjects/{type} does; returns its id. */
  create(type: string, body: SfRecord): string {
    switch (type) {
      case 'FieldPermissions': { return this.changed(this.insert(this.fieldPermissions, '01k', this.fieldRow(body))) }
      case 'ObjectPermissions': { return this.insert(this.objectPermissions, '110', this.objectPermission(body)) }
      case 'PermissionSet': { return this.insert(this.permissionSets, '0PS', this.permissionSet(body)) }
      case 'PermissionSetAssignment': { return this.changed(this.insert(this.assignments, '0Pa', this.assignment(body))) }
      default: { throw new SalesforceFault(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`) }
    }
  }

  /**
   * A custom field created through the Tooling API by `creatorId`: like Salesforce, no permission
   * set grants it, except that the creator's profile gets Read and Edit here so the administrator
   * who made it sees it at once. The integration user has no access until a grant is added.
   */
  fieldCreated(object: SfObjectSpec, field: SfFieldSpec, creatorId: string): void {
    this.runtimeFields.push({field, object: object.name})
    const creator = this.spec.users.find(u => u.id === creatorId)
    const integration = this.spec.users.find(u => u.id === this.spec.integrationUserId)
    if (creator && creator.profileId !== integration?.profileId && this.spec.profiles.some(p => p.id === creator.profileId)) {
      this.insert(this.fieldPermissions, '01k', {Field: `${object.name}.${field.name}`, ParentId: profilePermissionSetId(creator.profileId), PermissionsEdit: true, PermissionsRead: true, SobjectType: object.name})
    }

    this.changed()
  }

  /** PATCH /sobjects/{PermissionSet|ObjectPermissions|FieldPermissions}/{id}: changes the Permissions* flags. */
  update(type: string, id: string, body: SfRecord): void {
    const tables: Record<string, SfRecord[]> = {FieldPermissions: this.fieldPermissions, ObjectPermissions: this.objectPermissions, PermissionSet: this.permissionSets}
    const rows = tables[type]
    const row = rows?.find(r => r.Id === id)
    if (!rows || !row) throw new SalesforceFault(404, 'NOT_FOUND', 'The requested resource does not exist')
    if (row.IsOwnedByProfile === true || (type === 'PermissionSet' && row.Type !== 'Regular')) {
      throw new SalesforceFault(400, 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', 'this permission set is owned by a profile or a group; change that instead')
    }

    const merged = {...row}
    for (const [key, value] of Object.entries(body)) {
      if (!key.startsWith('Permissions') || !(key in row)) throw new SalesforceFault(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${key}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [key])
      merged[key] = value === true
    }

    if (type === 'ObjectPermissions') checkObjectDependencies(merged)
    else if (type === 'FieldPermissions' && merged.PermissionsEdit && !merged.PermissionsRead) throw dependency('Edit', 'Read')
    else if (merged.PermissionsApiUserOnly && !merged.PermissionsApiEnabled) throw dependency('API Only User', 'API Enabled')
    Object.assign(row, merged)
    if (type === 'FieldPermissions') this.changed()
  }

  /** The permission set ids that reach a user: its profile's, its own, and its groups'. */
  setsOf(userId: string): Set<string> {
    return new Set(this.assignments.filter(a => a.AssigneeId === userId).map(a => String(a.PermissionSetId)))
  }

  /** A user permission (ApiUserOnly, ViewAllData…) from any set that reaches the user. */
  hasPermission(userId: string, flag: (typeof PERMISSION_FLAGS)[number]): boolean {
    const sets = this.setsOf(userId)
    return this.permissionSets.some(s => sets.has(String(s.Id)) && s[`Permissions${flag}`] === true)
  }

  objectGrant(userId: string, object: string, flag: (typeof OBJECT_FLAGS)[number]): boolean {
    const sets = this.setsOf(userId)
    const lower = object.toLowerCase()
    return this.objectPermissions.some(r => sets.has(String(r.ParentId)) && String(r.SobjectType).toLowerCase() === lower && r[`Permissions${flag}`] === true)
  }

  fieldGrant(userId: string, object: string, field: string): {edit: boolean; read: boolean} {
    const sets = this.setsOf(userId)
    const key = `${object}.${field}`.toLowerCase()
    const rows = this.fieldPermissions.filter(r => sets.has(String(r.ParentId)) && String(r.Field).toLowerCase() === key)
    return {edit: rows.some(r => r.PermissionsEdit === true), read: rows.some(r => r.PermissionsRead === true)}
  }

  /** The object as `userId` sees it in describe: field-level security applied to permissionable fields. */
  viewFor(userId: string, object: SfObjectSpec): UserView {
    if (userId === this.spec.integrationUserId && !this.seededFromSets(userId)) return {fields: integrationView(object)}
    if (!this.objectGrant(userId, object.name, 'Read')) return {}
    const base = object.fields.some(f => f.name === 'Id') ? object.fields : [{createable: false, name: 'Id', nillable: false, type: 'id' as const, updateable: false}, ...object.fields]
    const fields: FieldTraits[] = []
    for (const spec of base) {
      const traits = fieldTraits(spec)
      if (!traits.permissionable) {
        fields.push(traits)
        continue
      }

      const grant = this.fieldGrant(userId, object.name, spec.name)
      if (!grant.read) continue
      fields.push(grant.edit ? traits : {...traits, createable: false, required: false, updateable: false})
    }

    return {fields}
  }

  /**
   * Field-level security changed: the integration-user flags of fields created at runtime (which
   * the write path reads from the spec) follow the integration user's grants, so a grant made
   * through REST lets the sync write the new field, as in Salesforce. Seeded fields keep their
   * spec flags: scenarios and fixtures state those on purpose.
   */
  private changed<T>(result?: T): T {
    const userId = this.spec.integrationUserId
    for (const {field, object} of this.runtimeFields) {
      const grant = this.seededFromSets(userId) ? this.fieldGrant(userId, object, field.name) : {edit: false, read: false}
      field.hiddenFromIntegrationUser = !grant.read
      field.readOnlyForIntegrationUser = grant.read && !grant.edit
    }

    return result as T
  }

  // the integration user's profile in an org spec without profiles (narrow test fixtures) keeps the static view
  private seededFromSets(userId: string): boolean {
    return this.assignments.some(a => a.AssigneeId === userId)
  }

  private seed(): void {
    const {spec} = this
    const integrationProfile = spec.users.find(u => u.id === spec.integrationUserId)?.profileId
    for (const p of spec.profiles) {
      const id = profilePermissionSetId(p.id)
      this.permissionSets.push({
        Id: id, IsCustom: false, IsOwnedByProfile: true, Label: p.id, LicenseId: null, Name: `X${p.id}`, NamespacePrefix: null,
        PermissionSetGroupId: null, ProfileId: p.id, Type: 'Profile',
        ...flags({ApiEnabled: p.apiEnabled, ApiUserOnly: p.apiUserOnly, ModifyAllData: p.modifyAllData, PasswordNeverExpires: p.passwordNeverExpires, ViewAllData: p.viewAllData, ViewEncryptedData: p.viewEncryptedData, ViewSetup: p.viewSetup}),
      })
      for (const u of spec.users.filter(user => user.profileId === p.id)) this.seedAssignment(u.id, id, null)
      const denied = (object: string, grant: 'create' | 'delete' | 'edit' | 'read') => p.objectDenials?.[object]?.includes(grant) === true
      for (const o of spec.objects) {
        const read = !denied(o.name, 'read')
        this.insert(this.objectPermissions, '110', objectRow(id, o.name, {
          Create: read && !denied(o.name, 'create'), Delete: read && !denied(o.name, 'delete'), Edit: read && !denied(o.name, 'edit'),
          ModifyAllRecords: p.modifyAllData, Read: read, ViewAllRecords: read && (p.viewAllData || p.modifyAllData),
        }))
        const integration = p.id === integrationProfile
        for (const f of o.fields) {
          const t = fieldTraits(f)
          if (!t.permissionable || (integration && f.hiddenFromIntegrationUser)) continue
          const edit = (t.createable || t.updateable) && !(integration && f.readOnlyForIntegrationUser)
          this.insert(this.fieldPermissions, '01k', {Field: `${o.name}.${f.name}`, ParentId: id, PermissionsEdit: edit, PermissionsRead: true, SobjectType: o.name})
        }
      }
    }

    for (const ps of spec.permissionSets) {
      this.permissionSets.push({
        Id: ps.id, IsCustom: true, IsOwnedByProfile: false, Label: ps.name.replaceAll('_', ' '), LicenseId: null, Name: ps.name, NamespacePrefix: null,
        PermissionSetGroupId: null, ProfileId: null, Type: 'Regular',
        ...flags({ApiEnabled: ps.apiEnabled, ApiUserOnly: ps.apiUserOnly, ModifyAllData: ps.modifyAllData, PasswordNeverExpires: ps.passwordNeverExpires, ViewAllData: ps.viewAllData, ViewEncryptedData: ps.viewEncryptedData}),
      })
      for (const object of ps.viewAllRecords ?? []) this.insert(this.objectPermissions, '110', objectRow(ps.id, object, {Read: true, ViewAllRecords: true}))
      for (const userId of ps.assignees) this.seedAssignment(userId, ps.id, null)
    }

    for (const group of spec.permissionSetGroups ?? []) this.seedGroup(group)
  }

  /** A group's aggregate permission set holds the union of its members' permissions. */
  private seedGroup(group: NonNullable<OrgSpec['permissionSetGroups']>[number]): void {
    const members = this.permissionSets.filter(s => group.members.includes(String(s.Id)))
    const union: Partial<Record<string, boolean>> = {}
    for (const f of PERMISSION_FLAGS) union[f] = members.some(m => m[`Permissions${f}`] === true)
    this.groups.push({DeveloperName: group.developerName, Id: group.id, MasterLabel: group.developerName.replaceAll('_', ' '), Status: 'Updated'})
    this.permissionSets.push({
      Id: group.permissionSetId, IsCustom: false, IsOwnedByProfile: false, Label: group.developerName, LicenseId: null, Name: group.developerName,
      NamespacePrefix: null, PermissionSetGroupId: group.id, ProfileId: null, Type: 'Group', ...flags(union),
    })
    const memberIds = new Set(group.members)
    for (const row of this.objectPermissions.filter(r => memberIds.has(String(r.ParentId)))) {
      this.insert(this.objectPermissions, '110', {...row, Id: undefined, ParentId: group.permissionSetId})
    }

    for (const row of this.fieldPermissions.filter(r => memberIds.has(String(r.ParentId)))) {
      this.insert(this.fieldPermissions, '01k', {...row, Id: undefined, ParentId: group.permissionSetId})
    }

    for (const userId of group.assignees) this.seedAssignment(userId, group.permissionSetId, group.id)
  }

  private seedAssignment(userId: string, permissionSetId: string, groupId: null | string): void {
    this.insert(this.assignments, '0Pa', {AssigneeId: userId, ExpirationDate: null, IsActive: true, PermissionSetGroupId: groupId, PermissionSetId: permissionSetId, SystemModstamp: '2021-03-04T17:00:00.000+0000'})
  }

  private insert(rows: SfRecord[], prefix: string, row: SfRecord): string {
    const id = syntheticId(prefix, ++this.serial)
    rows.push({...row, Id: id})
    return id
  }

  private permissionSet(body: SfRecord): SfRecord {
    const name = body.Name
    if (typeof name !== 'string' || !name) throw required('Name')
    if (typeof body.Label !== 'string' || !body.Label) throw required('Label')
    if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(name) || name.endsWith('_')) {
      throw new SalesforceFault(400, 'INVALID_NAME', 'The API name must begin with a letter, contain only letters, digits and single underscores, and not end with an underscore', ['Name'])
    }

    if (this.permissionSets.some(s => String(s.Name).toLowerCase() === name.toLowerCase())) {
      throw new SalesforceFault(400, 'DUPLICATE_DEVELOPER_NAME', `The permission set API name ${name} is already in use`, ['Name'])
    }

    const unknown = Object.keys(body).filter(k => !['Description', 'Label', 'Name'].includes(k) && !PERMISSION_FLAGS.some(f => `Permissions${f}` === k))
    if (unknown.length > 0) throw new SalesforceFault(400, 'INVALID_FIELD', `No such column '${unknown[0]}' on sobject of type PermissionSet`)
    if (body.PermissionsApiUserOnly === true && body.PermissionsApiEnabled !== true) throw dependency('API Only User', 'API Enabled')
    return {
      Description: body.Description ?? null, IsCustom: true, IsOwnedByProfile: false, Label: body.Label, LicenseId: null, Name: name, NamespacePrefix: null,
      PermissionSetGroupId: null, ProfileId: null, Type: 'Regular',
      ...Object.fromEntries(PERMISSION_FLAGS.map(f => [`Permissions${f}`, body[`Permissions${f}`] === true])),
    }
  }

  private assignment(body: SfRecord): SfRecord {
    const userId = String(body.AssigneeId ?? '')
    const setId = String(body.PermissionSetId ?? '')
    if (!this.spec.users.some(u => u.id === userId)) throw crossReference('AssigneeId')
    const set = this.permissionSets.find(s => s.Id === setId)
    if (!set || set.IsOwnedByProfile) throw crossReference('PermissionSetId')
    if (this.assignments.some(a => a.AssigneeId === userId && a.PermissionSetId === setId)) throw new SalesforceFault(400, 'DUPLICATE_VALUE', 'Duplicate PermissionSetAssignment. Assignee: ' + userId + '; Permission Set: ' + setId)
    return {AssigneeId: userId, ExpirationDate: null, IsActive: true, PermissionSetGroupId: null, PermissionSetId: setId, SystemModstamp: new Date().toISOString().replace('Z', '+0000')}
  }

  private objectPermission(body: SfRecord): SfRecord {
    const parentId = this.parent(body)
    const object = this.spec.objects.find(o => o.name.toLowerCase() === String(body.SobjectType ?? '').toLowerCase())
    if (!object) throw new SalesforceFault(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Sobject Type Name: bad value for restricted picklist field: ${String(body.SobjectType)}`, ['SobjectType'])
    if (this.objectPermissions.some(r => r.ParentId === parentId && r.SobjectType === object.name)) throw new SalesforceFault(400, 'DUPLICATE_VALUE', `duplicate value found: ObjectPermissions for ${object.name} already exist on this permission set`)
    const row = objectRow(parentId, object.name, Object.fromEntries(OBJECT_FLAGS.map(f => [f, body[`Permissions${f}`] === true])))
    checkObjectDependencies(row)
    return row
  }

  private fieldRow(body: SfRecord): SfRecord {
    const parentId = this.parent(body)
    const [objectName, fieldName, extra] = String(body.Field ?? '').split('.')
    const object = this.spec.objects.find(o => o.name.toLowerCase() === String(body.SobjectType ?? objectName ?? '').toLowerCase())
    const field = object?.fields.find(f => f.name.toLowerCase() === (fieldName ?? '').toLowerCase())
    if (!object || !field || extra !== undefined || objectName.toLowerCase() !== object.name.toLowerCase()) {
      throw new SalesforceFault(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Field Name: bad value for restricted picklist field: ${String(body.Field)}`, ['Field'])
    }

    if (!fieldTraits(field).permissionable) throw new SalesforceFault(400, 'FIELD_INTEGRITY_EXCEPTION', `Field ${object.name}.${field.name} is not permissionable`, ['Field'])
    const key = `${object.name}.${field.name}`
    if (this.fieldPermissions.some(r => r.ParentId === parentId && r.Field === key)) throw new SalesforceFault(400, 'DUPLICATE_VALUE', `duplicate value found: FieldPermissions for ${key} already exist on this permission set`)
    const row = {Field: key, ParentId: parentId, PermissionsEdit: body.PermissionsEdit === true, PermissionsRead: body.PermissionsRead === true, SobjectType: object.name}
    if (row.PermissionsEdit && !row.PermissionsRead) throw dependency('Edit', 'Read')
    return row
  }

  private parent(body: SfRecord): string {
    const id = String(body.ParentId ?? '')
    if (!this.permissionSets.some(s => s.Id === id)) throw crossReference('ParentId')
    return id
  }
}

function checkObjectDependencies(row: SfRecord): void {
  const has = (f: string) => row[`Permissions${f}`] === true
  for (const f of ['Create', 'Edit', 'Delete', 'ViewAllRecords']) if (has(f) && !has('Read')) throw dependency(f, 'Read')
  if (has('Delete') && !has('Edit')) throw dependency('Delete', 'Edit')
  if (has('ModifyAllRecords') && !(has('Delete') && has('ViewAllRecords'))) throw dependency('ModifyAllRecords', 'Delete, ViewAllRecords')
}

const required = (field: string): SalesforceFault => new SalesforceFault(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${field}]`, [field])
const crossReference = (field: string): SalesforceFault => new SalesforceFault(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field])
const dependency = (permission: string, needs: string): SalesforceFault =>
  new SalesforceFault(400, 'FIELD_INTEGRITY_EXCEPTION', `Permission ${permission} depends on permission(s): ${needs}`)

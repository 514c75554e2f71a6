import type {ObjectRight, RequiredGrants} from '../../analysis/integration-user/index.js'
import type {SalesforceClient} from '../../clients/salesforce.js'
import type {UserPermission} from '../../snapshot/types.js'

import {soqlString} from '../../clients/salesforce.js'
import {CollectError} from '../../errors.js'

// A permission set that grants Connect's user what it lacks, three ways: as metadata to deploy
// (`sf project deploy start`), as the exact sf commands, or created and assigned through REST.
// Apply is idempotent: it finds the set by name and adds only the grants it does not hold yet,
// so a rerun after a failure finishes the job. connect:external-ids reuses grantFieldAccess.

export const DEFAULT_PERMISSION_SET = 'Heroku_Connect_Sync_Access'

export interface PermissionSetPlan {
  name: string
  label: string
  description: string
  assignee: {id: string; username: string}
  userPermissions: UserPermission[]
  objects: RequiredGrants['objects']
  fields: RequiredGrants['fields']
}

export interface ApplyStep {
  action: 'assign' | 'create' | 'exists' | 'grant' | 'update'
  what: string
}

const OBJECT_FLAG: Record<ObjectRight, string> = {Create: 'PermissionsCreate', Delete: 'PermissionsDelete', Edit: 'PermissionsEdit', Read: 'PermissionsRead', ViewAllRecords: 'PermissionsViewAllRecords'}
const METADATA_FLAG: Record<ObjectRight, string> = {Create: 'allowCreate', Delete: 'allowDelete', Edit: 'allowEdit', Read: 'allowRead', ViewAllRecords: 'viewAllRecords'}

export function permissionSetPlan(grants: RequiredGrants, assignee: PermissionSetPlan['assignee'], name = DEFAULT_PERMISSION_SET): PermissionSetPlan {
  return {
    assignee,
    description: 'What Heroku Connect\'s integration user needs for the mapped objects and fields (heroku connect:user:check)',
    fields: grants.fields,
    label: name.replaceAll('_', ' '),
    name,
    objects: grants.objects,
    userPermissions: grants.userPermissions,
  }
}

export function isEmptyPlan(plan: PermissionSetPlan): boolean {
  return plan.userPermissions.length === 0 && plan.objects.length === 0 && plan.fields.length === 0
}

/** One line per grant, for the plan the command shows before it writes anything. */
export function describePlan(plan: PermissionSetPlan): string[] {
  return [
    `permission set ${plan.name} ("${plan.label}"), assigned to ${plan.assignee.username}`,
    ...plan.userPermissions.map(p => `  user permission ${p}`),
    ...plan.objects.map(o => `  ${o.object}: ${o.rights.join(', ')}`),
    ...plan.fields.map(f => `  ${f.field}: Read${f.edit ? ', Edit' : ''}`),
  ]
}

const xml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

/** The PermissionSet metadata file (source format), elements in the order Salesforce retrieves them. */
export function permissionSetXml(plan: PermissionSetPlan): string {
  const rights = (o: PermissionSetPlan['objects'][number]): string => (['Create', 'Delete', 'Edit', 'Read'] as ObjectRight[])
    .map(r => `        <${METADATA_FLAG[r]}>${o.rights.includes(r)}</${METADATA_FLAG[r]}>`).join('\n')
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">',
    `    <description>${xml(plan.description)}</description>`,
    ...plan.fields.map(f => `    <fieldPermissions>\n        <editable>${f.edit}</editable>\n        <field>${xml(f.field)}</field>\n        <readable>true</readable>\n    </fieldPermissions>`),
    '    <hasActivationRequired>false</hasActivationRequired>',
    `    <label>${xml(plan.label)}</label>`,
    ...plan.objects.map(o => `    <objectPermissions>\n${rights(o)}\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>${xml(o.object)}</object>\n        <viewAllRecords>${o.rights.includes('ViewAllRecords')}</viewAllRecords>\n    </objectPermissions>`),
    ...plan.userPermissions.map(p => `    <userPermissions>\n        <enabled>true</enabled>\n        <name>${p}</name>\n    </userPermissions>`),
    '</PermissionSet>',
  ]
  return `${lines.join('\n')}\n`
}

/** The files of an sf project that deploys the set: path → content. */
export function metadataProject(plan: PermissionSetPlan, apiVersion: string): Record<string, string> {
  return {
    [`force-app/main/default/permissionsets/${plan.name}.permissionset-meta.xml`]: permissionSetXml(plan),
    'sfdx-project.json': `${JSON.stringify({name: 'heroku-connect-sync-access', packageDirectories: [{default: true, path: 'force-app'}], sourceApiVersion: apiVersion}, null, 2)}\n`,
  }
}

/** The sf commands that deploy the project in `dir` and assign the set. */
export function sfCommands(plan: PermissionSetPlan, dir: string, targetOrg = 'ORG'): string[] {
  const quote = (s: string) => (/^[\w@.+/:-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`)
  return [
    `cd ${quote(dir)} && sf project deploy start --source-dir force-app --target-org ${quote(targetOrg)}`,
    `sf org assign permset --name ${plan.name} --on-behalf-of ${quote(plan.assignee.username)} --target-org ${quote(targetOrg)}`,
  ]
}

type Row = Record<string, unknown>

/** Creates (or completes) the set and assigns it; returns what it did, step by step. */
export async function applyPermissionSet(client: SalesforceClient, plan: PermissionSetPlan, onStep: (step: ApplyStep) => void = () => {}): Promise<ApplyStep[]> {
  const steps: ApplyStep[] = []
  const step = (s: ApplyStep) => {
    steps.push(s)
    onStep(s)
  }

  const found = await client.queryAllComposite({set: `SELECT Id, ${plan.userPermissions.map(p => `Permissions${p}`).concat('Name').join(', ')} FROM PermissionSet WHERE Name = ${soqlString(plan.name)}`})
  if (found.set.error) throw new CollectError(`Salesforce refused reading permission set ${plan.name}: ${found.set.error.errorCode}: ${found.set.error.message}`)
  let set = found.set.records[0]
  const flags = Object.fromEntries(plan.userPermissions.map(p => [`Permissions${p}`, true]))
  if (set) {
    const missing = Object.keys(flags).filter(flag => set![flag] !== true)
    if (missing.length > 0) {
      await client.update('PermissionSet', String(set.Id), Object.fromEntries(missing.map(f => [f, true])))
      step({action: 'update', what: `permission set ${plan.name}: ${missing.join(', ')}`})
    } else {
      step({action: 'exists', what: `permission set ${plan.name}`})
    }
  } else {
    set = {Id: await client.create('PermissionSet', {Description: plan.description, Label: plan.label, Name: plan.name, ...flags})}
    step({action: 'create', what: `permission set ${plan.name}${plan.userPermissions.length > 0 ? ` with ${plan.userPermissions.join(', ')}` : ''}`})
  }

  const id = String(set.Id)
  await grantOn(client, id, plan, step)
  const assigned = await client.queryAllComposite({a: `SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = ${soqlString(id)} AND AssigneeId = ${soqlString(plan.assignee.id)}`})
  if (assigned.a.error) throw new CollectError(`Salesforce refused reading permission set assignments: ${assigned.a.error.errorCode}: ${assigned.a.error.message}`)
  if (assigned.a.records.length === 0) {
    await client.create('PermissionSetAssignment', {AssigneeId: plan.assignee.id, PermissionSetId: id})
    step({action: 'assign', what: `${plan.name} to ${plan.assignee.username}`})
  } else {
    step({action: 'exists', what: `assignment of ${plan.name} to ${plan.assignee.username}`})
  }

  return steps
}

/** Adds the plan's object and field grants to permission set `id`, changing rows it already has. */
async function grantOn(client: SalesforceClient, id: string, plan: PermissionSetPlan, step: (s: ApplyStep) => void): Promise<void> {
  const parent = soqlString(id)
  const existing = await client.queryAllComposite({
    fields: `SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = ${parent}`,
    objects: `SELECT Id, SobjectType, ${Object.values(OBJECT_FLAG).join(', ')} FROM ObjectPermissions WHERE ParentId = ${parent}`,
  })
  for (const key of ['fields', 'objects']) if (existing[key].error) throw new CollectError(`Salesforce refused reading the grants of ${plan.name}: ${existing[key].error!.errorCode}: ${existing[key].error!.message}`)
  const rows = (key: string): Row[] => existing[key].records ?? []
  for (const grant of plan.objects) {
    const wanted = Object.fromEntries(grant.rights.map(r => [OBJECT_FLAG[r], true]))
    const row = rows('objects').find(r => String(r.SobjectType).toLowerCase() === grant.object.toLowerCase())
    const what = `${grant.object}: ${grant.rights.join(', ')}`
    if (!row) {
      await client.create('ObjectPermissions', {ParentId: id, SobjectType: grant.object, ...wanted})
      step({action: 'grant', what})
    } else if (Object.keys(wanted).some(flag => row[flag] !== true)) {
      await client.update('ObjectPermissions', String(row.Id), wanted)
      step({action: 'update', what})
    }
  }

  for (const grant of plan.fields) {
    const wanted = {PermissionsEdit: grant.edit, PermissionsRead: true}
    const row = rows('fields').find(r => String(r.Field).toLowerCase() === grant.field.toLowerCase())
    const what = `${grant.field}: Read${grant.edit ? ', Edit' : ''}`
    if (!row) {
      await client.create('FieldPermissions', {Field: grant.field, ParentId: id, SobjectType: grant.field.split('.')[0], ...wanted})
      step({action: 'grant', what})
    } else if (row.PermissionsRead !== true || (grant.edit && row.PermissionsEdit !== true)) {
      await client.update('FieldPermissions', String(row.Id), {PermissionsEdit: grant.edit || row.PermissionsEdit === true, PermissionsRead: true})
      step({action: 'update', what})
    }
  }
}

/**
 * Grants Read (and Edit) on one field to a user through the named permission set, creating and
 * assigning the set when needed: what connect:external-ids does after it creates a field.
 */
export async function grantFieldAccess(
  client: SalesforceClient,
  grant: {assignee: PermissionSetPlan['assignee']; edit: boolean; field: string; permissionSet?: string},
): Promise<ApplyStep[]> {
  const plan = permissionSetPlan({fields: [{edit: grant.edit, field: grant.field}], objects: [], userPermissions: []}, grant.assignee, grant.permissionSet)
  return applyPermissionSet(client, plan)
}

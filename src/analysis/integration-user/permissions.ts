import type {ConnectionFacts, MappingFacts, SalesforceFacts, SfFieldFacts, SfIntegrationUserFacts} from '../../snapshot/types.js'
import type {FieldGap, ObjectGap, ObjectRight, UserCheck} from './types.js'

import {holds} from './account.js'

// What Connect needs on each mapped object and field, from ObjectPermissions / FieldPermissions
// across every permission set that reaches the user: Read everywhere; Create, Edit and Delete on
// read-write mappings (Connect syncs Postgres deletes too); Edit on mapped fields of read-write
// mappings and on the unique identifier. A field the describe no longer has is deleted, not a gap.

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
const SYSTEM = new Set(['createdbyid', 'createddate', 'id', 'isdeleted', 'lastmodifiedbyid', 'lastmodifieddate', 'systemmodstamp'])

function rightsNeeded(mapping: MappingFacts): ObjectRight[] {
  return mapping.access === 'read_write' ? ['Read', 'Create', 'Edit', 'Delete'] : ['Read']
}

function objectRights(facts: SfIntegrationUserFacts, object: string): Set<ObjectRight> {
  const rights = new Set<ObjectRight>()
  for (const row of facts.objectPermissions ?? []) {
    if (!same(row.object, object)) continue
    if (row.read) rights.add('Read')
    if (row.create) rights.add('Create')
    if (row.edit) rights.add('Edit')
    if (row.delete) rights.add('Delete')
    if (row.viewAll || row.modifyAll) rights.add('ViewAllRecords')
  }

  return rights
}

const skip = (id: UserCheck['id'], title: string, facts: SfIntegrationUserFacts, part: 'fieldPermissions' | 'objectPermissions'): UserCheck =>
  ({evidence: `not checked: ${facts.unavailable[part]?.reason ?? 'not read'}`, grant: facts.unavailable[part]?.grant, id, title, verdict: 'skip'})

export function viewAllCheck(facts: SfIntegrationUserFacts, connection: ConnectionFacts): UserCheck {
  const title = 'sees every record (View All)'
  const all = holds(facts, 'ViewAllData') || holds(facts, 'ModifyAllData')
  if (all) return {evidence: 'View All Data (or Modify All Data) from a profile or permission set', id: 'view-all', title, verdict: 'pass'}
  if (!facts.objectPermissions) return skip('view-all', title, facts, 'objectPermissions')
  const objects = [...new Set(connection.mappings.map(m => m.object))]
  const missing = objects.filter(object => !objectRights(facts, object).has('ViewAllRecords'))
  if (missing.length === 0) return {evidence: `View All on every mapped object (${objects.join(', ')})`, id: 'view-all', title, verdict: 'pass'}
  return {
    evidence: `no View All Data, and no View All on ${missing.join(', ')}: Connect's polls skip records it cannot see, and Postgres misses them`,
    id: 'view-all', objectGaps: missing.map(object => ({missing: ['ViewAllRecords'], object})), title, verdict: 'fail',
  }
}

export function objectCheck(facts: SfIntegrationUserFacts, connection: ConnectionFacts): UserCheck {
  const title = 'object permissions on mapped objects'
  if (!facts.objectPermissions) return skip('object-permissions', title, facts, 'objectPermissions')
  const gaps: ObjectGap[] = []
  for (const mapping of connection.mappings) {
    const held = objectRights(facts, mapping.object)
    const missing = rightsNeeded(mapping).filter(right => !held.has(right))
    if (missing.length > 0) gaps.push({missing, object: mapping.object})
  }

  if (gaps.length === 0) return {evidence: `${connection.mappings.map(m => `${m.object} ${rightsNeeded(m).join('/')}`).join('; ')}`, id: 'object-permissions', title, verdict: 'pass'}
  return {evidence: `missing ${gaps.map(g => `${g.missing.join(', ')} on ${g.object}`).join('; ')}`, id: 'object-permissions', objectGaps: gaps, title, verdict: 'fail'}
}

/** A field only Salesforce writes, whatever the permissions: formulas, roll-ups, auto-numbers, system fields. */
const writable = (field: SfFieldFacts): boolean => !field.calculated && !field.autoNumber && field.type !== 'id' && !SYSTEM.has(field.name.toLowerCase())

export function fieldCheck(facts: SfIntegrationUserFacts, connection: ConnectionFacts, salesforce: SalesforceFacts): UserCheck {
  const title = 'field permissions on mapped fields'
  const fromDescribe = !facts.fieldPermissions
  // without FieldPermissions, the integration user's own describe still shows its field-level security
  if (fromDescribe && !facts.ownToken) return skip('field-permissions', title, facts, 'fieldPermissions')
  const gaps: FieldGap[] = []
  const unknown: string[] = []
  let checked = 0
  for (const mapping of connection.mappings) {
    const described = salesforce.objects[mapping.object]
    if (!described || 'error' in described) {
      unknown.push(mapping.object)
      continue
    }

    for (const name of mapping.fields) {
      if (SYSTEM.has(name.toLowerCase())) continue
      checked++
      const written = mapping.access === 'read_write' || (mapping.upsertField !== null && same(mapping.upsertField, name))
      const field = described.fields.find(f => same(f.name, name))
      if (!field) {
        gaps.push({field: name, missing: 'Read', needsEdit: written, object: mapping.object, state: facts.ownToken ? 'hidden-or-deleted' : 'deleted'})
        continue
      }

      if (field.permissionable === false) continue
      const rows = (facts.fieldPermissions ?? []).filter(row => same(row.field, `${mapping.object}.${field.name}`))
      const read = fromDescribe || rows.some(row => row.read)
      const edit = fromDescribe ? field.createable || field.updateable || !/__c$/i.test(field.name) : rows.some(row => row.edit)
      const needsEdit = written && writable(field)
      if (!read) gaps.push({field: field.name, missing: 'Read', needsEdit, object: mapping.object, state: 'secured'})
      else if (needsEdit && !edit) gaps.push({field: field.name, missing: 'Edit', needsEdit, object: mapping.object, state: 'secured'})
    }
  }

  const source = fromDescribe ? ' (from the integration user\'s own describe: FieldPermissions could not be read)' : ''
  const notDescribed = unknown.length > 0 ? `; ${unknown.join(', ')} not described` : ''
  if (gaps.length === 0) return {evidence: `Read${connection.mappings.some(m => m.access === 'read_write') ? ', and Edit where written,' : ''} on all ${checked} mapped fields${notDescribed}${source}`, id: 'field-permissions', title, verdict: unknown.length > 0 ? 'warn' : 'pass'}
  const say = (g: FieldGap): string => (g.state === 'deleted' ? `${g.object}.${g.field} no longer exists (remove it from the mapping)` : g.state === 'hidden-or-deleted' ? `${g.object}.${g.field} not visible (no Read, or deleted)` : `${g.object}.${g.field} no ${g.missing}`)
  return {evidence: `${gaps.map(g => say(g)).join('; ')}${notDescribed}${source}`, fieldGaps: gaps, id: 'field-permissions', title, verdict: 'fail'}
}

export function encryptedCheck(facts: SfIntegrationUserFacts, connection: ConnectionFacts, salesforce: SalesforceFacts): UserCheck {
  const title = 'encrypted fields (View Encrypted Data)'
  const classic: string[] = []
  const shield: string[] = []
  for (const mapping of connection.mappings) {
    const described = salesforce.objects[mapping.object]
    if (!described || 'error' in described) continue
    for (const field of described.fields.filter(f => mapping.fields.some(n => same(n, f.name)))) {
      if (field.type === 'encryptedstring') classic.push(`${mapping.object}.${field.name}`)
      else if (field.encrypted) shield.push(`${mapping.object}.${field.name}`)
    }
  }

  if (classic.length === 0 && shield.length === 0) return {evidence: 'no encrypted field is mapped', id: 'encrypted-fields', title, verdict: 'pass'}
  const shieldNote = shield.length > 0 ? `; Shield-encrypted ${shield.join(', ')} arrive decrypted, in clear text in Postgres` : ''
  const ved = holds(facts, 'ViewEncryptedData')
  if (classic.length === 0) return {evidence: shieldNote.slice(2), id: 'encrypted-fields', title, verdict: 'pass'}
  if (ved === null) return {...skip('encrypted-fields', title, facts, 'objectPermissions'), evidence: `not checked: permission sets not read (${facts.unavailable.permissionSets?.reason})`, grant: facts.unavailable.permissionSets?.grant}
  if (ved) return {evidence: `View Encrypted Data held: ${classic.join(', ')} arrive decrypted, in clear text in Postgres${shieldNote}`, id: 'encrypted-fields', title, verdict: 'pass'}
  return {evidence: `no View Encrypted Data: ${classic.join(', ')} arrive masked (*****) in Postgres${shieldNote}`, id: 'encrypted-fields', title, verdict: 'warn'}
}

import type {FakeResponse} from '../http.js'
import type {SfRecord} from '../org-runtime.js'

import {accessOf} from './access.js'
import {SalesforceFault} from './fault.js'
import type {SfCall, SfContext, SfRouter} from './router.js'

// REST writes to the Setup objects a permission set is made of: create a PermissionSet, assign
// it, grant ObjectPermissions and FieldPermissions, and change those grants. Registered before
// the generic sObject routes, so these names never reach the RecordStore.

const CREATABLE = ['PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions', 'FieldPermissions']
const UPDATABLE = ['PermissionSet', 'ObjectPermissions', 'FieldPermissions']

function body(call: SfCall): SfRecord {
  if (!call.body || typeof call.body !== 'object' || Array.isArray(call.body)) {
    throw new SalesforceFault(400, 'JSON_PARSER_ERROR', 'The request body is missing or is not a JSON object')
  }

  const {attributes: _attributes, ...fields} = call.body as SfRecord
  return fields
}

/** Setup changes need Manage Users or Manage Profiles and Permission Sets; only those with View Setup get this far here. */
function requireSetupRights(ctx: SfContext): void {
  const access = accessOf(ctx.org.spec)
  if (!access.hasPermission(ctx.userId, 'ModifyAllData')) {
    throw new SalesforceFault(403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id: you need Manage Profiles and Permission Sets')
  }
}

export function registerSetupWrites(router: SfRouter): void {
  for (const type of CREATABLE) {
    router.add('POST', `/sobjects/${type}`, 'rest', (ctx, call): FakeResponse => {
      requireSetupRights(ctx)
      const id = accessOf(ctx.org.spec).create(type, body(call))
      return {body: {errors: [], id, success: true}, status: 201}
    }, true)
  }

  for (const type of UPDATABLE) {
    router.add('PATCH', `/sobjects/${type}/:id`, 'rest', (ctx, call): FakeResponse => {
      requireSetupRights(ctx)
      accessOf(ctx.org.spec).update(type, call.params.id, body(call))
      return {status: 204}
    }, true)
  }
}

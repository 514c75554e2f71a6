import type {UserPermission} from '../../snapshot/types.js'

// The verdicts on Connect's integration user, as HC050 and connect:user:check both show them.

export type Verdict = 'fail' | 'pass' | 'skip' | 'warn'

export type CheckId =
  | 'active' | 'api-only' | 'encrypted-fields' | 'field-permissions' | 'interactive-logins'
  | 'not-a-person' | 'object-permissions' | 'password-never-expires' | 'view-all'

export type ObjectRight = 'Create' | 'Delete' | 'Edit' | 'Read' | 'ViewAllRecords'

export interface ObjectGap {
  object: string
  missing: ObjectRight[]
}

export interface FieldGap {
  object: string
  field: string
  /** Read: Connect cannot sync it at all; Edit: writes from Postgres that set it fail */
  missing: 'Edit' | 'Read'
  /** Connect writes it (read-write mapping, or the unique identifier), so a grant must include Edit */
  needsEdit: boolean
  /** deleted in Salesforce (a mapping problem, not a permission); or hidden/deleted, when the describe cannot tell */
  state: 'deleted' | 'hidden-or-deleted' | 'secured'
}

export interface UserCheck {
  id: CheckId
  title: string
  verdict: Verdict
  /** what was seen, in words */
  evidence: string
  /** skip: what would let the check run */
  grant?: string
  objectGaps?: ObjectGap[]
  fieldGaps?: FieldGap[]
  /** not-a-person: the signs of a person that were seen */
  signals?: Array<{kind: 'manager' | 'name' | 'ui-logins'; text: string}>
}

/** What one permission set must hold so every failing permission check passes. */
export interface RequiredGrants {
  userPermissions: UserPermission[]
  objects: Array<{object: string; rights: ObjectRight[]}>
  fields: Array<{field: string; edit: boolean}>
}

export interface UserAnalysis {
  username: string
  tokenUser: string
  ownToken: boolean
  checks: UserCheck[]
  grants: RequiredGrants
}

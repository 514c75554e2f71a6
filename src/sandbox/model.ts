// The sandbox's description of a world: one fake Salesforce org and the Heroku apps whose Connect
// add-ons sync it. Scenarios are plain data of these types; every fake server and the Postgres
// builder read from them, so a planted problem lives in exactly one place.

export type SfFieldType =
  | 'address' | 'boolean' | 'combobox' | 'currency' | 'date' | 'datetime' | 'double' | 'email'
  | 'encryptedstring' | 'id' | 'int' | 'multipicklist' | 'percent' | 'phone' | 'picklist'
  | 'reference' | 'string' | 'textarea' | 'time' | 'url'

export interface SfFieldSpec {
  name: string
  type: SfFieldType
  label?: string
  length?: number
  /** formula source; makes the field `calculated` with `calculatedFormula` set */
  formula?: string
  /** a roll-up summary: `calculated` with no formula, FieldDefinition.DataType `Roll-Up Summary (…)` */
  rollup?: {
    operation: 'COUNT' | 'MAX' | 'MIN' | 'SUM'
    summarizedObject: string
    /** the child's lookup to this object, `Opportunity.AccountId` (Tooling CustomField summaryForeignKey) */
    foreignKey?: string
    /** `Opportunity.Amount`; absent for COUNT */
    summarizedField?: string
    filterItems?: Array<{field: string; operation: string; value?: string}>
  }
  externalId?: boolean
  unique?: boolean
  /** defaults to true, except for id and required fields */
  nillable?: boolean
  createable?: boolean
  updateable?: boolean
  defaultedOnCreate?: boolean
  /** Shield Platform Encryption (describe `encrypted: true`) */
  encrypted?: boolean
  referenceTo?: string[]
  relationshipName?: string
  /** the integration user has no field-level read access: describe as that user omits the field */
  hiddenFromIntegrationUser?: boolean
  /** the integration user can read but not edit the field */
  readOnlyForIntegrationUser?: boolean
}

export interface SfObjectSpec {
  name: string
  label?: string
  custom?: boolean
  fields: SfFieldSpec[]
}

export interface SfUserSpec {
  id: string
  username: string
  name: string
  profileId: string
  isActive?: boolean
  userType?: string
  managerId?: string
}

export interface SfProfileSpec {
  id: string
  name: string
  userLicense: string
  apiEnabled: boolean
  apiUserOnly: boolean
  passwordNeverExpires: boolean
  viewAllData: boolean
  modifyAllData: boolean
  viewEncryptedData: boolean
  viewSetup: boolean
  /** object permissions this profile lacks (every object gets full CRUD otherwise) */
  objectDenials?: Record<string, Array<'create' | 'delete' | 'edit' | 'read'>>
}

export interface SfPermissionSetSpec {
  id: string
  name: string
  assignees: string[]
  apiEnabled?: boolean
  apiUserOnly?: boolean
  passwordNeverExpires?: boolean
  viewAllData?: boolean
  modifyAllData?: boolean
  viewEncryptedData?: boolean
  /** objects this set grants View All Records on (on top of Read) */
  viewAllRecords?: string[]
}

/** A permission set group: its members' permissions, assigned as one. */
export interface SfPermissionSetGroupSpec {
  id: string
  developerName: string
  /** the group's own aggregate permission set (PermissionSet.Type = Group) */
  permissionSetId: string
  members: string[]
  assignees: string[]
}

export interface SfLoginSpec {
  userId: string
  /** e.g. `Application` (a UI login), `Remote Access 2.0`, `Other Apex API` */
  loginType: string
  application: string
  status?: string
  daysAgo: number
  /** this many logins, spread evenly from daysAgo back over the 30 days before it */
  count?: number
}

export interface OrgSpec {
  organizationId: string
  instanceName: string
  dailyApiRequests: {max: number; used: number}
  objects: SfObjectSpec[]
  integrationUserId: string
  /** an administrator; the sandbox hands out its token by default (an audit runs as an admin) */
  adminUserId?: string
  users: SfUserSpec[]
  profiles: SfProfileSpec[]
  permissionSets: SfPermissionSetSpec[]
  permissionSetGroups?: SfPermissionSetGroupSpec[]
  logins: SfLoginSpec[]
  /** users without "Customize Application" although their permissions would give it: their
   *  Tooling CustomField writes answer INSUFFICIENT_ACCESS (a fault to test against) */
  customizeApplicationDenied?: string[]
}

export type MappingAccess = 'read_only' | 'read_write'

export interface MappingSpec {
  object: string
  access: MappingAccess
  /** Salesforce field API names; Id, SystemModstamp, IsDeleted (when the object has it) are added */
  fields: string[]
  upsertField?: string
  /** extra Connect-defined indexes, by field API name */
  indexedFields?: string[]
  pollingSeconds?: number
  notify?: boolean
  maxDailyApiCalls?: number
  /** mapping state reported by the Connect API; DATA_SYNCED when absent */
  state?: string
  stateDescription?: string
  /** rows synced into Postgres (and present in the org) at start */
  rows: number
}

export interface ConnectionFeatures {
  /** true = Ordered Writes, false = Merged Writes */
  poll_db_no_merge: boolean
  disable_bulk_writes: boolean
  cdc_for_accelerated_polling: boolean
  poll_external_ids: boolean
  rest_count_only: boolean
  ucs_basic_collation_index: boolean
}

export interface ConnectionSpec {
  id: string
  name: string
  resourceName: string
  schema: string
  dbKey: string
  state: string
  apiVersion: string
  plan: string
  logDrain: boolean
  features: ConnectionFeatures
  /** records per SOAP write call (Connect's soap_batch_size); 200 when absent */
  soapBatchSize?: number
  mappings: MappingSpec[]
}

export interface AppSpec {
  name: string
  id: string
  region: string
  connection: ConnectionSpec
  /** SQL run after the Connect schema is built and seeded: the user's own objects and mistakes.
   *  `{{schema}}` is replaced by the quoted Connect schema name, `{{db}}` by the quoted database name,
   *  `{{role}}` by the quoted name of a role the sandbox creates for this app (dropped on stop). */
  userSql: string[]
  /** SQL run last, as Connect would never allow it: damage to Connect's own objects */
  damageSql?: string[]
}

export interface ScenarioSpec {
  name: string
  description: string
  org: OrgSpec
  apps: AppSpec[]
  /** pending `_trigger_log` rows seeded for the first app (set-based), spread over read-write mappings */
  logRows: number
}

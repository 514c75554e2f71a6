import type {SalesforceClient, SalesforceUserInfo} from '../clients/salesforce.js'
import type {ConnectionFacts, SalesforceFacts, SfFieldFacts, SfIntegrationUserFacts, SourceStatus} from './types.js'

// Salesforce metadata for the audit in at most 3 + ceil(M/25) API calls for M mapped objects:
// userinfo (1), describes through /composite (ceil(M/25)), one /composite carrying the
// integration-user and roll-up queries (1), and the API version list (GET /services/data, 1: it
// needs no session and Salesforce may not count it, but the budget does). The daily API budget comes from the Sforce-Limit-Info
// header of those same responses, so it costs nothing extra.

const NO_CREDENTIALS: SourceStatus = {ok: false, provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials'}
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/
const OBJECT_NAME = /^[A-Za-z]\w*$/

export interface SalesforceRead {
  status: SourceStatus
  facts: null | SalesforceFacts
}

export async function readSalesforce(input: {connection: ConnectionFacts | null; env: NodeJS.ProcessEnv; targetOrg?: string}): Promise<SalesforceRead> {
  const {resolveSalesforceCredentials, SalesforceClient} = await import('../clients/salesforce.js')
  const credentials = await resolveSalesforceCredentials({env: input.env, targetOrg: input.targetOrg})
  if (!credentials) return {facts: null, status: NO_CREDENTIALS}
  const client = await SalesforceClient.connect(credentials)
  return {facts: await collectSalesforce(client, input.connection), status: {ok: true}}
}

export async function collectSalesforce(client: SalesforceClient, connection: ConnectionFacts | null): Promise<SalesforceFacts> {
  const objects = [...new Set((connection?.mappings ?? []).map(m => m.object))]
  const [info, describes, newest] = await Promise.all([client.userInfo(), client.describeMany(objects), client.newestApiVersion().catch(() => null)])
  const facts: SalesforceFacts = {
    apiVersion: client.apiVersion,
    newestApiVersion: newest,
    dailyApiRequests: null,
    fieldDataTypes: {},
    gaps: [],
    integrationUser: null,
    objects: {},
  }
  for (const outcome of describes) {
    facts.objects[outcome.object] = outcome.describe
      ? {fields: outcome.describe.fields.map(field => fieldFacts(field as unknown as Record<string, unknown>)), name: outcome.describe.name}
      : {error: `${outcome.error.errorCode}: ${outcome.error.message}`}
  }

  const rollupObjects = objects.filter(object => {
    const described = facts.objects[object]
    if (!described || 'error' in described) return false
    const mapped = new Set(connection!.mappings.find(m => m.object === object)!.fields.map(f => f.toLowerCase()))
    return described.fields.some(f => mapped.has(f.name.toLowerCase()) && f.calculated && !f.calculatedFormula && !f.autoNumber)
  })

  const answers = await userAndRollupQueries(client, info, rollupObjects, facts.gaps)
  facts.integrationUser = integrationUser(info, answers, facts.gaps)
  for (const record of answers.fieldDefinitions ?? []) {
    const object = (record.EntityDefinition as {QualifiedApiName?: string} | null)?.QualifiedApiName
    if (!object) continue
    facts.fieldDataTypes[object] ??= {}
    facts.fieldDataTypes[object][String(record.QualifiedApiName)] = String(record.DataType)
  }

  const usage = client.apiUsage
  if (usage) facts.dailyApiRequests = {max: usage.limit, remaining: Math.max(0, usage.limit - usage.used)}
  return facts
}

type Rows = Array<Record<string, unknown>>

async function userAndRollupQueries(client: SalesforceClient, info: SalesforceUserInfo, rollupObjects: string[], gaps: string[]): Promise<Partial<Record<'fieldDefinitions' | 'logins' | 'permissionSets' | 'user', Rows>>> {
  const queries: Record<string, string> = {}
  if (SALESFORCE_ID.test(info.user_id)) {
    const id = info.user_id
    queries.user = `SELECT Id, Username, Profile.Name, Profile.UserLicense.Name, Profile.PermissionsApiUserOnly, Profile.PermissionsPasswordNeverExpires, Profile.PermissionsViewAllData, Profile.PermissionsViewEncryptedData FROM User WHERE Id = '${id}'`
    queries.permissionSets = `SELECT PermissionSet.Name, PermissionSet.PermissionsViewAllData, PermissionSet.PermissionsViewEncryptedData FROM PermissionSetAssignment WHERE AssigneeId = '${id}'`
    queries.logins = `SELECT LoginType, LoginTime FROM LoginHistory WHERE UserId = '${id}' AND LoginTime = LAST_N_DAYS:30`
  } else {
    gaps.push(`integration user: userinfo returned no usable user id`)
  }

  const names = rollupObjects.filter(name => OBJECT_NAME.test(name))
  if (names.length > 0) {
    queries.fieldDefinitions = `SELECT EntityDefinition.QualifiedApiName, QualifiedApiName, DataType FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName IN (${names.map(n => `'${n}'`).join(', ')})`
  }

  if (Object.keys(queries).length === 0) return {}
  const results = await client.compositeQueries(queries)
  const answers: Partial<Record<string, Rows>> = {}
  for (const [key, result] of Object.entries(results)) {
    if ('error' in result && result.error) gaps.push(`${key}: ${result.error.errorCode}: ${result.error.message}`)
    else answers[key] = result.records as Rows
  }

  return answers
}

function integrationUser(info: SalesforceUserInfo, answers: Partial<Record<string, Rows>>, gaps: string[]): null | SfIntegrationUserFacts {
  const user = answers.user?.[0]
  if (!user) {
    if (answers.user) gaps.push('integration user: the User query returned no row')
    return null
  }

  const profile = (user.Profile ?? {}) as Record<string, unknown>
  const permissionSets = (answers.permissionSets ?? []).map(row => (row.PermissionSet ?? {}) as Record<string, unknown>)
  const anyGrant = (flag: string): boolean | null => {
    if (profile[flag] === true || permissionSets.some(set => set[flag] === true)) return true
    return profile[flag] === false ? false : null
  }

  const license = ((profile.UserLicense ?? {}) as {Name?: string}).Name ?? null
  return {
    apiUserOnly: typeof profile.PermissionsApiUserOnly === 'boolean' ? profile.PermissionsApiUserOnly : null,
    id: info.user_id,
    isIntegrationUser: info.is_salesforce_integration_user === true || license === 'Salesforce Integration',
    passwordNeverExpires: typeof profile.PermissionsPasswordNeverExpires === 'boolean' ? profile.PermissionsPasswordNeverExpires : null,
    profileName: typeof profile.Name === 'string' ? profile.Name : null,
    uiLogins: answers.logins ? answers.logins.filter(row => row.LoginType === 'Application').length : 0,
    // describes run as this user, so field-level security already shows as fields missing from them
    unreadableFields: [],
    userLicense: license,
    username: String(user.Username ?? info.preferred_username),
    viewAllData: anyGrant('PermissionsViewAllData'),
    viewEncryptedData: anyGrant('PermissionsViewEncryptedData'),
  }
}

function fieldFacts(field: Record<string, unknown>): SfFieldFacts {
  return {
    autoNumber: field.autoNumber === true,
    calculated: field.calculated === true,
    calculatedFormula: typeof field.calculatedFormula === 'string' && field.calculatedFormula ? field.calculatedFormula : null,
    createable: field.createable === true,
    defaultedOnCreate: field.defaultedOnCreate === true,
    encrypted: field.encrypted === true,
    externalId: field.externalId === true,
    name: String(field.name),
    nillable: field.nillable !== false,
    referenceTo: Array.isArray(field.referenceTo) ? field.referenceTo.map(String) : [],
    type: String(field.type),
    unique: field.unique === true,
    updateable: field.updateable === true,
  }
}

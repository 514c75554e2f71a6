import type {SalesforceClient} from '../clients/salesforce.js'
import type {ConnectionFacts, SalesforceFacts, SfFieldFacts, SourceStatus} from './types.js'

import {SalesforceApiError} from '../clients/salesforce.js'
import {checkSameOrg, integrationUserFacts, integrationUserQueries, type IntegrationUserTarget} from './integration-user.js'

// Salesforce metadata for the audit in at most 3 + ceil(M/25) API calls for M mapped objects:
// userinfo (1), describes through /composite (ceil(M/25)), one /composite carrying the five
// integration-user queries (1), and one carrying the roll-up query with the next page of any
// query longer than 2,000 rows (1; a further call only per further page). The daily API budget
// comes from the Sforce-Limit-Info header of those same responses, so it costs nothing extra.
// The API version list (GET /services/data, for the newest version a fix should target) needs no
// session, so it is not charged to the org's allowance and sits outside that count.

const NO_CREDENTIALS: SourceStatus = {ok: false, provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials'}
const OBJECT_NAME = /^[A-Za-z]\w*$/

export interface SalesforceRead {
  status: SourceStatus
  facts: null | SalesforceFacts
}

export async function readSalesforce(input: {connection: ConnectionFacts | null; env: NodeJS.ProcessEnv; targetOrg?: string; username?: string}): Promise<SalesforceRead> {
  const {resolveSalesforceCredentials, SalesforceClient} = await import('../clients/salesforce.js')
  const credentials = await resolveSalesforceCredentials({env: input.env, targetOrg: input.targetOrg})
  if (!credentials) return {facts: null, status: NO_CREDENTIALS}
  const client = await SalesforceClient.connect(credentials)
  return {facts: await collectSalesforce(client, input.connection, {username: input.username}), status: {ok: true}}
}

/** Connect's user: --username, else the connection's sf_info. */
export function integrationUserTarget(connection: ConnectionFacts | null, username?: string): IntegrationUserTarget | undefined {
  const name = username ?? connection?.salesforceUser?.username
  return name ? {organizationId: connection?.salesforceUser?.organizationId ?? null, username: name} : undefined
}

export async function collectSalesforce(client: SalesforceClient, connection: ConnectionFacts | null, options: {username?: string} = {}): Promise<SalesforceFacts> {
  const objects = [...new Set((connection?.mappings ?? []).map(m => m.object))]
  const target = integrationUserTarget(connection, options.username)
  const newest = client.newestApiVersion().catch(() => null)
  const facts: SalesforceFacts = {
    apiVersion: client.apiVersion,
    newestApiVersion: null,
    dailyApiRequests: null,
    fieldDataTypes: {},
    gaps: [],
    integrationUser: null,
    objects: {},
  }
  const info = client.userInfo()
  // the org check needs userinfo; the user queries only need the username, so they start at once
  const described = client.describeMany(objects).then(outcomes => {
    for (const outcome of outcomes) {
      facts.objects[outcome.object] = outcome.describe
        ? {fields: outcome.describe.fields.map(field => fieldFacts(field as unknown as Record<string, unknown>)), name: outcome.describe.name}
        : {error: `${outcome.error.errorCode}: ${outcome.error.message}`}
    }
  })
  const queries = target ? integrationUserQueries(target.username, objects) : {}
  const answers = client.queryAllComposite(queries, async (): Promise<Record<string, string>> => {
    await described
    const names = rollupObjects(connection, facts)
    return names.length > 0 ? {fieldDefinitions: `SELECT EntityDefinition.QualifiedApiName, QualifiedApiName, DataType FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName IN (${names.map(n => `'${n}'`).join(', ')})`} : {}
  }).catch((error: unknown) => {
    if (error instanceof SalesforceApiError) return {failed: error.message}
    throw error
  })
  const [who, , results] = await Promise.all([info, described, answers])
  if (target) {
    checkSameOrg(who, target)
    facts.integrationUser = integrationUserFacts(who, target, results)
  } else {
    facts.integrationUserUnavailable = {
      provide: 'pass --username with the Salesforce user the connection is authorized as',
      reason: connection?.origin === 'export' ? 'an export file does not name the Salesforce user Connect syncs as' : 'the connection names no Salesforce user (it is not authorized)',
    }
  }

  if ('failed' in results) facts.gaps.push(`FieldDefinition: ${results.failed}`)
  else if (results.fieldDefinitions?.error) facts.gaps.push(`fieldDefinitions: ${results.fieldDefinitions.error.errorCode}: ${results.fieldDefinitions.error.message}`)
  for (const record of ('failed' in results ? undefined : results.fieldDefinitions?.records) ?? []) {
    const object = (record.EntityDefinition as {QualifiedApiName?: string} | null)?.QualifiedApiName
    if (!object) continue
    facts.fieldDataTypes[object] ??= {}
    facts.fieldDataTypes[object][String(record.QualifiedApiName)] = String(record.DataType)
  }

  const usage = client.apiUsage
  if (usage) facts.dailyApiRequests = {max: usage.limit, remaining: Math.max(0, usage.limit - usage.used)}
  facts.newestApiVersion = await newest
  return facts
}

/** Mapped objects with a field that looks like a roll-up summary, to confirm through FieldDefinition. */
function rollupObjects(connection: ConnectionFacts | null, facts: SalesforceFacts): string[] {
  return Object.keys(facts.objects).filter(object => {
    const described = facts.objects[object]
    if (!OBJECT_NAME.test(object) || !described || 'error' in described) return false
    const mapped = new Set(connection!.mappings.find(m => m.object === object)!.fields.map(f => f.toLowerCase()))
    return described.fields.some(f => mapped.has(f.name.toLowerCase()) && f.calculated && !f.calculatedFormula && !f.autoNumber)
  })
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
    ...(typeof field.length === 'number' && field.length > 0 ? {length: field.length} : {}),
    name: String(field.name),
    nillable: field.nillable !== false,
    permissionable: field.permissionable !== false,
    referenceTo: Array.isArray(field.referenceTo) ? field.referenceTo.map(String) : [],
    type: String(field.type),
    unique: field.unique === true,
    updateable: field.updateable === true,
  }
}

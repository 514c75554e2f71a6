import type {APIClient} from '@heroku-cli/command'

import type {UserAnalysis, UserCheck} from '../../analysis/integration-user/index.js'
import type {SalesforceClient} from '../../clients/salesforce.js'
import type {PhaseRunner} from '../../progress.js'
import type {ConnectionFacts, SalesforceFacts} from '../../snapshot/types.js'
import type {ApplyStep, PermissionSetPlan} from '../grants/permission-set.js'

import {analyseIntegrationUser} from '../../analysis/integration-user/index.js'
import {SalesforceApiError} from '../../clients/salesforce.js'
import {UsageError} from '../../errors.js'
import {describePlan, isEmptyPlan, permissionSetPlan, sfCommands} from '../grants/permission-set.js'

// connect:user:check: read the connection (API or export file), collect Salesforce the way the
// audit does, analyse Connect's user, and offer what it lacks as one permission set: written
// as metadata, printed as sf commands, or created and assigned through REST.

export interface UserCheckRequest {
  app?: string
  resource?: string
  configFile?: string
  username?: string
  targetOrg?: string
  heroku?: APIClient
  env: NodeJS.ProcessEnv
  runPhases: PhaseRunner
}

export interface UserCheckResult {
  app: null | string
  username: null | string
  tokenUser: null | string
  ownToken: boolean
  summary: Record<UserCheck['verdict'], number>
  checks: UserCheck[]
  /** the permission set that closes every permission gap; null when there is none to close */
  fix: null | {
    permissionSet: PermissionSetPlan
    plan: string[]
    commands: string[]
    metadataDir: null | string
    /** what --apply did; null when it was not asked for (or --dry-run) */
    applied: ApplyStep[] | null
  }
}

export interface Checked {
  connection: ConnectionFacts
  salesforce: SalesforceFacts | null
  analysis: UserAnalysis
  client: SalesforceClient
}

/** Reads the connection and Salesforce, and analyses the integration user. */
export async function checkIntegrationUser(request: UserCheckRequest): Promise<Checked> {
  const [{resolveSalesforceCredentials, SalesforceClient: Client}, {collectSalesforce, integrationUserTarget}] = await Promise.all([
    import('../../clients/salesforce.js'),
    import('../../snapshot/salesforce.js'),
  ])
  const credentials = await resolveSalesforceCredentials({env: request.env, targetOrg: request.targetOrg})
  if (!credentials) throw new UsageError('connect:user:check needs Salesforce credentials', 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN')
  let connection!: ConnectionFacts
  await request.runPhases([{tasks: [{async run(report) {
    connection = await readConnection(request)
    report(`${connection.mappings.length} mappings`)
  }, title: request.configFile ? 'Reading the Connect export' : 'Reading the Connect configuration'}], title: 'Connect'}])
  const target = integrationUserTarget(connection, request.username)
  if (!target) throw new UsageError(connection.origin === 'export' ? 'an export file does not name the Salesforce user Connect syncs as' : 'the connection names no Salesforce user: it is not authorized', 'pass --username USER (the user the connection is authorized as)')
  const client = await Client.connect(credentials)
  let salesforce: null | SalesforceFacts = null
  let failure: string | undefined
  await request.runPhases([{tasks: [{async run(report) {
    try {
      salesforce = await collectSalesforce(client, connection, {username: target.username})
      report(`${target.username}: ${salesforce.integrationUser?.user ? 'read' : 'not found'}`)
    } catch (error) {
      // an expired session or a failing org leaves every check skipped, with the reason
      if (!(error instanceof SalesforceApiError)) throw error
      failure = error.message
      report(`skipped: ${failure}`)
    }
  }, title: `Reading ${target.username} from Salesforce`}], title: 'Salesforce'}])
  const facts = (salesforce as null | SalesforceFacts)?.integrationUser ?? {
    fieldPermissions: null, logins: null, objectPermissions: null, ownToken: false, permissionSets: null, tokenUser: '',
    unavailable: {user: {grant: '', reason: failure ?? 'not read'}}, user: null, username: target.username,
  }
  return {analysis: analyseIntegrationUser(facts, connection, salesforce ?? emptyFacts(client)), client, connection, salesforce}
}

function emptyFacts(client: SalesforceClient): SalesforceFacts {
  return {apiVersion: client.apiVersion, dailyApiRequests: null, fieldDataTypes: {}, gaps: [], integrationUser: null, objects: {}}
}

async function readConnection(request: UserCheckRequest): Promise<ConnectionFacts> {
  if (request.configFile) {
    const {readExportFile} = await import('../../snapshot/export-file.js')
    return readExportFile(request.configFile)
  }

  if (!request.app || !request.heroku) throw new UsageError('nothing to check', 'pass --app APP, or --config-file FILE with --username USER')
  const [{ConnectApi}, {getApp}, {connectionFacts}] = await Promise.all([
    import('../../clients/connect-api.js'),
    import('../../clients/heroku-platform.js'),
    import('../../snapshot/connect.js'),
  ])
  await getApp(request.heroku, request.app)
  const api = await ConnectApi.fromHeroku(request.heroku)
  return connectionFacts(await api.findConnection(request.app, {resource: request.resource}), null)
}

/** The result the table is drawn from and --json prints. */
export function userCheckResult(app: null | string, checked: Checked, fix: UserCheckResult['fix']): UserCheckResult {
  const {analysis} = checked
  const summary = {fail: 0, pass: 0, skip: 0, warn: 0}
  for (const check of analysis.checks) summary[check.verdict]++
  return {app, checks: analysis.checks, fix, ownToken: analysis.ownToken, summary, tokenUser: analysis.tokenUser || null, username: analysis.username}
}

/** The permission set for the analysis' gaps, or null when nothing is missing (or the user is unknown). */
export function planFix(checked: Checked, options: {metadataDir?: string; name?: string; targetOrg?: string}): UserCheckResult['fix'] {
  const user = checked.salesforce?.integrationUser?.user
  if (!user) return null
  const plan = permissionSetPlan(checked.analysis.grants, {id: user.id, username: checked.analysis.username}, options.name)
  if (isEmptyPlan(plan)) return null
  return {applied: null, commands: sfCommands(plan, options.metadataDir ?? 'connect-sync-access', options.targetOrg), metadataDir: options.metadataDir ?? null, permissionSet: plan, plan: describePlan(plan)}
}

/** 1 when a check fails, 3 when nothing could be checked, else 0. */
export function exitCodeOf(result: UserCheckResult): number {
  if (result.summary.fail > 0) return 1
  return result.summary.skip === result.checks.length ? 3 : 0
}

/** Writes the permission set as an sf project under `dir`. */
export async function writeMetadata(plan: PermissionSetPlan, dir: string, apiVersion: string): Promise<void> {
  const [{mkdir, writeFile}, {dirname, join}, {metadataProject}] = await Promise.all([import('node:fs/promises'), import('node:path'), import('../grants/permission-set.js')])
  for (const [path, content] of Object.entries(metadataProject(plan, apiVersion))) {
    await mkdir(dirname(join(dir, path)), {recursive: true})
    await writeFile(join(dir, path), content)
  }
}

/** The REST calls --apply makes for a new set, for --dry-run. */
export function restCalls(plan: PermissionSetPlan): string[] {
  return [
    `GET  query: SELECT Id FROM PermissionSet WHERE Name = '${plan.name}'`,
    `POST /sobjects/PermissionSet {Name: ${plan.name}${plan.userPermissions.map(p => `, Permissions${p}: true`).join('')}} (or PATCH the existing one)`,
    ...plan.objects.map(o => `POST /sobjects/ObjectPermissions {SobjectType: ${o.object}, ${o.rights.map(r => `Permissions${r}: true`).join(', ')}}`),
    ...plan.fields.map(f => `POST /sobjects/FieldPermissions {Field: ${f.field}, PermissionsRead: true${f.edit ? ', PermissionsEdit: true' : ''}}`),
    `POST /sobjects/PermissionSetAssignment {AssigneeId: ${plan.assignee.id} (${plan.assignee.username})}`,
  ]
}

export async function applyFix(checked: Checked, fix: NonNullable<UserCheckResult['fix']>): Promise<ApplyStep[]> {
  const {applyPermissionSet} = await import('../grants/permission-set.js')
  return applyPermissionSet(checked.client, fix.permissionSet)
}

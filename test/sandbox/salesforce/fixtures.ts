import type {OrgSpec, SfFieldSpec, SfObjectSpec} from '../../../src/sandbox/model.js'
import {SandboxOrg} from '../../../src/sandbox/salesforce/org.js'
import {type FakeSalesforce, startFakeSalesforce} from '../../../src/sandbox/salesforce/server.js'

import {MemoryRecordStore} from './memory-store.js'

// A small hand-written org for the Salesforce fake's tests: every describe feature the rules
// look at (formula, cross-object formula, roll-up, Shield and classic encryption, external ids,
// FLS-hidden and read-only fields) plus users, profiles, permission sets and logins.

// deliberately unlike any built-in redaction pattern, so tests prove the token is redacted as a secret
export const TOKEN = 'plain-secret-token-7Hq2ZkW9'
/** the administrator's (HUMAN_USER's) token */
export const ADMIN_TOKEN = 'plain-admin-token-4Rt8XcV1'
export const INTEGRATION_USER = '005Hs00000IntegAAA'
export const HUMAN_USER = '005Hs00000HumanAAA'
export const INTEGRATION_PROFILE = '00eHs00000IntegAAA'
export const ADMIN_PROFILE = '00eHs00000AdminAAA'
export const SYNC_PERMSET = '0PSHs00000SyncAAAA'

const id: SfFieldSpec = {createable: false, name: 'Id', nillable: false, type: 'id', updateable: false}
const audit: SfFieldSpec[] = [
  {createable: false, name: 'SystemModstamp', nillable: false, type: 'datetime', updateable: false},
  {createable: false, name: 'IsDeleted', nillable: false, type: 'boolean', updateable: false},
]

export const account: SfObjectSpec = {
  fields: [
    id,
    {length: 255, name: 'Name', nillable: false, type: 'string'},
    {externalId: true, length: 36, name: 'External_Id__c', type: 'string', unique: true},
    {name: 'Open_Amount__c', rollup: {operation: 'SUM', summarizedObject: 'Opportunity'}, type: 'currency'},
    {name: 'NumberOfEmployees', type: 'int'},
    ...audit,
  ],
  label: 'Account',
  name: 'Account',
}

export const contact: SfObjectSpec = {
  fields: [
    id,
    {length: 40, name: 'FirstName', type: 'string'},
    {length: 80, name: 'LastName', nillable: false, type: 'string'},
    {length: 80, name: 'Email', type: 'email'},
    {name: 'AccountId', referenceTo: ['Account'], relationshipName: 'Account', type: 'reference'},
    {externalId: true, length: 36, name: 'External_Id__c', type: 'string', unique: true},
    {formula: 'Account.Name', length: 1300, name: 'Account_Name__c', type: 'string'},
    {length: 11, name: 'SSN__c', type: 'encryptedstring'},
    {encrypted: true, length: 20, name: 'Tax_Id__c', type: 'string'},
    {hiddenFromIntegrationUser: true, length: 255, name: 'Loyalty_Tier__c', type: 'picklist'},
    {length: 40, name: 'Region__c', readOnlyForIntegrationUser: true, type: 'string'},
    {name: 'Do_Not_Call__c', type: 'boolean'},
    {name: 'OwnerId', referenceTo: ['User'], relationshipName: 'Owner', type: 'reference'},
    ...audit,
  ],
  label: 'Contact',
  name: 'Contact',
}

export const widget: SfObjectSpec = {
  custom: true,
  fields: [id, {length: 80, name: 'Name', type: 'string'}, {name: 'Rank__c', type: 'double'}, ...audit],
  label: 'Widget',
  name: 'Widget__c',
}

/** `count` extra objects named Extra01__c…, to exercise composite chunking. */
export function extraObjects(count: number): SfObjectSpec[] {
  return Array.from({length: count}, (_, i) => ({
    custom: true,
    fields: [id, {length: 80, name: 'Name', type: 'string'}],
    name: `Extra${String(i + 1).padStart(2, '0')}__c`,
  }))
}

export function testOrgSpec(objects: SfObjectSpec[] = []): OrgSpec {
  return {
    dailyApiRequests: {max: 15_000, used: 1000},
    instanceName: 'NA999',
    integrationUserId: INTEGRATION_USER,
    logins: [
      {application: 'Heroku Connect', daysAgo: 0, loginType: 'Remote Access 2.0', userId: INTEGRATION_USER},
      {application: 'Browser', daysAgo: 2, loginType: 'Application', userId: INTEGRATION_USER},
      {application: 'Browser', daysAgo: 45, loginType: 'Application', userId: INTEGRATION_USER},
      {application: 'Browser', daysAgo: 1, loginType: 'Application', status: 'Invalid Password', userId: HUMAN_USER},
    ],
    objects: [account, contact, widget, ...objects],
    organizationId: '00DHs00000TestOAAA',
    permissionSets: [{apiEnabled: true, assignees: [INTEGRATION_USER], id: SYNC_PERMSET, name: 'Heroku_Connect_Sync', viewAllData: true, viewAllRecords: ['Contact']}],
    profiles: [
      {
        apiEnabled: true, apiUserOnly: true, id: INTEGRATION_PROFILE, modifyAllData: false, name: 'Minimum Access - API Only Integrations',
        passwordNeverExpires: true, userLicense: 'Salesforce Integration', viewAllData: false, viewEncryptedData: false, viewSetup: true,
      },
      {
        apiEnabled: true, apiUserOnly: false, id: ADMIN_PROFILE, modifyAllData: true, name: 'System Administrator',
        passwordNeverExpires: false, userLicense: 'Salesforce', viewAllData: true, viewEncryptedData: false, viewSetup: true,
      },
    ],
    users: [
      {id: INTEGRATION_USER, name: 'Sync Robot', profileId: INTEGRATION_PROFILE, username: 'sync@acme.example'},
      {id: HUMAN_USER, name: 'Hana Human', profileId: ADMIN_PROFILE, username: 'hana@acme.example'},
    ],
  }
}

export interface TestOrg {
  org: SandboxOrg
  store: MemoryRecordStore
  sf: FakeSalesforce
}

export async function startTestOrg(objects: SfObjectSpec[] = []): Promise<TestOrg> {
  const store = new MemoryRecordStore()
  const org = new SandboxOrg(testOrgSpec(objects), store)
  const sf = await startFakeSalesforce(org, {accessToken: TOKEN, tokens: {[ADMIN_TOKEN]: HUMAN_USER}})
  return {org, sf, store}
}

/** A real jsforce connection to the fake (jsforce is what the plugin uses too). */
export async function jsforceConnection(url: string, accessToken = TOKEN): Promise<import('@jsforce/jsforce-node').Connection> {
  const {Connection} = await import('@jsforce/jsforce-node')
  return new Connection({accessToken, instanceUrl: url, version: '62.0'})
}

/** The error a jsforce call rejects with (HttpApiError: errorCode, message, data). */
export async function rejection(promise: PromiseLike<unknown>): Promise<{data?: unknown; errorCode: string; message: string}> {
  try {
    await promise
  } catch (error) {
    return error as {data?: unknown; errorCode: string; message: string}
  }

  throw new Error('expected the call to fail')
}

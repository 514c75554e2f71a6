import type {AppSpec, MappingSpec, OrgSpec} from '../../../src/sandbox/model.js'

// A small world for the Postgres builder tests: three objects, one read-write mapping with a
// unique identifier, two read-only ones.

export const ORG: OrgSpec = {
  dailyApiRequests: {max: 100_000, used: 1000},
  instanceName: 'CS42',
  integrationUserId: '005000000000001AAA',
  logins: [],
  objects: [
    {
      fields: [
        {name: 'Id', type: 'id'},
        {name: 'Name', type: 'string', length: 255},
        {name: 'Type', type: 'picklist', length: 40},
        {name: 'AnnualRevenue', type: 'currency'},
        {name: 'NumberOfEmployees', type: 'int'},
        {name: 'Website', type: 'url'},
        {name: 'Description', type: 'textarea', length: 32_000},
        {name: 'BillingAddress', type: 'address'},
        {name: 'BillingCity', type: 'string', length: 40},
        {name: 'OwnerId', type: 'reference', referenceTo: ['User']},
        {name: 'IsDeleted', type: 'boolean'},
        {name: 'SystemModstamp', type: 'datetime'},
        {name: 'CreatedDate', type: 'datetime'},
      ],
      name: 'Account',
    },
    {
      fields: [
        {name: 'Id', type: 'id'},
        {name: 'FirstName', type: 'string', length: 40},
        {name: 'LastName', type: 'string', length: 80},
        {name: 'Email', type: 'email'},
        {name: 'Phone', type: 'phone'},
        {name: 'AccountId', type: 'reference', referenceTo: ['Account']},
        {name: 'Birthdate', type: 'date'},
        {name: 'HasOptedOutOfEmail', type: 'boolean'},
        {name: 'LastModifiedDate', type: 'datetime'},
        {name: 'Score__c', type: 'double'},
        {name: 'Summary__c', type: 'string', formula: 'FirstName & LastName'},
        {externalId: true, length: 36, name: 'Guid__c', type: 'string', unique: true},
        {name: 'IsDeleted', type: 'boolean'},
        {name: 'SystemModstamp', type: 'datetime'},
        {name: 'CreatedDate', type: 'datetime'},
      ],
      name: 'Contact',
    },
    {
      fields: [
        {name: 'Id', type: 'id'},
        {name: 'Username', type: 'string', length: 80},
        {name: 'IsActive', type: 'boolean'},
      ],
      name: 'User',
    },
  ],
  organizationId: '00D000000000001AAA',
  permissionSets: [],
  profiles: [],
  users: [{id: '005000000000001AAA', name: 'Integration', profileId: '00e000000000001AAA', username: 'integration@example.com'}],
}

export const CONTACT_MAPPING: MappingSpec = {
  access: 'read_write',
  fields: ['FirstName', 'LastName', 'Email', 'Phone', 'AccountId', 'Birthdate', 'HasOptedOutOfEmail', 'Score__c', 'Summary__c', 'Guid__c'],
  indexedFields: ['AccountId', 'Email'],
  object: 'Contact',
  rows: 50,
  upsertField: 'Guid__c',
}

export const ACCOUNT_MAPPING: MappingSpec = {
  access: 'read_only',
  fields: ['Name', 'Type', 'AnnualRevenue', 'NumberOfEmployees', 'Website', 'Description', 'BillingCity', 'OwnerId'],
  object: 'Account',
  rows: 10,
}

export const USER_MAPPING: MappingSpec = {access: 'read_only', fields: ['Username', 'IsActive'], object: 'User', rows: 0}

export function app(schema = 'salesforce', overrides: Partial<AppSpec> = {}): AppSpec {
  return {
    connection: {
      apiVersion: '60.0',
      dbKey: 'DATABASE_URL',
      features: {
        cdc_for_accelerated_polling: false, disable_bulk_writes: false, poll_db_no_merge: true,
        poll_external_ids: false, rest_count_only: false, ucs_basic_collation_index: true,
      },
      id: 'c0nnecti0n-0001',
      logDrain: false,
      mappings: [CONTACT_MAPPING, ACCOUNT_MAPPING, USER_MAPPING],
      name: 'fixture',
      plan: 'enterprise',
      resourceName: 'herokuconnect-fixture-12345',
      schema,
      state: 'IDLE',
    },
    id: '11111111-2222-3333-4444-555555555555',
    name: 'fixture-app',
    region: 'us',
    userSql: [],
    ...overrides,
  }
}

import type {Connection} from '@jsforce/jsforce-node'

import {expect} from 'chai'

import {profilePermissionSetId} from '../../../src/sandbox/salesforce/access.js'

import {
  ADMIN_PROFILE, ADMIN_TOKEN, HUMAN_USER, INTEGRATION_PROFILE, INTEGRATION_USER, jsforceConnection, rejection, startTestOrg, SYNC_PERMSET, type TestOrg, TOKEN,
} from './fixtures.js'

type Row = Record<string, unknown>

describe('fake Salesforce: SOQL queries', () => {
  let t: TestOrg
  let conn: Connection
  let acme: string
  const fail = (soql: string, tooling = false) => (tooling ? conn.tooling.query(soql) : conn.query(soql)).then(
    () => expect.fail(`query should have failed: ${soql}`),
    (error: Error) => error as unknown as {errorCode: string; message: string},
  )

  before(async () => {
    t = await startTestOrg()
    conn = await jsforceConnection(t.sf.url)
    t.store.seed('Widget__c', Array.from({length: 4500}, (_, i) => ({Name: `W${String(i).padStart(4, '0')}`, Rank__c: i % 10})))
    ;[acme] = t.store.seed('Account', [{Name: 'Acme'}])
    t.store.seed('Contact', [
      {AccountId: acme, LastName: 'Lovelace', OwnerId: INTEGRATION_USER},
      {AccountId: null, LastName: 'Hopper', OwnerId: HUMAN_USER},
    ])
  })

  after(async () => t.sf.close())
  beforeEach(() => t.org.calls.reset())

  it('pages 4,500 rows by 2,000 with done / nextRecordsUrl, and jsforce autoFetch reads them all', async () => {
    const first = await conn.query<Row>('SELECT Id, Name FROM Widget__c')
    expect(first.totalSize).to.equal(4500)
    expect(first.done).to.equal(false)
    expect(first.records).to.have.length(2000)
    expect(first.nextRecordsUrl).to.match(/\/services\/data\/v62\.0\/query\/01g\w+-2000$/)
    const all = await conn.query<Row>('SELECT Id, Name FROM Widget__c').run({autoFetch: true, maxFetch: 100_000})
    expect(all.records).to.have.length(4500)
    expect(new Set(all.records.map(r => r.Id)).size).to.equal(4500)
    expect(all.records[4499]).to.deep.include({Name: 'W4499'})
    expect(all.records[0].attributes).to.deep.equal({type: 'Widget__c', url: `/services/data/v62.0/sobjects/Widget__c/${all.records[0].Id as string}`})
    // 1 page for the first query, 3 for the second
    expect(t.org.calls.byKind.rest).to.equal(4)
  })

  it('honours Sforce-Query-Options batchSize and rejects an unknown locator', async () => {
    const page = await conn.request<{records: unknown[]}>({headers: {'Sforce-Query-Options': 'batchSize=500'}, method: 'GET', url: '/query?q=SELECT+Id+FROM+Widget__c'})
    expect(page.records).to.have.length(500)
    const error = await rejection(conn.request('/query/01gNOPE-2000'))
    expect(error.errorCode).to.equal('INVALID_QUERY_LOCATOR')
  })

  it('filters, sorts and limits stored records, and counts with COUNT()', async () => {
    const top = await conn.query<Row>("SELECT Name, Rank__c FROM Widget__c WHERE Rank__c >= 9 AND Name LIKE 'W00%' ORDER BY Name DESC LIMIT 3")
    expect(top.records.map(r => [r.Name, r.Rank__c])).to.deep.equal([['W0099', 9], ['W0089', 9], ['W0079', 9]])
    expect(await conn.sobject('Widget__c').count()).to.equal(4500)
    const counted = await conn.query("SELECT COUNT() FROM Widget__c WHERE Rank__c = 3")
    expect(counted).to.deep.equal({done: true, records: [], totalSize: 450})
  })

  it('nests parent relationships with attributes, null when the lookup is empty', async () => {
    const result = await conn.query<Row>('SELECT LastName, Account.Name, Owner.Profile.Name FROM Contact ORDER BY LastName')
    expect(result.records.map(r => ({...r, attributes: undefined}))).to.deep.equal([
      {Account: null, attributes: undefined, LastName: 'Hopper', Owner: {attributes: {type: 'User', url: `/services/data/v62.0/sobjects/User/${HUMAN_USER}`}, Profile: {attributes: {type: 'Profile', url: `/services/data/v62.0/sobjects/Profile/${ADMIN_PROFILE}`}, Name: 'System Administrator'}}},
      {Account: {attributes: {type: 'Account', url: `/services/data/v62.0/sobjects/Account/${acme}`}, Name: 'Acme'}, attributes: undefined, LastName: 'Lovelace', Owner: {attributes: {type: 'User', url: `/services/data/v62.0/sobjects/User/${INTEGRATION_USER}`}, Profile: {attributes: {type: 'Profile', url: `/services/data/v62.0/sobjects/Profile/${INTEGRATION_PROFILE}`}, Name: 'Minimum Access - API Only Integrations'}}},
    ])
    const byParent = await conn.query<Row>("SELECT LastName FROM Contact WHERE Account.Name = 'acme'")
    expect(byParent.records.map(r => r.LastName)).to.deep.equal(['Lovelace'])
  })

  it('answers the integration-user checks: User with profile and license', async () => {
    const {records} = await conn.query<Row>(`SELECT Id, Username, UserType, IsActive, Profile.Name, Profile.UserLicense.Name FROM User WHERE Id = '${INTEGRATION_USER.slice(0, 15)}'`)
    expect(records).to.have.length(1)
    expect(records[0]).to.deep.include({IsActive: true, Username: 'sync@acme.example', UserType: 'Standard'})
    expect((records[0].Profile as Row).Name).to.equal('Minimum Access - API Only Integrations')
    expect(((records[0].Profile as Row).UserLicense as Row).Name).to.equal('Salesforce Integration')
  })

  it('lists PermissionSetAssignments including the profile-owned permission set', async () => {
    const {records} = await conn.query<Row>(`SELECT PermissionSetId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsViewAllData FROM PermissionSetAssignment WHERE AssigneeId = '${INTEGRATION_USER}'`)
    const sets = records.map(r => ({id: r.PermissionSetId, ...(r.PermissionSet as Row), attributes: undefined}))
    expect(sets).to.deep.equal([
      {IsOwnedByProfile: true, Name: `X${INTEGRATION_PROFILE}`, PermissionsViewAllData: false, attributes: undefined, id: profilePermissionSetId(INTEGRATION_PROFILE)},
      {IsOwnedByProfile: false, Name: 'Heroku_Connect_Sync', PermissionsViewAllData: true, attributes: undefined, id: SYNC_PERMSET},
    ])
  })

  it('has FieldPermissions rows only where Read is granted: none for FLS-hidden fields', async () => {
    const parents = [profilePermissionSetId(INTEGRATION_PROFILE), SYNC_PERMSET].map(id => `'${id}'`).join(',')
    const {records} = await conn.query<Row>(`SELECT ParentId, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId IN (${parents}) AND SobjectType = 'Contact'`)
    const fields = new Map(records.map(r => [r.Field, r]))
    expect(fields.has('Contact.Loyalty_Tier__c')).to.equal(false)
    expect(fields.has('Contact.LastName')).to.equal(false) // required fields carry no FLS
    expect(fields.get('Contact.Region__c')).to.include({PermissionsEdit: false, PermissionsRead: true})
    expect(fields.get('Contact.Email')).to.include({PermissionsEdit: true, PermissionsRead: true})
    expect(fields.get('Contact.Account_Name__c')).to.include({PermissionsEdit: false})
    expect(records.every(r => r.PermissionsRead === true)).to.equal(true)
    const admin = await conn.query<Row>(`SELECT Field FROM FieldPermissions WHERE ParentId = '${profilePermissionSetId(ADMIN_PROFILE)}' AND Field = 'Contact.Loyalty_Tier__c'`)
    expect(admin.totalSize).to.equal(1)
    const objects = await conn.query<Row>(`SELECT SobjectType, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE ParentId = '${SYNC_PERMSET}' AND SobjectType IN ('Contact')`)
    expect(objects.records.map(r => ({...r, attributes: undefined}))).to.deep.equal([{PermissionsModifyAllRecords: false, PermissionsViewAllRecords: true, SobjectType: 'Contact', attributes: undefined}])
  })

  it('answers LoginHistory by LAST_N_DAYS, newest first, and refuses filters on Application / Status', async () => {
    const {records} = await conn.query<Row>(`SELECT LoginTime, LoginType, Application, Status FROM LoginHistory WHERE UserId = '${INTEGRATION_USER}' AND LoginTime = LAST_N_DAYS:30 ORDER BY LoginTime DESC LIMIT 200`)
    expect(records.map(r => r.LoginType)).to.deep.equal(['Remote Access 2.0', 'Application'])
    expect(records[0].LoginTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/)
    // an administrator (Manage Users) reads everyone's logins; anyone else only their own
    const admin = await jsforceConnection(t.sf.url, ADMIN_TOKEN)
    expect((await admin.query<Row>("SELECT UserId FROM LoginHistory WHERE LoginType = 'Application'")).totalSize).to.equal(3)
    const own = await conn.query<Row>("SELECT UserId FROM LoginHistory WHERE LoginType = 'Application'")
    expect(own.records.map(r => r.UserId)).to.deep.equal([INTEGRATION_USER, INTEGRATION_USER])
    for (const field of ['Application', 'Status']) {
      const error = await fail(`SELECT Id FROM LoginHistory WHERE ${field} = 'x'`)
      expect(error.errorCode).to.equal('INVALID_FIELD')
      expect(error.message).to.equal(`field '${field}' can not be filtered in query call`)
    }
  })

  it('answers Organization', async () => {
    const {records} = await conn.query<Row>('SELECT Id, InstanceName, IsSandbox, OrganizationType FROM Organization')
    expect(records[0]).to.deep.include({Id: '00DHs00000TestOAAA', InstanceName: 'NA999', IsSandbox: false})
  })

  it('answers FieldDefinition on the Tooling and data APIs with Setup DataType labels', async () => {
    const soql = "SELECT QualifiedApiName, DataType, IsCalculated FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = 'Account'"
    const tooling = await conn.tooling.query<Row>(soql)
    const data = await conn.query<Row>(soql)
    const strip = (rows: Row[]) => rows.map(r => [r.QualifiedApiName, r.DataType, r.IsCalculated])
    expect(strip(tooling.records)).to.deep.equal(strip(data.records))
    expect(strip(tooling.records)).to.deep.include.members([
      ['Open_Amount__c', 'Roll-Up Summary (SUM Opportunity)', true],
      ['Name', 'Name', false],
      ['External_Id__c', 'Text(36) (External ID) (Unique Case Insensitive)', false],
      ['NumberOfEmployees', 'Number(9, 0)', false],
    ])
    const contact = await conn.tooling.query<Row>("SELECT QualifiedApiName, DataType FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName IN ('Contact') AND QualifiedApiName = 'Account_Name__c'")
    expect(contact.records[0].DataType).to.equal('Formula (Text)')
    expect(t.org.calls.byKind.tooling).to.equal(2)
    const error = await fail('SELECT QualifiedApiName FROM FieldDefinition', true)
    expect(error.errorCode).to.equal('MALFORMED_QUERY')
  })

  it('maps bad SOQL to the Salesforce error codes', async () => {
    expect((await fail('SELECT Id FROM Widget__c WHERE Name = \'a\' OR Name = \'b\'')).errorCode).to.equal('MALFORMED_QUERY')
    expect((await fail('SELECT Nope__c FROM Contact')).message).to.match(/^No such column 'Nope__c' on entity 'Contact'/)
    // invisible to the integration user: the same answer as a field that does not exist
    expect((await fail('SELECT Loyalty_Tier__c FROM Contact')).errorCode).to.equal('INVALID_FIELD')
    expect((await fail('SELECT Id FROM Nope__c')).errorCode).to.equal('INVALID_TYPE')
    expect((await fail('SELECT Nope.Name FROM Contact')).message).to.match(/^Didn't understand relationship 'Nope'/)
    expect((await fail("SELECT Id FROM Widget__c WHERE Rank__c = '3'")).message).to.equal("value of filter criterion for field 'Rank__c' must be of type double and should not be enclosed in quotes")
    expect((await fail('SELECT Id FROM Widget__c WHERE Name = 3')).message).to.equal("value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes")
    expect((await fail('SELECT Id FROM FieldDefinition', true)).errorCode).to.equal('MALFORMED_QUERY')
    expect((await fail('SELECT Id FROM User', true)).errorCode).to.equal('INVALID_TYPE')
    const missing = await fetch(`${t.sf.url}/services/data/v62.0/query`, {headers: {authorization: `Bearer ${TOKEN}`}})
    expect(missing.status).to.equal(400)
  })

  it('answers queryAll like query', async () => {
    const result = await conn.request<{totalSize: number}>(`/queryAll?q=${encodeURIComponent('SELECT Id FROM Contact')}`)
    expect(result.totalSize).to.equal(2)
  })
})

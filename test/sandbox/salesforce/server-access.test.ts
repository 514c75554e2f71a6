import {expect} from 'chai'

import {profilePermissionSetId} from '../../../src/sandbox/salesforce/access.js'
import {ADMIN_PROFILE, ADMIN_TOKEN, HUMAN_USER, INTEGRATION_PROFILE, INTEGRATION_USER, jsforceConnection, rejection, startTestOrg, SYNC_PERMSET, type TestOrg, TOKEN} from './fixtures.js'

// Who may do what in the fake org, over HTTP with jsforce: each token is one user, the describe
// shows that user's field-level security, SOQL semi-joins reach every permission set of a user,
// and permission sets created through REST take effect at once.

type Row = Record<string, unknown>

describe('fake Salesforce: users, permission sets and grants', () => {
  let test: TestOrg
  before(async () => {
    test = await startTestOrg()
  })
  after(async () => {
    await test.sf.close()
  })

  it('answers userinfo for the token\'s own user', async () => {
    const admin = await (await jsforceConnection(test.sf.url, ADMIN_TOKEN)).request<Row>('/services/oauth2/userinfo')
    const sync = await (await jsforceConnection(test.sf.url, TOKEN)).request<Row>('/services/oauth2/userinfo')
    expect([admin.user_id, admin.preferred_username]).to.deep.equal([HUMAN_USER, 'hana@acme.example'])
    expect([sync.user_id, sync.preferred_username]).to.deep.equal([INTEGRATION_USER, 'sync@acme.example'])
  })

  it('describes an object as the caller sees it: the admin sees the FLS-hidden field, the integration user does not', async () => {
    const fields = async (token: string) => (await (await jsforceConnection(test.sf.url, token)).describe('Contact')).fields.map(f => f.name)
    expect(await fields(ADMIN_TOKEN)).to.include('Loyalty_Tier__c')
    expect(await fields(TOKEN)).not.to.include('Loyalty_Tier__c')
  })

  it('reaches every permission set of a user through a semi-join on PermissionSetAssignment', async () => {
    const conn = await jsforceConnection(test.sf.url, ADMIN_TOKEN)
    const {records} = await conn.query<Row>(`SELECT ParentId, Field FROM FieldPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${INTEGRATION_USER}') AND SobjectType = 'Contact'`)
    expect(new Set(records.map(r => r.ParentId))).to.deep.equal(new Set([profilePermissionSetId(INTEGRATION_PROFILE)]))
    expect(records.map(r => r.Field)).not.to.include('Contact.Loyalty_Tier__c')
    const objects = await conn.query<Row>(`SELECT ParentId FROM ObjectPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${INTEGRATION_USER}') AND SobjectType = 'Contact'`)
    expect(new Set(objects.records.map(r => r.ParentId))).to.deep.equal(new Set([profilePermissionSetId(INTEGRATION_PROFILE), SYNC_PERMSET]))
    const none = await conn.query<Row>("SELECT Id FROM ObjectPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '005000000000000AAA')")
    expect(none.totalSize).to.equal(0)
    const error = await rejection(conn.query("SELECT Id FROM ObjectPermissions WHERE SobjectType IN (SELECT PermissionSetId FROM PermissionSetAssignment)"))
    expect(error.errorCode).to.equal('INVALID_FIELD')
  })

  it('creates a permission set, grants and an assignment through REST, and the integration user\'s describe shows the field at once', async () => {
    const admin = await jsforceConnection(test.sf.url, ADMIN_TOKEN)
    const create = (type: string, body: Row) => admin.request<Row>({body: JSON.stringify(body), headers: {'content-type': 'application/json'}, method: 'POST', url: `/sobjects/${type}`})
    const set = await create('PermissionSet', {Label: 'Sync Extra', Name: 'Sync_Extra', PermissionsApiEnabled: true, PermissionsApiUserOnly: true})
    expect(set).to.include({success: true})
    const parentId = String(set.id)
    expect(await create('FieldPermissions', {Field: 'Contact.Loyalty_Tier__c', ParentId: parentId, PermissionsEdit: true, PermissionsRead: true, SobjectType: 'Contact'})).to.include({success: true})
    expect(await create('ObjectPermissions', {ParentId: parentId, PermissionsCreate: true, PermissionsRead: true, SobjectType: 'Widget__c'})).to.include({success: true})
    const sync = await jsforceConnection(test.sf.url, TOKEN)
    expect((await sync.describe('Contact')).fields.map(f => f.name), 'not yet assigned').not.to.include('Loyalty_Tier__c')
    await create('PermissionSetAssignment', {AssigneeId: INTEGRATION_USER, PermissionSetId: parentId})
    const field = (await sync.describe('Contact')).fields.find(f => f.name === 'Loyalty_Tier__c')
    expect(field).to.include({createable: true, updateable: true})
    const {records} = await admin.query<Row>(`SELECT PermissionSet.PermissionsApiUserOnly FROM PermissionSetAssignment WHERE AssigneeId = '${INTEGRATION_USER}' AND PermissionSetId = '${parentId}'`)
    expect((records[0].PermissionSet as Row).PermissionsApiUserOnly).to.equal(true)
  })

  it('refuses creates the way Salesforce does: duplicates, missing dependencies, unknown fields, and callers without setup rights', async () => {
    const admin = await jsforceConnection(test.sf.url, ADMIN_TOKEN)
    const create = (type: string, body: Row, conn = admin) => rejection(conn.request({body: JSON.stringify(body), headers: {'content-type': 'application/json'}, method: 'POST', url: `/sobjects/${type}`}))
    expect((await create('PermissionSet', {Label: 'X', Name: 'Heroku_Connect_Sync'})).errorCode).to.equal('DUPLICATE_DEVELOPER_NAME')
    expect((await create('PermissionSet', {Label: 'X', Name: 'Only_Api', PermissionsApiUserOnly: true})).message).to.equal('Permission API Only User depends on permission(s): API Enabled')
    expect((await create('ObjectPermissions', {ParentId: SYNC_PERMSET, PermissionsEdit: true, SobjectType: 'Account'})).message).to.equal('Permission Edit depends on permission(s): Read')
    expect((await create('FieldPermissions', {Field: 'Contact.Nope__c', ParentId: SYNC_PERMSET, PermissionsRead: true, SobjectType: 'Contact'})).errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST')
    expect((await create('PermissionSetAssignment', {AssigneeId: INTEGRATION_USER, PermissionSetId: SYNC_PERMSET})).errorCode).to.equal('DUPLICATE_VALUE')
    expect((await create('PermissionSetAssignment', {AssigneeId: INTEGRATION_USER, PermissionSetId: profilePermissionSetId(ADMIN_PROFILE)})).errorCode).to.equal('INVALID_CROSS_REFERENCE_KEY')
    const sync = await jsforceConnection(test.sf.url, TOKEN)
    expect((await create('PermissionSet', {Label: 'Mine', Name: 'Mine'}, sync)).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY')
  })

  it('pages a long LoginHistory with nextRecordsUrl', async () => {
    const org = await startTestOrg()
    org.org.spec.logins.push({application: 'Heroku Connect', count: 4500, daysAgo: 0, loginType: 'Remote Access 2.0', userId: INTEGRATION_USER})
    try {
      const conn = await jsforceConnection(org.sf.url, ADMIN_TOKEN)
      const first = await conn.request<{done: boolean; nextRecordsUrl?: string; records: Row[]; totalSize: number}>(`/query?q=${encodeURIComponent(`SELECT LoginType FROM LoginHistory WHERE UserId = '${INTEGRATION_USER}' AND LoginTime = LAST_N_DAYS:30`)}`)
      expect([first.done, first.records.length, first.totalSize]).to.deep.equal([false, 2000, 4502])
      const all = await conn.query(`SELECT LoginType FROM LoginHistory WHERE UserId = '${INTEGRATION_USER}' AND LoginTime = LAST_N_DAYS:30`).run({autoFetch: true, maxFetch: 10_000})
      expect(all.records).to.have.length(4502)
    } finally {
      await org.sf.close()
    }
  })
})

import type {Connection} from '@jsforce/jsforce-node'

import {expect} from 'chai'

import {jsforceConnection, rejection, startTestOrg, type TestOrg, TOKEN} from './fixtures.js'

const FIELD_KEYS = 57
const OBJECT_KEYS = 45

describe('fake Salesforce: describe, versions, identity, limits', () => {
  let t: TestOrg
  let conn: Connection

  before(async () => {
    t = await startTestOrg()
    conn = await jsforceConnection(t.sf.url)
  })

  after(async () => t.sf.close())
  beforeEach(() => t.org.calls.reset())

  it('lists API versions without auth and answers the version root with identity', async () => {
    const versions = await (await fetch(`${t.sf.url}/services/data`)).json() as Array<{label: string; version: string}>
    expect(versions.find(v => v.version === '62.0')?.label).to.equal("Winter '25")
    const root = await conn.request<Record<string, string>>('/services/data/v62.0')
    expect(root.sobjects).to.equal('/services/data/v62.0/sobjects')
    expect(root.identity).to.equal(`${t.sf.url}/id/00DHs00000TestOAAA/005Hs00000IntegAAA`)
  })

  it('answers describeGlobal with encoding, maxBatchSize and sobjects', async () => {
    const global = await conn.describeGlobal()
    expect(global).to.include({encoding: 'UTF-8', maxBatchSize: 200})
    const names = global.sobjects.map(s => s.name)
    expect(names).to.include.members(['Account', 'Contact', 'Widget__c', 'User', 'PermissionSetAssignment', 'LoginHistory'])
    const widget = global.sobjects.find(s => s.name === 'Widget__c')!
    expect(widget).to.include({custom: true, queryable: true})
    expect(widget.keyPrefix).to.match(/^a[\dA-Z]{2}$/)
    expect(global.sobjects.find(s => s.name === 'LoginHistory')).to.include({createable: false, updateable: false})
  })

  it('describes an object with all 45 object keys and 57 keys per field, as the integration user', async () => {
    const d = await conn.describe('Contact')
    expect(Object.keys(d)).to.have.length(OBJECT_KEYS)
    for (const f of d.fields) expect(Object.keys(f), f.name).to.have.length(FIELD_KEYS)
    const byName = Object.fromEntries(d.fields.map(f => [f.name, f]))
    // FLS: hidden fields are absent, read-only fields cannot be written
    expect(byName).not.to.have.property('Loyalty_Tier__c')
    expect(byName.Region__c).to.include({createable: false, updateable: false})
    expect(byName.Account_Name__c).to.include({calculated: true, calculatedFormula: 'Account.Name', createable: false, length: 1300, updateable: false})
    expect(byName.SSN__c).to.include({filterable: false, mask: '*', maskType: 'all', type: 'encryptedstring'})
    expect(byName.Tax_Id__c).to.include({encrypted: true, type: 'string'})
    expect(byName.External_Id__c).to.include({externalId: true, idLookup: true, unique: true})
    expect(byName.LastName).to.include({createable: true, defaultedOnCreate: false, nillable: false})
    expect(byName.Id).to.include({createable: false, defaultedOnCreate: true, idLookup: true, nillable: false, soapType: 'tns:ID', type: 'id'})
    expect(byName.AccountId).to.deep.include({referenceTo: ['Account'], relationshipName: 'Account', type: 'reference'})
    expect(byName.Do_Not_Call__c).to.include({defaultValue: false, defaultedOnCreate: true, nillable: false, type: 'boolean'})
    expect(d.urls).to.include({describe: '/services/data/v62.0/sobjects/Contact/describe'})
  })

  it('describes a roll-up summary as calculated with no formula', async () => {
    const d = await conn.describe('Account')
    const rollup = d.fields.find(f => f.name === 'Open_Amount__c')!
    expect(rollup).to.include({calculated: true, calculatedFormula: null, createable: false, type: 'currency'})
    expect(d.childRelationships).to.deep.include({
      cascadeDelete: false, childSObject: 'Contact', deprecatedAndHidden: false, field: 'AccountId',
      junctionIdListNames: [], junctionReferenceTo: [], relationshipName: 'Contacts', restrictedDelete: false,
    })
  })

  it('answers 404 NOT_FOUND with an error array for an unknown sobject', async () => {
    const error = await conn.describe('Nope__c').catch(error_ => error_)
    expect(error.errorCode).to.equal('NOT_FOUND')
    expect(error.data).to.deep.equal({errorCode: 'NOT_FOUND', message: 'The requested resource does not exist'})
    const raw = await fetch(`${t.sf.url}/services/data/v62.0/sobjects/Nope__c/describe`, {headers: {authorization: `Bearer ${TOKEN}`}})
    expect(raw.status).to.equal(404)
    expect(raw.headers.get('content-type')).to.equal('application/json;charset=UTF-8')
    expect(raw.headers.get('sforce-limit-info')).to.match(/^api-usage=\d+\/15000$/)
  })

  it('requires the bearer token: 401 INVALID_SESSION_ID otherwise, not counted', async () => {
    const bad = await jsforceConnection(t.sf.url, 'wrong-token')
    const error = await bad.describe('Contact').catch(error_ => error_)
    expect(error.errorCode).to.equal('INVALID_SESSION_ID')
    expect(error.message).to.equal('Session expired or invalid')
    expect(t.org.calls.total).to.equal(0)
    const userinfo = await fetch(`${t.sf.url}/services/oauth2/userinfo`, {headers: {authorization: 'Bearer wrong'}})
    expect(userinfo.status).to.equal(403)
    expect(await userinfo.text()).to.equal('Bad_OAuth_Token')
  })

  it('answers userinfo and the identity URL for the integration user', async () => {
    const info = await conn.request<Record<string, unknown>>('/services/oauth2/userinfo')
    expect(info).to.include({
      is_salesforce_integration_user: true, organization_id: '00DHs00000TestOAAA', preferred_username: 'sync@acme.example', user_id: '005Hs00000IntegAAA',
    })
    expect((info.urls as Record<string, string>).rest).to.equal(`${t.sf.url}/services/data/v{version}/`)
    const identity = await conn.identity()
    expect(identity).to.include({organization_id: '00DHs00000TestOAAA', user_id: '005Hs00000IntegAAA', username: 'sync@acme.example'})
    expect(t.org.calls.byKind.oauth).to.equal(2)
  })

  it('reports DailyApiRequests falling as calls are made, and Sforce-Limit-Info on every answer', async () => {
    const first = await conn.limits()
    await conn.describe('Account')
    await conn.query('SELECT Id FROM Account')
    const second = await conn.limits()
    expect(first.DailyApiRequests.Max).to.equal(15_000)
    expect(first.DailyApiRequests.Remaining - second.DailyApiRequests.Remaining).to.equal(3)
    expect(second).to.have.property('DailyBulkApiBatches')
    expect(second).to.have.property('DataStorageMB')
    expect(conn.limitInfo.apiUsage).to.deep.equal({limit: 15_000, used: 15_000 - second.DailyApiRequests.Remaining})
  })

  it('answers recordCount for known objects and ignores unknown ones', async () => {
    t.store.seed('Widget__c', [{Name: 'a'}, {Name: 'b'}])
    const counts = await conn.request<{sObjects: Array<{count: number; name: string}>}>('/limits/recordCount?sObjects=Widget__c,Account,Nope')
    // Salesforce does not promise an order
    expect(counts.sObjects).to.have.deep.members([{count: 0, name: 'Account'}, {count: 2, name: 'Widget__c'}])
  })

  it('answers unknown API versions with 404', async () => {
    const error = await rejection(conn.request('/services/data/v12.0/sobjects'))
    expect(error.errorCode).to.equal('NOT_FOUND')
  })
})

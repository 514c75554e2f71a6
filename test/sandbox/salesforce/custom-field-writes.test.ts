import {expect} from 'chai'

import type {SfObjectSpec} from '../../../src/sandbox/model.js'
import {setCustomizeApplication} from '../../../src/sandbox/salesforce/custom-field-writes.js'
import {ADMIN_TOKEN, HUMAN_USER, jsforceConnection, rejection, startTestOrg, SYNC_PERMSET, type TestOrg, TOKEN} from './fixtures.js'

// Tooling API CustomField writes in the fake org, over HTTP with jsforce: a created field shows
// in the creator's describe and in Tooling queries, the integration user sees it only after a
// grant, uniqueness then holds on writes, and the refusals carry Salesforce's error codes.

type Row = Record<string, unknown>

// a fresh object per run: creates change the spec in place, and the shared fixtures must stay as they are
const gadget = (): SfObjectSpec => ({
  custom: true,
  fields: [
    {createable: false, name: 'Id', nillable: false, type: 'id', updateable: false},
    {length: 80, name: 'Name', type: 'string'},
    {length: 40, name: 'Code__c', type: 'string'},
    {name: 'Weight__c', type: 'double'},
  ],
  label: 'Gadget',
  name: 'Gadget__c',
})

const EXTERNAL_ID = {caseSensitive: false, externalId: true, label: 'External Id', length: 36, required: false, type: 'Text', unique: true}

describe('fake Salesforce: Tooling CustomField creates and updates', () => {
  let t: TestOrg
  beforeEach(async () => {
    t = await startTestOrg([gadget()])
  })
  afterEach(async () => t.sf.close())

  const send = async (method: 'PATCH' | 'POST', url: string, body: unknown, token = ADMIN_TOKEN) => {
    const conn = await jsforceConnection(t.sf.url, token)
    return conn.request<Row>({body: JSON.stringify(body), headers: {'content-type': 'application/json'}, method, url})
  }

  const gadgetId = async (conn: Awaited<ReturnType<typeof jsforceConnection>>) => String((await conn.tooling.query<Row>("SELECT Id FROM CustomObject WHERE DeveloperName = 'Gadget'")).records[0].Id)
  const create = (fullName: string, metadata: Row, token = ADMIN_TOKEN) => send('POST', '/tooling/sobjects/CustomField', {FullName: fullName, Metadata: metadata}, token)
  const describeField = async (token: string, name: string) => (await (await jsforceConnection(t.sf.url, token)).describe('Gadget__c')).fields.find(f => f.name === name)

  it('creates a Text(36) External ID, Unique field: the creator sees it at once, the integration user only after a grant', async () => {
    const result = await create('Gadget__c.External_Id__c', EXTERNAL_ID)
    expect(result.success).to.equal(true)
    expect(result.id).to.match(/^00N\w{15}$/)
    expect(t.org.calls.byKind.tooling).to.equal(1)

    expect(await describeField(ADMIN_TOKEN, 'External_Id__c')).to.deep.include({createable: true, externalId: true, idLookup: true, length: 36, type: 'string', unique: true, updateable: true})
    expect(await describeField(TOKEN, 'External_Id__c'), 'no access for the integration user yet').to.equal(undefined)

    const admin = await jsforceConnection(t.sf.url, ADMIN_TOKEN)
    // a custom object's fields are keyed by the object's 01I id, as in a real org
    const byName = await admin.tooling.query<Row>(`SELECT Id FROM CustomField WHERE DeveloperName = 'External_Id' AND TableEnumOrId = '${await gadgetId(admin)}'`)
    expect(byName.records.map(r => r.Id)).to.deep.equal([result.id])
    const byId = await admin.tooling.query<Row>(`SELECT Id, FullName, Metadata FROM CustomField WHERE Id = '${String(result.id)}'`)
    expect(byId.records[0].FullName).to.equal('Gadget__c.External_Id__c')
    expect(byId.records[0].Metadata).to.deep.include({caseSensitive: false, externalId: true, length: 36, type: 'Text', unique: true})

    await send('POST', '/sobjects/FieldPermissions', {Field: 'Gadget__c.External_Id__c', ParentId: SYNC_PERMSET, PermissionsEdit: true, PermissionsRead: true, SobjectType: 'Gadget__c'})
    expect(await describeField(TOKEN, 'External_Id__c')).to.deep.include({createable: true, externalId: true, updateable: true})
  })

  it('enforces uniqueness of the new field and upserts by it', async () => {
    await create('Gadget__c.External_Id__c', EXTERNAL_ID)
    await send('POST', '/sobjects/FieldPermissions', {Field: 'Gadget__c.External_Id__c', ParentId: SYNC_PERMSET, PermissionsEdit: true, PermissionsRead: true, SobjectType: 'Gadget__c'})
    const sync = await jsforceConnection(t.sf.url, TOKEN)
    const key = '6f1c2d3e-0000-4000-8000-000000000001'
    const first = await sync.request<Row>({body: JSON.stringify({Name: 'One'}), headers: {'content-type': 'application/json'}, method: 'PATCH', url: `/sobjects/Gadget__c/External_Id__c/${key}`})
    expect(first).to.include({created: true, success: true})
    const again = await sync.request<Row>({body: JSON.stringify({Name: 'One, renamed'}), headers: {'content-type': 'application/json'}, method: 'PATCH', url: `/sobjects/Gadget__c/External_Id__c/${key}`})
    expect(again).to.include({created: false, id: first.id, success: true})
    expect(await t.store.count('Gadget__c')).to.equal(1)

    const duplicate = await rejection(sync.sobject('Gadget__c').create({External_Id__c: key, Name: 'Two'}))
    expect(duplicate.errorCode).to.equal('DUPLICATE_VALUE')
    expect(duplicate.message).to.contain(String(first.id))
  })

  it('refuses what Salesforce refuses: a taken name, a caller without Customize Application, a bad length or name', async () => {
    const taken = await rejection(create('Gadget__c.Code__c', EXTERNAL_ID))
    expect(taken.errorCode).to.equal('DUPLICATE_DEVELOPER_NAME')
    expect(taken.message).to.match(/Code__c on Gadget__c/)

    expect((await rejection(create('Gadget__c.External_Id__c', EXTERNAL_ID, TOKEN))).errorCode, 'the integration user').to.equal('INSUFFICIENT_ACCESS')
    setCustomizeApplication(t.org.spec, HUMAN_USER, false)
    expect((await rejection(create('Gadget__c.External_Id__c', EXTERNAL_ID))).errorCode, 'Customize Application taken away').to.equal('INSUFFICIENT_ACCESS')
    setCustomizeApplication(t.org.spec, HUMAN_USER, true)

    expect((await rejection(create('Gadget__c.External_Id__c', {...EXTERNAL_ID, length: 256}))).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION')
    expect((await rejection(create('External_Id__c', EXTERNAL_ID))).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION')
    expect((await rejection(create('Gadget__c.Bad__Name__c', EXTERNAL_ID))).errorCode).to.equal('INVALID_FIELD')
    expect((await rejection(create('Nope__c.External_Id__c', EXTERNAL_ID))).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION')
    expect(t.org.spec.objects.find(o => o.name === 'Gadget__c')!.fields.map(f => f.name)).not.to.include('External_Id__c')
    // and after all that, the field can still be created
    expect((await create('Gadget__c.External_Id__c', EXTERNAL_ID)).success).to.equal(true)
  })

  it('turns an existing text field into External ID + Unique with PATCH, refusing while values are duplicated', async () => {
    await t.store.insert('Gadget__c', [{Code__c: 'A-1', Name: 'a'}, {Code__c: 'a-1', Name: 'b'}, {Code__c: null, Name: 'c'}, {Code__c: null, Name: 'd'}])
    const admin = await jsforceConnection(t.sf.url, ADMIN_TOKEN)
    const {records} = await admin.tooling.query<Row>(`SELECT Id FROM CustomField WHERE DeveloperName = 'Code' AND TableEnumOrId = '${await gadgetId(admin)}'`)
    const url = `/tooling/sobjects/CustomField/${String(records[0].Id)}`
    const metadata = {caseSensitive: false, externalId: true, label: 'Code', length: 40, type: 'Text', unique: true}

    const refused = await rejection(send('PATCH', url, {Metadata: metadata}))
    expect(refused.errorCode).to.equal('DUPLICATE_VALUE')
    expect(refused.message).to.match(/Gadget__c\.Code__c.*"a-1" on 2 records/)
    expect(await describeField(ADMIN_TOKEN, 'Code__c')).to.deep.include({externalId: false, unique: false})

    const [second] = (await t.store.select('Gadget__c', ['Id'], {where: {field: 'Code__c', values: ['a-1']}}))
    await t.store.update('Gadget__c', [{Code__c: 'A-2', Id: second.Id}])
    await send('PATCH', url, {Metadata: metadata})
    expect(await describeField(ADMIN_TOKEN, 'Code__c')).to.deep.include({externalId: true, idLookup: true, length: 40, unique: true})
    expect((await rejection(send('PATCH', '/tooling/sobjects/CustomField/00N000000000000AAA', {Metadata: metadata}))).errorCode).to.equal('NOT_FOUND')
    expect((await rejection(send('PATCH', url, {Metadata: {...metadata, type: 'Number'}}))).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION')
  })
})

import {expect} from 'chai'

import {SalesforceFault} from '../../../src/sandbox/salesforce/fault.js'
import {bulkJobCalls, SandboxOrg} from '../../../src/sandbox/salesforce/org.js'

import {testOrgSpec} from './fixtures.js'
import {MemoryRecordStore} from './memory-store.js'

describe('sandbox Salesforce org: writes', () => {
  let store: MemoryRecordStore
  let org: SandboxOrg

  beforeEach(() => {
    store = new MemoryRecordStore()
    org = new SandboxOrg(testOrgSpec(), store)
  })

  it('inserts valid records, stamps system fields and counts one SOAP call', async () => {
    const results = await org.soapWrite('Contact', 'insert', [{Email: 'a@x.io', LastName: 'Ada'}])
    expect(results).to.have.length(1)
    expect(results[0].success).to.equal(true)
    expect(results[0].id).to.match(/^003\w{15}$/)
    const [row] = await store.select('Contact', ['LastName', 'OwnerId', 'SystemModstamp', 'IsDeleted', 'Do_Not_Call__c'])
    expect(row).to.include({Do_Not_Call__c: false, IsDeleted: false, LastName: 'Ada', OwnerId: org.spec.integrationUserId})
    expect(row.SystemModstamp).to.be.a('string')
    expect(org.calls.byKind.soap).to.equal(1)
    expect(org.calls.total).to.equal(1)
  })

  it('reports a missing required field as REQUIRED_FIELD_MISSING, per record', async () => {
    const results = await org.soapWrite('Contact', 'insert', [{LastName: 'Ok'}, {FirstName: 'NoLast'}])
    expect(results[0].success).to.equal(true)
    expect(results[1]).to.deep.equal({
      errors: [{fields: ['LastName'], message: 'Required fields are missing: [LastName]', statusCode: 'REQUIRED_FIELD_MISSING'}],
      success: false,
    })
    expect(await store.count('Contact')).to.equal(1)
  })

  it('rejects unknown, hidden, calculated and read-only fields the way Salesforce does', async () => {
    const [unknown, hidden, formula, readOnly] = await org.soapWrite('Contact', 'insert', [
      {LastName: 'A', Nope__c: 1},
      {LastName: 'B', Loyalty_Tier__c: 'Gold'},
      {Account_Name__c: 'x', LastName: 'C'},
      {LastName: 'D', Region__c: 'EMEA'},
    ])
    expect(unknown.errors[0].statusCode).to.equal('INVALID_FIELD')
    expect(unknown.errors[0].message).to.equal("No such column 'Nope__c' on sobject of type Contact")
    // FLS-hidden fields are invisible to the integration user, exactly like unknown ones
    expect(hidden.errors[0].statusCode).to.equal('INVALID_FIELD')
    expect(formula.errors[0].statusCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE')
    expect(formula.errors[0].fields).to.deep.equal(['Account_Name__c'])
    expect(readOnly.errors[0].statusCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE')
    expect(await store.count('Contact')).to.equal(0)
  })

  it('refuses more than 200 records in one SOAP call', async () => {
    const records = Array.from({length: 201}, (_, i) => ({LastName: `L${i}`}))
    const error = await org.soapWrite('Contact', 'insert', records).catch(error_ => error_)
    expect(error).to.be.instanceOf(SalesforceFault)
    expect(error.errorCode).to.equal('EXCEEDED_ID_LIMIT')
    expect(await store.count('Contact')).to.equal(0)
    expect((await org.soapWrite('Contact', 'insert', records.slice(0, 200))).every(r => r.success)).to.equal(true)
  })

  it('upserts by external id: 0 matches inserts, 1 updates, 2+ is DUPLICATE_EXTERNAL_ID', async () => {
    store.seed('Contact', [
      {External_Id__c: 'one', LastName: 'One'},
      {External_Id__c: 'dup', LastName: 'Dup1'},
      {External_Id__c: 'dup', LastName: 'Dup2'},
    ])
    const results = await org.soapWrite('Contact', 'upsert', [
      {External_Id__c: 'new', LastName: 'New'},
      {External_Id__c: 'one', LastName: 'Changed'},
      {External_Id__c: 'dup', LastName: 'Either'},
    ], 'External_Id__c')
    expect(results[0]).to.include({created: true, success: true})
    expect(results[1]).to.include({created: false, success: true})
    expect(results[2].success).to.equal(false)
    expect(results[2].errors[0].statusCode).to.equal('DUPLICATE_EXTERNAL_ID')
    const rows = await store.select('Contact', ['LastName', 'External_Id__c'], {where: {field: 'External_Id__c', values: ['one']}})
    expect(rows).to.deep.equal([{External_Id__c: 'one', LastName: 'Changed'}])
  })

  it('rejects an upsert key that is not an external id', async () => {
    const error = await org.soapWrite('Contact', 'upsert', [{LastName: 'x'}], 'LastName').catch(error_ => error_)
    expect(error.errorCode).to.equal('INVALID_FIELD')
  })

  it('enforces unique fields against stored rows and within a batch', async () => {
    store.seed('Account', [{External_Id__c: 'taken', Name: 'First'}])
    const results = await org.soapWrite('Account', 'insert', [
      {External_Id__c: 'taken', Name: 'Clash'},
      {External_Id__c: 'fresh', Name: 'A'},
      {External_Id__c: 'fresh', Name: 'B'},
    ])
    expect(results.map(r => r.errors[0]?.statusCode ?? 'ok')).to.deep.equal(['DUPLICATE_VALUE', 'ok', 'DUPLICATE_VALUE'])
  })

  it('updates and deletes by Id, reporting unknown ids per record', async () => {
    const [idA] = store.seed('Contact', [{LastName: 'A'}])
    const updates = await org.soapWrite('Contact', 'update', [{Id: idA, LastName: 'A2'}, {Id: '003Hs0000000zzzAAA', LastName: 'ghost'}, {LastName: 'no id'}])
    expect(updates.map(r => r.errors[0]?.statusCode ?? 'ok')).to.deep.equal(['ok', 'INVALID_CROSS_REFERENCE_KEY', 'MISSING_ARGUMENT'])
    const cleared = await org.soapWrite('Contact', 'update', [{Id: idA, LastName: null}])
    expect(cleared[0].errors[0].statusCode).to.equal('REQUIRED_FIELD_MISSING')
    const deletes = await org.soapWrite('Contact', 'delete', [{Id: idA}, {Id: idA}])
    expect(deletes.map(r => r.success)).to.deep.equal([true, false])
  })

  it('counts a Bulk job as create + one call per 10,000 rows + close + results', async () => {
    const records = Array.from({length: 25_000}, (_, i) => ({Name: `W${i}`, Rank__c: i}))
    records[7] = {Name: 'x'.repeat(81), Rank__c: 7}
    const results = await org.bulkWrite('Widget__c', 'insert', records)
    expect(results).to.have.length(25_000)
    expect(results.filter(r => !r.success).map(r => r.errors[0].statusCode)).to.deep.equal(['STRING_TOO_LONG'])
    expect(org.calls.byKind.bulk).to.equal(3 + 3)
    expect(bulkJobCalls(25_000)).to.equal(6)
    expect(await store.count('Widget__c')).to.equal(24_999)
  })

  it('refuses unknown objects', async () => {
    const soap = await org.soapWrite('Nope__c', 'insert', [{}]).catch(error_ => error_)
    expect(soap.errorCode).to.equal('INVALID_TYPE')
    const bulk = await org.bulkWrite('Nope__c', 'insert', [{}]).catch(error_ => error_)
    expect(bulk.errorCode).to.equal('INVALIDENTITY')
  })

  it('describeObject finds objects case-insensitively', () => {
    expect(org.describeObject('contact')?.name).to.equal('Contact')
    expect(org.describeObject('Nope')).to.equal(undefined)
  })
})

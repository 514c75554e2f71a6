import {expect} from 'chai'

import {orgStoreTableName, PgRecordStore} from '../../../src/sandbox/postgres/org-store.js'
import {ORG} from './fixtures.js'
import {buildFixture, type BuiltDatabase} from './helpers.js'

// The fake org's records in Postgres, through the RecordStore contract the fake Salesforce and
// the fake Connect sync loop use.

describe('sandbox postgres: PgRecordStore', () => {
  let built: BuiltDatabase
  let store: PgRecordStore

  before(async () => {
    built = await buildFixture('orgstore')
    store = await PgRecordStore.open(built.db.url, ORG)
  })

  after(async () => {
    await store?.close()
    await built?.close()
  })

  it('names tables after the lowercase object, cut like any identifier', () => {
    expect(orgStoreTableName('Contact')).to.equal('contact')
    expect(orgStoreTableName(`A${'b'.repeat(70)}__c`)).to.have.length(63)
  })

  it('counts and selects the seeded records by API name, in Salesforce formats', async () => {
    expect(await store.count('Contact')).to.equal(50)
    expect(await store.count('contact')).to.equal(50)
    const [first] = await store.select('Contact', ['Id', 'LastName', 'Birthdate', 'SystemModstamp', 'HasOptedOutOfEmail', 'Score__c'], {limit: 1})
    expect(first).to.deep.equal({
      Birthdate: '2020-01-02', HasOptedOutOfEmail: false, Id: '0038d1000000001AAA', LastName: 'Lovelace 1', Score__c: 79.19,
      SystemModstamp: '2024-03-01T08:00:03.000+0000',
    })
    const page = await store.select('Contact', ['Id'], {limit: 2, offset: 10})
    expect(page.map((r) => r.Id)).to.deep.equal(['0038d1000000011AAA', '0038d1000000012AAA'])
    const some = await store.select('Contact', ['Id', 'lastname'], {where: {field: 'Id', values: ['0038d1000000003AAA', '0038d1000000005AAA', 'nope']}})
    expect(some).to.deep.equal([{Id: '0038d1000000003AAA', LastName: 'Lovelace 3'}, {Id: '0038d1000000005AAA', LastName: 'Lovelace 5'}])
  })

  it('inserts with new 18-character ids from the object\'s key prefix, unique across store instances', async () => {
    const ids = await store.insert('Contact', [
      {Email: 'new1@example.com', LastName: 'New One'},
      {Birthdate: '1990-05-17', LastModifiedDate: '2024-05-01T10:00:00.000+0200', LastName: 'New Two'},
    ])
    expect(ids).to.have.length(2)
    for (const id of ids) expect(id).to.match(/^0038d\d{10}AAA$/)
    const again = await PgRecordStore.open(built.db.url, ORG)
    try {
      const [third] = await again.insert('Contact', [{LastName: 'New Three'}])
      expect([...ids, third]).to.deep.equal([...ids].concat(third).sort())
      expect(new Set([...ids, third]).size).to.equal(3)
    } finally {
      await again.close()
    }

    const [two] = await store.select('Contact', ['LastName', 'Birthdate', 'LastModifiedDate', 'IsDeleted', 'CreatedDate'], {where: {field: 'Id', values: [ids[1]]}})
    expect(two).to.include({Birthdate: '1990-05-17', IsDeleted: false, LastModifiedDate: '2024-05-01T08:00:00.000+0000', LastName: 'New Two'})
    expect(two.CreatedDate).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/)
    expect(await store.count('Contact')).to.equal(53)
  })

  it('updates only the fields a record carries, stamps SystemModstamp, and reports unknown ids', async () => {
    const id = '0038d1000000007AAA'
    const [before] = await store.select('Contact', ['FirstName', 'Email', 'SystemModstamp'], {where: {field: 'Id', values: [id]}})
    const results = await store.update('Contact', [{Email: 'changed@example.com', Id: id}, {Id: '0038d9999999999AAA', LastName: 'x'}])
    expect(results).to.deep.equal([true, false])
    const [after] = await store.select('Contact', ['FirstName', 'Email', 'SystemModstamp'], {where: {field: 'Id', values: [id]}})
    expect(after.FirstName).to.equal(before.FirstName)
    expect(after.Email).to.equal('changed@example.com')
    expect(String(after.SystemModstamp) > String(before.SystemModstamp)).to.equal(true)
  })

  it('removes softly: gone from count and select, IsDeleted in the table, not removable twice', async () => {
    const ids = ['0038d1000000020AAA', '0038d1000000021AAA']
    expect(await store.remove('Contact', ids)).to.deep.equal([true, true])
    expect(await store.remove('Contact', [ids[0], '0038d9999999999AAA'])).to.deep.equal([false, false])
    expect(await store.select('Contact', ['Id'], {where: {field: 'Id', values: ids}})).to.deep.equal([])
    expect(await store.update('Contact', [{Id: ids[0], LastName: 'zombie'}])).to.deep.equal([false])
    const rows = await built.query(`SELECT isdeleted FROM hcg_fake_salesforce.contact WHERE sfid = ANY($1)`, [ids])
    expect(rows).to.deep.equal([{isdeleted: true}, {isdeleted: true}])
  })

  it('rejects unknown objects and fields, and compound fields', async () => {
    let error: Error | undefined
    await store.count('Nope').catch((e: Error) => (error = e))
    expect(error?.message).to.match(/sObject type 'Nope' is not supported/)
    await store.select('Contact', ['Bogus__c']).catch((e: Error) => (error = e))
    expect(error?.message).to.match(/No such column 'Bogus__c' on entity 'Contact'/)
    await store.select('Account', ['BillingAddress']).catch((e: Error) => (error = e))
    expect(error?.message).to.match(/compound field/)
  })
})

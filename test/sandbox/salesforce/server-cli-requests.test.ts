import type {Connection} from '@jsforce/jsforce-node'

import {expect} from 'chai'

import {HUMAN_USER, INTEGRATION_PROFILE, INTEGRATION_USER, jsforceConnection, rejection, startTestOrg, type TestOrg, TOKEN} from './fixtures.js'

type Row = Record<string, unknown>

// What the Salesforce CLI sends that the plugin itself does not: `sf org login access-token`
// reads the token's user as an sObject record, stores the instance URL with a trailing slash
// (so its requests start with //services), and `sf data query` asks for the query's columns.
describe('fake Salesforce: the requests of the sf CLI', () => {
  let t: TestOrg
  let conn: Connection

  before(async () => {
    t = await startTestOrg()
    conn = await jsforceConnection(t.sf.url)
    const [acme] = t.store.seed('Account', [{Name: 'Acme'}])
    t.store.seed('Contact', [{AccountId: acme, LastName: 'Lovelace', OwnerId: INTEGRATION_USER}])
  })

  after(async () => t.sf.close())

  it('reads a user, which lives in the setup tables, as an sObject record', async () => {
    const user = await conn.sobject('User').retrieve(INTEGRATION_USER) as Row
    expect(user).to.deep.include({Id: INTEGRATION_USER, IsActive: true, ProfileId: INTEGRATION_PROFILE, Username: 'sync@acme.example'})
    expect(user.attributes).to.deep.equal({type: 'User', url: `/services/data/v62.0/sobjects/User/${INTEGRATION_USER}`})
    const some = await conn.request<Row>(`/services/data/v62.0/sobjects/User/${HUMAN_USER}?fields=Username,Name`)
    expect(Object.keys(some)).to.deep.equal(['attributes', 'Username', 'Name'])
    expect(some.Name).to.equal('Hana Human')
    expect((await rejection(conn.sobject('User').retrieve('005Hs00000NobodyAAA'))).errorCode).to.equal('NOT_FOUND')
    expect((await rejection(conn.request(`/services/data/v62.0/sobjects/User/${HUMAN_USER}?fields=Nope`))).errorCode).to.equal('INVALID_FIELD')
  })

  it('answers paths that start with a doubled slash, as from an instance URL ending in /', async () => {
    const raw = await fetch(`${t.sf.url}//services/data/v62.0/sobjects/User/${INTEGRATION_USER}`, {headers: {Authorization: `Bearer ${TOKEN}`}})
    expect(raw.status).to.equal(200)
    expect((await raw.json() as Row).Username).to.equal('sync@acme.example')
    const slashed = await jsforceConnection(`${t.sf.url}/`)
    const {records} = await slashed.query<Row>('SELECT LastName FROM Contact')
    expect(records.map(r => r.LastName)).to.deep.equal(['Lovelace'])
  })

  it('describes the selected columns instead of the records with columns=true', async () => {
    const soql = 'SELECT id, LastName, account.name FROM Contact'
    const body = await conn.request<Row>(`/services/data/v62.0/query?q=${encodeURIComponent(soql)}&columns=true`)
    expect(body).not.to.have.property('records')
    expect(body).to.deep.include({entityName: 'Contact', groupBy: false, idSelected: true})
    const columns = body.columnMetadata as Array<{apexType: null | string; columnName: string; joinColumns: Array<{columnName: string; displayName: string}>; textType: boolean}>
    expect(columns.map(c => [c.columnName, c.apexType, c.textType])).to.deep.equal([['Id', 'Id', false], ['LastName', 'String', true], ['Account', null, false]])
    expect(columns[2].joinColumns.map(c => [c.columnName, c.displayName])).to.deep.equal([['Name', 'Account.Name']])
    const error = await rejection(conn.request(`/services/data/v62.0/query?q=${encodeURIComponent('SELECT Nope FROM Contact')}&columns=true`))
    expect(error.errorCode).to.equal('INVALID_FIELD')
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {type FakeConnect, startFakeConnect} from '../../../src/sandbox/connect/server.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'
import {appClient, buildMiniConnectDb, SCHEMA, StubOrg, testAppSpec} from './fixtures.js'

const KEY = 'connect-test-key'

describe('fake Connect service (HTTP)', () => {
  let db: TestDatabase
  let other: TestDatabase
  let org: StubOrg
  let fake: FakeConnect
  const second = testAppSpec({name: 'hcg-second-app'})

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fake.url}${path}`, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'Heroku-Client': 'cli'},
      method,
    })
    const text = await response.text()
    return {body: text ? JSON.parse(text) : undefined, status: response.status}
  }

  before(async () => {
    // the org's records live in the first database only, as in the sandbox
    db = await createTestDatabase('connect_http')
    await buildMiniConnectDb(db.url, 20)
    other = await createTestDatabase('connect_http_b')
    await buildMiniConnectDb(other.url, 0)
    const client = new pg.Client({connectionString: other.url})
    await client.connect()
    await client.query('DROP SCHEMA hcg_fake_salesforce CASCADE')
    await client.end()
    org = new StubOrg(db.url)
    fake = await startFakeConnect({
      accessGranted: false,
      apiKey: KEY,
      apps: [{databaseUrl: db.url, spec: testAppSpec()}, {databaseUrl: other.url, spec: second}],
      org,
      syncIntervalMs: 60_000,
      notifyMinIntervalMs: 0,
      validationPendingPolls: 2,
    })
  })

  after(async () => {
    await fake?.close()
    await org?.close()
    await db?.drop()
    await other?.drop()
  })

  it('hides connections until the caller asks for access, and then lists them', async () => {
    expect((await call('GET', '/connections?app=hcg-test-app')).body).to.deep.include({count: 0, results: []})
    const conn = fake.connection('hcg-test-app')
    expect((await call('GET', `/api/v3/connections/${conn.id}`)).status).to.equal(403)
    const granted = await call('POST', '/auth/hcg-test-app')
    expect(granted.body.connections).to.have.length(1)
    expect(granted.body.connections[0]).to.deep.include({addon_type: 'Sync', app_name: 'hcg-test-app', region: 'us', region_url: fake.url})
    const found = await call('GET', `/connections?app=${testAppSpec().id}&resource_name=herokuconnect-hcg-test-app`)
    expect(found.body.count).to.equal(1)
    expect(found.body.results[0].detail_url).to.equal(`${fake.url}/api/v3/connections/${conn.id}`)
    await call('POST', '/auth/hcg-second-app')
    const listed = await call('GET', '/api/v3/connections?app=hcg-test-app&deep=true')
    expect(listed.body.count).to.equal(1)
    expect(listed.body.results[0].mappings[0].counts).to.deep.equal({db: 20, errors: 0, pending: 0, sf: 20})
  })

  it('requires the token and the Heroku-Client header', async () => {
    const noToken = await fetch(`${fake.url}/connections?app=hcg-test-app`, {headers: {'Heroku-Client': 'cli'}})
    expect(noToken.status).to.equal(401)
    expect(await noToken.json()).to.have.property('message')
    const noClient = await fetch(`${fake.url}/connections?app=hcg-test-app`, {headers: {Authorization: `Bearer ${KEY}`}})
    expect(noClient.status).to.equal(403)
  })

  it('answers 202 on validation results until the job is done', async () => {
    const conn = fake.connection('hcg-test-app')
    const job = await call('POST', `/api/v3/connections/${conn.id}/validations`)
    expect(job.status).to.equal(202)
    const path = new URL(job.body.result_url).pathname
    expect((await call('GET', path)).status).to.equal(202)
    expect((await call('GET', path)).status).to.equal(202)
    const done = await call('GET', path)
    expect(done.status).to.equal(200)
    expect(done.body.mappings.Contact.errors[0]).to.have.keys('display_name', 'message', 'doc_url', 'rule_id', 'status')
  })

  it('creates a mapping that an import adds, in state INITIAL', async () => {
    const conn = fake.connection('hcg-second-app')
    const exported = (await call('GET', `/api/v3/connections/${conn.id}/actions/export`)).body
    exported.mappings.push({config: {access: 'read_only', fields: {Name: {}}}, object_name: 'Account'})
    expect((await call('POST', `/api/v3/connections/${conn.id}/actions/import`, exported)).status).to.equal(200)
    const deep = (await call('GET', `/api/v3/connections/${conn.id}?deep=true`)).body
    expect(deep.mappings.map((m: {object_name: string; state: string}) => [m.object_name, m.state])).to.deep.equal([['Contact', 'DATA_SYNCED'], ['Account', 'INITIAL']])
    expect(deep.mappings[1].config.fields).to.have.keys('Id', 'SystemModstamp', 'IsDeleted', 'Name')
    const duplicate = await call('POST', `/api/v3/connections/${conn.id}/actions/import`, {mappings: [{config: {access: 'read_only', fields: {}}, object_name: 'A'}, {config: {access: 'read_only', fields: {}}, object_name: 'a'}]})
    expect(duplicate).to.deep.equal({body: {message: 'mappings[1]: a is listed twice'}, status: 400})
    const notJson = await fetch(`${fake.url}/api/v3/connections/${conn.id}/actions/import`, {
      body: '{oops', headers: {Authorization: `Bearer ${KEY}`, 'Heroku-Client': 'cli'}, method: 'POST',
    })
    expect(notJson.status).to.equal(400)
    conn.mappings.pop()
  })

  it('reloads a mapping whose database does not hold the org store, through the org records', async () => {
    const conn = fake.connection('hcg-second-app')
    const mapping = conn.mappings[0]
    expect((await call('POST', `/api/v3/mappings/${mapping.id}/actions/reload`)).status).to.equal(202)
    await fake.settle()
    await call('GET', `/api/v3/mappings/${mapping.id}`)
    const after = (await call('GET', `/api/v3/mappings/${mapping.id}`)).body
    expect(after.state).to.equal('DATA_SYNCED')
    expect(after.counts).to.deep.include({db: 20, sf: 20})
    const client = new pg.Client({connectionString: other.url})
    await client.connect()
    const {rows} = await client.query(`SELECT count(*)::int AS n, count(DISTINCT sfid)::int AS sfids, min(_hc_lastop) AS op FROM ${SCHEMA}.contact`)
    await client.end()
    expect(rows[0]).to.deep.equal({n: 20, op: 'SYNCED', sfids: 20})
  })

  it('drains through the running sync loop on NOTIFY', async () => {
    const app = await appClient(db.url)
    try {
      await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Looped', 'ext-loop')`)
      let sfid: null | string = null
      for (let i = 0; i < 100 && !sfid; i++) {
        await new Promise(resolve => {
          setTimeout(resolve, 50)
        })
        sfid = (await app.query(`SELECT sfid FROM ${SCHEMA}.contact WHERE external_id__c = 'ext-loop'`)).rows[0].sfid
      }

      expect(sfid).to.match(/^003W/)
    } finally {
      await app.end()
    }
  })

  it('reports DB_UNAVAILABLE when Connect\'s system tables are gone', async () => {
    const conn = fake.connection('hcg-second-app')
    const client = new pg.Client({connectionString: other.url})
    await client.connect()
    await client.query(`ALTER TABLE ${SCHEMA}._hcmeta RENAME TO _hcmeta_old`)
    try {
      const body = (await call('GET', `/api/v3/connections/${conn.id}?deep=true`)).body
      expect(body.state).to.equal('DB_UNAVAILABLE')
      expect(body.mappings[0].counts).to.deep.include({db: null, pending: null})
      expect((await call('GET', `/api/v3/connections/${conn.id}/errors`)).status).to.equal(503)
      expect((await call('POST', `/api/v3/mappings/${conn.mappings[0].id}/actions/reload`)).status).to.equal(409)
      expect(await fake.drainOnce('hcg-second-app')).to.deep.include({skipped: 'DB_UNAVAILABLE'})
    } finally {
      await client.query(`ALTER TABLE ${SCHEMA}._hcmeta_old RENAME TO _hcmeta`)
      await client.end()
    }

    expect((await call('GET', `/api/v3/connections/${conn.id}`)).body.state).to.equal('IDLE')
  })

  it('filters notifications and rejects unreadable dates', async () => {
    const conn = fake.connection('hcg-second-app')
    const all = (await call('GET', `/api/v3/connections/${conn.id}/notifications`)).body
    expect(all.results.map((n: {event_type: string}) => n.event_type)).to.deep.equal(['mapping-reload'])
    expect((await call('GET', `/api/v3/connections/${conn.id}/notifications?after=2999-01-01T00:00:00Z`)).body.results).to.deep.equal([])
    expect((await call('GET', `/api/v3/connections/${conn.id}/notifications?before=yesterday`)).status).to.equal(400)
  })
})

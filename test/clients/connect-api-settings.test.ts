import {expect} from 'chai'

import {ConnectApi, ConnectUsageError} from '../../src/clients/connect-api.js'
import type {ConnectionDetails} from '../../src/clients/connect-types.js'
import {type FakeConnect, startFakeConnect} from '../../src/sandbox/connect/server.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'
import {buildMiniConnectDb, SCHEMA, StubOrg, testAppSpec} from '../sandbox/connect/fixtures.js'

const TOKEN = 'hcg-test-heroku-token'
const APP = 'hcg-test-app'

async function refusal(promise: Promise<unknown>): Promise<ConnectUsageError> {
  try {
    await promise
  } catch (error) {
    expect(error).to.be.instanceOf(ConnectUsageError)
    return error as ConnectUsageError
  }

  throw new Error('expected a refusal')
}

// The routes behind the official plugin's connect:db:set, connect:sf:auth,
// connect:manage-sf-api-version and connect:mapping:delete, through our client, in the shapes
// of the official plugin's fixtures.
describe('Connect API client: settings, authorization, API version, mapping delete', () => {
  let db: TestDatabase
  let org: StubOrg
  let fake: FakeConnect
  let api: ConnectApi
  let conn: ConnectionDetails

  beforeEach(async () => {
    db = await createTestDatabase('connect_settings')
    await buildMiniConnectDb(db.url, 5)
    org = new StubOrg(db.url)
    fake = await startFakeConnect({apiKey: TOKEN, apps: [{databasePlan: 'heroku-postgresql:standard-0', databaseUrl: db.url, spec: testAppSpec({apiVersion: '45.0'})}], org})
    api = new ConnectApi(TOKEN, {discoveryUrl: fake.url})
    conn = await api.findConnection(APP)
  })

  afterEach(async () => {
    await fake?.close()
    await org?.close()
    await db?.drop()
  })

  const wire = () => fake.server.log.map(e => `${e.method} ${e.path.split('?')[0]} ${e.status}`)

  it('carries region_url and the Salesforce login domain in the connection detail itself', async () => {
    const detail = await api.getConnection({detail_url: conn.detail_url, id: conn.id})
    expect(detail.region_url).to.equal(fake.url)
    expect(detail.sf_info).to.deep.include({api_version: '45.0', domain: 'https://login.salesforce.com', environment: 'production', username: 'integration@example.com'})
  })

  it('lists the app\'s database config vars and changes the schema of a connection without mappings', async () => {
    expect(await api.appDatabases(conn)).to.deep.equal({app_name: APP, db_keys: [{addon: {plan: 'heroku-postgresql:standard-0'}, name: 'DATABASE_URL'}]})
    expect(wire().at(-1)).to.equal(`GET /api/v3/apps/${APP} 200`)

    const same = await api.setDatabase(conn, {db_key: 'DATABASE_URL', schema_name: SCHEMA})
    expect(same).to.deep.include({db_key: 'DATABASE_URL', schema_name: SCHEMA})
    expect(wire().at(-1)).to.equal(`PATCH /api/v3/connections/${conn.id} 200`)

    const moving = await refusal(api.setDatabase(conn, {db_key: 'DATABASE_URL', schema_name: 'elsewhere'}))
    expect(moving.status).to.equal(409)
    expect(moving.message).to.match(/has mappings; delete them/)
    const unknown = await refusal(api.setDatabase(conn, {db_key: 'HEROKU_POSTGRESQL_RED_URL', schema_name: SCHEMA}))
    expect(unknown.status).to.equal(400)
    expect(unknown.message).to.match(/db_key must name a Heroku Postgres config var of hcg-test-app \(DATABASE_URL\)/)

    await api.deleteMapping(conn, 'Contact')
    const moved = await api.setDatabase(conn, {db_key: 'DATABASE_URL', schema_name: 'elsewhere'})
    expect(moved.schema_name).to.equal('elsewhere')
    expect((await api.getConnection(conn)).schema_name).to.equal('elsewhere')
  })

  it('deletes a mapping with exactly 204 and then no longer knows it', async () => {
    await api.deleteMapping(conn, 'contact')
    expect(wire().at(-1)).to.equal(`DELETE /api/v3/mappings/${conn.mappings![0].id} 204`)
    expect(fake.server.log.at(-1)!.status).to.equal(204)
    expect(await api.listMappings(conn)).to.deep.equal([])
    const gone = await refusal(api.deleteMapping(conn, conn.mappings![0]))
    expect(gone.status).to.equal(404)
  })

  it('shows the schema diff, refuses the change with 409 while mappings sync, and changes a paused connection', async () => {
    const preview = await api.schemaDiff(conn, '61.0')
    expect(fake.server.log.at(-1)!.path).to.equal(`/api/v3/connections/${conn.id}/schema-diff?target_version=61.0`)
    expect(preview).to.deep.include({current_api_version: '45.0', target_api_version: '61.0'})
    expect(preview.mappings).to.have.length(1)
    expect(preview.mappings![0]).to.deep.include({action_undetermined: false, fields_have_changed: false, has_unsafe_changes: false, name: 'Contact'})

    const syncing = await refusal(api.changeApiVersion(conn, '61.0'))
    expect(syncing.status).to.equal(409)
    expect(syncing.message).to.match(/The connection is IDLE and its mappings are syncing; pause it/)
    expect((await api.getConnection(conn)).api_version).to.equal('45.0')

    const invalid = await refusal(api.schemaDiff(conn, '99.0'))
    expect(invalid.status).to.equal(400)
    expect(invalid.message).to.match(/target_version must be a Salesforce API version from 31.0 to 64.0/)

    await api.pause(conn)
    const changed = await api.changeApiVersion(conn, '61.0')
    expect(wire().at(-1)).to.equal(`POST /api/v3/connections/${conn.id}/actions/change-sf-api-version 202`)
    expect(changed).to.deep.include({current_api_version: '45.0', target_api_version: '61.0', target_version: '61.0'})
    const after = await api.getConnection(conn)
    expect(after.api_version).to.equal('61.0')
    expect(after.sf_info!.api_version).to.equal('61.0')
  })

  it('gives a {redirect} that completes Salesforce authorization when the browser opens it', async () => {
    fake.connection(APP).state = 'NEED_AUTHENTICATION'
    const redirect = await api.authorizeUrl(conn, {domain: 'acme.my.salesforce.com', environment: 'custom', next: 'http://localhost:18000'})
    expect(wire().at(-1)).to.equal(`POST /api/v3/connections/${conn.id}/authorize_url 201`)
    expect(redirect.startsWith(`${fake.url}/`)).to.equal(true)

    const browser = await fetch(redirect, {redirect: 'manual'})
    expect(browser.status).to.equal(302)
    expect(browser.headers.get('location')).to.equal('http://localhost:18000')
    const after = await api.getConnection(conn)
    expect(after.state).to.equal('IDLE')
    expect(after.sf_info).to.deep.include({domain: 'https://acme.my.salesforce.com', environment: 'custom'})
    expect((await fetch(redirect)).status).to.equal(400)

    const noDomain = await refusal(api.authorizeUrl(conn, {environment: 'custom', next: 'http://localhost:18000'}))
    expect(noDomain.message).to.match(/a custom environment needs a domain/)
  })
})

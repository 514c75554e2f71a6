import {expect} from 'chai'
import type pg from 'pg'

import {ConnectApi, ConnectCollectError, ConnectUsageError, discoveryBaseUrl} from '../../src/clients/connect-api.js'
import type {ConnectionDetails, MappingDetails} from '../../src/clients/connect-types.js'
import {CollectError, GuardError, UsageError} from '../../src/errors.js'
import {type FakeConnect, startFakeConnect} from '../../src/sandbox/connect/server.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'
import {appClient, buildMiniConnectDb, SCHEMA, StubOrg, testAppSpec} from '../sandbox/connect/fixtures.js'

const TOKEN = 'hcg-test-heroku-token'
const APP = 'hcg-test-app'

/** Awaits a rejection and checks what every error must satisfy: a GuardError without the token. */
async function rejection(promise: Promise<unknown>): Promise<GuardError> {
  try {
    await promise
  } catch (error) {
    expect(error).to.be.instanceOf(GuardError)
    const guard = error as GuardError
    for (const text of [guard.message, guard.hint ?? '', String(guard), JSON.stringify(guard)]) expect(text).not.to.include(TOKEN)
    return guard
  }

  throw new Error('expected a rejection')
}

describe('Connect API client against the fake Connect service', () => {
  let db: TestDatabase
  let org: StubOrg
  let fake: FakeConnect
  let api: ConnectApi
  let app: pg.Client
  let sleeps: number[]
  let conn: ConnectionDetails
  const savedDiscovery = process.env.CONNECT_DISCOVERY_SERVER

  before(async () => {
    db = await createTestDatabase('connect_api')
    await buildMiniConnectDb(db.url, 50)
    org = new StubOrg(db.url)
    app = await appClient(db.url)
    // reloads finish at once here: the paced reload is exercised by connect:reload's own tests
    fake = await startFakeConnect({accessGranted: false, apiKey: TOKEN, apps: [{databaseUrl: db.url, spec: testAppSpec()}], org, reloadPacing: {stepMs: 0, steps: 1}})
    process.env.CONNECT_DISCOVERY_SERVER = fake.url
    // imported here, not at the top: a spec that statically imports @heroku-cli/command gets its
    // own copy of test/helpers/postgres.ts, one the root hook never started
    const [{APIClient}, {Config}] = await Promise.all([import('@heroku-cli/command'), import('@oclif/core')])
    const heroku = new APIClient(await Config.load(process.cwd()))
    sleeps = []
    api = await ConnectApi.fromHeroku(heroku, {
      async sleep(ms) {
        sleeps.push(ms)
      },
    })
  })

  beforeEach(() => {
    sleeps.length = 0
    fake.server.clearFaults()
  })

  after(async () => {
    if (savedDiscovery === undefined) delete process.env.CONNECT_DISCOVERY_SERVER
    else process.env.CONNECT_DISCOVERY_SERVER = savedDiscovery
    await app?.end()
    await fake?.close()
    await org?.close()
    await db?.drop()
  })

  const mappingState = async (): Promise<MappingDetails> => (await api.listMappings(conn))[0]

  describe('discovery', () => {
    it('uses CONNECT_DISCOVERY_SERVER, asks for access once, then reads the deep connection with live counts', async () => {
      expect(discoveryBaseUrl()).to.equal(fake.url)
      const start = fake.server.log.length
      conn = await api.findConnection(APP)
      const calls = fake.server.log.slice(start).map(e => `${e.method} ${e.path.split('?')[0]} ${e.status}`)
      expect(calls).to.deep.equal(['GET /connections 200', `POST /auth/${APP} 200`, 'GET /connections 200', `GET /api/v3/connections/${conn.id} 200`])
      for (const entry of fake.server.log.slice(start)) {
        expect(entry.headers).to.include({authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'heroku-client': 'cli'})
      }

      expect(fake.server.log.at(-1)!.path).to.match(/\?deep=true$/)
      expect(conn).to.deep.include({app_name: APP, db_key: 'DATABASE_URL', region_url: fake.url, resource_name: `herokuconnect-${APP}`, schema_name: SCHEMA, state: 'IDLE'})
      expect(conn.api_version).to.equal('60.0')
      expect(conn.features.poll_db_no_merge).to.equal(true)
      expect(conn.detail_url).to.equal(`${fake.url}/api/v3/connections/${conn.id}`)
      const [contact] = conn.mappings!
      expect(contact).to.deep.include({has_hc_columns: true, object_name: 'Contact', state: 'DATA_SYNCED', upsert_field: 'External_Id__c'})
      expect(contact.counts).to.deep.equal({db: 50, errors: 0, pending: 0, sf: 50})
      expect(contact.config).to.deep.include({access: 'read_write', sf_polling_seconds: 600, upsert_field: 'External_Id__c'})
      expect(Object.keys(contact.config.fields)).to.deep.equal(['Id', 'SystemModstamp', 'IsDeleted', 'LastName', 'Email', 'External_Id__c'])
      expect(contact.times).to.have.keys('sf_poll', 'sf_write', 'db_poll', 'db_write')
    })

    it('explains when the app has no Connect add-on', async () => {
      const error = await rejection(api.findConnection('no-such-app'))
      expect(error).to.be.instanceOf(UsageError)
      expect(error.message).to.equal('no Heroku Connect add-on found on app no-such-app')
      expect(error.hint).to.match(/heroku addons:create herokuconnect -a no-such-app/)
    })

    it('asks for --resource when the app has several connections, and reports DB_UNAVAILABLE', async () => {
      const twin = testAppSpec()
      const broken = {...twin, connection: {...twin.connection, id: 'c0ffee00-0000-4000-8000-00000000beef', resourceName: 'herokuconnect-second', schema: 'not_there'}}
      const several = await startFakeConnect({apiKey: TOKEN, apps: [{databaseUrl: db.url, spec: twin}, {databaseUrl: db.url, spec: broken}], org})
      try {
        const other = new ConnectApi(TOKEN, {discoveryUrl: several.url})
        const error = await rejection(other.findConnection(APP))
        expect(error.message).to.equal(`app ${APP} has several Heroku Connect connections (herokuconnect-${APP}, herokuconnect-second); pass --resource`)
        const picked = await other.findConnection(APP, {resource: 'herokuconnect-second'})
        expect(picked.state).to.equal('DB_UNAVAILABLE')
        expect(picked.mappings![0].counts!.db).to.equal(null)
      } finally {
        await several.close()
      }
    })

    it('finds mappings case-insensitively and names the known ones otherwise', async () => {
      expect((await api.findMapping(conn, 'contact')).object_name).to.equal('Contact')
      const error = await rejection(api.findMapping(conn, 'Cont'))
      expect(error.message).to.match(/no mapping configured for Cont/)
      expect(error.hint).to.equal('mapped objects: Contact')
    })

    it('reads one mapping and the connection list', async () => {
      const mapping = await api.getMapping(conn, conn.mappings![0].id)
      expect(mapping.counts!.sf).to.equal(50)
      const shallow = await api.getConnection(conn, {deep: false})
      expect(shallow.mappings).to.equal(undefined)
      expect(shallow.region_url).to.equal(fake.url)
    })
  })

  describe('configuration', () => {
    it('round-trips export and import', async () => {
      const exported = await api.exportConfig(conn)
      expect(exported.version).to.equal(1)
      expect(exported.connection).to.deep.include({api_version: '60.0', app_name: APP, name: `${APP}:DATABASE_URL:${SCHEMA}`, organization_id: '00D000000000001EAA'})
      expect(exported.connection.exported_at).to.match(/^\d{4}-\d\d-\d\dT/)
      expect(exported.connection.features).to.include({disable_bulk_writes: false, poll_db_no_merge: true})
      expect(exported.mappings).to.have.length(1)
      expect(exported.mappings[0].object_name).to.equal('Contact')
      expect(exported.mappings[0].config).to.deep.include({access: 'read_write', upsert_field: 'External_Id__c'})
      expect(exported.mappings[0].config.indexes).to.deep.include({External_Id__c: {unique: true}})

      exported.mappings[0].config.sf_polling_seconds = 120
      await api.importConfig(conn, exported)
      const again = await api.exportConfig(conn)
      expect(again.mappings[0].config.sf_polling_seconds).to.equal(120)
      expect({...again.mappings[0].config, applied_at: null}).to.deep.equal({...exported.mappings[0].config, applied_at: null})
      expect((await mappingState()).config.revision).to.equal(2)
    })

    it('rejects a broken import body with the server message', async () => {
      for (const [body, message] of [
        ['just a string', /must be a JSON object/],
        [{version: 1, connection: {}}, /no "mappings" array/],
        [{mappings: [{config: {access: 'write_only', fields: {}}, object_name: 'Contact'}]}, /config.access must be "read_only" or "read_write"/],
      ] as const) {
        const error = await rejection(api.importConfig(conn, body))
        expect(error).to.be.instanceOf(ConnectUsageError)
        expect((error as ConnectUsageError).status).to.equal(400)
        expect(error.message).to.match(message)
      }

      expect((await mappingState()).config.sf_polling_seconds).to.equal(120)
    })
  })

  describe('reload', () => {
    const snapshot = async () => (await app.query<{id: number; sfid: string; _hc_lastop: string}>(`SELECT id, sfid, _hc_lastop FROM ${SCHEMA}.contact ORDER BY sfid`)).rows

    it('reloads through RELOAD_TABLE to DATA_SYNCED with new ids and the same sfids', async () => {
      const before = await snapshot()
      await api.reloadMapping(conn, 'Contact')
      const seen: string[] = []
      for (let i = 0; i < 50; i++) {
        const state = (await mappingState()).state
        if (seen.at(-1) !== state) seen.push(state)
        if (state !== 'RELOAD_TABLE') break
      }

      expect(seen).to.deep.equal(['RELOAD_TABLE', 'DATA_SYNCED'])
      const after = await snapshot()
      expect(after.map(r => r.sfid)).to.deep.equal(before.map(r => r.sfid))
      const oldIds = new Set(before.map(r => r.id))
      expect(after.every(r => !oldIds.has(r.id))).to.equal(true)
      expect(new Set(after.map(r => r._hc_lastop))).to.deep.equal(new Set(['SYNCED']))
      const {rows} = await app.query(`SELECT count(*)::int AS n FROM ${SCHEMA}._trigger_log`)
      expect(rows[0].n).to.equal(0)
      expect((await mappingState()).counts).to.deep.include({db: 50, sf: 50})
    })

    it('fails with SYSTEM_ERROR when a foreign key blocks the TRUNCATE, keeping the data', async () => {
      await app.query(`CREATE TABLE public.app_note (id serial PRIMARY KEY, contact_id integer REFERENCES ${SCHEMA}.contact (id))`)
      try {
        const before = await snapshot()
        await api.reloadMapping(conn, 'Contact')
        await fake.settle()
        const mapping = await mappingState()
        // a reload that finished between two polls is still reported once
        expect(mapping.state).to.equal('RELOAD_TABLE')
        const failed = await mappingState()
        expect(failed.state).to.equal('SYSTEM_ERROR')
        expect(failed.state_description).to.match(/cannot truncate a table referenced in a foreign key constraint/)
        expect(await snapshot()).to.deep.equal(before)
        const {results} = await api.notifications(conn, {eventType: 'mapping-error'})
        expect(results).to.have.length(1)
        expect(results[0].message).to.match(/Reload of Contact failed: cannot truncate/)

        await api.restart(conn)
        expect((await mappingState()).state).to.equal('DATA_SYNCED')
      } finally {
        await app.query('DROP TABLE public.app_note')
      }
    })

    it('refuses a second reload while one runs', async () => {
      // hold the table so the first reload cannot finish before the second request arrives
      const holder = await appClient(db.url)
      try {
        await holder.query(`BEGIN; LOCK TABLE ${SCHEMA}.contact IN ACCESS EXCLUSIVE MODE`)
        await api.reloadMapping(conn, 'Contact')
        const error = await rejection(api.reloadMapping(conn, 'Contact'))
        expect((error as ConnectUsageError).status).to.equal(409)
        expect(error.message).to.match(/Mapping Contact is already reloading/)
        await holder.query('COMMIT')
      } finally {
        await holder.end()
      }

      await fake.settle()
      expect((await mappingState()).state).to.equal('RELOAD_TABLE')
      expect((await mappingState()).state).to.equal('DATA_SYNCED')
    })
  })

  describe('diagnose, write errors, notifications, pause', () => {
    it('polls validations (202 then 200) and reports the documented checks', async () => {
      const pending: number[] = []
      const report = await api.runValidations(conn, {onPending: n => pending.push(n)})
      expect(pending).to.deep.equal([1])
      expect(sleeps).to.deep.equal([500])
      const logging = report.warnings!.find(c => c.rule_id === 'SHOULD_HAVE_LOG_DRAIN')!
      expect(logging).to.deep.include({display_name: 'Configured Logging', message: 'App does not have logging configured.', status: 'FAILED'})
      expect(logging.doc_url).to.equal('https://devcenter.heroku.com/articles/heroku-connect-diagnose#check-configured-log-drain')
      expect(report.passes!.map(c => c.rule_id)).to.include('MUST_USE_RECENT_API_VERSION')
      const contact = report.mappings!.Contact
      expect(contact.errors!.map(c => [c.display_name, c.rule_id, c.status])).to.deep.equal([['Required Fields', 'MUST_MAP_REQUIRED_FIELDS', 'FAILED']])
      expect(contact.errors![0].message).to.match(/Department/)
      expect(contact.errors![0].doc_url).to.match(/^https:\/\/devcenter\.heroku\.com\/articles\/heroku-connect-diagnose#check-required-fields$/)

      fake.connection(APP).apiVersion = '45.0'
      const exported = await api.exportConfig(conn)
      exported.mappings[0].config.upsert_field = null
      exported.mappings[0].config.fields.Full_Name__c = {}
      await api.importConfig(conn, exported)
      try {
        const worse = await api.runValidations(conn)
        expect(worse.errors ?? []).to.deep.equal([])
        const apiVersion = worse.warnings!.find(c => c.rule_id === 'MUST_USE_RECENT_API_VERSION')!
        expect(apiVersion.message).to.equal('The latest available Salesforce API version is 64.0. Your connection is using version 45.0. You should re-create your connection to use the latest version.')
        expect(apiVersion.doc_url).to.equal('https://devcenter.heroku.com/articles/heroku-connect-diagnose#check-salesforce-api-version')
        const sync = await api.mappingValidations(conn, 'Contact')
        expect(sync.errors!.map(c => c.display_name)).to.deep.equal(['Upsert Field / Unique Identifier', 'Required Fields'])
        expect(sync.warnings!.map(c => c.display_name)).to.deep.equal(['Calculated Fields'])
      } finally {
        fake.connection(APP).apiVersion = '60.0'
        delete exported.mappings[0].config.fields.Full_Name__c
        exported.mappings[0].config.upsert_field = 'External_Id__c'
        await api.importConfig(conn, exported)
      }
    })

    it('gives up on validations that never finish', async () => {
      const slow = new ConnectApi(TOKEN, {pollIntervalMs: 500, async sleep() {}, validationTimeoutMs: 1000})
      const job = fake.connection(APP)
      const restore = fake.server
      restore.inject({pathPrefix: `/api/v3/connections/${job.id}/validations/`, status: 202, times: 5, method: 'GET', body: {}})
      const error = await rejection(slow.runValidations(conn))
      expect(error).to.be.instanceOf(CollectError)
      expect(error.message).to.equal('Heroku Connect validations did not finish within 1 s')
    })

    it('lists write errors from FAILED trigger-log rows', async () => {
      await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('REJECT', 'ext-reject'), ('Fine', 'ext-fine')`)
      expect((await mappingState()).counts!.pending).to.equal(2)
      const summary = await fake.drainOnce(APP)
      expect(summary).to.deep.include({failed: 1, records: 2})
      const {rows} = await app.query(`SELECT id FROM ${SCHEMA}.contact WHERE lastname = 'REJECT'`)
      const errors = await api.writeErrors(conn)
      expect(errors.count).to.equal(1)
      expect(errors.results[0]).to.deep.include({message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Contacts named REJECT are not allowed', record_id: rows[0].id, table_name: 'contact'})
      expect(errors.results[0].created_at).to.match(/^\d{4}-\d\d-\d\dT.*Z$/)
      expect((await api.writeErrors(conn, {mapping: 'Contact'})).count).to.equal(1)
      expect((await mappingState()).counts).to.deep.include({errors: 1, pending: 0})
    })

    it('pauses and resumes the connection', async () => {
      await api.pause(conn)
      expect((await api.getConnection(conn)).state).to.equal('PAUSED')
      await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Later', 'ext-later')`)
      expect(await fake.drainOnce(APP)).to.deep.include({skipped: 'PAUSED'})
      await api.resume(conn)
      expect((await api.getConnection(conn)).state).to.equal('IDLE')
      expect(await fake.drainOnce(APP)).to.deep.include({records: 1})
    })

    it('lists and acknowledges notifications', async () => {
      const all = await api.notifications(conn)
      expect(all.results.map(n => n.event_type)).to.include.members(['mapping-reload', 'connection-recovered'])
      await api.acknowledgeNotifications(conn, {eventType: 'mapping-reload'})
      const left = await api.notifications(conn)
      expect(left.results.map(n => n.event_type)).not.to.include('mapping-reload')
      expect(fake.server.log.at(-2)!.path).to.match(/notifications\/acknowledge\?event_type=mapping-reload$/)
    })
  })

  describe('HTTP failures', () => {
    const connectionPath = () => `/api/v3/connections/${conn.id}`

    it('maps 401 to the login hint', async () => {
      fake.server.inject({body: {message: 'Invalid credentials provided.'}, pathPrefix: connectionPath(), status: 401, times: 1})
      const error = await rejection(api.getConnection(conn))
      expect(error).to.be.instanceOf(CollectError)
      expect(error.message).to.equal('Heroku Connect rejected the Heroku token (401): run `heroku login` or set HEROKU_API_KEY')
    })

    it('answers 401 for a wrong token and 403 without Heroku-Client', async () => {
      const stranger = new ConnectApi('not-the-token', {discoveryUrl: fake.url})
      expect((await rejection(stranger.getConnection(conn))).message).to.match(/rejected the Heroku token \(401\)/)
      const response = await fetch(`${fake.url}${connectionPath()}`, {headers: {Authorization: `Bearer ${TOKEN}`}})
      expect(response.status).to.equal(403)
      expect(await response.json()).to.have.property('message').that.matches(/Heroku-Client/)
    })

    it('maps 403 and 404 with the server message and a hint', async () => {
      fake.server.inject({body: {message: 'You do not have access to this add-on'}, pathPrefix: connectionPath(), status: 403, times: 1})
      const forbidden = await rejection(api.exportConfig(conn))
      expect(forbidden).to.be.instanceOf(CollectError)
      expect(forbidden.message).to.equal(`Heroku Connect denied access for GET ${connectionPath()}/actions/export (403): You do not have access to this add-on`)
      expect(forbidden.hint).to.equal(`ask an admin of ${APP} for access, or open the add-on once: heroku addons:open herokuconnect -a ${APP}`)
      const missing = await rejection(api.getMapping(conn, 'no-such-mapping'))
      expect(missing).to.be.instanceOf(UsageError)
      expect(missing.message).to.equal('Heroku Connect found nothing at GET /api/v3/mappings/no-such-mapping (404): Mapping no-such-mapping not found')
    })

    it('retries a GET on 429 honouring Retry-After', async () => {
      fake.server.inject({body: {message: 'slow down'}, headers: {'Retry-After': '2'}, pathPrefix: connectionPath(), status: 429, times: 1})
      expect((await api.getConnection(conn)).id).to.equal(conn.id)
      expect(sleeps).to.deep.equal([2000])
    })

    it('retries a POST on 429 only, and gives up after 3 tries', async () => {
      fake.server.inject({body: {message: 'slow down'}, method: 'POST', pathPrefix: `${connectionPath()}/actions/pause`, status: 429, times: Number.POSITIVE_INFINITY})
      const start = fake.server.log.length
      const error = await rejection(api.pause(conn))
      expect(error.message).to.equal(`Heroku Connect is rate limiting requests (429); gave up on POST ${connectionPath()}/actions/pause after 3 tries`)
      expect(fake.server.log.length - start).to.equal(3)
      expect(sleeps).to.deep.equal([500, 1000])

      fake.server.clearFaults()
      fake.server.inject({body: {message: 'boom'}, method: 'POST', pathPrefix: `${connectionPath()}/actions/pause`, status: 503, times: 1})
      const once = fake.server.log.length
      expect((await rejection(api.pause(conn))).message).to.equal(`Heroku Connect failed with 503 on POST ${connectionPath()}/actions/pause: boom`)
      expect(fake.server.log.length - once).to.equal(1)
      expect(fake.connection(APP).state).to.equal('IDLE')
    })

    it('retries GETs on 502/503/504 and reports a persistent 500 without retrying', async () => {
      fake.server.inject({pathPrefix: connectionPath(), status: 503, times: 1})
      fake.server.inject({pathPrefix: connectionPath(), status: 504, times: 1})
      expect((await api.getConnection(conn)).id).to.equal(conn.id)
      expect(sleeps).to.deep.equal([500, 1000])

      fake.server.inject({body: {message: 'Internal error'}, pathPrefix: connectionPath(), status: 500, times: Number.POSITIVE_INFINITY})
      const error = await rejection(api.getConnection(conn))
      expect(error).to.be.instanceOf(ConnectCollectError)
      expect(error.message).to.equal(`Heroku Connect failed with 500 on GET ${connectionPath()}: Internal error`)
      expect(error.exitCode).to.equal(3)

      fake.server.clearFaults()
      fake.server.inject({pathPrefix: connectionPath(), status: 502, times: Number.POSITIVE_INFINITY})
      expect((await rejection(api.getConnection(conn))).message).to.equal(`Heroku Connect failed with 502 on GET ${connectionPath()} after 3 tries`)
    })

    it('reports a dropped connection after retrying the GET', async () => {
      fake.server.inject({drop: true, pathPrefix: connectionPath(), times: Number.POSITIVE_INFINITY})
      const error = await rejection(api.getConnection(conn))
      expect(error).to.be.instanceOf(CollectError)
      expect(error.message).to.match(/^could not reach Heroku Connect at 127\.0\.0\.1:\d+ for GET \/api\/v3\/connections\/\S+ after 3 tries \(/)
      expect(sleeps).to.deep.equal([500, 1000])
    })

    it('reports invalid JSON', async () => {
      fake.server.inject({body: '<html>maintenance</html>', pathPrefix: connectionPath(), status: 200, times: 1})
      const error = await rejection(api.getConnection(conn))
      expect(error.message).to.equal(`Heroku Connect returned invalid JSON for GET ${connectionPath()}`)
    })

    it('never puts the token in an error, even when the server echoes it', async () => {
      fake.server.inject({body: {message: `token ${TOKEN} is not allowed here (Bearer ${TOKEN})`}, pathPrefix: connectionPath(), status: 400, times: 1})
      const error = await rejection(api.getConnection(conn))
      expect(error.message).to.include('***')
    })
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {connectPostgres, type PgSession} from '../../../src/clients/postgres.js'
import {type Sandbox, startSandbox} from '../../../src/sandbox/index.js'
import {backfill, BULK_FRIENDLY_BATCH_ROWS} from '../../../src/workflows/external-ids/backfill.js'
import {testServerUrl} from '../../helpers/postgres.js'

// The four systems of connect:external-ids in the sandbox, by hand, over the wire: a Tooling
// CustomField create in the fake Salesforce, a FieldPermissions grant, a Connect mapping update
// that adds the field and makes it the unique identifier, and a backfill whose UPDATEs the fake
// Connect then sends to Salesforce through the Bulk API, as its call counter shows.

type Row = Record<string, unknown>
const APP = 'acme-crm'
const ROWS = 2500

describe('fake Connect: a new unique identifier, from Salesforce field to Bulk writes', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let client: pg.Client
  let session: PgSession

  before(async () => {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), logRows: 0, rows: ROWS, scenario: 'healthy', syncIntervalMs: 0})
    client = new pg.Client({connectionString: sandbox.apps[0].databaseUrl})
    await client.connect()
    session = await connectPostgres(sandbox.apps[0].databaseUrl, {applicationName: 'hcg-test app'})
  })

  after(async () => {
    await session?.close()
    await client?.end()
    await sandbox?.stop()
  })

  const salesforce = async (method: 'PATCH' | 'POST', path: string, body: unknown): Promise<Row> => {
    const response = await fetch(`${sandbox.env.SF_INSTANCE_URL}/services/data/v62.0${path}`, {
      body: JSON.stringify(body), headers: {authorization: `Bearer ${sandbox.tokens.admin}`, 'content-type': 'application/json'}, method,
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${response.status} ${text}`)
    return text ? JSON.parse(text) : {}
  }

  const connect = async (method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{body: Row; status: number}> => {
    const response = await fetch(`${sandbox.connect.url}/api/v3${path}`, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {authorization: `Bearer ${sandbox.env.HEROKU_API_KEY}`, 'content-type': 'application/json', 'heroku-client': 'hcg-test'},
      method,
    })
    return {body: await response.json() as Row, status: response.status}
  }

  const contactMapping = () => sandbox.connect.connection(APP).mappings.find(m => m.object === 'Contact')!

  it('adds the field and unique identifier through the mapping update, then writes the backfill through Bulk', async () => {
    await salesforce('POST', '/tooling/sobjects/CustomField', {
      FullName: 'Contact.Sync_Key__c',
      Metadata: {caseSensitive: false, externalId: true, label: 'Sync Key', length: 36, required: false, type: 'Text', unique: true},
    })
    const mappingPath = `/mappings/${contactMapping().id}`
    const {body: current} = await connect('GET', mappingPath)
    const config = current.config as {fields: Record<string, unknown>}
    const wanted = {...config, fields: {...config.fields, Sync_Key__c: {}}, upsert_field: 'Sync_Key__c'}

    const hidden = await connect('PUT', mappingPath, {config: wanted})
    expect(hidden.status, 'the integration user cannot read the new field yet').to.equal(400)
    expect(hidden.body.message).to.match(/Sync_Key__c/)

    const set = await salesforce('POST', '/sobjects/PermissionSet', {Label: 'Connect Sync Key', Name: 'Connect_Sync_Key'})
    await salesforce('POST', '/sobjects/FieldPermissions', {Field: 'Contact.Sync_Key__c', ParentId: set.id, PermissionsEdit: true, PermissionsRead: true, SobjectType: 'Contact'})
    await salesforce('POST', '/sobjects/PermissionSetAssignment', {AssigneeId: sandbox.scenario.org.integrationUserId, PermissionSetId: set.id})

    const notExternal = await connect('PUT', mappingPath, {config: {...wanted, upsert_field: 'Phone'}})
    expect(notExternal.status).to.equal(400)
    expect(notExternal.body.message).to.match(/Contact\.Phone is not an External ID/)

    const updated = await connect('PUT', mappingPath, {config: wanted})
    expect(updated.status).to.equal(200)
    expect(updated.body).to.deep.include({state: 'SCHEMA_CHANGED', upsert_field: 'Sync_Key__c'})
    expect((updated.body.config as Row).indexes).to.deep.include({Sync_Key__c: {unique: true}})
    expect((await connect('GET', mappingPath)).body.state).to.equal('RESYNC')
    expect((await connect('GET', mappingPath)).body).to.deep.include({state: 'DATA_SYNCED', upsert_field: 'Sync_Key__c'})

    const {rows: [column]} = await client.query("SELECT data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = 'salesforce' AND table_name = 'contact' AND column_name = 'sync_key__c'")
    expect(column).to.deep.equal({character_maximum_length: 36, data_type: 'character varying'})
    const {rows: indexes} = await client.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'salesforce' AND tablename = 'contact' AND indexdef LIKE '%(sync_key__c)%'")
    expect(indexes.map(i => i.indexdef).join()).to.match(/^CREATE UNIQUE INDEX/)

    const {rows: [{n: before}]} = await client.query('SELECT count(*)::int AS n FROM hcg_fake_salesforce.contact')
    sandbox.org.calls.reset()
    const progress = await backfill(session, {column: 'sync_key__c', key: 'id', schema: 'salesforce', table: 'contact'}, {batchRows: BULK_FRIENDLY_BATCH_ROWS})
    expect(progress).to.deep.include({done: true, updated: ROWS})
    const {rows: [{n: logged}]} = await client.query("SELECT count(*)::int AS n FROM salesforce._trigger_log WHERE table_name = 'contact' AND action = 'UPDATE' AND state = 'NEW'")
    expect(logged).to.equal(ROWS)

    const summary = await sandbox.connect.drainOnce(APP)
    expect(summary).to.deep.include({bulkJobs: 1, failed: 0, records: ROWS, soapCalls: 0})
    expect(sandbox.org.calls.byKind.bulk).to.be.greaterThan(0)
    expect(sandbox.org.calls.byKind.soap).to.equal(0)

    // every Salesforce record holds its row's value, and no second record was created
    const {rows: [check]} = await client.query(`SELECT count(*)::int AS matched, (SELECT count(*)::int FROM hcg_fake_salesforce.contact) AS total
      FROM salesforce.contact c JOIN hcg_fake_salesforce.contact o ON o.sfid = c.sfid WHERE o.sync_key__c = c.sync_key__c`)
    expect(check).to.deep.equal({matched: ROWS, total: before})
  })
  it('refuses a unique identifier whose column holds duplicate values, and keeps the mapping as it was', async () => {
    await salesforce('POST', '/tooling/sobjects/CustomField', {
      FullName: 'Contact.Region_Code__c', Metadata: {externalId: true, label: 'Region Code', length: 20, type: 'Text', unique: false},
    })
    const set = await salesforce('POST', '/sobjects/PermissionSet', {Label: 'Connect Region', Name: 'Connect_Region'})
    await salesforce('POST', '/sobjects/FieldPermissions', {Field: 'Contact.Region_Code__c', ParentId: set.id, PermissionsEdit: true, PermissionsRead: true, SobjectType: 'Contact'})
    await salesforce('POST', '/sobjects/PermissionSetAssignment', {AssigneeId: sandbox.scenario.org.integrationUserId, PermissionSetId: set.id})
    const mappingPath = `/mappings/${contactMapping().id}`
    const {body: current} = await connect('GET', mappingPath)
    const config = current.config as {fields: Record<string, unknown>; upsert_field?: string}
    const added = await connect('PUT', mappingPath, {config: {...config, fields: {...config.fields, Region_Code__c: {}}}})
    expect(added.status).to.equal(200)
    await client.query("UPDATE salesforce.contact SET region_code__c = 'EMEA' WHERE id <= 2")

    const refused = await connect('PUT', mappingPath, {config: {...added.body.config as Row, upsert_field: 'Region_Code__c'}})
    expect(refused.status).to.equal(400)
    expect(refused.body.message).to.match(/region_code__c .* holds duplicate values/)
    expect(contactMapping().config.upsert_field).to.equal(config.upsert_field)
  })
})

import {expect} from 'chai'
import type pg from 'pg'

import {closePool} from '../../../src/sandbox/connect/db.js'
import {buildConnectionRuntime, type ConnectionRuntime} from '../../../src/sandbox/connect/state.js'
import {startSyncLoop} from '../../../src/sandbox/connect/sync-loop.js'
import {drainOnce} from '../../../src/sandbox/connect/sync.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'
import {appClient, buildMiniConnectDb, SCHEMA, StubOrg, testAppSpec} from './fixtures.js'

interface ContactRow {id: number; sfid: null | string; lastname: string; external_id__c: null | string; _hc_lastop: string; _hc_err: null | string}

describe('fake Connect sync (drainOnce)', () => {
  let db: TestDatabase
  let org: StubOrg
  let app: pg.Client
  let conn: ConnectionRuntime

  const setup = async (spec = testAppSpec()) => {
    db = await createTestDatabase('connect_sync')
    await buildMiniConnectDb(db.url)
    org = new StubOrg(db.url)
    app = await appClient(db.url)
    conn = buildConnectionRuntime(spec, db.url, org, 1, true)
  }

  afterEach(async () => {
    await app?.end()
    if (conn) await closePool(conn)
    await org?.close()
    await db?.drop()
  })

  const contacts = async () => (await app.query<ContactRow>(`SELECT id, sfid, lastname, external_id__c, _hc_lastop, _hc_err FROM ${SCHEMA}.contact ORDER BY id`)).rows
  const log = async () => (await app.query(`SELECT * FROM ${SCHEMA}._trigger_log ORDER BY id`)).rows
  const archive = async () => (await app.query(`SELECT * FROM ${SCHEMA}._trigger_log_archive ORDER BY id`)).rows

  it('writes a small backlog through SOAP, writes sfids back and archives the log', async () => {
    await setup()
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, email, external_id__c)
      VALUES ('Ada', 'ada@example.com', 'ext-1'), ('Bob', NULL, 'ext-2'), ('REJECT', NULL, 'ext-3'), ('Cy', NULL, 'ext-4')`)
    expect((await log()).map(r => r.state)).to.deep.equal(['NEW', 'NEW', 'NEW', 'NEW'])

    const summary = await drainOnce({conn, org})
    expect(summary).to.deep.include({bulkJobs: 0, failed: 1, records: 4, soapCalls: 1})
    expect(summary.runs).to.deep.equal([{action: 'INSERT', count: 4, table: 'contact', via: 'soap'}])
    expect(org.writes).to.deep.equal([{api: 'soap', externalIdField: 'External_Id__c', operation: 'upsert', size: 4}])

    const rows = await contacts()
    expect(rows.map(r => r._hc_lastop)).to.deep.equal(['INSERTED', 'INSERTED', 'FAILED', 'INSERTED'])
    expect(rows[0].sfid).to.match(/^003W/)
    expect(rows[2].sfid).to.equal(null)
    expect(JSON.parse(rows[2]._hc_err!)).to.deep.include({msg: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Contacts named REJECT are not allowed', op: 'INSERT'})
    // Connect's own writes (hex session) are not captured again
    expect(await log()).to.deep.equal([])
    const archived = await archive()
    expect(archived.map(r => r.state)).to.deep.equal(['SUCCESS', 'SUCCESS', 'FAILED', 'SUCCESS'])
    expect(archived[2].sf_message).to.match(/Contacts named REJECT/)
    expect(archived[0].processed_at).to.be.instanceOf(Date)
    expect(archived[0].sfid).to.equal(rows[0].sfid)

    // an update of a synced row goes out as an upsert on the unique identifier
    await app.query(`UPDATE ${SCHEMA}.contact SET email = 'bob@example.com' WHERE lastname = 'Bob'`)
    const second = await drainOnce({conn, org})
    expect(second).to.deep.include({failed: 0, records: 1, soapCalls: 1})
    expect((await contacts())[1]._hc_lastop).to.equal('UPDATED')
    const {rows: inOrg} = await app.query("SELECT email FROM hcg_fake_salesforce.contact WHERE external_id__c = 'ext-2'")
    expect(inOrg[0].email).to.equal('bob@example.com')
  })

  it('writes a run of 2,000 inserts as one Bulk job', async () => {
    await setup()
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) SELECT 'Bulk ' || n, 'bulk-' || n FROM generate_series(1, 2000) n`)
    const summary = await drainOnce({conn, org})
    expect(summary).to.deep.include({bulkJobs: 1, failed: 0, records: 2000, soapCalls: 0})
    expect(summary.runs).to.deep.equal([{action: 'INSERT', count: 2000, table: 'contact', via: 'bulk'}])
    expect(org.calls.byKind.bulk).to.equal(4)
    const {rows} = await app.query<{n: number; synced: number}>(`SELECT count(*)::int AS n, count(sfid)::int AS synced FROM ${SCHEMA}.contact WHERE _hc_lastop = 'INSERTED'`)
    expect(rows[0]).to.deep.equal({n: 2000, synced: 2000})
    expect((await archive()).length).to.equal(2000)
  }).timeout(120_000)

  it('updates by sfid without a unique identifier, even for a row inserted earlier in the same drain', async () => {
    await setup(testAppSpec({upsert: false}))
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname) VALUES ('Dee')`)
    await app.query(`UPDATE ${SCHEMA}.contact SET email = 'dee@example.com'`)
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname) VALUES (NULL)`)
    const summary = await drainOnce({conn, org})
    expect(summary.runs.map(r => [r.action, r.count, r.via])).to.deep.equal([['INSERT', 1, 'soap'], ['UPDATE', 1, 'soap'], ['INSERT', 1, 'soap']])
    expect(org.writes.map(w => w.operation)).to.deep.equal(['insert', 'update', 'insert'])
    expect(summary.failed).to.equal(1)
    const rows = await contacts()
    expect(rows.map(r => r._hc_lastop)).to.deep.equal(['UPDATED', 'FAILED'])
    expect(rows[1]._hc_err).to.match(/REQUIRED_FIELD_MISSING/)
  })

  it('fails an upsert whose unique identifier is empty without calling Salesforce', async () => {
    await setup()
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname) VALUES ('NoKey')`)
    const summary = await drainOnce({conn, org})
    expect(summary).to.deep.include({failed: 1, records: 0, soapCalls: 0})
    expect((await archive())[0].sf_message).to.equal('MISSING_ARGUMENT: External_Id__c not specified')
  })

  it('folds changes of one record under Merged Writes', async () => {
    await setup(testAppSpec({ordered: false}))
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Eve', 'ext-eve')`)
    await app.query(`UPDATE ${SCHEMA}.contact SET email = 'eve@example.com'`)
    await app.query(`UPDATE ${SCHEMA}.contact SET lastname = 'Evelyn'`)
    const summary = await drainOnce({conn, org})
    expect(summary).to.deep.include({merged: 2, records: 1, soapCalls: 1})
    expect((await archive()).map(r => r.state)).to.deep.equal(['SUCCESS', 'MERGED', 'MERGED'])
    const {rows} = await app.query("SELECT lastname, email FROM hcg_fake_salesforce.contact WHERE external_id__c = 'ext-eve'")
    expect(rows[0]).to.deep.equal({email: 'eve@example.com', lastname: 'Evelyn'})
  })

  it('sends deletes of synced rows', async () => {
    await setup()
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Gone', 'ext-gone')`)
    await drainOnce({conn, org})
    await app.query(`DELETE FROM ${SCHEMA}.contact`)
    const summary = await drainOnce({conn, org})
    expect(summary.runs).to.deep.equal([{action: 'DELETE', count: 1, table: 'contact', via: 'soap'}])
    expect(org.writes.at(-1)).to.deep.include({operation: 'delete'})
    const {rows} = await app.query("SELECT isdeleted FROM hcg_fake_salesforce.contact WHERE external_id__c = 'ext-gone'")
    expect(rows[0].isdeleted).to.equal(true)
  })

  it('writes nothing while the connection is PAUSED unless forced', async () => {
    await setup()
    await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Paused', 'ext-p')`)
    conn.state = 'PAUSED'
    expect(await drainOnce({conn, org})).to.deep.include({records: 0, skipped: 'PAUSED'})
    expect((await log()).length).to.equal(1)
    expect(await drainOnce({conn, org}, {force: true})).to.deep.include({records: 1})
  })

  it('drains on NOTIFY from the trigger log, and skips while paused', async () => {
    await setup()
    const drained: number[] = []
    const loop = startSyncLoop({conn, org}, {intervalMs: 60_000, notifyMinIntervalMs: 0, onDrain: s => drained.push(s.records)})
    try {
      await loop.ready
      await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Notified', 'ext-n')`)
      for (let i = 0; i < 100 && drained.length === 0; i++) {
        await new Promise(resolve => {
          setTimeout(resolve, 50)
        })
      }

      expect(drained).to.deep.equal([1])
      conn.state = 'PAUSED'
      await app.query(`INSERT INTO ${SCHEMA}.contact (lastname, external_id__c) VALUES ('Held', 'ext-h')`)
      await new Promise(resolve => {
        setTimeout(resolve, 300)
      })
      expect(drained).to.deep.equal([1])
      expect((await log()).length).to.equal(1)
    } finally {
      await loop.stop()
    }
  })
})

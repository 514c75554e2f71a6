import {expect} from 'chai'
import pg from 'pg'

import {predictWrites, type WritePrediction} from '../../../src/analysis/write-prediction.js'
import {type Sandbox, startSandbox} from '../../../src/sandbox/index.js'
import {readRuns} from '../../../src/snapshot/postgres/trigger-log.js'
import type {ConnectionFacts} from '../../../src/snapshot/types.js'
import {testServerUrl} from '../../helpers/postgres.js'

// The product's predictor against the sandbox's fake Connect: real Connect triggers capture the
// writes, the predictor reads the runs from `_trigger_log` in SQL, then the fake Connect drains
// the log through its own, separately written planner (src/sandbox/connect/plan-writes.ts), and
// the fake org's Salesforce call counter must equal the prediction, call for call. Every backlog
// changes each record once, so Merged Writes has nothing to fold and the prediction is exact.

const APP = 'acme-crm'

describe('write-mode prediction against the sandbox\'s Salesforce call counter', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let app: pg.Client
  let nextName = 0

  before(async () => {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'healthy', syncIntervalMs: 0})
    app = new pg.Client({connectionString: sandbox.apps[0].databaseUrl})
    await app.connect()
  })

  after(async () => {
    await app?.end()
    await sandbox?.stop()
  })

  const conn = () => sandbox.connect.connection(APP)

  /** What the predictor reads of the live connection: the facts the Connect API would give. */
  function settings(): ConnectionFacts {
    const live = conn()
    return {
      apiVersion: live.apiVersion,
      features: {...live.features} as Record<string, boolean>,
      logDrain: null,
      mappings: live.mappings.map(m => ({
        access: m.config.access, fields: Object.keys(m.config.fields), indexes: {}, maxDailyApiCalls: null, notify: null, object: m.object, pollingSeconds: null,
        state: null, stateDescription: null, table: m.table, upsertField: m.config.upsert_field ?? null,
      })),
      name: null,
      origin: 'api',
      schema: 'salesforce',
      soapBatchSize: live.spec.soapBatchSize ?? 200,
      state: live.state,
      validations: null,
    }
  }

  async function insert(table: 'account' | 'contact', count: number): Promise<void> {
    const base = nextName
    nextName += count
    const name = table === 'contact' ? 'lastname' : 'name'
    await app.query(`INSERT INTO salesforce.${table} (${name}, external_id__c) SELECT 'Planned ' || n, gen_random_uuid()::text FROM generate_series($1::int, $2::int) n`, [base + 1, base + count])
  }

  async function update(table: 'account' | 'contact', count: number): Promise<void> {
    await app.query(`UPDATE salesforce.${table} SET phone = 'p' || id || '-' || $2 WHERE id IN (SELECT id FROM salesforce.${table} WHERE sfid IS NOT NULL ORDER BY id LIMIT $1)`, [count, nextName++])
  }

  /** Predicts the pending log, drains it, and returns both. */
  async function predictAndDrain(): Promise<{counted: number; prediction: WritePrediction; summary: {bulkJobs: number; soapCalls: number}}> {
    const prediction = predictWrites(await readRuns(app, 'salesforce'), settings())
    sandbox.org.calls.reset()
    const summary = await sandbox.connect.drainOnce(APP, {force: true, maxRows: 1_000_000})
    expect(summary.failed, 'every change reaches Salesforce').to.equal(0)
    const pending = await app.query<{n: string}>("SELECT count(*) AS n FROM salesforce._trigger_log WHERE state IN ('NEW', 'PENDING')")
    expect(Number(pending.rows[0].n)).to.equal(0)
    return {counted: sandbox.org.calls.total, prediction, summary}
  }

  /** contact INSERT 2,000 · contact UPDATE 1,999 · account INSERT 300 · contact INSERT 2,000 · account UPDATE 401 */
  async function mixedBacklog(): Promise<void> {
    await insert('contact', 2000)
    await update('contact', 1999)
    await insert('account', 300)
    await insert('contact', 2000)
    await update('account', 401)
  }

  beforeEach(async () => {
    // start every case from an empty log and the healthy settings
    await sandbox.connect.drainOnce(APP, {force: true, maxRows: 1_000_000})
    const live = conn()
    live.apiVersion = '62.0'
    live.features.poll_db_no_merge = true
    live.spec.soapBatchSize = undefined
    for (const m of live.mappings) m.config.upsert_field = m.config.access === 'read_write' ? 'External_Id__c' : undefined
  })

  it('Ordered Writes, API 62, unique ids: interleaved tables, runs of 2,000 go Bulk and 1,999 SOAP', async () => {
    await mixedBacklog()
    const {counted, prediction, summary} = await predictAndDrain()
    expect(prediction.runs.map(r => [r.table, r.action, r.count, r.via, r.apiCalls])).to.deep.equal([
      ['contact', 'INSERT', 2000, 'bulk', 4],
      ['contact', 'UPDATE', 1999, 'soap', 10],
      ['account', 'INSERT', 300, 'soap', 2],
      ['contact', 'INSERT', 2000, 'bulk', 4],
      ['account', 'UPDATE', 401, 'soap', 3],
    ])
    expect(counted).to.equal(23)
    expect(prediction.totals.apiCalls).to.equal(counted)
    expect([summary.soapCalls, summary.bulkJobs]).to.deep.equal([prediction.totals.soapCalls, prediction.totals.bulkJobs])
  })

  it('API version 38: runs of 2,000 go SOAP too, call for call', async () => {
    conn().apiVersion = '38.0'
    await insert('contact', 2000)
    await insert('account', 300)
    const {counted, prediction} = await predictAndDrain()
    expect(prediction.runs.map(r => [r.table, r.via, r.apiCalls])).to.deep.equal([['contact', 'soap', 10], ['account', 'soap', 2]])
    expect(counted).to.equal(12)
    expect(prediction.totals.apiCalls).to.equal(counted)
  })

  it('Merged Writes regroups by table and action and never uses Bulk', async () => {
    conn().features.poll_db_no_merge = false
    await insert('contact', 2000)
    await insert('account', 300)
    await insert('contact', 1000)
    const {counted, prediction} = await predictAndDrain()
    // contact INSERT 3,000 → 15, account INSERT 300 → 2
    expect(prediction.runs.map(r => [r.table, r.action, r.count, r.apiCalls])).to.deep.equal([['contact', 'INSERT', 3000, 15], ['account', 'INSERT', 300, 2]])
    expect(counted).to.equal(17)
    expect(prediction.totals.apiCalls).to.equal(counted)
  })

  it('without a unique identifier on Contact, its 2,000-run goes SOAP and Account\'s stays Bulk', async () => {
    conn().mappings.find(m => m.object === 'Contact')!.config.upsert_field = undefined
    await insert('contact', 2000)
    await insert('account', 2000)
    const {counted, prediction} = await predictAndDrain()
    expect(prediction.runs.map(r => [r.table, r.via, r.apiCalls])).to.deep.equal([['contact', 'soap', 10], ['account', 'bulk', 4]])
    expect(counted).to.equal(14)
    expect(prediction.totals.apiCalls).to.equal(counted)
  })

  it('sends SOAP batches of the connection\'s soap_batch_size', async () => {
    conn().spec.soapBatchSize = 50
    await update('contact', 120)
    await insert('account', 30)
    const {counted, prediction} = await predictAndDrain()
    expect(prediction.runs.map(r => [r.table, r.via, r.apiCalls])).to.deep.equal([['contact', 'soap', 3], ['account', 'soap', 1]])
    expect(counted).to.equal(4)
    expect(prediction.totals.apiCalls).to.equal(counted)
  })
})

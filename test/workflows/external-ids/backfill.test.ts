import {expect} from 'chai'
import pg from 'pg'

import {connectPostgres, type PgSession} from '../../../src/clients/postgres.js'
import type {AppSpec, OrgSpec} from '../../../src/sandbox/model.js'
import {buildAppDatabase} from '../../../src/sandbox/postgres/build.js'
import {backfill, backfillBounds, type BackfillProgress, type BackfillTarget} from '../../../src/workflows/external-ids/backfill.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'

// The backfill against real Postgres, on a mapped table built by the sandbox with Connect's own
// triggers: each filled row is one UPDATE in _trigger_log, only NULLs are touched, batches are
// exact, Ctrl-C stops between batches and a resume finishes the job, and hostile names are quoted.

const UUID = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/
const ROWS = 60

const org: OrgSpec = {
  dailyApiRequests: {max: 100_000, used: 0}, instanceName: 'CS1', integrationUserId: '005000000000001AAA', logins: [],
  objects: [{
    custom: true,
    fields: [
      {name: 'Id', type: 'id'}, {name: 'IsDeleted', type: 'boolean'}, {name: 'SystemModstamp', type: 'datetime'}, {name: 'CreatedDate', type: 'datetime'},
      {length: 80, name: 'Name', type: 'string'},
    ],
    name: 'Gadget__c',
  }],
  organizationId: '00D000000000001EAA', permissionSets: [], profiles: [], users: [],
}

const app: AppSpec = {
  connection: {
    apiVersion: '62.0', dbKey: 'DATABASE_URL',
    features: {cdc_for_accelerated_polling: false, disable_bulk_writes: false, poll_db_no_merge: true, poll_external_ids: false, rest_count_only: false, ucs_basic_collation_index: false},
    id: 'c0ffee00-0000-4000-8000-00000000b4c1', logDrain: false,
    mappings: [{access: 'read_write', fields: ['Name'], object: 'Gadget__c', rows: ROWS}],
    name: 'hcg-backfill:DATABASE_URL:salesforce', plan: 'enterprise', resourceName: 'herokuconnect-hcg-backfill', schema: 'salesforce', state: 'IDLE',
  },
  id: 'a99a0000-0000-4000-8000-00000000b4c1', name: 'hcg-backfill', region: 'us', userSql: [],
}

const TARGET: BackfillTarget = {column: 'external_id__c', key: 'id', schema: 'salesforce', table: 'gadget__c'}

describe('external ids: backfill', function () {
  this.timeout(120_000)
  let db: TestDatabase
  let client: pg.Client
  let session: PgSession

  beforeEach(async () => {
    db = await createTestDatabase('backfill')
    await buildAppDatabase(db.url, app, org, {roleName: `${db.name}_etl`})
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    // as Connect adds the column of a new field; sparse keys, as deletes leave them
    await client.query('ALTER TABLE salesforce.gadget__c ADD COLUMN external_id__c varchar(36)')
    await client.query('DELETE FROM salesforce.gadget__c WHERE id % 7 = 0')
    await client.query("UPDATE salesforce.gadget__c SET external_id__c = 'kept-' || id WHERE id % 5 = 0")
    await client.query('DELETE FROM salesforce._trigger_log')
    session = await connectPostgres(db.url, {applicationName: 'hcg-test backfill'})
  })

  afterEach(async () => {
    await session?.close()
    await client?.end()
    await db?.drop()
  })

  const nulls = async () => Number((await client.query('SELECT count(*) FROM salesforce.gadget__c WHERE external_id__c IS NULL')).rows[0].count)
  const logged = async () => (await client.query<{record_id: number; values: string}>("SELECT record_id, \"values\" FROM salesforce._trigger_log WHERE table_name = 'gadget__c' AND action = 'UPDATE' ORDER BY id")).rows

  it('fills only the NULLs with distinct UUIDs, each logged by Connect\'s trigger as one UPDATE, and a rerun changes nothing', async () => {
    const before = await nulls()
    const {rows: kept} = await client.query("SELECT id, external_id__c FROM salesforce.gadget__c WHERE external_id__c LIKE 'kept-%' ORDER BY id")
    expect(before).to.be.greaterThan(30)
    expect(await backfillBounds(session, TARGET)).to.deep.include({nulls: before})

    const sizes: number[] = []
    const done = await backfill(session, TARGET, {batchRows: 8, maxBatchMs: Infinity, onBatch: p => {
      sizes.push(p.updated - (sizes.reduce((a, b) => a + b, 0)))
    }})
    expect(done).to.deep.include({done: true, updated: before})
    expect(sizes.slice(0, -1).every(n => n === 8), `batches of exactly 8 but the last: ${sizes.join(', ')}`).to.equal(true)
    expect(await nulls()).to.equal(0)

    const {rows} = await client.query<{external_id__c: string; id: number}>('SELECT id, external_id__c FROM salesforce.gadget__c ORDER BY id')
    const filled = rows.filter(r => !r.external_id__c.startsWith('kept-'))
    expect(filled).to.have.length(before)
    expect(filled.every(r => UUID.test(r.external_id__c))).to.equal(true)
    expect(new Set(rows.map(r => r.external_id__c)).size).to.equal(rows.length)
    expect(rows.filter(r => r.external_id__c.startsWith('kept-'))).to.deep.equal(kept)

    const log = await logged()
    expect(log.map(l => l.record_id).sort((a, b) => a - b)).to.deep.equal(filled.map(r => r.id))
    expect(log[0].values).to.contain('"external_id__c"=>')

    const again = await backfill(session, TARGET, {batchRows: 8})
    expect(again).to.deep.include({done: true, updated: 0})
    expect(await logged()).to.have.length(before)
  })

  it('stops at a batch boundary when asked and a resume from the saved progress completes', async () => {
    const before = await nulls()
    let saved: BackfillProgress | undefined
    let batches = 0
    const stopped = await backfill(session, TARGET, {
      batchRows: 5,
      maxBatchMs: Infinity,
      onBatch(p) {
        saved = p
        batches++
      },
      stopRequested: () => batches >= 2,
    })
    expect(stopped).to.deep.include({done: false, updated: 10})
    expect(stopped).to.deep.equal(saved)
    expect(await nulls()).to.equal(before - 10)
    // no row past the boundary was touched
    const {rows: [past]} = await client.query('SELECT count(*)::int AS n FROM salesforce.gadget__c WHERE id >= $1 AND external_id__c IS NOT NULL AND external_id__c NOT LIKE \'kept-%\'', [stopped.next])
    expect(past.n).to.equal(0)

    const resumed = await backfill(session, TARGET, {batchRows: 5, progress: saved})
    expect(resumed).to.deep.include({done: true, updated: before})
    expect(await nulls()).to.equal(0)
    expect(await logged()).to.have.length(before)
  })

  it('waits out a row lock the app holds (lock_timeout, then a retry) instead of failing the run', async () => {
    const holder = new pg.Client({connectionString: db.url})
    await holder.connect()
    try {
      await holder.query('BEGIN')
      const {rows: [locked]} = await holder.query('SELECT id FROM salesforce.gadget__c WHERE external_id__c IS NULL ORDER BY id LIMIT 1 FOR UPDATE')
      const release = setTimeout(() => {
        void holder.query('COMMIT')
      }, 400)
      const done = await backfill(session, TARGET, {batchRows: 1000, lockTimeoutMs: 100})
      clearTimeout(release)
      expect(done.done).to.equal(true)
      const {rows: [row]} = await client.query('SELECT external_id__c FROM salesforce.gadget__c WHERE id = $1', [locked.id])
      expect(row.external_id__c).to.match(UUID)
    } finally {
      await holder.end()
    }
  })

  it('quotes hostile schema, table, column and key names', async () => {
    await client.query(`CREATE SCHEMA "we""ird; schema"`)
    await client.query(`CREATE TABLE "we""ird; schema"."Or'der ""x""" ("Key id" serial PRIMARY KEY, "ext""; DROP TABLE t; --" text)`)
    await client.query(`INSERT INTO "we""ird; schema"."Or'der ""x""" ("ext""; DROP TABLE t; --") SELECT CASE WHEN g % 3 = 0 THEN 'kept' END FROM generate_series(1, 25) g`)
    const hostile: BackfillTarget = {column: 'ext"; DROP TABLE t; --', key: 'Key id', schema: 'we"ird; schema', table: `Or'der "x"`}
    expect(await backfillBounds(session, hostile)).to.deep.equal({hi: 25, lo: 1, nulls: 17})
    const done = await backfill(session, hostile, {batchRows: 4})
    expect(done).to.deep.include({done: true, updated: 17})
    const {rows} = await client.query(`SELECT "ext""; DROP TABLE t; --" AS v FROM "we""ird; schema"."Or'der ""x"""`)
    expect(rows.filter(r => UUID.test(r.v))).to.have.length(17)
    expect(rows.filter(r => r.v === 'kept')).to.have.length(8)
  })

  it('starts with 100 rows, then shrinks batches that would hold their locks longer than maxBatchMs, never below 50 rows', async () => {
    await client.query('CREATE TABLE public.slow (id serial PRIMARY KEY, ext text)')
    await client.query('INSERT INTO public.slow (ext) SELECT NULL FROM generate_series(1, 400)')
    const sizes: number[] = []
    let last = 0
    // 4 ms a row: the first 100-row batch takes 400 ms, four times the 100 ms allowed
    const done = await backfill(session, {column: 'ext', key: 'id', schema: 'public', table: 'slow'}, {
      batchRows: 250, maxBatchMs: 100,
      onBatch(p) {
        sizes.push(p.updated - last)
        last = p.updated
      },
      // correlated with the row (id), so it runs once per row rather than once per statement
      valueSql: '(SELECT gen_random_uuid()::text FROM pg_sleep(0.004 + 0 * id))',
    })
    expect(done).to.deep.include({done: true, updated: 400})
    expect(sizes).to.deep.equal([100, 50, 50, 50, 50, 50, 50])
  })

  it('refuses a batch size that is not a positive whole number', async () => {
    let error: Error | undefined
    try {
      await backfill(session, TARGET, {batchRows: 0})
    } catch (error_) {
      error = error_ as Error
    }

    expect(error?.message).to.match(/batchRows must be a positive whole number/)
    expect(await logged()).to.have.length(0)
  })
})

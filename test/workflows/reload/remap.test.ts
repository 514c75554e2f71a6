import {expect} from 'chai'

import {connectPostgres, type PgSession} from '../../../src/clients/postgres.js'
import {remapStep} from '../../../src/workflows/reload/remap.js'
import type {ReloadJournal, StepContext} from '../../../src/workflows/reload/steps.js'
import type {ReloadPlan, ReloadProgress, RemapTarget} from '../../../src/workflows/reload/types.js'
import {createJournal, readJournal} from '../../../src/workflows/state/journal.js'
import {ensureStateSchema} from '../../../src/workflows/state/schema.js'
import {createTestDatabase, type TestDatabase, withClient} from '../../helpers/postgres.js'

// The remap step on a real Postgres, below the command: two workers over key stripes, stopped
// half way and resumed from what the journal says, must apply every range exactly once; without a
// key, ids that overlap (a new id equal to another row's old id) must not be remapped twice; a
// batch that meets an app's row lock waits, times out and is retried. The expected values come
// from a copy of the app table taken before the remap, joined to the map by an independent query.

const CONTACTS = 3000

async function world(url: string, options: {overlap: boolean}): Promise<void> {
  await withClient(url, async client => {
    await client.query('CREATE SCHEMA salesforce; CREATE SCHEMA app')
    // the reloaded table: new ids, same sfids. With overlap, the new ids are a shuffle of the old
    // ones (1→k, k→j, …); without, they start far above the old ones
    await client.query('CREATE TABLE salesforce.contact (id integer PRIMARY KEY, sfid varchar(18) UNIQUE)')
    await client.query(options.overlap
      ? `INSERT INTO salesforce.contact SELECT row_number() OVER (ORDER BY md5(g::text)), '003' || lpad(g::text, 15, '0') FROM generate_series(1, ${CONTACTS}) g`
      : `INSERT INTO salesforce.contact SELECT 100000 + row_number() OVER (ORDER BY md5(g::text)), '003' || lpad(g::text, 15, '0') FROM generate_series(1, ${CONTACTS}) g`)
    // app rows: keyed orders (some NULL, some ids of no contact), and keyless visits
    await client.query('CREATE TABLE app.orders (id bigserial PRIMARY KEY, contact_id integer)')
    await client.query(`INSERT INTO app.orders (contact_id) SELECT CASE WHEN g % 97 = 0 THEN NULL WHEN g % 89 = 0 THEN 999999 ELSE 1 + g % ${CONTACTS} END FROM generate_series(1, 240000) g`)
    await client.query('CREATE INDEX orders_contact_id_idx ON app.orders (contact_id)')
    await client.query('CREATE TABLE app.visits (contact_id integer)')
    await client.query(`INSERT INTO app.visits SELECT 1 + g % ${CONTACTS} FROM generate_series(1, 9000) g`)
    await client.query('CREATE TABLE app.orders_before AS TABLE app.orders; CREATE TABLE app.visits_before AS SELECT row_number() OVER () AS n, contact_id FROM app.visits')
  })
}

async function startJournal(session: PgSession, remap: RemapTarget[]): Promise<ReloadJournal> {
  await ensureStateSchema(session)
  const plan = {remap, schema: 'salesforce', table: 'contact'} as unknown as ReloadPlan
  const journal = await createJournal<ReloadPlan>(session, {app: 'test', connectionId: 'c', kind: 'reload', plan, step: 'verify', target: 'Contact'})
  // the backup holds the old ids: contact g had id g before the reload
  await session.query(`CREATE TABLE connect_guard.reload_${journal.id}_backup AS SELECT g AS id, '003' || lpad(g::text, 15, '0') AS sfid FROM generate_series(1, ${CONTACTS}) g`)
  return {...journal, progress: {}} as ReloadJournal
}

function context(session: PgSession, journal: ReloadJournal, stopAfterBatches = Number.POSITIVE_INFINITY): StepContext & {batches: number} {
  const ctx = {
    afterCommit(point: string) {
      if (point === 'remap-batch') ctx.batches++
    },
    api: undefined as never, batches: 0, connection: undefined as never, journal, pollMs: 0, resumeCommand: 'resume', session,
    stopRequested: () => ctx.batches >= stopAfterBatches, timeoutMs: 0,
  }
  return ctx
}

/** Rows whose value is not what old id → new id by sfid says it should be. */
async function wrongOrders(url: string): Promise<number> {
  return withClient(url, async client => {
    const {rows: [{n}]} = await client.query<{n: string}>(
      `SELECT count(*) AS n FROM app.orders_before b JOIN app.orders o ON o.id = b.id
         LEFT JOIN salesforce.contact c ON c.sfid = '003' || lpad(b.contact_id::text, 15, '0') AND b.contact_id <= ${CONTACTS}
        WHERE o.contact_id IS DISTINCT FROM coalesce(c.id, b.contact_id)`)
    return Number(n)
  })
}

describe('reload remap step', function () {
  this.timeout(120_000)
  let db: TestDatabase
  let session: PgSession

  afterEach(async () => {
    await session?.close()
    await db?.drop()
  })

  it('two workers, stopped half way and resumed from the journal, remap every row exactly once and rebuild the index', async () => {
    db = await createTestDatabase('remap_stripes')
    await world(db.url, {overlap: true})
    session = await connectPostgres(db.url, {statementTimeoutMs: 0})
    const target: RemapTarget = {column: 'contact_id', key: 'id', schema: 'app', table: 'orders'}
    const journal = await startJournal(session, [target])
    const first = context(session, journal, 3)
    let stopped: unknown
    await remapStep(first, () => {}).catch(error => {
      stopped = error
    })
    expect((stopped as Error)?.name).to.equal('InterruptedError')
    expect(first.batches).to.be.at.least(3)

    // a new process: only the journal's word on what was done
    const saved = (await readJournal<ReloadPlan, ReloadProgress>(session, journal.id))!
    const progress = saved.progress.remap!['app.orders.contact_id']
    expect(progress.stripes.length).to.be.greaterThan(1)
    const applied = progress.stripes.reduce((sum, s) => sum + s.updated, 0)
    expect(applied, 'some batches were applied, not all').to.be.greaterThan(0).and.lessThan(200_000)
    expect(progress.done).to.equal(false)
    const resumed = await remapStep(context(session, saved as ReloadJournal), () => {})

    expect(await wrongOrders(db.url)).to.equal(0)
    const result = resumed['app.orders.contact_id']
    const counts = await withClient(db.url, async client => (await client.query<{matched: string; unmatched: string}>(
      `SELECT count(*) FILTER (WHERE contact_id <= ${CONTACTS}) AS matched, count(*) FILTER (WHERE contact_id > ${CONTACTS}) AS unmatched FROM app.orders_before`)).rows[0])
    expect(result).to.include({done: true, unmatched: Number(counts.unmatched), updated: Number(counts.matched)})
    const index = await withClient(db.url, async client => (await client.query<{valid: boolean}>(
      "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('app.orders_contact_id_idx')")).rows)
    expect(index).to.deep.equal([{valid: true}])
  })

  it('without a key, ids that overlap are remapped once, in one statement', async () => {
    db = await createTestDatabase('remap_overlap')
    await world(db.url, {overlap: true})
    session = await connectPostgres(db.url, {statementTimeoutMs: 0})
    const journal = await startJournal(session, [{column: 'contact_id', key: null, schema: 'app', table: 'visits'}])
    const ctx = context(session, journal)
    const result = await remapStep(ctx, () => {})
    expect(ctx.batches).to.equal(1)
    expect(result['app.visits.contact_id']).to.include({done: true, unmatched: 0, updated: 9000})
    const wrong = await withClient(db.url, async client => (await client.query<{n: string}>(
      `SELECT count(*) AS n FROM (SELECT row_number() OVER () AS n, contact_id FROM app.visits) v JOIN app.visits_before b ON b.n = v.n
         JOIN salesforce.contact c ON c.sfid = '003' || lpad(b.contact_id::text, 15, '0') WHERE v.contact_id <> c.id`)).rows[0].n)
    expect(Number(wrong)).to.equal(0)
  })

  it('a batch that waits on an app\'s row lock times out, is retried, and the remap still ends right', async () => {
    db = await createTestDatabase('remap_lock')
    await world(db.url, {overlap: false})
    session = await connectPostgres(db.url, {statementTimeoutMs: 0})
    // no index to drop first: DROP INDEX would wait for the app's lock itself, and the batches never would
    await session.query('DROP INDEX app.orders_contact_id_idx')
    const journal = await startJournal(session, [{column: 'contact_id', key: 'id', schema: 'app', table: 'orders'}])
    const app = await connectPostgres(db.url)
    const held = await app.reserve()
    try {
      // the app holds a row of the first batch for 1.5 s, past the batch's lock_timeout (1 s)
      await held.query('BEGIN')
      await held.query('SELECT 1 FROM app.orders WHERE id = 5 FOR UPDATE')
      const release = new Promise(resolve => {
        setTimeout(resolve, 1500)
      }).then(() => held.query('COMMIT'))
      const started = Date.now()
      await remapStep(context(session, journal), () => {})
      await release
      expect(Date.now() - started, 'the remap waited for the app').to.be.at.least(1400)
    } finally {
      held.release()
      await app.close()
    }

    expect(await wrongOrders(db.url)).to.equal(0)
  })

  it('quotes every identifier: a table and column with quotes and spaces in their names', async () => {
    db = await createTestDatabase('remap_names')
    await world(db.url, {overlap: false})
    await withClient(db.url, async client => {
      await client.query(`CREATE TABLE app."Order ""Lines""" ("Line Id" bigserial PRIMARY KEY, "Contact'Id" integer)`)
      await client.query(`INSERT INTO app."Order ""Lines""" ("Contact'Id") SELECT 1 + g % ${CONTACTS} FROM generate_series(1, 20000) g`)
      await client.query(`CREATE INDEX "by ""contact""" ON app."Order ""Lines""" ("Contact'Id")`)
    })
    session = await connectPostgres(db.url, {statementTimeoutMs: 0})
    const journal = await startJournal(session, [{column: "Contact'Id", key: 'Line Id', schema: 'app', table: 'Order "Lines"'}])
    const result = await remapStep(context(session, journal), () => {})
    expect(result[`app.Order "Lines".Contact'Id`]).to.include({done: true, unmatched: 0, updated: 20000})
    const wrong = await withClient(db.url, async client => (await client.query<{n: string}>(
      `SELECT count(*) AS n FROM app."Order ""Lines""" o JOIN salesforce.contact c ON c.sfid = '003' || lpad((1 + o."Line Id" % ${CONTACTS})::text, 15, '0')
        WHERE o."Contact'Id" <> c.id`)).rows[0].n)
    expect(Number(wrong)).to.equal(0)
    const index = await withClient(db.url, async client => (await client.query<{valid: boolean}>(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('app."by ""contact"""')`)).rows)
    expect(index).to.deep.equal([{valid: true}])
  })

  it('a batch that runs past 1.5 s is cancelled by Postgres and retried at half the size', async () => {
    db = await createTestDatabase('remap_slow')
    await world(db.url, {overlap: false})
    await withClient(db.url, async client => {
      // an app trigger that makes a statement cost 0.5 ms a row: the first batch of a 4,000-key stripe would take 2 s
      await client.query('CREATE TABLE app.slow (id bigserial PRIMARY KEY, contact_id integer)')
      await client.query(`INSERT INTO app.slow (contact_id) SELECT 1 + g % ${CONTACTS} FROM generate_series(1, 16000) g`)
      await client.query('ANALYZE app.slow')
      await client.query("CREATE FUNCTION app.slow_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep((SELECT count(*) FROM changed) * 0.0005); RETURN NULL; END $$")
      await client.query('CREATE TRIGGER slow_down AFTER UPDATE ON app.slow REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION app.slow_down()')
    })
    session = await connectPostgres(db.url, {statementTimeoutMs: 0})
    const journal = await startJournal(session, [{column: 'contact_id', key: 'id', schema: 'app', table: 'slow'}])
    const ctx = context(session, journal)
    const result = (await remapStep(ctx, () => {}))['app.slow.contact_id']
    expect(result).to.include({done: true, unmatched: 0, updated: 16000})
    expect(result.stripes).to.have.length(4)
    expect(ctx.batches, 'each 4,000-key stripe took more than one batch').to.be.at.least(8)
    expect(result.longestMs).to.be.below(1800)
    const wrong = await withClient(db.url, async client => (await client.query<{n: string}>(
      `SELECT count(*) AS n FROM app.slow o JOIN salesforce.contact c ON c.sfid = '003' || lpad((1 + o.id % ${CONTACTS})::text, 15, '0') WHERE o.contact_id <> c.id`)).rows[0].n)
    expect(Number(wrong)).to.equal(0)
  })
})

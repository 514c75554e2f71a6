import {expect} from 'chai'
import pg from 'pg'

import {readLastopFailed, readUniqueIds} from '../../src/snapshot/postgres/table-data.js'
import {readRelations} from '../../src/snapshot/postgres/catalog.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'

// The table-data checks on a real server: Connect's unique index turns the duplicate search into
// a certainty and the NULL count into an index lookup; without one the exact count runs under the
// per-check budget, and a check out of time leaves the audit's transaction as it found it.

const table = (name: string) => `CREATE TABLE salesforce.${name} (id serial PRIMARY KEY, sfid varchar(18), ext text, _hc_lastop varchar(32), _hc_err text)`

describe('table-data checks', function () {
  this.timeout(120_000)
  let db: TestDatabase
  let client: pg.Client

  before(async () => {
    db = await createTestDatabase('table_data')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(`CREATE SCHEMA salesforce;
      ${table('indexed')}; CREATE UNIQUE INDEX hcu_idx_indexed_ext ON salesforce.indexed (ext);
      INSERT INTO salesforce.indexed (ext) SELECT CASE WHEN g % 4 = 0 THEN g::text END FROM generate_series(1, 2000) g;
      ${table('plain')}; CREATE INDEX hc_idx_plain_ext ON salesforce.plain (ext);
      CREATE UNIQUE INDEX plain_ext_nonblank ON salesforce.plain (ext) WHERE ext <> 'a';
      CREATE UNIQUE INDEX plain_lower_ext ON salesforce.plain (lower(ext), id);
      INSERT INTO salesforce.plain (ext, _hc_lastop, _hc_err) SELECT CASE WHEN g <= 10 THEN 'a' WHEN g <= 15 THEN NULL ELSE g::text END,
             CASE WHEN g <= 3 THEN 'FAILED' END, CASE WHEN g <= 3 THEN 'REQUIRED_FIELD_MISSING' END FROM generate_series(1, 100) g;
      ${table('big_plain')}; INSERT INTO salesforce.big_plain (ext) SELECT g::text FROM generate_series(1, 200000) g;
      ${table('big_indexed')}; CREATE UNIQUE INDEX hcu_idx_big_indexed_ext ON salesforce.big_indexed (ext);
      INSERT INTO salesforce.big_indexed (ext) SELECT NULL FROM generate_series(1, 200000) g;
      ANALYZE`)
  })

  after(async () => {
    await client?.end()
    await db?.drop()
  })

  /** Runs fn in the audit's kind of transaction and returns its result with the session's state after it. */
  async function inAuditTransaction<T>(fn: () => Promise<T>) {
    await client.query('BEGIN TRANSACTION READ ONLY ISOLATION LEVEL REPEATABLE READ')
    try {
      const result = await fn()
      const {rows} = await client.query(`SELECT current_setting('statement_timeout') AS timeout, current_setting('enable_seqscan') AS seqscan,
                                                current_setting('transaction_isolation') AS isolation, current_setting('transaction_read_only') AS read_only`)
      // rows read by sequential scans, not seq_scan: PostgreSQL 15 also counts a bitmap heap scan
      // (an index lookup that then visits the rows it found) as a sequential scan
      const scans = await client.query<{idx_scan: string; relname: string; seq_tup_read: string}>('SELECT relname, seq_tup_read, idx_scan FROM pg_stat_xact_user_tables')
      return {result, scans: Object.fromEntries(scans.rows.map(r => [r.relname, {idx: Number(r.idx_scan), seqRows: Number(r.seq_tup_read)}])), state: rows[0]}
    } finally {
      await client.query('ROLLBACK')
    }
  }

  const targets = (...tables: string[]) => tables.map(t => ({column: 'ext', table: t}))

  it('with a unique index on the identifier, reports no duplicates and counts the NULLs through the index, never scanning a big table', async () => {
    const relations = await readRelations(client, 'salesforce')
    const {result, scans} = await inAuditTransaction(() => readUniqueIds(client, 'salesforce', targets('indexed', 'big_indexed'), relations))
    const [big, small] = result
    // a small table's rows are counted; a big one's are the planner's estimate
    expect(small).to.deep.equal({column: 'ext', default: null, duplicates: 0, exists: true, nulls: 1500, rows: 2000, rowsEstimated: false, table: 'indexed', uniqueIndex: 'hcu_idx_indexed_ext'})
    expect(big).to.include({duplicates: 0, nulls: 200_000, rowsEstimated: true, table: 'big_indexed', uniqueIndex: 'hcu_idx_big_indexed_ext'})
    expect(big.rows).to.be.closeTo(200_000, 2000)
    // every row is NULL: left alone the planner would scan the whole table rather than the index
    expect(scans.big_indexed).to.deep.equal({idx: 1, seqRows: 0})
  })

  it('without one (a plain, a partial and an expression index do not count), counts NULLs and duplicates exactly', async () => {
    const relations = await readRelations(client, 'salesforce')
    const {result} = await inAuditTransaction(() => readUniqueIds(client, 'salesforce', targets('plain'), relations))
    expect(result).to.deep.equal([{column: 'ext', default: null, duplicates: 9, exists: true, nulls: 5, rows: 100, table: 'plain', uniqueIndex: null}])
  })

  it('reports a check out of time as unfinished and leaves the transaction, its snapshot and its settings as they were', async () => {
    const relations = await readRelations(client, 'salesforce')
    const {result, state} = await inAuditTransaction(async () => {
      // 1 ms: far less than counting 200,000 rows takes, by either path
      const ids = await readUniqueIds(client, 'salesforce', targets('big_indexed', 'big_plain', 'plain'), relations, 0.001)
      const lastop = await readLastopFailed(client, 'salesforce', ['big_plain'], relations, 0.001)
      return {ids, lastop}
    })
    const byTable = Object.fromEntries(result.ids.map(u => [u.table, u]))
    expect(byTable.big_indexed).to.include({uniqueIndex: 'hcu_idx_big_indexed_ext'})
    expect(byTable.big_indexed.unfinished).to.deep.equal({seconds: 0.001})
    expect(byTable.big_plain).to.include({uniqueIndex: null})
    expect(byTable.big_plain.unfinished).to.deep.equal({seconds: 0.001})
    expect(result.lastop).to.deep.equal({failed: [], unfinished: ['big_plain']})
    expect(state).to.deep.equal({isolation: 'repeatable read', read_only: 'on', seqscan: 'on', timeout: '0'})
  })

  it('counts FAILED rows per table, one statement for all, with the names the tables were given', async () => {
    const relations = await readRelations(client, 'salesforce')
    const {result} = await inAuditTransaction(() => readLastopFailed(client, 'salesforce', ['indexed', 'plain'], relations))
    expect(result).to.deep.equal({failed: [{count: 3, samples: ['REQUIRED_FIELD_MISSING'], table: 'plain'}], unfinished: []})
  })

  it('outside a transaction, each budgeted check brings its own and leaves nothing open', async () => {
    const relations = await readRelations(client, 'salesforce')
    const ids = await readUniqueIds(client, 'salesforce', targets('plain'), relations)
    expect(ids[0]).to.include({duplicates: 9, nulls: 5})
    const {rows} = await client.query("SELECT current_setting('statement_timeout') AS timeout, now() = statement_timestamp() AS own_transaction")
    expect(rows[0]).to.deep.equal({own_transaction: true, timeout: '0'})
  })
})

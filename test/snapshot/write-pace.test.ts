import {expect} from 'chai'
import pg from 'pg'

import {readWritePace} from '../../src/snapshot/postgres/write-pace.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'

// The write pace read from a connection's own history, on a real server. Each case plants batches
// with known stamps; the expected medians are worked out by hand in the comments.

const SCHEMA = 'sales"force'
const q = '"sales""force"'

describe('readWritePace', function () {
  this.timeout(120_000)
  let db: TestDatabase
  let client: pg.Client

  before(async () => {
    db = await createTestDatabase('write_pace')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(`CREATE SCHEMA ${q};
      CREATE TABLE ${q}._trigger_log (id serial PRIMARY KEY, created_at timestamptz DEFAULT now(), processed_at timestamptz, processed_tx bigint, state varchar(8));
      CREATE TABLE ${q}._trigger_log_archive (id integer PRIMARY KEY, created_at timestamptz, processed_at timestamptz, processed_tx bigint, state varchar(8))`)
  })

  after(async () => {
    await client?.end()
    await db?.drop()
  })

  beforeEach(async () => {
    await client.query(`TRUNCATE ${q}._trigger_log, ${q}._trigger_log_archive`)
  })

  /** `batches` of `size` rows into the archive, batch k stamped at base + offsets[k] seconds */
  async function archive(firstId: number, firstTx: number, size: number, offsets: number[]): Promise<void> {
    await client.query(
      `INSERT INTO ${q}._trigger_log_archive (id, created_at, processed_at, processed_tx, state)
       SELECT $1 + k * $3 + r, timestamptz '2026-11-30 10:00:00+00', timestamptz '2026-11-30 10:00:00+00' + o * interval '1 second', $2 + k, 'SUCCESS'
         FROM unnest($4::float8[]) WITH ORDINALITY AS b(o, k1), LATERAL (SELECT k1 - 1 AS k) kk, generate_series(0, $3 - 1) r`,
      [firstId, firstTx, size, offsets],
    )
  }

  it('is unknown on a connection that has written nothing', async () => {
    expect(await readWritePace(client, SCHEMA, 200)).to.deep.equal({perThousandRecords: null, soapCall: null, window: null})
  })

  it('times SOAP calls by the gap to the batch before, and leaves the first batch and pauses between bursts out', async () => {
    // seven SOAP batches of 200: gaps 1, 3, 2, 2, then a 700 s pause (out), then 5
    await archive(1, 100, 200, [0, 1, 4, 6, 8, 708, 713])
    const pace = await readWritePace(client, SCHEMA, 200)
    // timed gaps 1, 3, 2, 2, 5: median 2
    expect(pace.soapCall).to.deep.equal({batches: 5, seconds: 2})
    expect(pace.perThousandRecords).to.equal(null)
    expect(pace.window).to.deep.equal({from: '2026-11-30T10:00:00.000Z', to: '2026-11-30T10:11:53.000Z'})
  })

  it('times larger batches per 1,000 records, and counts processed rows still in _trigger_log', async () => {
    // three 5,000-record batches 30 s, 40 s and 20 s after the one before: 6, 8 and 4 s per 1,000
    await archive(1, 100, 5000, [0, 30, 70, 90])
    // a SOAP batch of 50 still in the log, 3 s after the last Bulk batch; NEW rows have no stamp and do not count
    await client.query(`INSERT INTO ${q}._trigger_log (processed_at, processed_tx, state)
      SELECT timestamptz '2026-11-30 10:01:33+00', 900, 'SUCCESS' FROM generate_series(1, 50);
      INSERT INTO ${q}._trigger_log (state) SELECT 'NEW' FROM generate_series(1, 10)`)
    const pace = await readWritePace(client, SCHEMA, 200)
    expect(pace.perThousandRecords).to.deep.equal({batches: 3, seconds: 6})
    expect(pace.soapCall).to.deep.equal({batches: 1, seconds: 3})
  })

  it('reads a batch as SOAP up to the connection\'s own soap_batch_size', async () => {
    await archive(1, 100, 300, [0, 4, 8])
    expect((await readWritePace(client, SCHEMA, 200)).soapCall).to.equal(null)
    // 300-row batches 4 s apart: per 1,000 records 4 * 1000 / 300
    expect((await readWritePace(client, SCHEMA, 200)).perThousandRecords?.seconds).to.be.closeTo(13.333, 0.001)
    expect((await readWritePace(client, SCHEMA, 500)).soapCall).to.deep.equal({batches: 2, seconds: 4})
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {validatePostgresUrl} from '../../src/sandbox/postgres/server.js'
import {createTestDatabase} from '../helpers/postgres.js'

describe('sandbox postgres server', () => {
  it('creates an isolated database that accepts connections and drops it again', async () => {
    const db = await createTestDatabase('server')
    const client = new pg.Client({connectionString: db.url})
    await client.connect()
    const {rows} = await client.query<{db: string; major: string}>("SELECT current_database() AS db, current_setting('server_version_num') AS major")
    await client.end()
    expect(rows[0].db).to.equal(db.name)
    expect(Number(rows[0].major)).to.be.at.least(150_000)
    await db.drop()
  })

  it('rejects a URL that is not a postgres URL', () => {
    expect(() => validatePostgresUrl('mysql://x@y/z')).to.throw(/must start with postgres/)
    expect(() => validatePostgresUrl('not a url')).to.throw(/not a URL/)
  })
})

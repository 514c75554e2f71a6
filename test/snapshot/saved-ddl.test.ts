import {expect} from 'chai'
import pg from 'pg'

import {readSavedDdl} from '../../src/snapshot/postgres/saved-ddl.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'

// The collector finds the scaffold's saved-DDL list in whichever schema holds it, in one query.

describe('collector: saved trigger and index DDL', function () {
  let db: TestDatabase
  let client: pg.Client

  before(async function () {
    db = await createTestDatabase('saved_ddl')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
  })

  after(async function () {
    await client?.end()
    await db?.drop()
  })

  it('reads nothing, without error, when no helper schema holds a list', async function () {
    expect(await readSavedDdl(client, 'salesforce')).to.deep.equal([])
  })

  it('reads the entries for this Connect schema, names with XML and SQL metacharacters intact', async function () {
    await client.query(`CREATE SCHEMA "my <helper> & co";
      CREATE TABLE "my <helper> & co".connect_guard_saved_ddl (kind text, schema_name text, table_name text, object_name text, ddl text);
      INSERT INTO "my <helper> & co".connect_guard_saved_ddl VALUES
        ('trigger', 'salesforce', 'contact', 'x"<y>''&z', 'CREATE TRIGGER …'), ('index', 'org', 'contact', 'i', 'CREATE INDEX …')`)
    let queries = 0
    const counting = {query: (sql: string, values?: unknown[]) => { queries++; return client.query(sql, values) }}
    expect(await readSavedDdl(counting as never, 'salesforce')).to.deep.equal([
      {helperSchema: 'my <helper> & co', kind: 'trigger', name: 'x"<y>\'&z', schema: 'salesforce', table: 'contact'},
    ])
    expect(queries).to.equal(1)
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {hc002} from '../../src/rules/hc002-unique-id-not-unique.js'
import {runRules} from '../../src/rules/runner.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'
import {healthySnapshot} from './fixtures.js'

// HC002's fix for duplicated identifiers, run as printed on real rows: Salesforce already holds
// the identifier of every synced row (sfid set), so only unsynced rows may get a new value.

describe('HC002 duplicate fix on Postgres', function () {
  this.timeout(60_000)
  let db: TestDatabase
  let client: pg.Client

  before(async () => {
    db = await createTestDatabase('hc002_fix')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(`CREATE SCHEMA salesforce;
      CREATE TABLE salesforce.account (id serial PRIMARY KEY, sfid varchar(18), external_id__c varchar(36));
      INSERT INTO salesforce.account (sfid, external_id__c) VALUES
        ('001A', 'dup-1'), (NULL, 'dup-1'), (NULL, 'dup-1'),   -- one synced row and two copies
        ('001B', 'dup-2'), ('001C', 'dup-2'),                   -- two synced rows: Salesforce has both
        (NULL, 'dup-3'), (NULL, 'dup-3'),                       -- none synced: the first keeps it
        ('001D', 'single'), (NULL, NULL)`)
  })

  after(async () => {
    await client?.end()
    await db?.drop()
  })

  it('renumbers only rows without an sfid, and keeps one value of each group', async () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.uniqueIds[1] = {...snapshot.postgres!.uniqueIds[1], duplicates: 4}
    const fix = runRules([hc002], snapshot).findings.find(f => f.message.includes('duplicates'))!.fix
    const before = await client.query<{external_id__c: null | string; id: number; sfid: null | string}>('SELECT id, sfid, external_id__c FROM salesforce.account ORDER BY id')
    await client.query(fix)
    const after = await client.query<{external_id__c: null | string; id: number; sfid: null | string}>('SELECT id, sfid, external_id__c FROM salesforce.account ORDER BY id')
    const changed = after.rows.filter((row, i) => row.external_id__c !== before.rows[i].external_id__c).map(row => row.id)
    expect(changed).to.deep.equal([2, 3, 7])
    for (const row of after.rows.filter(r => r.sfid !== null)) expect(row.external_id__c, row.sfid!).to.equal(before.rows[row.id - 1].external_id__c)
    expect(after.rows[5].external_id__c).to.equal('dup-3')
    expect(after.rows[8].external_id__c).to.equal(null)
  })
})

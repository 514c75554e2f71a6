import {expect} from 'chai'

import type {IdentifierJudgement} from '../../../src/analysis/unique-ids.js'
import {connectPostgres, type PgSession} from '../../../src/clients/postgres.js'
import {migrationFile, readColumn, readDuplicates, setDefaultSql} from '../../../src/workflows/external-ids/sql.js'
import type {ExternalIdPlan, MappingPlan} from '../../../src/workflows/external-ids/types.js'
import {createTestDatabase, type TestDatabase, withClient} from '../../helpers/postgres.js'

// The Postgres side of connect:external-ids on a schema, table and column whose names try to
// break out of their quotes: what it reads before it plans, the default it sets, and the --out
// migration file run statement by statement as a migration tool would.

const SCHEMA = 'sales"force; --'
const TABLE = 'lead"; DROP TABLE victim; --'
const COLUMN = 'uid"__c'
const qi = (name: string) => `"${name.replaceAll('"', '""')}"`
const NAME = `${qi(SCHEMA)}.${qi(TABLE)}`

const judgement: IdentifierJudgement = {badDefault: null, countsUnknown: false, duplicates: 0, missing: true, missingFlags: [], nulls: 0}

function mappingPlan(): MappingPlan {
  return {
    actions: {access: null, backfill: 'fill', default: 'set', field: null, mapping: null},
    column: COLUMN, configDiff: [], cost: {apiCalls: 0, reasons: [], rows: 0, synced: 0, via: 'soap'}, duplicates: [], field: 'Uid__c',
    fieldState: {externalId: true, exists: true, name: 'Uid__c', type: 'string', unique: true},
    judgement, key: 'id', mappingId: 'm1', mappingState: 'DATA_SYNCED', object: 'Lead', schema: SCHEMA, table: TABLE, warnings: [],
  }
}

function plan(m: MappingPlan): ExternalIdPlan {
  return {
    app: 'acme', assignee: null, batchRows: 40, blocked: [], bulkBatchOptions: [], connectionId: 'c', createsStateSchema: false, field: 'Uid__c', mappings: [m],
    needsPgcrypto: false, permissionSet: 'P', schema: SCHEMA, serverVersion: 150_000, timeoutMs: 1000, untouched: [], uuidExpression: '', warnings: [],
  }
}

describe('connect:external-ids SQL on hostile names', function () {
  this.timeout(60_000)
  let db: TestDatabase
  let session: PgSession

  before(async () => {
    db = await createTestDatabase('ext_ids_sql')
    await withClient(db.url, async client => {
      await client.query(`CREATE TABLE victim (x int); CREATE SCHEMA ${qi(SCHEMA)}`)
      await client.query(`CREATE TABLE ${NAME} (id serial PRIMARY KEY, sfid varchar(18), ${qi(COLUMN)} text)`)
      // 100 rows, 60 synced; every third row already has a value, and two rows share one
      await client.query(`INSERT INTO ${NAME} (sfid, ${qi(COLUMN)}) SELECT CASE WHEN g <= 60 THEN 'sf' || g END, CASE WHEN g % 3 = 0 THEN 'v' || g END FROM generate_series(1, 100) g`)
      await client.query(`UPDATE ${NAME} SET ${qi(COLUMN)} = 'v3' WHERE id = 6`)
    })
    session = await connectPostgres(db.url)
  })

  after(async () => {
    await session?.close()
    await db?.drop()
  })

  it('reads the column: its NULLs, how many of them are synced, and the key range', async () => {
    const state = await readColumn(session, mappingPlan())
    expect(state).to.deep.equal({default: null, exists: true, maxKey: 100, minKey: 1, nulls: 67, synced: 40})
  })

  it('reports duplicated values with their rows', async () => {
    expect(await readDuplicates(session, mappingPlan())).to.deep.equal([{rows: [{id: 3, sfid: 'sf3'}, {id: 6, sfid: 'sf6'}], value: 'v3'}])
  })

  it('runs the --out migration: default set, every NULL filled, existing values kept, nothing else touched', async () => {
    const m = mappingPlan()
    const file = migrationFile(plan(m), {Lead: await readColumn(session, m)})
    expect(file).to.include(`${setDefaultSql(m)};`)
    expect(file).to.include('Connect does not carry a column default through a configuration import')
    const statements = file.split('\n').filter(line => line && !line.startsWith('--'))
    expect(statements).to.have.length(1 + 3)
    await withClient(db.url, async client => {
      for (const statement of statements) await client.query(statement)
      const {rows: [r]} = await client.query(`SELECT count(*) FILTER (WHERE ${qi(COLUMN)} IS NULL)::int AS nulls, count(*) FILTER (WHERE ${qi(COLUMN)} = 'v9')::int AS kept FROM ${NAME}`)
      expect(r).to.deep.equal({kept: 1, nulls: 0})
      const {rows: [inserted]} = await client.query(`INSERT INTO ${NAME} (sfid) VALUES (NULL) RETURNING ${qi(COLUMN)} AS v`)
      expect(inserted.v).to.match(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/)
      expect((await client.query("SELECT to_regclass('public.victim') IS NOT NULL AS ok")).rows[0].ok).to.equal(true)
    })
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {connectPostgres} from '../../src/clients/postgres.js'
import type {AppSpec, OrgSpec, SfObjectSpec} from '../../src/sandbox/model.js'
import {buildAppDatabase} from '../../src/sandbox/postgres/build.js'
import {loadScenario} from '../../src/sandbox/scenarios/index.js'
import {qualified, quoteIdent} from '../../src/sql.js'
import {collectPostgres} from '../../src/snapshot/postgres/collect.js'
import type {Queryable} from '../../src/snapshot/postgres/queryable.js'
import {pendingFromRuns, readRuns, runsQuery} from '../../src/snapshot/postgres/trigger-log.js'
import type {ConnectionFacts, LogRunFacts, PostgresFacts} from '../../src/snapshot/types.js'
import {createTestDatabase, testServerUrl, withClient} from '../helpers/postgres.js'

// The audit's Postgres collector against real databases built the way Connect leaves them
// (src/sandbox/postgres/build.ts): its round trips, its read-only transaction, the trigger-log
// runs it reports, and the facts the rules read from the healthy and the messy scenario.

interface BuiltDatabase {
  url: string
  name: string
  roleName: string
  drop(): Promise<void>
}

async function buildDatabase(label: string, app: AppSpec, org: OrgSpec, logRows = 0): Promise<BuiltDatabase> {
  const db = await createTestDatabase(label)
  const roleName = `${db.name}_etl`
  const drop = async () => {
    await db.drop()
    await withClient(testServerUrl(), client => client.query(`DROP ROLE IF EXISTS ${quoteIdent(roleName)}`))
  }

  try {
    await buildAppDatabase(db.url, app, org, {logRows, roleName})
  } catch (error) {
    await drop()
    throw error
  }

  return {drop, name: db.name, roleName, url: db.url}
}

/** What the Connect API reports for the app's connection, as the collector receives it. */
function connectionFactsOf(app: AppSpec): ConnectionFacts {
  return {
    apiVersion: app.connection.apiVersion,
    features: {...app.connection.features},
    logDrain: app.connection.logDrain,
    mappings: app.connection.mappings.map(m => ({
      access: m.access, fields: m.fields, indexes: {}, maxDailyApiCalls: null, notify: null, object: m.object,
      pollingSeconds: null, state: m.state ?? 'DATA_SYNCED', stateDescription: null, table: m.object.toLowerCase(), upsertField: m.upsertField ?? null,
    })),
    name: app.connection.name,
    origin: 'api',
    schema: app.connection.schema,
    state: app.connection.state,
    validations: null,
  }
}

/** A Queryable that counts the statements it forwards. */
function counting(db: Queryable): {db: Queryable; count: () => number} {
  let statements = 0
  return {
    count: () => statements,
    db: {
      query<R extends object>(sql: string, params?: unknown[]) {
        statements++
        return db.query<R>(sql, params)
      },
    },
  }
}

// ---- a world of N custom objects, each with three fields ----

function customObject(n: number): SfObjectSpec {
  return {
    custom: true,
    fields: [
      {name: 'Id', type: 'id'},
      {length: 80, name: 'Name__c', type: 'string'},
      {name: 'Amount__c', type: 'currency'},
      {externalId: true, length: 36, name: 'Ext_Id__c', type: 'string', unique: true},
    ],
    name: `Obj${String(n).padStart(3, '0')}__c`,
  }
}

function customWorld(objects: number): {app: AppSpec; org: OrgSpec} {
  const specs = Array.from({length: objects}, (_, i) => customObject(i + 1))
  const org: OrgSpec = {
    dailyApiRequests: {max: 100_000, used: 0}, instanceName: 'CS1', integrationUserId: '005000000000001AAA', logins: [],
    objects: specs, organizationId: '00D000000000001AAA', permissionSets: [], profiles: [], users: [],
  }
  const app: AppSpec = {
    connection: {
      apiVersion: '62.0', dbKey: 'DATABASE_URL',
      features: {cdc_for_accelerated_polling: false, disable_bulk_writes: false, poll_db_no_merge: true, poll_external_ids: false, rest_count_only: false, ucs_basic_collation_index: true},
      id: `custom-${objects}`, logDrain: false,
      mappings: specs.map((object, i) => ({
        access: 'read_write' as const, fields: ['Name__c', 'Amount__c', 'Ext_Id__c'], object: object.name, rows: 3,
        // an External ID upsert field on every third mapping
        ...(i % 3 === 0 ? {upsertField: 'Ext_Id__c'} : {}),
      })),
      name: `custom-${objects}`, plan: 'enterprise', resourceName: `herokuconnect-custom-${objects}`, schema: 'salesforce', state: 'IDLE',
    },
    id: `app-${objects}`, name: `custom-${objects}`, region: 'us', userSql: [],
  }
  return {app, org}
}

async function collectCounting(url: string, app: AppSpec, withConnection: boolean): Promise<{facts: PostgresFacts; statements: number}> {
  return withClient(url, async client => {
    const counter = counting(client)
    const facts = await collectPostgres(counter.db, app.connection.schema, withConnection ? connectionFactsOf(app) : null)
    return {facts, statements: counter.count()}
  })
}

describe('collectPostgres round trips', function () {
  this.timeout(300_000)
  const small = customWorld(5)
  const large = customWorld(200)
  let smallDb: BuiltDatabase
  let largeDb: BuiltDatabase

  before(async () => {
    smallDb = await buildDatabase('collect_5', small.app, small.org, 300)
    largeDb = await buildDatabase('collect_200', large.app, large.org, 300)
  })

  after(async () => {
    await smallDb?.drop()
    await largeDb?.drop()
  })

  it('issues the same number of statements for 5 and for 200 mapped tables', async () => {
    const five = await collectCounting(smallDb.url, small.app, true)
    const twoHundred = await collectCounting(largeDb.url, large.app, true)

    // the facts really cover every table, so the equal counts are not the result of skipping some
    expect(twoHundred.facts.relations.filter(r => r.kind === 'r' && /^obj\d{3}__c$/.test(r.name))).to.have.length(200)
    expect(twoHundred.facts.uniqueIds).to.have.length(67)
    expect(twoHundred.facts.uniqueIds.every(u => u.exists && u.rows === 3 && u.nulls === 0)).to.equal(true)
    expect(five.facts.uniqueIds).to.have.length(2)
    expect(twoHundred.facts.triggerLog!.pending.reduce((sum, p) => sum + p.count, 0)).to.equal(300)

    expect(twoHundred.statements).to.equal(five.statements)
    // each scan under its own budget costs three: SAVEPOINT with its SET LOCALs, the scan, ROLLBACK TO SAVEPOINT;
    // one more reads the triggers and indexes the scaffold saved, one more Connect's runtime (hstore, get_xmlbinary, search_path)
    expect(five.statements).to.be.at.most(20)
  })

  it('issues the same number of statements without a connection, finding the mapped tables in the catalog', async () => {
    const five = await collectCounting(smallDb.url, small.app, false)
    const twoHundred = await collectCounting(largeDb.url, large.app, false)
    expect(twoHundred.statements).to.equal(five.statements)
    expect(twoHundred.facts.idLikeColumns).to.deep.equal([])
    expect(twoHundred.facts.lastopFailed).to.deep.equal([])
  })
})

// ---- read-only ----

/** Everything a write could change: catalog rows, data of every user table, sequence positions. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  return withClient(url, async client => {
    const prints: Record<string, string> = {}
    const catalog = {
      attributes: 'SELECT attrelid, attname, atttypid, attnum, attnotnull, attisdropped FROM pg_attribute WHERE attrelid >= 16384',
      classes: 'SELECT oid, relname, relnamespace, relkind, relfilenode FROM pg_class WHERE oid >= 16384',
      constraints: 'SELECT oid, conname, contype, conrelid FROM pg_constraint WHERE oid >= 16384',
      defaults: 'SELECT oid, adrelid, adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef',
      functions: 'SELECT oid, proname, pronamespace, md5(prosrc) FROM pg_proc WHERE oid >= 16384',
      roleSettings: 'SELECT setdatabase, setrole, setconfig FROM pg_db_role_setting',
      triggers: 'SELECT oid, tgname, tgrelid, tgenabled FROM pg_trigger WHERE NOT tgisinternal',
    }
    for (const [name, sql] of Object.entries(catalog)) {
      const {rows} = await client.query<{print: string}>(`SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS print FROM (${sql}) t`)
      prints[`catalog ${name}`] = rows[0].print
    }

    const {rows: relations} = await client.query<{kind: string; name: string; schema: string}>(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
    )
    for (const r of relations) {
      const sql = r.kind === 'S'
        ? `SELECT last_value || '/' || is_called AS print FROM ${qualified(r.schema, r.name)}`
        : `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS print FROM ${qualified(r.schema, r.name)} t`
      prints[`${r.schema}.${r.name}`] = (await client.query<{print: string}>(sql)).rows[0].print
    }

    return prints
  })
}

describe('collectPostgres in the audit\'s read-only transaction', function () {
  this.timeout(180_000)
  const scenario = loadScenario('messy')
  const app = scenario.apps[0]
  let db: BuiltDatabase

  before(async () => {
    db = await buildDatabase('collect_readonly', app, scenario.org, scenario.logRows)
  })

  after(async () => {
    await db?.drop()
  })

  it('reads everything inside one READ ONLY, REPEATABLE READ transaction and writes nothing', async () => {
    const before = await fingerprint(db.url)
    const session = await connectPostgres(db.url)
    try {
      const result = await session.readOnly(async tx => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
        const counter = counting(tx)
        const facts = await collectPostgres(counter.db, app.connection.schema, connectionFactsOf(app))
        const {rows} = await tx.query<{isolation: string; readOnly: string; xid: null | string}>(
          `SELECT current_setting('transaction_read_only') AS "readOnly", current_setting('transaction_isolation') AS isolation,
                  txid_current_if_assigned()::text AS xid`,
        )
        return {facts, statements: counter.count(), transaction: rows[0]}
      })

      expect(result.facts.triggerLog).to.not.equal(null)
      expect(result.transaction.readOnly).to.equal('on')
      expect(result.transaction.isolation).to.equal('repeatable read')
      // any write, even to a temporary table, gives the transaction an id
      expect(result.transaction.xid).to.equal(null)
    } finally {
      await session.close()
    }

    expect(await fingerprint(db.url)).to.deep.equal(before)
  })

  it('refuses a write attempted in the same transaction with SQLSTATE 25006', async () => {
    const session = await connectPostgres(db.url)
    let collected: null | PostgresFacts = null
    try {
      const outcome = await session.readOnly(async tx => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
        collected = await collectPostgres(tx, app.connection.schema, connectionFactsOf(app))
        await tx.query(`UPDATE ${qualified(app.connection.schema, '_trigger_log')} SET state = 'SUCCESS' WHERE id = 1`)
      }).then(() => null, (error: unknown) => error as {code?: string})

      expect(collected).to.not.equal(null)
      expect(outcome?.code).to.equal('25006')
    } finally {
      await session.close()
    }

    const {rows} = await withClient(db.url, client => client.query<{state: string}>(`SELECT state FROM ${qualified(app.connection.schema, '_trigger_log')} WHERE id = 1`))
    expect(rows[0].state).to.equal('NEW')
  })
})

// ---- runs ----

type LogRow = [id: number, state: string, table: string, action: string]

async function replaceLog(client: pg.Client, schema: string, rows: LogRow[]): Promise<void> {
  const log = qualified(schema, '_trigger_log')
  await client.query(`TRUNCATE ${log}`)
  // insertion order differs from id order, so the heap's order cannot stand in for capture order
  const shuffled = [...rows].sort((a, b) => ((a[0] * 7919) % 104_729) - ((b[0] * 7919) % 104_729))
  for (let i = 0; i < shuffled.length; i += 1000) {
    const chunk = shuffled.slice(i, i + 1000)
    await client.query(
      `INSERT INTO ${log} (id, state, table_name, action, created_at)
       SELECT * , now() FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])`,
      [chunk.map(r => r[0]), chunk.map(r => r[1]), chunk.map(r => r[2]), chunk.map(r => r[3])],
    )
  }

  await client.query(`ANALYZE ${log}`)
}

/** The runs by definition: NEW and PENDING rows in id order, cut where table or action changes. */
function expectedRuns(rows: LogRow[]): LogRunFacts[] {
  const runs: LogRunFacts[] = []
  for (const [, state, table, action] of [...rows].sort((a, b) => a[0] - b[0])) {
    if (state !== 'NEW' && state !== 'PENDING') continue
    const last = runs.at(-1)
    if (last && last.table === table && last.action === action) last.count++
    else runs.push({action, count: 1, table})
  }

  return runs
}

async function groupByPending(client: pg.Client, schema: string): Promise<LogRunFacts[]> {
  const {rows} = await client.query<{action: string; count: number; table: string}>(
    `SELECT table_name AS table, action, count(*)::int AS count FROM ${qualified(schema, '_trigger_log')}
      WHERE state IN ('NEW', 'PENDING') GROUP BY 1, 2`,
  )
  return rows.map(r => ({action: r.action, count: r.count, table: r.table}))
    .sort((a, b) => a.table.localeCompare(b.table) || a.action.localeCompare(b.action))
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D_2B_79_F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** `size` log rows: runs of 1 to 40 rows of one table and action, every state sprinkled in, gaps in the ids. */
function randomLog(size: number, seed: number): LogRow[] {
  const next = random(seed)
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]
  const states = ['NEW', 'NEW', 'NEW', 'PENDING', 'PENDING', 'SUCCESS', 'FAILED', 'READONLY', 'IGNORE', 'MERGED']
  const tables = ['contact', 'account', 'lead', 'we"ird; table']
  const rows: LogRow[] = []
  let id = 0
  while (rows.length < size) {
    const [table, action, length] = [pick(tables), pick(['INSERT', 'UPDATE', 'DELETE']), 1 + Math.floor(next() * next() * 40)]
    for (let i = 0; i < length; i++) {
      id += 1 + Math.floor(next() * 3)
      rows.push([id, pick(states), table, action])
    }
  }

  return rows
}

describe('readRuns', function () {
  this.timeout(120_000)
  const scenario = loadScenario('healthy')
  const app = scenario.apps[0]
  const schema = app.connection.schema
  let db: BuiltDatabase
  let client: pg.Client

  before(async () => {
    db = await buildDatabase('collect_runs', app, scenario.org)
    client = new pg.Client({connectionString: db.url})
    await client.connect()
  })

  after(async () => {
    await client?.end()
    await db?.drop()
  })

  it('finds no runs in an empty log', async () => {
    await replaceLog(client, schema, [])
    expect(await readRuns(client, schema)).to.deep.equal([])
  })

  it('reports a single pending row as one run of one', async () => {
    await replaceLog(client, schema, [[41, 'PENDING', 'contact', 'UPDATE']])
    expect(await readRuns(client, schema)).to.deep.equal([{action: 'UPDATE', count: 1, table: 'contact'}])
  })

  it('returns contiguous runs in id order, merging NEW and PENDING and skipping every other state', async () => {
    const rows: LogRow[] = [
      [1, 'NEW', 'contact', 'INSERT'],
      [2, 'PENDING', 'contact', 'INSERT'],
      [3, 'SUCCESS', 'account', 'UPDATE'], // processed rows do not cut a run
      [4, 'NEW', 'contact', 'INSERT'],
      [5, 'NEW', 'contact', 'UPDATE'],
      [6, 'FAILED', 'contact', 'UPDATE'],
      [7, 'PENDING', 'contact', 'UPDATE'],
      [8, 'NEW', 'account', 'UPDATE'],
      [9, 'READONLY', 'account', 'INSERT'],
      [10, 'PENDING', 'account', 'UPDATE'],
      [11, 'NEW', 'account', 'UPDATE'],
      [12, 'IGNORE', 'contact', 'DELETE'],
      [13, 'NEW', 'contact', 'DELETE'],
      [14, 'PENDING', 'account', 'INSERT'],
      [15, 'NEW', 'contact', 'DELETE'],
      [16, 'SUCCESS', 'contact', 'DELETE'],
      [17, 'MERGED', 'contact', 'DELETE'],
      [20, 'NEW', 'contact', 'DELETE'],
    ]
    await replaceLog(client, schema, rows)

    const runs = await readRuns(client, schema)
    expect(runs).to.deep.equal([
      {action: 'INSERT', count: 3, table: 'contact'},
      {action: 'UPDATE', count: 2, table: 'contact'},
      {action: 'UPDATE', count: 3, table: 'account'},
      {action: 'DELETE', count: 1, table: 'contact'},
      {action: 'INSERT', count: 1, table: 'account'},
      {action: 'DELETE', count: 2, table: 'contact'},
    ])
    expect(pendingFromRuns(runs)).to.deep.equal(await groupByPending(client, schema))
  })

  it('matches the definition of a run on 20,000 interleaved rows of every state', async () => {
    const rows = randomLog(20_000, 20_240_611)
    await replaceLog(client, schema, rows)
    const runs = await readRuns(client, schema)
    expect(runs).to.deep.equal(expectedRuns(rows))
    expect(pendingFromRuns(runs)).to.deep.equal(await groupByPending(client, schema))
  })

  // On a log that is mostly pending, a parallel scan and sort beats reading the heap in index order
  // (bench/audit-postgres.ts); on one that is mostly processed, only the pending rows may be read.
  it('reads only the pending rows, through Connect\'s indexes, when most of the log is processed', async () => {
    const log = qualified(schema, '_trigger_log')
    await client.query(`TRUNCATE ${log}`)
    await client.query(
      `INSERT INTO ${log} (id, state, table_name, action)
       SELECT g, CASE WHEN g % 100 = 0 THEN 'NEW' WHEN g % 250 = 1 THEN 'PENDING' ELSE 'SUCCESS' END, 'contact', 'UPDATE'
         FROM generate_series(1, 200000) g`,
    )
    await client.query(`ANALYZE ${log}`)
    const {rows} = await client.query<{'QUERY PLAN': string}>(`EXPLAIN ${runsQuery(schema)}`)
    const plan = rows.map(r => r['QUERY PLAN']).join('\n')
    expect(plan).to.not.match(/Seq Scan/)
    expect(plan).to.match(/Index (Only )?Scan|Bitmap Index Scan/)
    expect(await readRuns(client, schema)).to.deep.equal([{action: 'UPDATE', count: 2800, table: 'contact'}])
  })
})

// ---- the scenarios ----

const hoursAgo = (iso: null | string) => (Date.now() - new Date(iso ?? 0).getTime()) / 3_600_000

describe('collectPostgres on the messy scenario', function () {
  this.timeout(180_000)
  const scenario = loadScenario('messy')
  const [app, legacy] = scenario.apps
  let db: BuiltDatabase
  let legacyDb: BuiltDatabase
  let facts: PostgresFacts

  before(async () => {
    db = await buildDatabase('collect_messy', app, scenario.org, scenario.logRows)
    legacyDb = await buildDatabase('collect_legacy', legacy, scenario.org)
    facts = await withClient(db.url, client => collectPostgres(client, app.connection.schema, connectionFactsOf(app)))
  })

  after(async () => {
    await db?.drop()
    await legacyDb?.drop()
  })

  it('finds the foreign keys that point at contact.id', () => {
    const keys = facts.foreignKeys.map(k => `${k.fromSchema}.${k.fromTable}(${k.fromColumns.join()}) -> ${k.toSchema}.${k.toTable}(${k.toColumns.join()})`)
    expect(keys).to.have.members([
      'public.orders(contact_id) -> salesforce.contact(id)',
      'salesforce.contact_notes(contact_id) -> salesforce.contact(id)',
    ])
  })

  it('finds the view outside the schema that reads contact.id, and the integer columns named after mapped tables', () => {
    expect(facts.idDependents).to.deep.equal([{kind: 'view', name: 'order_report', schema: 'public', table: 'contact'}])
    expect(facts.idLikeColumns).to.deep.equal([
      {column: 'account_id', mappedTable: 'account', schema: 'public', table: 'orders', type: 'integer'},
      {column: 'contact_id', mappedTable: 'contact', schema: 'public', table: 'orders', type: 'integer'},
    ])
  })

  it('finds the role whose sessions set xmlbinary to hex in this database', () => {
    expect(facts.xmlbinary.database).to.equal(null)
    expect(facts.xmlbinary.roles).to.deep.include({database: db.name, role: db.roleName, value: 'hex'})
  })

  it('reports the FAILED contacts with their _hc_err, and the failed lead writes with their sf_message', () => {
    expect(facts.lastopFailed).to.deep.equal([{
      count: 3,
      samples: ['{"op":"UPDATE","src":"SF","msg":"FIELD_CUSTOM_VALIDATION_EXCEPTION: Email domain is blocked"}'],
      table: 'contact',
    }])
    expect(facts.triggerLog!.failed).to.deep.equal([{count: 12, samples: ['REQUIRED_FIELD_MISSING: Required fields are missing: [Company]'], table: 'lead'}])
  })

  it('dates the oldest archived row about 45 days back and the oldest pending one about 3 days back', () => {
    const log = facts.triggerLog!
    expect(hoursAgo(log.archiveOldestAt) / 24).to.be.closeTo(45, 0.1)
    expect(hoursAgo(log.oldestPendingAt) / 24).to.be.closeTo(3, 0.1)
    expect(log.archiveRows).to.be.closeTo(38_012, 100)
  })

  it('counts the pending backlog exactly, per table and action', async () => {
    const grouped = await withClient(db.url, client => groupByPending(client, app.connection.schema))
    expect(facts.triggerLog!.pending).to.deep.equal(grouped)
    expect(grouped.reduce((sum, g) => sum + g.count, 0)).to.be.at.least(scenario.logRows)
  })

  it('reports the unique identifiers: nulls on account, a sequence default on contact, Connect\'s id on opportunity', () => {
    const ids = Object.fromEntries(facts.uniqueIds.map(u => [u.table, u]))
    expect(Object.keys(ids)).to.have.members(['account', 'contact', 'opportunity'])
    expect(ids.account).to.include({column: 'external_id__c', duplicates: 0, exists: true, nulls: 24, rows: 600})
    expect(ids.contact).to.include({column: 'external_id__c', exists: true, nulls: 0})
    expect(ids.contact.default).to.match(/nextval\('contact_external_seq'::regclass\)/)
    expect(ids.opportunity.default).to.match(/currval\(.*opportunity.*'id'/)
  })

  it('lists the app\'s own objects inside the Connect schema', () => {
    const names = facts.relations.map(r => `${r.kind}:${r.name}`)
    expect(names).to.include.members(['r:contact_notes', 'v:active_contacts', 'S:invoice_number_seq'])
    expect(facts.functions.map(f => f.name)).to.include.members(['stamp_contact_note', 'contact_touched'])
    const contact = facts.relations.find(r => r.name === 'contact')!
    expect(contact.triggers.map(t => t.name)).to.include('contact_touched')
    expect(contact.indexes.map(i => i.name)).to.include('contact_lower_email')
  })

  it('still collects from a damaged Connect schema: dropped _hcmeta, _trigger_log missing a column', async () => {
    const damaged = await withClient(legacyDb.url, client => collectPostgres(client, legacy.connection.schema, connectionFactsOf(legacy)))
    expect(damaged.schemaExists).to.equal(true)
    expect(damaged.systemTables._hcmeta).to.equal(null)
    expect(damaged.systemTables._trigger_log!.map(c => c.name)).to.not.include('sf_result')
    expect(damaged.triggerLog).to.include({archiveOldestAt: null, oldestPendingAt: null})
  })

  it('reports a schema that does not exist instead of failing', async () => {
    const missing = await withClient(db.url, client => collectPostgres(client, 'no_such_schema', null))
    expect(missing).to.include({schemaExists: false, triggerLog: null})
    expect(missing.relations).to.deep.equal([])
  })
})

describe('collectPostgres on the healthy scenario', function () {
  this.timeout(180_000)
  const scenario = loadScenario('healthy')
  const app = scenario.apps[0]
  let db: BuiltDatabase
  let facts: PostgresFacts

  before(async () => {
    db = await buildDatabase('collect_healthy', app, scenario.org, scenario.logRows)
    facts = await withClient(db.url, client => collectPostgres(client, app.connection.schema, connectionFactsOf(app)))
  })

  after(async () => {
    await db?.drop()
  })

  it('finds no foreign keys, no id dependents, no id-like columns and no xmlbinary override', () => {
    expect(facts.foreignKeys).to.deep.equal([])
    expect(facts.idDependents).to.deep.equal([])
    expect(facts.idLikeColumns).to.deep.equal([])
    expect(facts.xmlbinary).to.deep.equal({database: null, roles: []})
  })

  it('finds no failed writes, an empty archive and an empty backlog', () => {
    expect(facts.lastopFailed).to.deep.equal([])
    expect(facts.triggerLog).to.deep.equal({archiveOldestAt: null, archiveRows: 0, failed: [], oldestPendingAt: null, pending: [], runs: []})
  })

  it('finds complete unique identifiers that default to a random UUID', () => {
    expect(facts.uniqueIds.map(u => u.table)).to.deep.equal(['account', 'contact'])
    for (const ids of facts.uniqueIds) {
      expect(ids).to.include({duplicates: 0, exists: true, nulls: 0})
      expect(ids.default).to.match(/gen_random_uuid\(\)/)
    }
  })

  it('finds only Connect\'s objects in the Connect schema', () => {
    expect(facts.relations.filter(r => r.kind === 'v' || r.kind === 'm')).to.deep.equal([])
    expect(facts.functions.map(f => f.name).filter(name => !/^hc_|^tlog_notify_trigger$/.test(name))).to.deep.equal([])
  })
})

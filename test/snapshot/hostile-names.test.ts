import {expect} from 'chai'
import pg from 'pg'

import {RULES} from '../../src/rules/index.js'
import {runRules} from '../../src/rules/runner.js'
import type {AppSpec, OrgSpec, SfObjectSpec} from '../../src/sandbox/model.js'
import {buildAppDatabase} from '../../src/sandbox/postgres/build.js'
import {truncateIdentifier} from '../../src/sandbox/postgres/names.js'
import {quoteIdent, quoteLiteral} from '../../src/sql.js'
import {collectPostgres} from '../../src/snapshot/postgres/collect.js'
import type {Finding} from '../../src/rules/types.js'
import type {ConnectionFacts, PostgresFacts, Snapshot} from '../../src/snapshot/types.js'
import {sqlStatements} from '../helpers/fix-sql.js'
import {createTestDatabase, testServerUrl, withClient} from '../helpers/postgres.js'

// A Connect database whose schema is not `salesforce` and whose every name is hostile: quotes,
// semicolons, comment markers, unicode, names at and past Postgres's 63-byte limit. The collector
// must read it exactly, never fail, and never let a name reach the SQL text unquoted. The rules
// must then recognise every object Connect made, however its name was cut, report only the app's
// own objects, and print fixes that are safe to paste: every SQL statement in every fix is run
// against this database inside a transaction that is rolled back, and must parse, find the names
// it uses and change nothing but its own finding's object. Injected text would land on `x`, on
// Connect's tables or on the app's: all of them are checked, not a decoy nothing can reach.

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** `prefix` padded with two-byte characters (and one `x` if needed) to exactly 63 bytes. */
function exactly63(prefix: string): string {
  let name = prefix
  while (bytes(name) <= 61) name += 'é'
  if (bytes(name) === 62) name += 'x'
  return name
}

const SCHEMAS = ['crm sync"; DROP TABLE x;--', exactly63('Ünïcødé schéma ')]

// Salesforce objects and fields with names no real org allows, each one a trap for SQL built by hand
const QUOTED = 'Weird"Quote;--__c'
const LONG = 'Ōbjęct_ŵith_ā_vęry_łong_ūnicode_nāme_thāt_goes_pāst_the_limit__c'
const EXACT = exactly63('Exāct_')
const INJECT = "x'); DROP TABLE x;--__c"
const LONG_FIELD = 'Ünïcødé_fïeld_nāme_thāt_is_fār_longer_thān_sixty_three_bytes__c'
const LONG_UPSERT = 'Ēxternāl_īdentifier_with_ā_long_ūnicode_nāme_for_the_upsert__c'

const table = (object: string) => truncateIdentifier(object.toLowerCase())

function hostileOrg(): OrgSpec {
  const object = (name: string, fields: SfObjectSpec['fields']): SfObjectSpec => ({custom: true, fields: [{name: 'Id', type: 'id'}, ...fields], name})
  return {
    dailyApiRequests: {max: 100_000, used: 0}, instanceName: 'CS1', integrationUserId: '005000000000001AAA', logins: [],
    objects: [
      object(QUOTED, [
        {length: 80, name: 'Na"me;__c', type: 'string'},
        {name: 'Amount__c', type: 'currency'},
        {externalId: true, length: 36, name: "Ext'Id__c", type: 'string', unique: true},
        {length: 80, name: LONG_FIELD, type: 'string'},
      ]),
      object(LONG, [
        {length: 80, name: 'Name', type: 'string'},
        {externalId: true, length: 36, name: LONG_UPSERT, type: 'string', unique: true},
      ]),
      object(EXACT, [{length: 80, name: 'Name', type: 'string'}, {name: 'Done__c', type: 'boolean'}]),
      object(INJECT, [{length: 80, name: "Robert'); DROP TABLE x;--", type: 'string'}]),
    ],
    organizationId: '00D000000000001AAA', permissionSets: [], profiles: [], users: [],
  }
}

/** The app: four hostile mappings, plus the app's own objects (in and next to the Connect schema) that the audit must find. */
function hostileApp(schema: string): AppSpec {
  const t = (object: string) => `{{schema}}.${quoteIdent(table(object))}`
  const idColumn = quoteIdent(truncateIdentifier(`${table(QUOTED)}_id`))
  return {
    connection: {
      apiVersion: '62.0', dbKey: 'DATABASE_URL',
      features: {cdc_for_accelerated_polling: false, disable_bulk_writes: false, poll_db_no_merge: true, poll_external_ids: false, rest_count_only: false, ucs_basic_collation_index: true},
      id: 'hostile', logDrain: false,
      mappings: [
        {access: 'read_write', fields: ['Na"me;__c', 'Amount__c', LONG_FIELD], indexedFields: ['Amount__c'], object: QUOTED, rows: 40, upsertField: "Ext'Id__c"},
        {access: 'read_write', fields: ['Name'], object: LONG, rows: 30, upsertField: LONG_UPSERT},
        {access: 'read_write', fields: ['Name', 'Done__c'], indexedFields: ['Name'], object: EXACT, rows: 20},
        {access: 'read_only', fields: ["Robert'); DROP TABLE x;--"], object: INJECT, rows: 10},
      ],
      name: 'hostile', plan: 'enterprise', resourceName: 'herokuconnect-hostile', schema, state: 'IDLE',
    },
    id: 'hostile-app', name: 'hostile-app', region: 'us',
    userSql: [
      // the app's own objects inside the Connect schema: the only things HC020 may report
      'CREATE TABLE {{schema}}."my notes; --" (note text)',
      `CREATE VIEW {{schema}}."report; view" AS SELECT sfid FROM ${t(QUOTED)}`,
      // the app's own objects outside it, keyed by Connect's id
      `CREATE TABLE public."orders ""quoted""" (order_id integer PRIMARY KEY, ${idColumn} integer REFERENCES ${t(QUOTED)} (id))`,
      `CREATE VIEW public."id report" AS SELECT id FROM ${t(LONG)}`,
      // what Connect leaves after rejected writes, with quotes in the messages
      "SET xmlbinary = 'hex'",
      `UPDATE ${t(QUOTED)} SET _hc_lastop = 'FAILED', _hc_err = '{"msg":"it''s \\"bad\\"; DROP TABLE x;--"}' WHERE id IN (3, 5)`,
      `UPDATE ${t(EXACT)} SET _hc_lastop = 'FAILED', _hc_err = NULL WHERE id = 1`,
      `INSERT INTO {{schema}}._trigger_log_archive (id, txid, created_at, state, action, table_name, record_id, sf_message)
         VALUES (900000001, 1, now() - interval '1 hour', 'FAILED', 'INSERT', ${quoteLiteral(table(LONG))}, 7, 'FIELD_INTEGRITY: it''s "quoted"; --')`,
      'RESET xmlbinary',
    ],
  }
}

function connectionFactsOf(app: AppSpec): ConnectionFacts {
  return {
    apiVersion: app.connection.apiVersion, features: {...app.connection.features}, logDrain: false,
    mappings: app.connection.mappings.map(m => ({
      access: m.access, fields: m.fields, indexes: {}, maxDailyApiCalls: null, notify: null, object: m.object,
      pollingSeconds: null, state: 'DATA_SYNCED', stateDescription: null, table: m.object.toLowerCase(), upsertField: m.upsertField ?? null,
    })),
    name: app.connection.name, origin: 'api', schema: app.connection.schema, state: app.connection.state, validations: null,
  }
}

const LOG_ROWS = 10_000

for (const schema of SCHEMAS) {
  describe(`collectPostgres and the rules on a Connect schema named ${JSON.stringify(schema)} (${bytes(schema)} bytes)`, function () {
    this.timeout(180_000)
    const app = hostileApp(schema)
    const connection = connectionFactsOf(app)
    let url: string
    let drop: () => Promise<void>
    let facts: PostgresFacts

    before(async () => {
      const db = await createTestDatabase('hostile')
      const roleName = `${db.name}_etl`
      drop = async () => {
        await db.drop()
        await withClient(testServerUrl(), client => client.query(`DROP ROLE IF EXISTS ${quoteIdent(roleName)}`))
      }

      url = db.url
      await withClient(url, client => client.query('CREATE TABLE public.x (survives boolean)'))
      await buildAppDatabase(url, app, hostileOrg(), {logRows: LOG_ROWS, roleName})
      facts = await withClient(url, client => collectPostgres(client, schema, connection))
    })

    after(async () => {
      await drop?.()
    })

    it('finds the schema, Connect\'s four tables and every mapped table under the name Postgres gave it', () => {
      expect(facts.schema).to.equal(schema)
      expect(facts.schemaExists).to.equal(true)
      for (const name of ['_trigger_log', '_trigger_log_archive', '_hcmeta', '_sf_event_log']) expect(facts.systemTables[name], name).to.not.equal(null)
      const tables = facts.relations.filter(r => r.kind === 'r').map(r => r.name)
      expect(tables).to.include.members([QUOTED, LONG, EXACT, INJECT].map(object => table(object)))
      expect(table(LONG)).to.not.equal(LONG.toLowerCase()) // really cut at 63 bytes
      expect(bytes(table(EXACT))).to.equal(63)
    })

    it('reads the unique identifiers, including one whose table and column names were cut at 63 bytes', () => {
      const quoted = facts.uniqueIds.find(u => u.table === QUOTED.toLowerCase())
      const long = facts.uniqueIds.find(u => u.table === LONG.toLowerCase())
      expect(quoted).to.include({column: "ext'id__c", duplicates: 0, exists: true, nulls: 0, rows: 40})
      expect(long).to.include({column: LONG_UPSERT.toLowerCase(), duplicates: 0, exists: true, nulls: 0, rows: 30})
    })

    it('reports the failed rows and messages, quotes and all', () => {
      expect(facts.lastopFailed).to.have.deep.members([
        {count: 2, samples: ['{"msg":"it\'s \\"bad\\"; DROP TABLE x;--"}'], table: QUOTED.toLowerCase()},
        {count: 1, samples: ['(no detail)'], table: EXACT.toLowerCase()},
      ])
      expect(facts.triggerLog!.failed).to.deep.equal([{count: 1, samples: ['FIELD_INTEGRITY: it\'s "quoted"; --'], table: table(LONG)}])
    })

    it('without the connection, finds the mapped tables from the catalog, 63-byte names included', async () => {
      const fromCatalog = await withClient(url, client => collectPostgres(client, schema, null))
      expect(fromCatalog.lastopFailed.map(f => f.table)).to.have.members([table(QUOTED), table(EXACT)])
      expect(fromCatalog.idLikeColumns.map(c => c.mappedTable)).to.deep.equal([table(QUOTED)])
      expect(fromCatalog.triggerLog!.runs).to.deep.equal(facts.triggerLog!.runs)
    })

    it('reports the pending log by the names the triggers logged', async () => {
      const pending = facts.triggerLog!.pending
      expect(pending.reduce((sum, p) => sum + p.count, 0)).to.equal(LOG_ROWS)
      expect(pending.map(p => p.table)).to.include.members([table(QUOTED), table(LONG), table(EXACT)])
      const runs = facts.triggerLog!.runs
      expect(runs.reduce((sum, r) => sum + r.count, 0)).to.equal(LOG_ROWS)
    })

    it('finds the foreign key, the view and the integer column that depend on Connect\'s id', () => {
      expect(facts.foreignKeys.map(k => [k.fromSchema, k.fromTable, k.toSchema, k.toTable, k.toColumns])).to.deep.equal([
        ['public', 'orders "quoted"', schema, table(QUOTED), ['id']],
      ])
      expect(facts.idDependents).to.deep.equal([{kind: 'view', name: 'id report', schema: 'public', table: table(LONG)}])
      expect(facts.idLikeColumns.map(c => `${c.table}.${c.column} -> ${c.mappedTable}`)).to.deep.equal([
        `orders "quoted".${truncateIdentifier(`${table(QUOTED)}_id`)} -> ${QUOTED.toLowerCase()}`,
      ])
    })

    it('ran nothing it was not meant to: the decoy table x is still there', async () => {
      const {rows} = await withClient(url, client => client.query<{x: null | string}>("SELECT to_regclass('public.x')::text AS x"))
      expect(rows[0].x).to.equal('x')
    })

    describe('every rule over these facts', () => {
      let findings: ReturnType<typeof runRules>['findings']

      before(() => {
        const snapshot: Snapshot = {
          app: 'hostile-app', collectedAt: new Date().toISOString(), connection, postgres: facts, salesforce: null,
          sources: {connect: {ok: true}, postgres: {ok: true}, salesforce: {ok: false, provide: 'pass --target-org', reason: 'no Salesforce credentials'}},
        }
        findings = runRules([...RULES], snapshot).findings
      })

      it('runs without throwing and leaves the decoy table alone', async () => {
        expect(findings).to.be.an('array')
        const {rows} = await withClient(url, client => client.query<{x: null | string}>("SELECT to_regclass('public.x')::text AS x"))
        expect(rows[0].x).to.equal('x')
      })

      it('HC020 reports the app\'s own table and view in the Connect schema, and none of Connect\'s objects', () => {
        const hc020 = findings.filter(f => f.rule === 'HC020')
        expect(hc020.map(f => f.table).sort()).to.deep.equal([`${schema}.my notes; --`, `${schema}.report; view`])
      })

      it('prints fixes whose every SQL statement parses, finds its names and changes only its own object', async function () {
        this.timeout(120_000)
        const results = await withClient(url, client => runFixes(client, schema, findings))
        const failed = results.filter(r => r.error && !ACCEPTABLE_ERRORS.has(r.error.code))
        expect(failed.map(r => `${r.rule}: ${r.error!.code} ${r.error!.message} in ${r.sql}`)).to.deep.equal([])
        const strays = results.filter(r => r.dropped.length > 0 || r.touched.some(t => !r.allowed.has(t)))
        expect(strays.map(r => `${r.rule} touched ${r.touched.join(', ')} dropped ${r.dropped.join(', ')}: ${r.sql}`)).to.deep.equal([])
        // not vacuous: the moves, the constraint drops and the retries of failed rows all ran
        const ran = new Set(results.filter(r => !r.error).map(r => r.rule))
        expect([...ran].sort()).to.include.members(['HC020', 'HC040', 'HC070'])
        const {rows} = await withClient(url, client => client.query<{x: null | string}>("SELECT to_regclass('public.x')::text AS x"))
        expect(rows[0].x).to.equal('x')
      })

      it('HC075 finds Connect\'s tables and the triggers of every mapped table, whatever their names', () => {
        expect(findings.filter(f => f.rule === 'HC075').map(f => f.message)).to.deep.equal([])
      })
    })
  })
}

/** Errors a correct fix may meet here (the object already exists, a duplicate blocks a unique index); never a syntax or name error. */
const ACCEPTABLE_ERRORS = new Set(['42P07', '42710', '23505'])

interface FixRun {
  rule: string
  sql: string
  error: null | {code: string; message: string}
  /** tables (by name) whose catalog rows or data the statement changed; indexes, sequences and toast count as their table */
  touched: string[]
  dropped: string[]
  allowed: Set<string>
}

/** Runs the statements of each fix in order, in one transaction per fix that is rolled back, each in its own savepoint. */
async function runFixes(client: pg.Client, schema: string, findings: Finding[]): Promise<FixRun[]> {
  const out: FixRun[] = []
  for (const finding of findings) {
    const own = finding.table?.startsWith(`${schema}.`) ? finding.table.slice(schema.length + 1) : finding.table?.split('.').slice(1).join('.')
    // Connect's capture functions queue the retried rows in _trigger_log
    const allowed = new Set([own, ...(finding.rule === 'HC070' ? ['_trigger_log'] : [])].filter((t): t is string => Boolean(t)))
    const statements = sqlStatements(finding.fix)
    if (statements.length === 0) continue
    await client.query('BEGIN')
    try {
      const before = await relationOids(client)
      for (const sql of statements) {
        await client.query('SAVEPOINT fix')
        let error: FixRun['error'] = null
        try {
          await client.query(sql)
        } catch (error_) {
          const e = error_ as {code: string; message: string}
          error = {code: e.code, message: e.message}
          await client.query('ROLLBACK TO SAVEPOINT fix')
        }

        const touched = await touchedTables(client)
        const after = new Set(await relationOids(client))
        out.push({allowed, dropped: before.filter(oid => !after.has(oid)), error, rule: finding.rule, sql, touched})
      }
    } finally {
      await client.query('ROLLBACK')
    }
  }

  return out
}

async function relationOids(client: pg.Client): Promise<string[]> {
  const {rows} = await client.query<{oid: string}>("SELECT oid::text FROM pg_class WHERE relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname LIKE 'pg\\_%' OR nspname = 'information_schema')")
  return rows.map(r => r.oid)
}

/** Tables whose pg_class, pg_attribute or pg_attrdef rows this transaction wrote, or whose rows it changed. */
async function touchedTables(client: pg.Client): Promise<string[]> {
  const {rows} = await client.query<{name: string}>(`
    WITH me AS (SELECT (txid_current() % 4294967296)::text AS xid),
    rels AS (
      SELECT c.oid AS rel FROM pg_class c, me WHERE c.xmin::text = me.xid
      UNION SELECT a.attrelid FROM pg_attribute a, me WHERE a.xmin::text = me.xid
      UNION SELECT d.adrelid FROM pg_attrdef d, me WHERE d.xmin::text = me.xid
      UNION SELECT relid FROM pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0)
    SELECT DISTINCT coalesce(
             (SELECT t.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = c.oid),
             (SELECT t.relname FROM pg_class t WHERE t.reltoastrelid = c.oid),
             (SELECT t.relname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1),
             c.relname) AS name
      FROM rels JOIN pg_class c ON c.oid = rels.rel
     WHERE c.relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname = 'pg_toast')
     ORDER BY 1`)
  return rows.map(r => r.name)
}

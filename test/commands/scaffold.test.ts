import {expect} from 'chai'
import {access, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import {queryRows as query, testServerUrl} from '../helpers/postgres.js'
import {type AuditJson, exportConnectConfig, parseJson, runAudit, runCli, runInTerminal, tempDir} from './helpers.js'

// `heroku connect:schema:scaffold` end to end on the messy sandbox, in two identical worlds: one
// applies the plan with --confirm, the other writes it with --out and runs the file with pg. Both
// start with a hostile table name in the Connect schema and use a hostile helper schema name, and
// a second role (hostile name too) that reads the Connect schema and has default SELECT on it.

const HELPER = 'app "helper"; --'
const HOSTILE_TABLE = 'notes"; DROP TABLE salesforce.contact; --'
/** a second role that reads the Connect schema, with default SELECT on its future tables; roles are per server, so unique per run */
const READER = `reader "${process.pid}"; --`
const ARGS = ['--app', 'acme-crm', '--move', '--formulas', '--materialize', '--helper-schema', HELPER]
const qi = (name: string) => `"${name.replaceAll('"', '""')}"`

/** What the scaffold leaves in the database, minus what only differs by oid or time. */
async function outcome(url: string): Promise<unknown> {
  return {
    functions: await query(url, `SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS args FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ($1, 'salesforce') ORDER BY 1, 2`, [HELPER]),
    relations: await query(url, `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ($1, 'salesforce') AND c.relkind IN ('r', 'v', 'm', 'S') ORDER BY 1, 2`, [HELPER]),
    acl: await query(url, `SELECT c.relname, c.relacl::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`, [HELPER]),
    defaultAcl: await query(url, `SELECT pg_get_userbyid(d.defaclrole) AS owner, d.defaclobjtype, d.defaclacl::text FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace WHERE n.nspname = $1 ORDER BY 1, 2`, [HELPER]),
    saved: await query(url, `SELECT kind, schema_name, table_name, object_name, ddl FROM ${qi(HELPER)}.connect_guard_saved_ddl ORDER BY 1, 4`),
    views: await query(url, `SELECT c.relname, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY 1`, [HELPER]),
  }
}

describe('connect:schema:scaffold on the messy sandbox', function () {
  this.timeout(300_000)
  let confirmed: Sandbox
  let migrated: Sandbox
  let work: Awaited<ReturnType<typeof tempDir>>
  let logBefore: number
  const url = (sandbox: Sandbox) => sandbox.apps[0].databaseUrl
  const scaffold = (sandbox: Sandbox, extra: string[], args = ARGS) => runCli(['connect:schema:scaffold', ...args, ...extra], {cwd: work.path, env: sandbox.env})

  before(async function () {
    work = await tempDir('scaffold')
    ;[confirmed, migrated] = await Promise.all([0, 1].map(() => startSandbox({databaseUrl: testServerUrl(), scenario: 'messy', syncIntervalMs: 0})))
    await query(testServerUrl(), `CREATE ROLE ${qi(READER)}`)
    for (const sandbox of [confirmed, migrated]) {
      await query(url(sandbox), `CREATE TABLE salesforce.${qi(HOSTILE_TABLE)} (x int)`)
      await query(url(sandbox), `GRANT USAGE ON SCHEMA salesforce TO ${qi(READER)}; GRANT SELECT ON ALL TABLES IN SCHEMA salesforce TO ${qi(READER)}; ALTER DEFAULT PRIVILEGES IN SCHEMA salesforce GRANT SELECT ON TABLES TO ${qi(READER)}`)
    }

    logBefore = (await query<{n: number}>(url(confirmed), 'SELECT COALESCE(max(id), 0)::int AS n FROM salesforce._trigger_log'))[0].n
  })

  after(async function () {
    for (const sandbox of [confirmed, migrated]) if (sandbox) await query(url(sandbox), `DROP OWNED BY ${qi(READER)}`).catch(() => {})
    await Promise.all([confirmed?.stop(), migrated?.stop()])
    await query(testServerUrl(), `DROP ROLE IF EXISTS ${qi(READER)}`)
    await work?.remove()
  })

  it('shows the plan and refuses to apply it without --confirm when there is no terminal', async function () {
    const run = await scaffold(confirmed, [])
    expect(run.code, run.stderr).to.equal(2)
    expect(run.stderr).to.include(`refused: pass --confirm acme-crm`)
    expect(run.stderr).to.include(`move salesforce.${HOSTILE_TABLE}`)
    expect(run.stderr).to.match(/compute Account\.open_amount__c in .*account_computed/)
    expect(run.stderr).to.include('    - Account_Name__c')
    expect(run.stderr).to.include(`materialize ${HELPER}.account_computed as ${HELPER}.account_computed_mat (--materialize)`)
    expect(await query(url(confirmed), "SELECT 1 FROM pg_namespace WHERE nspname = $1", [HELPER])).to.have.length(0)
  })

  it('in a terminal, asks, and refuses an answer that is not the app name', async function () {
    const run = await runInTerminal(['connect:schema:scaffold', ...ARGS], {prompt: 'To proceed, type', text: 'acme'}, {cwd: work.path, env: confirmed.env})
    expect(run.code, run.stdout).to.equal(2)
    expect(run.stdout).to.include(`Plan for the helper schema ${HELPER}`)
    expect(run.stdout).to.match(/refused: Confirmation did not match/)
    expect(await query(url(confirmed), "SELECT 1 FROM pg_namespace WHERE nspname = $1", [HELPER])).to.have.length(0)
    const wrong = await scaffold(confirmed, ['--confirm', 'acme'])
    expect(wrong.code, wrong.stderr).to.equal(2)
    expect(wrong.stderr.replaceAll(/[\s›]+/g, ' ')).to.include('refused: --confirm acme does not match acme-crm, so nothing was changed')
  })

  it('prints the exact SQL with --dry-run and changes nothing', async function () {
    const run = await scaffold(confirmed, ['--dry-run'])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.include(`ALTER TABLE IF EXISTS "salesforce"."notes""; DROP TABLE salesforce.contact; --" SET SCHEMA "app ""helper""; --";`)
    expect(run.stdout).to.match(/^BEGIN;$/m)
    expect(await query(url(confirmed), "SELECT 1 FROM pg_namespace WHERE nspname = $1", [HELPER])).to.have.length(0)
  })

  it('without --materialize, materializes only the view whose roll-up reads a child table of 100,000 rows or more', async function () {
    const db = url(confirmed)
    const [{rows}] = await query<{rows: number}>(db, "SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'salesforce.opportunity'::regclass")
    const plain = await scaffold(confirmed, ['--dry-run'], ARGS.filter(a => a !== '--materialize'))
    expect(plain.stdout).to.not.match(/^CREATE MATERIALIZED VIEW/m)
    expect(plain.stdout).to.include(`${HELPER}.account_computed is a plain view, always current; if reading it is too slow, run again with --materialize, or by hand: CREATE MATERIALIZED VIEW IF NOT EXISTS ${qi(HELPER)}."account_computed_mat"`)
    // the planner's estimate is what the criterion reads; set it as a big table's would be
    await query(db, "UPDATE pg_class SET reltuples = 250000 WHERE oid = 'salesforce.opportunity'::regclass")
    try {
      const big = await scaffold(confirmed, ['--dry-run'], ARGS.filter(a => a !== '--materialize'))
      expect(big.code, big.stderr).to.equal(0)
      expect(big.stdout).to.include(`materialize ${HELPER}.account_computed as ${HELPER}.account_computed_mat (a roll-up aggregates salesforce.opportunity, about 250000 rows (at least 100000))`)
      expect(big.stdout).to.include(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${qi(HELPER)}."account_computed_mat" AS SELECT * FROM ${qi(HELPER)}."account_computed" WITH DATA;`)
      expect(big.stdout).to.not.include(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${qi(HELPER)}."contact_computed_mat" AS SELECT * FROM ${qi(HELPER)}."contact_computed" WITH DATA;`)
      expect(big.stdout).to.include(`${HELPER}.contact_computed is a plain view, always current`)
    } finally {
      await query(db, "UPDATE pg_class SET reltuples = $1 WHERE oid = 'salesforce.opportunity'::regclass", [rows])
    }
  })

  it('rolls back everything when a statement fails half-way, and a rerun finishes the job', async function () {
    // an object of the same name already in the helper schema makes the third move fail
    await query(url(confirmed), `CREATE SCHEMA ${qi(HELPER)}; CREATE SEQUENCE ${qi(HELPER)}.invoice_number_seq`)
    const failed = await scaffold(confirmed, ['--confirm', 'acme-crm'])
    expect(failed.code, failed.stderr).to.equal(3)
    expect(failed.stderr.replaceAll(/[\s›]+/g, ' ')).to.match(/nothing was changed \(rolled back\): relation "invoice_number_seq" already exists/)
    expect(await query(url(confirmed), "SELECT 1 FROM pg_class WHERE relname = 'contact_notes' AND relnamespace = 'salesforce'::regnamespace")).to.have.length(1)
    await query(url(confirmed), `DROP SEQUENCE ${qi(HELPER)}.invoice_number_seq`)
    const rerun = await scaffold(confirmed, ['--confirm', 'acme-crm'])
    expect(rerun.code, rerun.stderr).to.equal(0)
    expect(rerun.stdout).to.include('mapping Account: removed Open_Amount__c, Open_Opportunities__c')
    expect(rerun.stdout).to.include(`SELECT * FROM "app ""helper""; --"."connect_guard_restore"();`)
    expect(rerun.stdout).to.include(`Heroku Scheduler job`)
    expect(rerun.stdout).to.include(`psql "$DATABASE_URL" -c 'REFRESH MATERIALIZED VIEW CONCURRENTLY ${qi(HELPER)}."contact_computed_mat";' -c 'REFRESH MATERIALIZED VIEW CONCURRENTLY ${qi(HELPER)}."account_computed_mat";'`)
  })

  it('creates materialized copies equal to their views, which refresh concurrently', async function () {
    const db = url(confirmed)
    for (const view of ['account_computed', 'contact_computed']) {
      const plain = `${qi(HELPER)}.${view}`
      const copy = `${qi(HELPER)}.${view}_mat`
      expect((await query<{n: number}>(db, `SELECT count(*)::int AS n FROM ${copy}`))[0].n, view).to.be.greaterThan(0)
      await query(db, `REFRESH MATERIALIZED VIEW CONCURRENTLY ${copy}`)
      expect(await query(db, `(SELECT * FROM ${copy} EXCEPT ALL SELECT * FROM ${plain}) UNION ALL (SELECT * FROM ${plain} EXCEPT ALL SELECT * FROM ${copy})`), view).to.deep.equal([])
    }
  })

  it("mirrors the Connect schema's grants and default privileges on the helper schema", async function () {
    const db = url(confirmed)
    const [defaults] = await query<{acl: string; kind: string; owner: string}>(db, `SELECT pg_get_userbyid(d.defaclrole) AS owner, d.defaclobjtype AS kind, d.defaclacl::text AS acl FROM pg_default_acl d WHERE d.defaclnamespace = $1::regnamespace`, [qi(HELPER)])
    expect(defaults).to.deep.equal({acl: `{${JSON.stringify(`${qi(READER)}=r/postgres`)}}`, kind: 'r', owner: 'postgres'})
    const asReader = (sql: string) => query<{n: number}>(db, `BEGIN; SET LOCAL ROLE ${qi(READER)}; ${sql}; COMMIT`)
    // the views the scaffold made: the reader can read everything they read, so it may read them
    for (const view of ['account_computed', 'account_computed_mat', 'contact_computed']) {
      expect(await asReader(`SELECT count(*)::int AS n FROM ${qi(HELPER)}.${view}`).then(() => 'read', (error: Error) => error.message), view).to.equal('read')
    }

    // and a table created there later, through the default privileges
    await query(db, `CREATE TABLE ${qi(HELPER)}.later (x int)`)
    try {
      expect(await asReader(`SELECT count(*)::int AS n FROM ${qi(HELPER)}.later`).then(() => 'read', (error: Error) => error.message)).to.equal('read')
    } finally {
      await query(db, `DROP TABLE ${qi(HELPER)}.later`)
    }
  })

  it('then the audit no longer reports HC010, HC011 or HC020', async function () {
    const audit = await runAudit(['--app', 'acme-crm', '--json', '--only', 'HC010,HC011,HC020'], {env: confirmed.env})
    expect(parseJson<AuditJson>(audit).findings.map(f => `${f.rule} ${f.table ?? ''} ${f.field ?? ''}`)).to.deep.equal([])
  })

  it("keeps the app's views, foreign keys, sequences and triggers working, and Connect's table untouched", async function () {
    const db = url(confirmed)
    expect((await query<{n: number}>(db, 'SELECT count(*)::int AS n FROM public.order_report'))[0].n).to.be.greaterThan(0)
    expect((await query<{n: number}>(db, `SELECT count(*)::int AS n FROM ${qi(HELPER)}.active_contacts`))[0].n).to.be.greaterThan(0)
    const [contact] = await query<{id: number}>(db, 'SELECT id FROM salesforce.contact ORDER BY id LIMIT 1')
    const [note] = await query<{body: string; note_id: number}>(db, `INSERT INTO ${qi(HELPER)}.contact_notes (contact_id, body) VALUES ($1, '  hi  ') RETURNING note_id, body`, [contact.id])
    expect(note.body).to.equal('hi')
    expect(note.note_id).to.be.a('number')
    const fk = await query(db, `INSERT INTO ${qi(HELPER)}.contact_notes (contact_id, body) VALUES (-1, 'x')`).catch((error: Error) => error.message)
    expect(fk).to.match(/violates foreign key constraint "contact_notes_contact"/)
    expect(await query(db, `SELECT 1 FROM pg_class WHERE relname = 'contact_notes_note_id_seq' AND relnamespace = $1::regnamespace`, [qi(HELPER)])).to.have.length(1)
    expect(await query(db, "SELECT 1 FROM pg_trigger WHERE tgname = 'contact_touched' AND tgrelid = 'salesforce.contact'::regclass")).to.have.length(1)
    // Connect dropped the columns of the fields the mapping no longer holds
    expect(await query(db, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'salesforce' AND column_name IN ('open_amount__c', 'open_opportunities__c', 'account_name__c')")).to.deep.equal([])
    // nothing the scaffold did went through a Connect table
    expect((await query<{n: number}>(db, 'SELECT count(*)::int AS n FROM salesforce._trigger_log WHERE id > $1', [logBefore]))[0].n).to.equal(0)
  })

  it('re-creates the saved trigger and index after Connect rebuilds the table', async function () {
    const db = url(confirmed)
    await query(db, 'DROP TRIGGER contact_touched ON salesforce.contact; DROP INDEX salesforce.contact_lower_email')
    const restored = await query<{kind: string; object_name: string; restored: boolean}>(db, `SELECT * FROM ${qi(HELPER)}.connect_guard_restore() ORDER BY 1`)
    expect(restored).to.deep.equal([{kind: 'index', object_name: 'contact_lower_email', restored: true}, {kind: 'trigger', object_name: 'contact_touched', restored: true}])
    expect(await query(db, "SELECT 1 FROM pg_trigger WHERE tgname = 'contact_touched' AND tgrelid = 'salesforce.contact'::regclass")).to.have.length(1)
    const again = await query<{restored: boolean}>(db, `SELECT restored FROM ${qi(HELPER)}.connect_guard_restore()`)
    expect(again.map(r => r.restored)).to.deep.equal([false, false])
  })

  it('computes the roll-ups the fake org holds for the same accounts', async function () {
    const db = url(confirmed)
    const rows = await query<{open_opportunities__c: string; sfid: string}>(db, `SELECT sfid, open_opportunities__c FROM ${qi(HELPER)}.account_computed WHERE open_opportunities__c > 0 ORDER BY sfid LIMIT 5`)
    expect(rows.length).to.be.greaterThan(0)
    for (const row of rows) {
      const [expected] = await query<{n: number}>(db, "SELECT count(*)::int AS n FROM salesforce.opportunity WHERE accountid = $1 AND stagename NOT IN ('Closed Won', 'Closed Lost') AND isdeleted IS NOT TRUE", [row.sfid])
      expect(Number(row.open_opportunities__c)).to.equal(expected.n)
    }
  })

  it('is a no-op when run again', async function () {
    const before = await outcome(url(confirmed))
    const run = await scaffold(confirmed, ['--confirm', 'acme-crm'])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.not.include('mapping ')
    expect(await outcome(url(confirmed))).to.deep.equal(before)
  })

  it('after the mapping has dropped the fields, a rerun still rebuilds their views: a lost materialized copy comes back', async function () {
    const db = url(confirmed)
    await query(db, `DROP MATERIALIZED VIEW ${qi(HELPER)}.account_computed_mat`)
    const run = await scaffold(confirmed, ['--confirm', 'acme-crm'])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stderr).to.include(`compute Account.open_amount__c in ${HELPER}.account_computed`)
    expect(run.stdout).to.not.include('mapping ')
    const [copy, plain] = await Promise.all(['account_computed_mat', 'account_computed'].map(v => query(db, `SELECT * FROM ${qi(HELPER)}.${v} ORDER BY sfid`)))
    expect(copy.length).to.be.greaterThan(0)
    expect(copy).to.deep.equal(plain)
  })

  it('in a terminal, proceeds when the answer is the app name', async function () {
    const db = url(confirmed)
    const readerUsage = async () => (await query<{ok: boolean}>(db, `SELECT has_schema_privilege($1, $2, 'USAGE') AS ok`, [READER, HELPER]))[0].ok
    // take away something the plan gives, so proceeding shows
    await query(db, `REVOKE USAGE ON SCHEMA ${qi(HELPER)} FROM ${qi(READER)}`)
    expect(await readerUsage()).to.equal(false)
    const run = await runInTerminal(['connect:schema:scaffold', ...ARGS], {prompt: 'To proceed, type', text: 'acme-crm'}, {cwd: work.path, env: confirmed.env})
    expect(run.code, run.stdout).to.equal(0)
    expect(run.stdout).to.match(/done: \d+ statements in one transaction/)
    expect(await readerUsage()).to.equal(true)
  })

  it('writes a migration with --out that, run by hand, gives what --confirm gave', async function () {
    const file = join(work.path, 'scaffold.sql')
    const run = await scaffold(migrated, ['--out', file])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.include(`wrote the migration to ${file}`)
    const sql = await readFile(file, 'utf8')
    await query(url(migrated), sql)
    // and the file is safe to run twice
    await query(url(migrated), sql)
    expect(await outcome(url(migrated))).to.deep.equal(await outcome(url(confirmed)))
  })

  it('offline (--config-file), writes the mapping change as an export to import, and says Connect is not changed', async function () {
    // after the hand-run migration the views exist in this world; the mappings still hold the fields they replace
    const exportFile = join(work.path, 'acme-crm-export.json')
    const original = await exportConnectConfig(migrated.env, 'acme-crm') as {mappings: Array<{config: {fields: Record<string, unknown>; indexes?: Record<string, unknown>}; object_name: string}>}
    await writeFile(exportFile, JSON.stringify(original, null, 2))
    const offline = ['--config-file', exportFile, '--database-url', url(migrated), '--formulas', '--materialize', '--helper-schema', HELPER]
    const env = {...migrated.env, DATABASE_URL: undefined, HEROKU_APP: undefined}
    const changed = join(work.path, 'acme-crm-export.scaffold.json')
    const dry = await runCli(['connect:schema:scaffold', ...offline, '--dry-run'], {cwd: work.path, env})
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.include(`Mapping changes once the views exist (offline: written as an export to import, with --confirm or --out):`)
    expect(dry.stdout).to.include(`offline: --confirm or --out would write the mapping change to ${changed}`)
    expect(await access(changed).then(() => 'written', () => 'absent')).to.equal('absent')

    const database = new URL(url(migrated)).pathname.slice(1)
    const run = await runCli(['connect:schema:scaffold', ...offline, '--confirm', database, '--json'], {cwd: work.path, env})
    expect(run.code, run.stderr).to.equal(0)
    const result = JSON.parse(run.stdout) as {applied: boolean; mappingFile: string; mappings: string[]}
    expect(result).to.deep.include({applied: true, mappingFile: changed, mappings: []})
    const human = await runCli(['connect:schema:scaffold', ...offline, '--confirm', database, '--config-out', join(work.path, 'again.json')], {cwd: work.path, env})
    expect(human.stdout).to.include(`offline, so the mappings in Connect are NOT changed: now that the views exist, import it with heroku connect:import ${join(work.path, 'again.json')} -a APP`)
    expect(human.stdout).to.not.match(/^mapping /m)

    // the export it read is untouched; the new one is the same document without the replaced fields
    expect(JSON.parse(await readFile(exportFile, 'utf8'))).to.deep.equal(original)
    const expected = structuredClone(original)
    const gone: Record<string, string[]> = {Account: ['Open_Amount__c', 'Open_Opportunities__c'], Contact: ['Account_Name__c']}
    for (const mapping of expected.mappings) for (const field of gone[mapping.object_name] ?? []) delete mapping.config.fields[field]
    expect(JSON.parse(await readFile(changed, 'utf8'))).to.deep.equal(expected)
    // and nothing in Connect changed
    expect((await exportConnectConfig(migrated.env, 'acme-crm') as typeof original).mappings).to.deep.equal(original.mappings)

    // it is importable: the fake Connect takes it as connect:import does, and its mappings lose the fields
    const headers = {Authorization: `Bearer ${migrated.env.HEROKU_API_KEY}`, 'Content-Type': 'application/json', 'Heroku-Client': 'cli'}
    const found = await fetch(`${migrated.env.CONNECT_DISCOVERY_SERVER}/connections?app=acme-crm`, {headers})
    const {results} = (await found.json()) as {results: Array<{id: string; region_url: string}>}
    const imported = await fetch(`${results[0].region_url.replace(/\/+$/, '')}/api/v3/connections/${results[0].id}/actions/import`, {body: await readFile(changed, 'utf8'), headers, method: 'POST'})
    expect(imported.status, await imported.clone().text()).to.be.within(200, 299)
    const after = await exportConnectConfig(migrated.env, 'acme-crm') as typeof original
    expect(after.mappings.find(m => m.object_name === 'Account')!.config.fields).to.not.have.any.keys('Open_Amount__c', 'Open_Opportunities__c')
  })
})

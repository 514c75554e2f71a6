import {expect} from 'chai'

import {planLogRuns} from '../../../src/sandbox/postgres/seed.js'
import {app} from './fixtures.js'
import {buildFixture, type BuiltDatabase} from './helpers.js'

// buildAppDatabase end to end on a small app: the org and the Connect schema agree, the seeded
// backlog looks like the loggers wrote it, and the app's own SQL runs last with its placeholders.

describe('sandbox postgres: buildAppDatabase', () => {
  let built: BuiltDatabase

  before(async () => {
    const spec = app('salesforce', {
      damageSql: ['ALTER TABLE {{schema}}._trigger_log_archive RENAME TO _trigger_log_archive_old'],
      userSql: [
        'CREATE TABLE {{schema}}.orders (id serial PRIMARY KEY, contact_id integer REFERENCES {{schema}}.contact (id))',
        'ALTER ROLE {{role}} IN DATABASE {{db}} SET xmlbinary = hex',
      ],
    })
    built = await buildFixture('build', {app: spec, build: {logRows: 7000, rowsOverride: 120}})
  })

  after(async () => {
    await built?.close()
  })

  it('seeds every mapping SYNCED, with the first mapping\'s rows overridden, and the org holding the same records', async () => {
    const counts = await built.query(`
      SELECT (SELECT count(*)::int FROM salesforce.contact) AS contact, (SELECT count(*)::int FROM salesforce.account) AS account,
             (SELECT count(*)::int FROM salesforce."user") AS users, (SELECT count(*)::int FROM hcg_fake_salesforce.contact) AS org_contact,
             (SELECT count(DISTINCT _hc_lastop)::int FROM salesforce.contact) AS states`)
    expect(counts[0]).to.deep.equal({account: 10, contact: 120, org_contact: 120, states: 1, users: 0})
    const mismatches = await built.query(`
      SELECT count(*)::int AS n FROM salesforce.contact c FULL JOIN hcg_fake_salesforce.contact o ON o.sfid = c.sfid
      WHERE o.sfid IS NULL OR c.sfid IS NULL OR (c.lastname, c.email, c.guid__c, c.accountid, c.systemmodstamp, c.createddate, c.birthdate, c.score__c)
        IS DISTINCT FROM (o.lastname, o.email, o.guid__c, o.accountid, o.systemmodstamp, o.createddate, o.birthdate, o.score__c)`)
    expect(mismatches[0].n).to.equal(0)
    const [refs] = await built.query(`
      SELECT count(*)::int AS n, count(a.sfid)::int AS resolved FROM salesforce.contact c LEFT JOIN salesforce.account a ON a.sfid = c.accountid`)
    expect(refs).to.deep.equal({n: 120, resolved: 120})
    const [sample] = await built.query("SELECT sfid, guid__c, _hc_lastop FROM salesforce.contact WHERE id = 1")
    expect(sample.sfid).to.match(/^0038d\d{10}AAA$/)
    expect(sample.guid__c).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(sample._hc_lastop).to.equal('SYNCED')
  })

  it('seeds the pending backlog in long runs, with the ids and sequences where the loggers would leave them', async () => {
    const runs = await built.query(`
      SELECT action, min(id)::int AS first, count(*)::int AS count FROM (
        SELECT id, action, id - row_number() OVER (PARTITION BY action ORDER BY id) AS run FROM salesforce._trigger_log) x
      GROUP BY action, run ORDER BY first`)
    expect(runs).to.deep.equal([
      {action: 'INSERT', count: 2500, first: 1}, {action: 'UPDATE', count: 400, first: 2501},
      {action: 'INSERT', count: 1200, first: 2901}, {action: 'UPDATE', count: 2900, first: 4101},
    ])
    expect(planLogRuns(7000, [{rows: 120, table: 'contact'}]).get('contact')?.map((r) => r.count)).to.deep.equal([2500, 400, 1200, 2900])
    const [summary] = await built.query(`
      SELECT count(DISTINCT state)::int AS states, min(state) AS state, count(DISTINCT table_name)::int AS tables,
             count(*) FILTER (WHERE action = 'INSERT' AND sfid IS NULL AND old IS NULL AND record_id > 120)::int AS inserts,
             count(*) FILTER (WHERE action = 'UPDATE' AND sfid IS NOT NULL AND record_id <= 120)::int AS updates,
             bool_and("values"::hstore::text = "values") AS canonical, count(*) FILTER (WHERE updated_at IS NULL)::int AS fresh
      FROM salesforce._trigger_log`)
    expect(summary).to.deep.equal({canonical: true, fresh: 7000, inserts: 3700, states: 1, state: 'NEW', tables: 1, updates: 3300})
    const [seqs] = await built.query(`
      SELECT (SELECT last_value::int FROM salesforce._trigger_log_id_seq) AS log, (SELECT last_value::int FROM salesforce.contact_id_seq) AS contact`)
    expect(seqs).to.deep.equal({contact: 120 + 3700, log: 7000})
  })

  it('seeds UPDATE rows whose old row is the mapped row as hstore(row) would print it, and whose values only change it', async () => {
    const [check] = await built.query(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE l.old = (hstore(c) - ARRAY['_hc_lastop', '_hc_err'])::text)::int AS same_old,
             count(*) FILTER (WHERE l.sfid = c.sfid)::int AS same_sfid,
             count(*) FILTER (WHERE akeys(l."values"::hstore) <@ ARRAY['firstname', 'lastname', 'email', 'phone', 'birthdate', 'hasoptedoutofemail', 'score__c']
                                AND (l."values"::hstore - hstore(c)) = l."values"::hstore)::int AS real_changes
      FROM salesforce._trigger_log l JOIN salesforce.contact c ON c.id = l.record_id WHERE l.action = 'UPDATE'`)
    expect(check).to.deep.equal({n: 3300, real_changes: 3300, same_old: 3300, same_sfid: 3300})
    const [insert] = await built.query(`
      SELECT "values"::hstore -> 'sfid' AS sfid, "values"::hstore -> 'id' AS id, "values"::hstore -> 'lastname' AS lastname,
             "values"::hstore ? '_hc_lastop' AS hc FROM salesforce._trigger_log WHERE id = 1`)
    expect(insert).to.deep.equal({hc: false, id: '121', lastname: 'Turing 121', sfid: null})
  })

  it('leaves triggers on so the app\'s next write is logged after the backlog', async () => {
    await built.query("INSERT INTO salesforce.contact (lastname) VALUES ('After build')")
    const [last] = await built.query('SELECT id, record_id, action FROM salesforce._trigger_log ORDER BY id DESC LIMIT 1')
    expect(last).to.deep.equal({action: 'INSERT', id: 7001, record_id: 3821})
  })

  it('creates the app role and runs userSql then damageSql with quoted placeholders', async () => {
    const [role] = await built.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [built.roleName])
    expect(role).to.deep.equal({rolcanlogin: false})
    const [setting] = await built.query('SELECT setconfig FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = $1)', [built.roleName])
    expect(setting.setconfig).to.deep.equal(['xmlbinary=hex'])
    const tables = await built.query("SELECT relname FROM pg_class WHERE relnamespace = 'salesforce'::regnamespace AND relname IN ('orders', '_trigger_log_archive', '_trigger_log_archive_old')")
    expect(tables.map((t) => t.relname).sort()).to.deep.equal(['_trigger_log_archive_old', 'orders'])
    const [stats] = await built.query("SELECT reltuples::int AS n FROM pg_class WHERE oid = 'salesforce._trigger_log'::regclass")
    expect(stats.n).to.equal(7000) // analyzed
  })

  it('names the failing statement when the app\'s SQL is broken', async () => {
    let error: Error | undefined
    await buildFixture('broken', {app: app('salesforce', {userSql: ['SELECT 1', 'CREATE TABLE {{schema}}.x (']})}).catch((e: Error) => (error = e))
    expect(error?.message).to.match(/app fixture-app: userSql\[1\] failed: syntax error/)
  })
})

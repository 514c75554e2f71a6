import {expect} from 'chai'

import {RULES} from '../../src/rules/index.js'
import {runRules} from '../../src/rules/runner.js'
import type {AppSpec} from '../../src/sandbox/model.js'
import {buildAppDatabase} from '../../src/sandbox/postgres/build.js'
import {loadScenario} from '../../src/sandbox/scenarios/index.js'
import {quoteIdent} from '../../src/sql.js'
import {collectPostgres} from '../../src/snapshot/postgres/collect.js'
import type {ConnectionFacts, Snapshot} from '../../src/snapshot/types.js'
import {createTestDatabase, type TestDatabase, testServerUrl, withClient} from '../helpers/postgres.js'

// A Connect schema named `public`, as on many Heroku apps, where the extensions live too: hstore,
// uuid-ossp and pg_stat_statements put dozens of functions and a view there that belong to the
// extensions, not to the user (HC020 must not report them). The same database then loses what
// Connect's triggers need at run time, one piece at a time (HC077).

function connectionOf(app: AppSpec): ConnectionFacts {
  return {
    apiVersion: app.connection.apiVersion, features: {...app.connection.features}, logDrain: true,
    mappings: app.connection.mappings.map(m => ({
      access: m.access, fields: m.fields, indexes: {}, maxDailyApiCalls: null, notify: null, object: m.object,
      pollingSeconds: null, state: 'DATA_SYNCED', stateDescription: null, table: m.object.toLowerCase(), upsertField: m.upsertField ?? null,
    })),
    name: app.connection.name, origin: 'api', schema: 'public', state: 'IDLE', validations: null,
  }
}

describe('a Connect schema named public, next to the extensions', function () {
  this.timeout(180_000)
  const scenario = loadScenario('healthy')
  const app: AppSpec = {...scenario.apps[0], connection: {...scenario.apps[0].connection, schema: 'public'}, userSql: ['CREATE TABLE public.my_notes (note text)']}
  let db: TestDatabase
  let role: string

  const audit = async (rules = RULES) => {
    const postgres = await withClient(db.url, client => collectPostgres(client, 'public', connectionOf(app)))
    const snapshot: Snapshot = {
      app: 'acme-crm', collectedAt: new Date().toISOString(), connection: connectionOf(app), postgres, salesforce: null,
      sources: {connect: {ok: true}, postgres: {ok: true}, salesforce: {ok: false, provide: 'pass --target-org', reason: 'no Salesforce credentials'}},
    }
    return {findings: runRules([...rules], snapshot).findings, postgres}
  }

  before(async () => {
    db = await createTestDatabase('public_schema')
    role = `${db.name}_writer`
    await buildAppDatabase(db.url, app, scenario.org, {logRows: 0, roleName: `${db.name}_etl`})
    await withClient(db.url, client => client.query('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"; CREATE EXTENSION IF NOT EXISTS pg_stat_statements'))
  })

  after(async () => {
    await db?.drop()
    await withClient(testServerUrl(), async client => {
      for (const name of [role, `${db.name}_etl`]) await client.query(`DROP ROLE IF EXISTS ${quoteIdent(name)}`)
    })
  })

  it('collects which objects of the schema belong to an extension', async () => {
    const {postgres} = await audit()
    const members = postgres.functions.filter(f => f.extension).map(f => f.extension)
    expect(new Set(members)).to.include.keys('hstore', 'uuid-ossp', 'pg_stat_statements')
    expect(postgres.relations.find(r => r.name === 'pg_stat_statements')?.extension).to.equal('pg_stat_statements')
    expect(postgres.functions.find(f => f.name === 'get_xmlbinary')?.extension).to.equal(null)
  })

  it('HC020 reports the user\'s own table there, and no object of an extension', async () => {
    const {findings} = await audit()
    expect(findings.filter(f => f.rule === 'HC020').map(f => f.table ?? f.field)).to.deep.equal(['public.my_notes'])
    expect(findings.filter(f => f.rule === 'HC077')).to.deep.equal([])
  })

  it('HC077 finds hstore moved out of a writer role\'s search_path, then get_xmlbinary() gone', async () => {
    await withClient(db.url, client => client.query(`CREATE SCHEMA ext; ALTER EXTENSION hstore SET SCHEMA ext;
      CREATE ROLE ${quoteIdent(role)}; ALTER ROLE ${quoteIdent(role)} IN DATABASE ${quoteIdent(db.name)} SET search_path TO public, ext;
      ALTER DATABASE ${quoteIdent(db.name)} SET search_path TO "$user", public`))
    let {findings} = await audit()
    expect(findings.filter(f => f.rule === 'HC077').map(f => [f.field, f.message.split(':')[0]])).to.deep.equal([
      [null, 'the database\'s search_path ("$user", public) does not reach hstore (in ext)'],
    ])
    await withClient(db.url, client => client.query('DROP FUNCTION public.get_xmlbinary() CASCADE'))
    findings = (await audit()).findings
    expect(findings.filter(f => f.rule === 'HC077').map(f => f.message.split(':')[0])).to.deep.equal([
      'get_xmlbinary() is missing (a dump taken with --schema leaves it out)',
      'the database\'s search_path ("$user", public) does not reach hstore (in ext)',
    ])
  })
})

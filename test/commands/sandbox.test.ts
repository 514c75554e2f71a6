import {expect} from 'chai'
import {type ChildProcess, spawn} from 'node:child_process'
import pg from 'pg'

import {testServerUrl} from '../helpers/postgres.js'

// `heroku connect:sandbox` as a user runs it: the built CLI in its own process, export lines on
// stdout, a ready line on stderr, serving until Ctrl-C, and nothing left behind afterwards.
describe('connect:sandbox command', function () {
  this.timeout(120_000)
  let child: ChildProcess
  let stdout = ''
  let stderr = ''

  before(async () => {
    child = spawn(process.execPath, ['bin/run.js', 'connect:sandbox', '--scenario', 'healthy', '--database-url', testServerUrl(), '--sync-interval', '0'], {
      env: {...process.env, NO_COLOR: '1'},
    })
    child.stdout!.on('data', chunk => {
      stdout += chunk
    })
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', chunk => {
        stderr += chunk
        if (stderr.includes('press Ctrl-C to stop')) resolve()
      })
      child.once('exit', code => reject(new Error(`sandbox exited early (${code}): ${stderr}`)))
    })
  })

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })

  const env = () => Object.fromEntries([...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map(m => [m[1], m[2]]))

  it('prints every variable the plugin and the official Connect plugin need, as export lines', () => {
    expect(Object.keys(env()).sort()).to.deep.equal(['CONNECT_DISCOVERY_SERVER', 'DATABASE_URL', 'HEROKU_API_KEY', 'HEROKU_APP', 'HEROKU_HOST', 'SF_ACCESS_TOKEN', 'SF_INSTANCE_URL'])
    expect(env().HEROKU_APP).to.equal('acme-crm')
    expect(stderr).to.match(/scenario healthy ready in \d+\.\d+s \(apps: acme-crm\)/)
  })

  it('serves the Heroku API, the Connect discovery service, Salesforce and a Connect-shaped database', async () => {
    const {CONNECT_DISCOVERY_SERVER, DATABASE_URL, HEROKU_API_KEY, HEROKU_HOST, SF_ACCESS_TOKEN, SF_INSTANCE_URL} = env()
    const app = await fetch(`${HEROKU_HOST}/apps/acme-crm`, {headers: {Accept: 'application/vnd.heroku+json; version=3', Authorization: `Bearer ${HEROKU_API_KEY}`}})
    expect(((await app.json()) as {name: string}).name).to.equal('acme-crm')
    const found = await fetch(`${CONNECT_DISCOVERY_SERVER}/connections?app=acme-crm`, {headers: {Authorization: `Bearer ${HEROKU_API_KEY}`, 'Heroku-Client': 'cli'}})
    expect(((await found.json()) as {results: unknown[]}).results).to.have.length(1)
    const describe = await fetch(`${SF_INSTANCE_URL}/services/data/v62.0/sobjects/Contact/describe`, {headers: {Authorization: `Bearer ${SF_ACCESS_TOKEN}`}})
    expect(describe.status).to.equal(200)
    const client = new pg.Client({connectionString: DATABASE_URL})
    await client.connect()
    const {rows} = await client.query("SELECT count(*)::int AS n FROM salesforce.contact WHERE sfid IS NOT NULL")
    await client.end()
    expect(rows[0].n).to.be.greaterThan(0)
  })

  it('drops its databases and exits 0 on Ctrl-C', async () => {
    const database = new URL(env().DATABASE_URL).pathname.slice(1)
    const exited = new Promise<null | number>(resolve => {
      child.once('exit', code => resolve(code))
    })
    child.kill('SIGINT')
    expect(await exited).to.equal(0)
    const admin = new pg.Client({connectionString: testServerUrl()})
    await admin.connect()
    const {rows} = await admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [database])
    await admin.end()
    expect(rows[0].n).to.equal(0)
    expect(stderr).to.match(/stopping and removing its databases/)
  })
})

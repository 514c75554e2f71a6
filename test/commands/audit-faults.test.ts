import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import {testServerUrl} from '../helpers/postgres.js'
import {type CliResult, expectCleanFailure, expectNoSecrets, parseJson, runAudit, secretsOf, show, startDropProxy} from './helpers.js'

// `heroku connect:audit` when inputs are wrong or a peer fails: each case ends with one clear line
// on stderr, the documented exit code (2 usage/configuration, 3 could not collect), no stack trace,
// and none of the secrets in the output. Faults are injected into the sandbox's fake servers,
// which are shared, so the injected cases run one at a time after the others have finished.

describe('connect:audit faults', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let secrets: string[]
  const runs = new Map<string, Promise<CliResult>>()
  const result = (key: string): Promise<CliResult> => runs.get(key) ?? Promise.reject(new Error(`no run named ${key}`))
  // wrong credentials the user passed are secrets too
  const wrongHerokuKey = `expired-${randomBytes(12).toString('hex')}`
  const wrongSfToken = `00DHs000000AcmeMAA!expired.${randomBytes(18).toString('base64url')}`
  let proxy: Awaited<ReturnType<typeof startDropProxy>>
  let proxySecret = ''

  before(async function () {
    this.timeout(180_000)
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'healthy', syncIntervalMs: 0})
    secrets = secretsOf(sandbox.env, [wrongHerokuKey, wrongSfToken, 'secretpw'])
    const launch = (key: string, args: string[], env: Record<string, string | undefined> = {}) => {
      runs.set(key, runAudit(args, {env: {...sandbox.env, ...env}}))
    }

    // the database through a proxy that cuts both sockets at the 4th query: the connection,
    // BEGIN and SET TRANSACTION succeed, then the catalog read loses its server mid-run
    const upstream = new URL(sandbox.apps[0].databaseUrl)
    if (!upstream.password) upstream.password = `proxy-${randomBytes(6).toString('hex')}` // trust auth ignores it; the output must not show it
    proxySecret = decodeURIComponent(upstream.password)
    proxy = await startDropProxy(upstream.toString(), 4)

    launch('unknownApp', ['--app', 'nope', '--json'])
    launch('herokuToken', ['--app', 'acme-crm', '--json'], {HEROKU_API_KEY: wrongHerokuKey})
    launch('sfSession', ['--app', 'acme-crm', '--json'], {SF_ACCESS_TOKEN: wrongSfToken})
    launch('pgUnreachable', ['--app', 'acme-crm', '--json', '--database-url', 'postgres://u:secretpw@127.0.0.1:1/db'])
    launch('pgDropped', ['--app', 'acme-crm', '--json', '--database-url', proxy.url])
  })

  afterEach(() => {
    sandbox?.connect.server.clearFaults()
    sandbox?.salesforce.server.clearFaults()
    sandbox?.heroku.server.clearFaults()
  })

  after(async () => {
    await Promise.allSettled(runs.values())
    await proxy?.close()
    await sandbox?.stop()
  })

  /** Injected faults apply to every request, so wait for the concurrent runs first. */
  const quiet = () => Promise.allSettled(runs.values())

  it('an unknown app (--app nope) exits 2 and names the app', async () => {
    expectCleanFailure(await result('unknownApp'), 2, /\bapp nope\b.*not found/, secrets)
  })

  it('an invalid or expired Heroku token exits 3 and says to run heroku login', async () => {
    expectCleanFailure(await result('herokuToken'), 3, /Heroku token is invalid or expired.*`heroku login`/, secrets)
  })

  it('an expired Salesforce session exits 3 and says how to refresh it', async () => {
    expectCleanFailure(await result('sfSession'), 3, /Salesforce session expired or invalid.*(sf org login|refresh SF_ACCESS_TOKEN)/, secrets)
  })

  it('an unreachable Postgres exits 3 without the password of the URL', async () => {
    expectCleanFailure(await result('pgUnreachable'), 3, /could not connect to Postgres at 127\.0\.0\.1:1\b/, secrets)
  })

  it('Postgres dropped mid-run exits 3 with a connection-lost message', async () => {
    const run = await result('pgDropped')
    expect(proxy.dropped, `the proxy saw ${proxy.queries} queries: ${show(run)}`).to.equal(true)
    expectCleanFailure(run, 3, /(lost|terminated|closed).*connection|connection.*(lost|terminated|closed)/i, [...secrets, proxySecret])
  })

  it('an app without a Heroku Connect add-on exits 2 with "no Heroku Connect add-on"', async () => {
    await quiet()
    // discovery answers (twice: before and after asking for access) that the app has no connection
    sandbox.connect.server.inject({body: {count: 0, results: []}, method: 'GET', pathPrefix: '/connections', status: 200, times: 2})
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expectCleanFailure(run, 2, /no Heroku Connect add-on found on app acme-crm/, secrets)
  })

  it('a 429 from the Connect API with Retry-After: 1 is retried and the audit succeeds', async () => {
    await quiet()
    const before = sandbox.connect.server.log.length
    sandbox.connect.server.inject({body: {id: 'rate_limit', message: 'Too many requests'}, headers: {'Retry-After': '1'}, method: 'GET', pathPrefix: '/connections', status: 429, times: 1})
    const started = Date.now()
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expect(run.code, show(run)).to.equal(0)
    expect(parseJson(run).summary.error).to.equal(0)
    const wire = sandbox.connect.server.log.slice(before).filter(entry => entry.path.startsWith('/connections'))
    expect(wire.map(entry => entry.status).slice(0, 2), 'a 429, then the same request again').to.deep.equal([429, 200])
    expect(Date.now() - started, 'Retry-After was honoured').to.be.greaterThanOrEqual(1000)
    expectNoSecrets(run, secrets)
  })

  it('a Connect API answering 503 on every try exits 3', async () => {
    await quiet()
    sandbox.connect.server.inject({body: {id: 'unavailable', message: 'Service Unavailable'}, pathPrefix: '/api/v3/connections', status: 503, times: Number.POSITIVE_INFINITY})
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expectCleanFailure(run, 3, /Heroku Connect failed with 503/, secrets)
  })

  it('a 500 from Salesforce /composite exits 3 (POSTs are not retried)', async () => {
    await quiet()
    const before = sandbox.salesforce.server.log.length
    sandbox.salesforce.server.inject({body: [{errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678'}], method: 'POST', pathPrefix: '/services/data/v62.0/composite', status: 500, times: Number.POSITIVE_INFINITY})
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expectCleanFailure(run, 3, /Salesforce failed with HTTP 500/, secrets)
    const composites = sandbox.salesforce.server.log.slice(before).filter(entry => entry.path.includes('/composite'))
    // the describe batch and the integration-user queries go out together; neither is retried
    expect(composites.length, 'each /composite POST once, not retried').to.equal(2)
  })

  it('with --app, config vars the caller may not read (403) stop the audit with exit 3, never falling back to DATABASE_URL', async () => {
    await quiet()
    sandbox.heroku.server.inject({body: {id: 'forbidden', message: 'You do not have access to the app acme-crm.'}, method: 'GET', pathPrefix: '/apps/acme-crm/config-vars', status: 403, times: Number.POSITIVE_INFINITY})
    // DATABASE_URL names a database that answers: the audit must not read it in place of the app's
    expect(sandbox.env.DATABASE_URL).to.be.a('string')
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expectCleanFailure(run, 3, /could not read the config vars of app acme-crm.*database \(DATABASE_URL\) is unknown.*403/, secrets)
    expect(run.stderr).to.match(/--database-url/)
  })

  it('with --app, an app without the connection\'s config var stops with exit 3 and names the var', async () => {
    await quiet()
    sandbox.heroku.server.inject({body: {OTHER_URL: 'postgres://elsewhere/db'}, method: 'GET', pathPrefix: '/apps/acme-crm/config-vars', status: 200, times: Number.POSITIVE_INFINITY})
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expectCleanFailure(run, 3, /app acme-crm has no config var DATABASE_URL/, secrets)
  })

  it('with --app and --database-url, the config vars are not needed', async () => {
    await quiet()
    const before = sandbox.heroku.server.log.length
    sandbox.heroku.server.inject({body: {id: 'forbidden', message: 'no access'}, method: 'GET', pathPrefix: '/apps/acme-crm/config-vars', status: 403, times: Number.POSITIVE_INFINITY})
    const run = await runAudit(['--app', 'acme-crm', '--json', '--database-url', sandbox.apps[0].databaseUrl], {env: sandbox.env})
    expect(run.code, show(run)).to.equal(0)
    expect(sandbox.heroku.server.log.slice(before).map(entry => entry.path)).not.to.include('/apps/acme-crm/config-vars')
    expectNoSecrets(run, secrets)
  })

  it('a validation run that never finishes skips HC080 with the time waited, and the audit goes on', async () => {
    await quiet()
    const id = sandbox.apps[0].spec.connection.id
    sandbox.connect.server.inject({body: {state: 'running'}, method: 'GET', pathPrefix: `/api/v3/connections/${id}/validations/`, status: 202, times: Number.POSITIVE_INFINITY})
    const run = await runAudit(['--app', 'acme-crm', '--json', '--max-validation-seconds', '1'], {env: sandbox.env})
    expect(run.code, show(run)).to.equal(0)
    const skipped = parseJson(run).summary.skipped.filter(line => line.startsWith('HC080'))
    expect(skipped).to.deep.equal(["HC080: Connect's validations did not finish within 1 s"])
    expect(run.stdout).not.to.match(/pass --app/)
    expectNoSecrets(run, secrets)
  })
})

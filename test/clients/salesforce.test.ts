import {expect} from 'chai'
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {resolveSalesforceCredentials, SalesforceApiError, SalesforceClient, type SalesforceCredentials, validateInstanceUrl} from '../../src/clients/salesforce.js'
import {CollectError, UsageError} from '../../src/errors.js'
import {extraObjects, startTestOrg, type TestOrg, TOKEN} from '../sandbox/salesforce/fixtures.js'

const FAST = {retry: {maxRetries: 0}}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (error: Error) => error,
  )
}

describe('Salesforce client', () => {
  describe('credentials', () => {
    let dir: string
    let empty: string

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hcg-sf-'))
      empty = await mkdtemp(join(tmpdir(), 'hcg-nosf-'))
    })

    after(async () => {
      await rm(dir, {force: true, recursive: true})
      await rm(empty, {force: true, recursive: true})
    })

    // a stand-in for the Salesforce CLI: prints `output` and exits with `code`, recording its arguments
    async function fakeSf(output: string, code = 0): Promise<NodeJS.ProcessEnv> {
      const script = `#!/bin/sh\necho "$@" > "${join(dir, 'args')}"\ncat <<'EOF'\n${output}\nEOF\nexit ${code}\n`
      await writeFile(join(dir, 'sf'), script)
      await chmod(join(dir, 'sf'), 0o755)
      return {HOME: dir, PATH: `${dir}:/usr/bin:/bin`}
    }

    // the stand-in in test/fixtures/sf-cli behaves like @salesforce/cli 2.146, redaction included
    const standIn = (release: string, orgs: Record<string, unknown> = {acme: {accessToken: TOKEN, instanceUrl: 'https://acme.my.salesforce.com', username: 'me@acme.example'}}): NodeJS.ProcessEnv => ({
      FAKE_SF_ORGS: JSON.stringify(orgs), FAKE_SF_RELEASE: release, HOME: dir, PATH: `${join(import.meta.dirname, '..', 'fixtures', 'sf-cli')}:${process.env.PATH}`,
    })

    it('takes the token from `sf org auth show-access-token` when `sf org display` redacts it', async () => {
      const creds = await resolveSalesforceCredentials({env: standIn('current'), targetOrg: 'acme'})
      expect(creds).to.deep.equal({accessToken: TOKEN, instanceUrl: 'https://acme.my.salesforce.com', source: 'sf-cli', targetOrg: 'acme', username: 'me@acme.example'})
    })

    it('falls back to the token `sf org display` prints on releases that do not redact it', async () => {
      const creds = await resolveSalesforceCredentials({env: standIn('old'), targetOrg: 'acme'})
      expect(creds?.accessToken).to.equal(TOKEN)
    })

    it('says clearly when neither command gives a token, without echoing the redacted text', async () => {
      const error = await failure(resolveSalesforceCredentials({env: standIn('broken-reveal'), targetOrg: 'acme'}))
      expect(error).to.be.instanceOf(CollectError)
      expect(error.message).to.equal('the Salesforce CLI gave no usable access token for org "acme": `sf org display` withholds it and `sf org auth show-access-token` failed: Unable to refresh the session.')
      expect((error as CollectError).hint).to.contain('sf org login web --alias acme')
      expect(`${error.message} ${(error as CollectError).hint}`).not.to.match(/REDACTED|show-access-token' to view/)
      expect(`${error.message} ${(error as CollectError).hint}`).not.to.contain(TOKEN)
      const missing = await failure(resolveSalesforceCredentials({env: standIn('current'), targetOrg: 'nope'}))
      expect(missing.message).to.equal('the Salesforce CLI could not display org "nope": No authorization information found for nope.')
    })

    it('passes on sf\'s own error message when it exits non-zero, without any session id', async () => {
      // on failure sf prints no token we could know; a real-format session id is still redacted
      const session = '00DHs00000TestOAAA!AQ8AQKz0.u1VqH3Zr9x'
      const env = await fakeSf(JSON.stringify({
        context: 'OrgDisplay', exitCode: 1, message: `No authorization information found for nope. (last token ${session})`, name: 'NamedOrgNotFoundError', status: 1,
      }), 1)
      const error = await failure(resolveSalesforceCredentials({env, targetOrg: 'nope'}))
      expect(error).to.be.instanceOf(CollectError)
      expect(error.message).to.equal('the Salesforce CLI could not display org "nope": No authorization information found for nope. (last token ***)')
      expect((error as CollectError).hint).to.contain('sf org login web --alias nope')
      expect(error.message).not.to.contain('AQ8AQKz0')
    })

    it('explains broken JSON, a missing token, and a missing sf', async () => {
      let env = await fakeSf(`this is not json ${TOKEN}`)
      let error = await failure(resolveSalesforceCredentials({env, targetOrg: 'acme'}))
      expect(error.message).to.equal('`sf org display --target-org acme --json` printed output that is not JSON')
      env = await fakeSf(JSON.stringify({result: {instanceUrl: 'https://acme.my.salesforce.com'}, status: 0}))
      error = await failure(resolveSalesforceCredentials({env, targetOrg: 'acme'}))
      expect(error.message).to.contain('gave no usable access token for org "acme"')
      error = await failure(resolveSalesforceCredentials({env: {PATH: empty}, targetOrg: 'acme'}))
      expect(error).to.be.instanceOf(UsageError)
      expect(error.message).to.equal('--target-org needs the Salesforce CLI, but `sf` was not found on PATH')
    })

    it('falls back to SF_INSTANCE_URL + SF_ACCESS_TOKEN, and to nothing', async () => {
      expect(await resolveSalesforceCredentials({env: {SF_ACCESS_TOKEN: TOKEN, SF_INSTANCE_URL: 'https://acme.my.salesforce.com/'}})).to.deep.equal({
        accessToken: TOKEN, instanceUrl: 'https://acme.my.salesforce.com', source: 'env',
      })
      expect(await resolveSalesforceCredentials({env: {}})).to.equal(undefined)
      const error = await failure(resolveSalesforceCredentials({env: {SF_INSTANCE_URL: 'https://acme.my.salesforce.com'}}))
      expect(error.message).to.equal('SF_INSTANCE_URL is set but SF_ACCESS_TOKEN is not')
    })

    it('validates instance URLs with a hint for typos', () => {
      const hint = (raw: string): string => {
        try {
          validateInstanceUrl(raw)
        } catch (error) {
          return `${(error as UsageError).message} | ${(error as UsageError).hint}`
        }

        return 'valid'
      }

      expect(validateInstanceUrl('http://127.0.0.1:4567')).to.equal('http://127.0.0.1:4567')
      expect(hint('acme.my.salesforce.com')).to.contain('did you mean https://acme.my.salesforce.com?')
      expect(hint('htps://acme.my.salesforce.com')).to.contain('did you mean https://acme.my.salesforce.com?')
      expect(hint('https:/acme.my.salesforce.com')).to.contain('did you mean https://acme.my.salesforce.com?')
      expect(hint('ftp://acme.my.salesforce.com')).to.contain('must use https://')
      expect(hint('https://acme.lightning.force.com')).to.contain('use https://acme.my.salesforce.com')
      expect(hint('https://acme.my.salesforce.com/services/data')).to.contain('without a path')
      expect(hint('')).to.contain('is empty')
    })
  })

  describe('against the fake org', () => {
    let t: TestOrg
    let creds: SalesforceCredentials
    let client: SalesforceClient
    const messages: string[] = []
    const capture = async (promise: Promise<unknown>): Promise<SalesforceApiError> => {
      const error = await failure(promise)
      messages.push(error.message, String((error as CollectError).hint ?? ''))
      expect(error).to.be.instanceOf(SalesforceApiError)
      return error as SalesforceApiError
    }

    before(async () => {
      t = await startTestOrg(extraObjects(28))
      creds = {accessToken: TOKEN, instanceUrl: t.sf.url, source: 'env'}
      client = await SalesforceClient.connect(creds, FAST)
      t.store.seed('Widget__c', Array.from({length: 4500}, (_, i) => ({Name: `W${i}`})))
    })

    after(async () => {
      // no error text may ever carry the access token
      for (const message of messages) expect(message).not.to.contain(TOKEN)
      await t.sf.close()
    })

    beforeEach(() => {
      t.org.calls.reset()
      t.sf.server.clearFaults()
    })

    it('describes 30 objects in 2 composite calls, with per-object errors', async () => {
      const names = ['Account', 'Contact', ...extraObjects(28).map(o => o.name), 'Missing__c', 'bad name']
      const outcomes = await client.describeMany(names)
      expect(outcomes.map(o => o.object)).to.deep.equal(names)
      expect(outcomes[0].describe?.name).to.equal('Account')
      expect(outcomes[29].describe?.fields.map(f => f.name)).to.deep.equal(['Id', 'Name'])
      expect(outcomes[30].error).to.deep.equal({errorCode: 'NOT_FOUND', message: 'The requested resource does not exist', status: 404})
      expect(outcomes[31].error?.errorCode).to.equal('INVALID_TYPE')
      // 31 valid names: ceil(31 / 25) = 2 calls, nothing else
      expect(t.org.calls.byKind).to.deep.equal({bulk: 0, composite: 2, oauth: 0, rest: 0, soap: 0, tooling: 0})
    })

    it('describes with the API version it was given', async () => {
      const old = await SalesforceClient.connect(creds, {...FAST, apiVersion: '58.0'})
      await old.describeMany(['Account'])
      expect(t.sf.server.log.at(-1)?.body).to.contain('/services/data/v58.0/sobjects/Account/describe')
      expect(client.apiVersion).to.equal('62.0')
      expect((await failure(SalesforceClient.connect(creds, {apiVersion: 'v62'}))).message).to.contain('is not valid')
    })

    it('reads every page of a query', async () => {
      const result = await client.query<{Id: string; Name: string}>('SELECT Id, Name FROM Widget__c')
      expect(result.totalSize).to.equal(4500)
      expect(result.records).to.have.length(4500)
      expect(result.records[4499].Name).to.equal('W4499')
      expect(t.org.calls.byKind.rest).to.equal(3)
    })

    it('runs Tooling queries, counts, limits and userinfo', async () => {
      const fields = await client.toolingQuery<{DataType: string; QualifiedApiName: string}>("SELECT QualifiedApiName, DataType FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = 'Account'")
      expect(fields.records.find(f => f.QualifiedApiName === 'Open_Amount__c')?.DataType).to.equal('Roll-Up Summary (SUM Opportunity)')
      expect(await client.count('Widget__c')).to.equal(4500)
      const before = await client.limits()
      await client.count('Widget__c')
      const after = await client.limits()
      expect(before.DailyApiRequests.Remaining - after.DailyApiRequests.Remaining).to.equal(2)
      expect(client.apiUsage).to.deep.equal({limit: 15_000, used: 15_000 - after.DailyApiRequests.Remaining})
      const me = await client.userInfo()
      expect(me).to.include({is_salesforce_integration_user: true, preferred_username: 'sync@acme.example', user_id: '005Hs00000IntegAAA'})
    })

    it('maps an expired session to a login hint', async () => {
      const stale = await SalesforceClient.connect({...creds, accessToken: `${TOKEN}-old`}, FAST)
      const error = await capture(stale.describeMany(['Account']))
      expect(error.message).to.equal('Salesforce session expired or invalid: run `sf org login web --alias X` or refresh SF_ACCESS_TOKEN')
      expect(error.errorCode).to.equal('INVALID_SESSION_ID')
      expect(error.exitCode).to.equal(3)
      const viaCli = await SalesforceClient.connect({...creds, accessToken: 'other-old-token', source: 'sf-cli', targetOrg: 'acme'}, FAST)
      expect((await capture(viaCli.userInfo())).message).to.equal('Salesforce session expired or invalid: run `sf org login web --alias acme`')
    })

    it('maps 403 REQUEST_LIMIT_EXCEEDED and permission errors', async () => {
      t.sf.server.inject({body: [{errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.'}], pathPrefix: '/services/data/v62.0/limits', status: 403, times: 1})
      const limit = await capture(client.limits())
      expect(limit.message).to.equal("Salesforce API request limit exceeded while reading org limits (REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.): wait for the rolling 24-hour window to free calls, or lower other integrations' usage")
      t.sf.server.inject({body: [{errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on cross-reference id'}], pathPrefix: '/services/data/v62.0/query', status: 403, times: 1})
      const denied = await capture(client.query('SELECT Id FROM FieldPermissions'))
      expect(denied.message).to.match(/^Salesforce refused running a SOQL query on FieldPermissions \(INSUFFICIENT_ACCESS: insufficient access rights on cross-reference id\): the user needs API Enabled/)
      expect(denied.status).to.equal(403)
    })

    it('maps 404, 429 and 5xx, and bad SOQL', async () => {
      t.sf.server.inject({body: [{errorCode: 'NOT_FOUND', message: 'The requested resource does not exist'}], pathPrefix: '/services/data/v62.0/composite', status: 404, times: 1})
      expect((await capture(client.describeMany(['Account']))).message).to.equal('Salesforce answered 404 while describing Account (NOT_FOUND: The requested resource does not exist): check the object name and that API v62.0 is available on this org')
      t.sf.server.inject({body: 'Too Many Requests', pathPrefix: '/services/data/v62.0/limits', status: 429, times: 1})
      expect((await capture(client.limits())).message).to.equal('Salesforce is rate limiting requests (HTTP 429) while reading org limits: wait a few minutes and retry')
      t.sf.server.inject({body: [{errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred (session ${TOKEN})`}], pathPrefix: '/services/data/v62.0/query', status: 500, times: 1})
      const server = await capture(client.count('Widget__c'))
      expect(server.message).to.equal('Salesforce failed with HTTP 500 while counting Widget__c records (UNKNOWN_EXCEPTION: An unexpected error occurred (session ***)): usually temporary, retry in a few minutes')
      const soql = await capture(client.query('SELECT Nope__c FROM Widget__c'))
      expect(soql.message).to.match(/^Salesforce rejected running a SOQL query on Widget__c \(INVALID_FIELD: No such column 'Nope__c' on entity 'Widget__c'/)
    })

    it('lets jsforce retry a 503 GET as configured', async () => {
      const patient = await SalesforceClient.connect(creds, {retry: {maxRetries: 2, minTimeout: 5}})
      t.sf.server.inject({pathPrefix: '/services/data/v62.0/limits', status: 503, times: 2})
      const before = t.sf.server.log.length
      expect((await patient.limits()).DailyApiRequests.Max).to.equal(15_000)
      expect(t.sf.server.log.slice(before).map(e => e.status)).to.deep.equal([503, 503, 200])
    })

    it('maps a dropped connection and a refused one', async () => {
      t.sf.server.inject({drop: true, pathPrefix: '/services/data/v62.0/composite', times: 1})
      const dropped = await capture(client.describeMany(['Account']))
      expect(dropped.message).to.match(/^the connection to Salesforce at 127\.0\.0\.1:\d+ was dropped while describing Account \(ECONNRESET\)/)
      t.sf.server.inject({drop: true, pathPrefix: '/services/data/v62.0/limits', times: 1})
      expect((await capture(client.limits())).errorCode).to.equal('ECONNRESET')

      const other = await startTestOrg()
      const url = other.sf.url
      await other.sf.close()
      const gone = await SalesforceClient.connect({...creds, instanceUrl: url}, FAST)
      const refused = await capture(gone.limits())
      expect(refused.message).to.equal(`could not connect to Salesforce at ${url} while reading org limits (connection refused): check the instance URL and that the org is reachable`)

      // .invalid never resolves (RFC 2606)
      const nowhere = await SalesforceClient.connect({...creds, instanceUrl: 'http://hcg-test.invalid'}, FAST)
      const unknownHost = await capture(nowhere.describeMany(['Account']))
      expect(unknownHost.message).to.equal('Salesforce host hcg-test.invalid was not found while describing Account: check the instance URL for typos')
    })
  })
})

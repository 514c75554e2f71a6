import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {UserCheckResult} from '../../src/workflows/user-check/index.js'

import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import {testServerUrl} from '../helpers/postgres.js'
import {type AuditJson, expectNoSecrets, FIXTURE_EXPORT, logicalLines, parseJson, runAudit, runCli, secretsOf, show, tempDir} from './helpers.js'

// `heroku connect:user:check` end to end against the sandbox: the built CLI in its own process,
// the fake Heroku, Connect and Salesforce peers in this one. The sandbox's default token is an
// administrator's; the integration user's own token is tried too.

const USER = 'heroku.connect@acme.example'
const check = (args: string[], env: Record<string, string | undefined>) => runCli(['connect:user:check', ...args], {env})
const verdicts = (json: UserCheckResult) => Object.fromEntries(json.checks.map(c => [c.id, c.verdict]))
const byId = (json: UserCheckResult, id: string) => json.checks.find(c => c.id === id)!

describe('connect:user:check on the messy sandbox', function () {
  this.timeout(180_000)
  let sandbox: Sandbox
  let secrets: string[]
  let work: Awaited<ReturnType<typeof tempDir>>

  before(async () => {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'messy', syncIntervalMs: 0})
    secrets = secretsOf(sandbox.env, [sandbox.tokens.admin, sandbox.tokens.integration])
    work = await tempDir('user-check')
  })

  after(async () => {
    await sandbox?.stop()
    await work?.remove()
  })

  it('catches the bad user with an admin\'s token: shared with UI logins, not API-only, expiring password, one object and one field permission missing', async () => {
    const [jsonRun, tableRun] = await Promise.all([check(['-a', 'acme-crm', '--json'], sandbox.env), check(['-a', 'acme-crm'], sandbox.env)])
    expect(jsonRun.code, show(jsonRun)).to.equal(1)
    const json = parseJson<UserCheckResult>(jsonRun)
    expect([json.username, json.tokenUser, json.ownToken]).to.deep.equal([USER, 'avery.admin@acme.example', false])
    expect(verdicts(json)).to.deep.equal({
      active: 'pass', 'api-only': 'fail', 'encrypted-fields': 'warn', 'field-permissions': 'fail', 'interactive-logins': 'fail',
      'not-a-person': 'warn', 'object-permissions': 'fail', 'password-never-expires': 'fail', 'view-all': 'fail',
    })
    // every page of LoginHistory: 2,402 logins are more than one 2,000-row page
    expect(byId(json, 'interactive-logins').evidence).to.match(/^2402 logins: Remote Access 2\.0 2400, Application 2;/)
    expect(byId(json, 'api-only').evidence).to.contain('licence Salesforce, profile Connect Sync')
    expect(byId(json, 'object-permissions').objectGaps).to.deep.equal([{missing: ['Create'], object: 'Lead'}])
    expect(byId(json, 'field-permissions').fieldGaps).to.deep.equal([{field: 'Loyalty_Tier__c', missing: 'Read', needsEdit: true, object: 'Contact', state: 'secured'}])
    expect(json.fix!.permissionSet).to.deep.include({assignee: {id: '005Hs00000IntgSyAA', username: USER}, name: 'Heroku_Connect_Sync_Access', userPermissions: ['ApiEnabled', 'ApiUserOnly', 'PasswordNeverExpires']})
    // the table is drawn from the same result: one row per check, with its verdict
    expect(tableRun.code, show(tableRun)).to.equal(1)
    const word = {fail: 'FAIL', pass: 'pass', skip: 'skip', warn: 'warn'}
    for (const c of json.checks) expect(tableRun.stdout, c.title).to.match(new RegExp(`${c.title.replaceAll(/[()]/g, '\\$&')}\\s+${word[c.verdict]}\\s`))
    expect(tableRun.stdout).to.contain(`sf org assign permset --name Heroku_Connect_Sync_Access --on-behalf-of ${USER}`)
    expectNoSecrets(jsonRun, secrets)
    expectNoSecrets(tableRun, secrets)
  })

  it('works with the integration user\'s own token: logins and field access from its own view, Setup-only checks skipped with what to grant', async () => {
    const run = await check(['-a', 'acme-crm', '--json'], {...sandbox.env, SF_ACCESS_TOKEN: sandbox.tokens.integration})
    expect(run.code, show(run)).to.equal(1)
    const json = parseJson<UserCheckResult>(run)
    expect([json.tokenUser, json.ownToken]).to.deep.equal([USER, true])
    expect(verdicts(json)).to.include({'api-only': 'skip', 'field-permissions': 'fail', 'interactive-logins': 'fail', 'object-permissions': 'skip'})
    expect(byId(json, 'object-permissions')).to.deep.include({grant: 'View Setup and Configuration for the user whose token is used'})
    expect(byId(json, 'field-permissions').fieldGaps).to.deep.equal([{field: 'Loyalty_Tier__c', missing: 'Read', needsEdit: true, object: 'Contact', state: 'hidden-or-deleted'}])
    expectNoSecrets(run, secrets)
  })

  it('writes the fix as a deployable permission set with --out', async () => {
    const dir = join(work.path, 'access')
    const run = await check(['-a', 'acme-crm', '--out', dir], sandbox.env)
    expect(run.code, show(run)).to.equal(1)
    const xml = await readFile(join(dir, 'force-app/main/default/permissionsets/Heroku_Connect_Sync_Access.permissionset-meta.xml'), 'utf8')
    expect(xml).to.contain('<fieldPermissions>\n        <editable>true</editable>\n        <field>Contact.Loyalty_Tier__c</field>\n        <readable>true</readable>\n    </fieldPermissions>')
    expect(xml).to.match(/<objectPermissions>\n {8}<allowCreate>true<\/allowCreate>\n {8}<allowDelete>false<\/allowDelete>\n {8}<allowEdit>false<\/allowEdit>\n {8}<allowRead>true<\/allowRead>\n {8}<modifyAllRecords>false<\/modifyAllRecords>\n {8}<object>Lead<\/object>/)
    expect(xml).to.contain('<userPermissions>\n        <enabled>true</enabled>\n        <name>ApiUserOnly</name>\n    </userPermissions>')
    expect(JSON.parse(await readFile(join(dir, 'sfdx-project.json'), 'utf8'))).to.deep.include({packageDirectories: [{default: true, path: 'force-app'}], sourceApiVersion: '62.0'})
    expect(run.stdout).to.contain(`cd ${dir} && sf project deploy start --source-dir force-app --target-org ORG`)
  })

  it('stops with exit 2 when the token is for another org than Connect\'s', async () => {
    const exported = JSON.parse(await readFile(FIXTURE_EXPORT, 'utf8')) as {connection: Record<string, unknown>}
    exported.connection.organization_id = '00DHs000000OthrAAA'
    const file = join(work.path, 'other-org.json')
    await writeFile(file, JSON.stringify(exported))
    const run = await check(['--config-file', file, '--username', USER], sandbox.env)
    expect(run.code, show(run)).to.equal(2)
    expect(logicalLines(run.stderr)).to.include('Error: the Salesforce token is for org 00DHs000000AcmeMAA, but the connection syncs org 00DHs000000OthrAAA')
    expectNoSecrets(run, secrets)
    // the audit reads Connect's user through the same collector, and stops the same way
    const audit = await runAudit(['--config-file', file, '--username', USER, '--json'], {env: {...sandbox.env, DATABASE_URL: undefined}})
    expect(audit.code, show(audit)).to.equal(2)
    expect(logicalLines(audit.stderr)).to.include('Error: the Salesforce token is for org 00DHs000000AcmeMAA, but the connection syncs org 00DHs000000OthrAAA')
  })

  it('skips every check, with the reason, for a user who cannot be found or an expired session; never crashes', async () => {
    const missing = await check(['--config-file', FIXTURE_EXPORT, '--username', 'nobody@acme.example', '--json'], sandbox.env)
    expect(missing.code, show(missing)).to.equal(3)
    const json = parseJson<UserCheckResult>(missing)
    expect(json.checks.every(c => c.verdict === 'skip' && c.evidence === 'not checked: no active or inactive user nobody@acme.example in org 00DHs000000AcmeMAA'), JSON.stringify(json.checks)).to.equal(true)
    const expired = await check(['-a', 'acme-crm', '--json'], {...sandbox.env, SF_ACCESS_TOKEN: `${sandbox.tokens.admin}x`})
    expect(expired.code, show(expired)).to.equal(3)
    expect(parseJson<UserCheckResult>(expired).checks[0].evidence).to.match(/^not checked: Salesforce session expired or invalid/)
    expectNoSecrets(expired, [...secrets, `${sandbox.tokens.admin}x`])
  })

  it('a 429 from Salesforce skips the checks with the reason instead of crashing', async () => {
    sandbox.salesforce.server.inject({body: [{errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests'}], method: 'POST', pathPrefix: '/services/data/v62.0/composite', status: 429, times: 2})
    try {
      const run = await check(['-a', 'acme-crm', '--json'], sandbox.env)
      expect(run.code, show(run)).to.equal(3)
      const json = parseJson<UserCheckResult>(run)
      expect(json.checks.every(c => c.verdict === 'skip'), JSON.stringify(json.checks)).to.equal(true)
      expect(json.checks[0].evidence).to.match(/^not checked: Salesforce API request limit exceeded/)
      expectNoSecrets(run, secrets)
    } finally {
      sandbox.salesforce.server.clearFaults()
    }
  })

  it('reads the token through the current sf CLI with --target-org, redaction and all', async () => {
    const sfDir = join(import.meta.dirname, '..', 'fixtures', 'sf-cli')
    const env = {
      ...sandbox.env, FAKE_SF_ORGS: JSON.stringify({'acme-admin': {accessToken: sandbox.tokens.admin, instanceUrl: sandbox.env.SF_INSTANCE_URL, username: 'avery.admin@acme.example'}}),
      PATH: `${sfDir}:${process.env.PATH}`, SF_ACCESS_TOKEN: undefined, SF_INSTANCE_URL: undefined,
    }
    const run = await check(['-a', 'acme-crm', '--target-org', 'acme-admin', '--json'], env)
    expect(run.code, show(run)).to.equal(1)
    expect(parseJson<UserCheckResult>(run).tokenUser).to.equal('avery.admin@acme.example')
    const audit = await runAudit(['-a', 'acme-crm', '--target-org', 'acme-admin', '--only', 'HC050', '--json'], {env})
    expect(parseJson<AuditJson>(audit).findings.some(f => f.rule === 'HC050'), show(audit)).to.equal(true)
    expectNoSecrets(run, secrets)
  })

  it('--apply plans first, refuses without --confirm, and then makes user:check pass and the audit drop the matching HC050 findings', async () => {
    const refused = await check(['-a', 'acme-crm', '--apply'], sandbox.env)
    expect(refused.code, show(refused)).to.equal(2)
    expect(refused.stderr).to.contain('--apply changes Salesforce permissions and needs confirmation')
    const dry = await check(['-a', 'acme-crm', '--apply', '--dry-run'], sandbox.env)
    expect(dry.code, show(dry)).to.equal(1)
    expect(dry.stdout).to.contain('would POST /sobjects/FieldPermissions {Field: Contact.Loyalty_Tier__c, PermissionsRead: true, PermissionsEdit: true}')
    const before = parseJson<AuditJson>(await runAudit(['-a', 'acme-crm', '--only', 'HC050', '--json'], {env: sandbox.env}))
    expect(before.findings.filter(f => f.severity !== 'info').length).to.be.greaterThan(4)

    const applied = await check(['-a', 'acme-crm', '--apply', '--confirm', 'acme-crm', '--json'], sandbox.env)
    expect(applied.code, show(applied)).to.equal(0)
    const json = parseJson<UserCheckResult>(applied)
    expect(json.fix!.applied!.map(s => s.action)).to.deep.equal(['create', 'grant', 'grant', 'grant', 'grant', 'grant', 'assign'])
    expect(json.summary.fail).to.equal(0)
    // past UI logins stay visible, but API Only User now blocks new ones
    expect(byId(json, 'interactive-logins')).to.deep.include({verdict: 'warn'})

    const again = await check(['-a', 'acme-crm', '--apply', '--confirm', 'acme-crm'], sandbox.env)
    expect(again.code, show(again)).to.equal(0)
    expect(again.stdout).to.contain('Nothing to apply')
    const own = parseJson<UserCheckResult>(await check(['-a', 'acme-crm', '--json'], {...sandbox.env, SF_ACCESS_TOKEN: sandbox.tokens.integration}))
    expect(verdicts(own)['field-permissions']).to.equal('pass')

    const after = parseJson<AuditJson>(await runAudit(['-a', 'acme-crm', '--only', 'HC050', '--json'], {env: sandbox.env}))
    expect(after.findings.map(f => `${f.severity}: ${f.message.split(':')[0]}`)).to.deep.equal([`warning: integration user ${USER} has interactive logins`])
  })
})

describe('connect:user:check on the healthy sandbox', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  before(async () => {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'healthy', syncIntervalMs: 0})
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('passes the dedicated integration user, with an admin\'s token and with its own, its sync permissions coming through a permission set group', async () => {
    const [admin, own] = await Promise.all([
      check(['-a', 'acme-crm', '--json'], sandbox.env),
      check(['-a', 'acme-crm', '--json'], {...sandbox.env, SF_ACCESS_TOKEN: sandbox.tokens.integration}),
    ])
    for (const run of [admin, own]) {
      expect(run.code, show(run)).to.equal(0)
      const json = parseJson<UserCheckResult>(run)
      expect(json.checks.filter(c => c.verdict !== 'pass'), JSON.stringify(json.checks, null, 1)).to.deep.equal([])
      expect(json.fix).to.equal(null)
      expect(byId(json, 'password-never-expires').evidence).to.equal('Password Never Expires from profile Minimum Access - API Only Integrations, Heroku_Connect_Access (group Heroku_Connect_Access)')
    }

    expect(parseJson<UserCheckResult>(own).ownToken).to.equal(true)
    const audit = parseJson<AuditJson>(await runAudit(['-a', 'acme-crm', '--only', 'HC050', '--json'], {env: sandbox.env}))
    expect(audit.findings).to.deep.equal([])
  })
})

import {expect} from 'chai'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {RULES} from '../../src/rules/index.js'
import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import {knownCommands, namedCommands} from '../helpers/commands.js'
import {createTestDatabase, testServerUrl} from '../helpers/postgres.js'
import {
  type AuditJson, type CliResult, closedPort, expectCleanFailure, expectNoSecrets, exportConnectConfig, FIXTURE_EXPORT, type FindingJson,
  parseJson, runAudit, secretsOf, show, tempDir,
} from './helpers.js'

// `heroku connect:audit` end to end: the built CLI in its own process, against the sandbox's fake
// Heroku, Connect and Salesforce servers (running in this process) and a real Postgres. These are
// the acceptance criteria of the audit issue, one `it` each.

const FINDING_KEYS = ['rule', 'practice', 'severity', 'object', 'table', 'field', 'message', 'fix']
const SEVERITY_RANK = {error: 0, info: 2, warning: 1} as const
const ruleIds = RULES.map(rule => rule.id)

/** The one finding of `rule` that matches every given property (strings exactly, RegExps by test). */
function findingOf(json: AuditJson, rule: string, where: Partial<Record<keyof FindingJson, null | RegExp | string | string[]>> = {}): FindingJson {
  const ofRule = json.findings.filter(f => f.rule === rule)
  const found = ofRule.find(f => Object.entries(where).every(([key, want]) => {
    const have = f[key as keyof FindingJson]
    if (Array.isArray(want)) return JSON.stringify(have) === JSON.stringify(want)
    return want instanceof RegExp ? typeof have === 'string' && want.test(have) : have === want
  }))
  expect(found, `${rule} finding matching ${JSON.stringify(where, (_k, v) => (v instanceof RegExp ? String(v) : v))}; ${rule} findings were:\n${JSON.stringify(ofRule, null, 1)}`).to.not.equal(undefined)
  return found!
}

/** The table report cut into its sections ("Errors (3)" … up to the next heading), by title. */
function tableSections(stdout: string): Record<string, string> {
  const sections: Record<string, string> = {}
  let current = ''
  for (const line of stdout.split('\n')) {
    const heading = /^(\w[\w ]*) \(\d+\)$/.exec(line)
    if (heading) current = heading[1]
    else if (current) sections[current] = `${sections[current] ?? ''}${line}\n`
  }

  return sections
}

function expectContract(json: AuditJson): void {
  expect(Object.keys(json)).to.deep.equal(['app', 'schema', 'summary', 'findings'])
  expect(Object.keys(json.summary)).to.deep.equal(['error', 'warning', 'info', 'skipped'])
  expect(json.summary.skipped).to.be.an('array')
  for (const finding of json.findings) {
    // `related` is optional and comes last: the other rules one cause would have triggered (DESIGN.md §4)
    expect(Object.keys(finding).filter(key => key !== 'related'), JSON.stringify(finding)).to.deep.equal(FINDING_KEYS)
    if ('related' in finding) expect(Object.keys(finding).at(-1)).to.equal('related')
    expect(ruleIds).to.include(finding.rule)
    expect(['error', 'warning', 'info']).to.include(finding.severity)
    expect(finding.practice === null || (Number.isInteger(finding.practice) && finding.practice >= 1 && finding.practice <= 8), JSON.stringify(finding)).to.equal(true)
    for (const key of ['object', 'table', 'field'] as const) expect(finding[key] === null || typeof finding[key] === 'string').to.equal(true)
    expect(finding.message).to.be.a('string').and.not.equal('')
    expect(finding.fix).to.be.a('string').and.not.equal('')
  }

  const tally = {error: 0, info: 0, warning: 0}
  for (const finding of json.findings) tally[finding.severity]++
  expect({error: json.summary.error, info: json.summary.info, warning: json.summary.warning}).to.deep.equal(tally)
  const ranks = json.findings.map(f => SEVERITY_RANK[f.severity])
  expect(ranks, 'findings are ordered error, warning, info').to.deep.equal([...ranks].sort((a, b) => a - b))
}

describe('connect:audit against the messy sandbox', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let secrets: string[]
  let work: Awaited<ReturnType<typeof tempDir>>
  let exportFile: string
  // independent CLI runs start together in before() and each `it` awaits its own
  const runs = new Map<string, Promise<CliResult>>()
  const result = (key: string): Promise<CliResult> => {
    const run = runs.get(key)
    if (!run) throw new Error(`no run named ${key}`)
    return run
  }

  const mainApp = () => sandbox.apps[0]
  const dirs = {expiry: '', infoOnly: '', output: '', waivers: ''}

  before(async function () {
    this.timeout(180_000)
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'messy', syncIntervalMs: 0})
    secrets = secretsOf(sandbox.env)
    work = await tempDir('audit-messy')
    for (const name of Object.keys(dirs) as Array<keyof typeof dirs>) {
      dirs[name] = join(work.path, name)
      await mkdir(dirs[name])
    }

    // a waiver that holds (HC001 on Lead) and one that has expired (HC076)
    await writeFile(join(dirs.waivers, '.connect-guard.json'), JSON.stringify({
      waivers: [
        {expires: '2999-12-31', object: 'Lead', reason: 'Lead external id lands in PLAT-900', rule: 'HC001'},
        {expires: '2020-01-31', object: 'Lead', reason: 'Company was going to be mapped in PLAT-512', rule: 'required-field-not-mapped'},
      ],
    }))
    // leaves HC071 with only its info finding (the archive), for --fail-on warning vs info
    await writeFile(join(dirs.infoOnly, '.connect-guard.json'), JSON.stringify({
      waivers: [{expires: '2999-12-31', reason: 'backlog is drained by the incident runbook', rule: 'HC071', table: 'salesforce._trigger_log'}],
    }))
    exportFile = join(work.path, 'acme-crm-export.json')
    await writeFile(exportFile, JSON.stringify(await exportConnectConfig(sandbox.env, 'acme-crm'), null, 2))
    const nowhere = `http://127.0.0.1:${await closedPort()}`

    const launch = (key: string, args: string[], options: {cwd?: string; env?: Record<string, string | undefined>} = {}) => {
      runs.set(key, runAudit(args, {cwd: options.cwd ?? work.path, env: {...sandbox.env, ...options.env}}))
    }

    launch('main', ['--app', 'acme-crm', '--json'])
    launch('legacy', ['--app', 'acme-crm-legacy', '--json'])
    launch('only', ['--app', 'acme-crm', '--json', '--only', 'HC001,read-write-without-unique-id'])
    launch('skip', ['--app', 'acme-crm', '--json', '--skip', 'HC001,bad-state', '--skip', 'HC080'])
    launch('never', ['--app', 'acme-crm', '--json', '--fail-on', 'never'])
    launch('infoAtWarning', ['--app', 'acme-crm', '--json', '--only', 'HC071', '--fail-on', 'warning'], {cwd: dirs.infoOnly})
    launch('infoAtInfo', ['--app', 'acme-crm', '--json', '--only', 'HC071', '--fail-on', 'info'], {cwd: dirs.infoOnly})
    launch('markdown', ['--app', 'acme-crm', '--format', 'markdown'])
    launch('sarif', ['--app', 'acme-crm', '--format', 'sarif'])
    launch('junit', ['--app', 'acme-crm', '--format', 'junit'])
    launch('output', ['--app', 'acme-crm', '--format', 'sarif', '--output', join(dirs.output, 'connect.sarif')], {cwd: dirs.output})
    launch('waiversTable', ['--app', 'acme-crm'], {cwd: dirs.waivers})
    launch('waiversJson', ['--app', 'acme-crm', '--json'], {cwd: dirs.waivers})
    // offline: an export file, a database URL and Salesforce credentials; no --app, and both the
    // Heroku API and the Connect discovery service point at a port nobody listens on
    // an export names no Salesforce user: --username says whom Connect syncs as
    launch('offline', ['--config-file', exportFile, '--database-url', mainApp().databaseUrl, '--username', 'heroku.connect@acme.example', '--json'], {
      env: {CONNECT_DISCOVERY_SERVER: nowhere, DATABASE_URL: undefined, HEROKU_APP: undefined, HEROKU_HOST: nowhere},
    })
  })

  after(async () => {
    await Promise.allSettled(runs.values())
    await sandbox?.stop()
    await work?.remove()
  })

  it('exits 1 with the §4 JSON contract: exactly app, schema, summary{error,warning,info,skipped}, findings[8 keys], in order', async () => {
    const run = await result('main')
    expect(run.code, show(run)).to.equal(1)
    const json = parseJson(run)
    expectContract(json)
    expect(json.app).to.equal('acme-crm')
    expect(json.schema).to.equal('salesforce')
    expect(json.summary.skipped, 'every input was available').to.deep.equal([])
    expect(json.summary.error).to.be.greaterThan(0)
    expectNoSecrets(run, secrets)
  })

  it('fires every rule HC001…HC080 except HC075, HC077 and HC078 at least once on acme-crm, on its own or as a related rule', async () => {
    const json = parseJson(await result('main'))
    // the sandbox builds Connect's schema as Connect does: its tables, triggers and runtime are intact
    const fired = new Set(json.findings.flatMap(f => [f.rule, ...(f.related ?? [])]))
    const missing = ruleIds.filter(id => !['HC075', 'HC077', 'HC078'].includes(id) && !fired.has(id))
    expect(missing, 'rules that did not fire').to.deep.equal([])
    expect(ruleIds.length).to.be.greaterThanOrEqual(20)
  })

  it('reports a representative finding of each rule with the right object, table, field and fix', async () => {
    const json = parseJson(await result('main'))
    const {databaseName, roleName} = mainApp()
    findingOf(json, 'HC001', {field: null, fix: /^heroku connect:external-ids -a acme-crm --mapping Lead \(it adds a Text\(36\) External ID \+ Unique field Lead\.External_Id__c/, object: 'Lead', severity: 'error', table: 'salesforce.lead'})
    findingOf(json, 'HC002', {field: 'External_Id__c', message: /NULL in 24 of 600 rows/, object: 'Account', table: 'salesforce.account'})
    findingOf(json, 'HC002', {field: 'Legacy_Key__c', message: /not marked External ID/, object: 'Opportunity'})
    findingOf(json, 'HC003', {field: 'External_Id__c', fix: /ALTER COLUMN external_id__c SET DEFAULT gen_random_uuid\(\)/, message: /sequence/, object: 'Contact'})
    findingOf(json, 'HC010', {field: 'Account_Name__c', message: /cross-object formula/, object: 'Contact', severity: 'warning', table: 'salesforce.contact'})
    findingOf(json, 'HC011', {field: 'Open_Amount__c', message: /roll-up summary/, object: 'Account', table: 'salesforce.account'})
    findingOf(json, 'HC020', {fix: /ALTER TABLE salesforce\.contact_notes SET SCHEMA app/, table: 'salesforce.contact_notes'})
    findingOf(json, 'HC020', {table: 'salesforce.active_contacts'})
    findingOf(json, 'HC030', {message: /pending changes to Contact will be written through SOAP/, object: 'Contact', table: 'salesforce.contact'})
    findingOf(json, 'HC031', {message: /API version 38\.0/})
    findingOf(json, 'HC031', {message: /Merged Writes/})
    findingOf(json, 'HC040', {field: 'contact_id', message: /references salesforce\.contact\.id/, object: 'Contact', severity: 'error', table: 'public.orders'})
    findingOf(json, 'HC040', {field: 'account_id', object: 'Account', severity: 'warning', table: 'public.orders'})
    // HC041 on the same foreign key is part of HC040's finding: one cause, one finding
    findingOf(json, 'HC040', {field: 'contact_id', fix: /ALTER TABLE public\.orders DROP CONSTRAINT orders_contact_id_fkey;/, message: /also stops Connect clearing salesforce\.contact on reload/, object: 'Contact', related: ['HC041'], table: 'public.orders'})
    findingOf(json, 'HC050', {message: /has interactive logins: 2402 logins: Remote Access 2\.0 2400, Application 2/})
    findingOf(json, 'HC050', {message: /lacks Create on Lead/, object: 'Lead', table: 'salesforce.lead'})
    findingOf(json, 'HC050', {field: 'Loyalty_Tier__c', object: 'Contact'})
    findingOf(json, 'HC060', {field: 'SSN__c', message: /encrypted/, object: 'Contact', severity: 'warning', table: 'salesforce.contact'})
    findingOf(json, 'HC060', {field: 'Tax_Id__c', severity: 'info'})
    findingOf(json, 'HC070', {message: /12 changes to Lead failed.*REQUIRED_FIELD_MISSING/, object: 'Lead'})
    findingOf(json, 'HC070', {message: /_hc_lastop FAILED/, object: 'Contact'})
    findingOf(json, 'HC071', {message: /3 days old/, table: 'salesforce._trigger_log'})
    findingOf(json, 'HC071', {severity: 'info', table: 'salesforce._trigger_log_archive'})
    findingOf(json, 'HC072', {field: roleName, fix: `ALTER ROLE ${roleName} IN DATABASE ${databaseName} RESET xmlbinary;`, message: new RegExp(`role ${roleName} sets xmlbinary = hex`)})
    findingOf(json, 'HC073', {message: /SYSTEM_ERROR/, object: 'Lead', table: 'salesforce.lead'})
    findingOf(json, 'HC073', {fix: 'heroku connect:resume -a acme-crm', message: /PAUSED/, severity: 'warning'})
    findingOf(json, 'HC074', {message: /API calls a day/})
    findingOf(json, 'HC076', {field: 'Company', message: /REQUIRED_FIELD_MISSING/, object: 'Lead', table: 'salesforce.lead'})
    // Connect's diagnose checks that repeat a finding are folded into it
    findingOf(json, 'HC031', {message: /API version 38\.0/, related: ['connect:diagnose']})
    findingOf(json, 'HC076', {field: 'Company', related: ['connect:diagnose']})
    findingOf(json, 'HC080', {message: /Configured Logging|Number of/})
    // every fix that names a command names one that exists, and can be run as printed
    const known = knownCommands()
    for (const finding of json.findings) {
      for (const id of namedCommands(finding.fix)) {
        expect(known.has(id), `${id} in ${JSON.stringify(finding)}`).to.equal(true)
        expect(finding.fix, JSON.stringify(finding)).to.match(new RegExp(`heroku ${id} [^;]*-a acme-crm`))
      }
    }
  })

  it('reports HC075 on --app acme-crm-legacy, whose Connect system tables were damaged', async () => {
    const run = await result('legacy')
    expect(run.code, show(run)).to.equal(1)
    const json = parseJson(run)
    expectContract(json)
    expect(json.app).to.equal('acme-crm-legacy')
    expect(json.schema).to.equal('org')
    findingOf(json, 'HC075', {message: /_hcmeta is missing/, severity: 'error', table: 'org._hcmeta'})
    findingOf(json, 'HC075', {message: /missing column sf_result/, table: 'org._trigger_log'})
    findingOf(json, 'HC073', {message: /DB_UNAVAILABLE/})
  })

  // DESIGN §9 bounds the total; within it: userinfo, the describe batches, the integration-user
  // queries, and one more /composite with the roll-up query and LoginHistory's second page
  it('makes at most 3 + ceil(M/25) Salesforce calls per audit, describes batched through /composite', async () => {
    await Promise.allSettled(runs.values())
    const M = mainApp().spec.connection.mappings.length
    sandbox.org.calls.reset()
    const run = await runAudit(['--app', 'acme-crm', '--json'], {env: sandbox.env})
    expect(run.code, show(run)).to.equal(1)
    const {byKind, total} = sandbox.org.calls
    expect(total, JSON.stringify(byKind)).to.be.at.most(3 + Math.ceil(M / 25))
    expect(byKind.composite, JSON.stringify(byKind)).to.be.at.most(2 + Math.ceil(M / 25))
    expect({bulk: byKind.bulk, rest: byKind.rest, soap: byKind.soap, tooling: byKind.tooling}, 'no per-object describe or query').to.deep.equal({bulk: 0, rest: 0, soap: 0, tooling: 0})
  })

  it('stays within 3 + ceil(M/25) Salesforce calls for M = 30 mapped objects (export file)', async () => {
    await Promise.allSettled(runs.values())
    const exported = JSON.parse(await readFile(exportFile, 'utf8')) as {mappings: Array<{object_name: string; config: Record<string, unknown>}>}
    const template = exported.mappings.find(m => m.object_name === 'Account')!
    const extra = Array.from({length: 30 - exported.mappings.length}, (_, i) => ({...template, config: {...template.config, access: 'read_only', upsert_field: null}, object_name: `Region_${i + 1}__c`}))
    const big = {...exported, mappings: [...exported.mappings, ...extra]}
    expect(big.mappings).to.have.length(30)
    const file = join(work.path, 'thirty.json')
    await writeFile(file, JSON.stringify(big))
    sandbox.org.calls.reset()
    const run = await runAudit(['--config-file', file, '--username', 'heroku.connect@acme.example', '--json', '--only', 'HC010,HC011,HC050,HC060,HC076'], {env: {...sandbox.env, DATABASE_URL: undefined, HEROKU_APP: undefined}})
    expect(run.code, show(run)).to.be.oneOf([0, 1])
    const {byKind, total} = sandbox.org.calls
    expect(byKind.composite, `two describe batches and two query batches: ${JSON.stringify(byKind)}`).to.be.at.most(2 + Math.ceil(30 / 25))
    expect(total, JSON.stringify(byKind)).to.be.at.most(3 + Math.ceil(30 / 25))
  })

  it('audits offline from a Connect export, a database URL and SF credentials, with no Heroku or Connect API', async () => {
    const run = await result('offline')
    expect(run.code, show(run)).to.equal(1)
    const json = parseJson(run)
    expectContract(json)
    expect(json.schema).to.equal('salesforce')
    // the Connect-API-only rules are skipped, each with a reason
    const skipped = json.summary.skipped
    expect(skipped.find(s => s.startsWith('HC073: ')), JSON.stringify(skipped)).to.match(/HC073: .*(export|live state).*--app/)
    expect(skipped.find(s => s.startsWith('HC080: ')), JSON.stringify(skipped)).to.match(/HC080: .*Connect API.*--app/)
    expect(skipped, 'only the Connect-API rules are skipped').to.have.length(2)
    const fired = new Set(json.findings.map(f => f.rule))
    // export rules, database rules and Salesforce rules all still run
    for (const rule of ['HC001', 'HC031', 'HC074', 'HC003', 'HC020', 'HC030', 'HC040', 'HC070', 'HC071', 'HC072', 'HC002', 'HC010', 'HC011', 'HC050', 'HC060', 'HC076']) {
      expect(fired.has(rule), `${rule} fires offline: ${show(run)}`).to.equal(true)
    }

    findingOf(json, 'HC001', {object: 'Lead', table: 'salesforce.lead'})
    findingOf(json, 'HC060', {field: 'SSN__c', object: 'Contact'})
    // the foreign key's other consequence (it blocks the reload's TRUNCATE) is folded into HC040
    expect(findingOf(json, 'HC040', {field: 'contact_id', table: 'public.orders'}).related).to.include('HC041')
    expectNoSecrets(run, secrets)
  })

  it('--only takes ids and names (HC001,read-write-without-unique-id) and runs just that rule', async () => {
    const run = await result('only')
    expect(run.code, show(run)).to.equal(1)
    const json = parseJson(run)
    expectContract(json)
    expect(json.findings.map(f => `${f.rule} ${f.object}`)).to.deep.equal(['HC001 Lead'])
    expect(json.summary).to.deep.equal({error: 1, info: 0, skipped: [], warning: 0})
  })

  it('--skip leaves out the named rules (ids and names, repeated) and keeps the rest', async () => {
    const run = await result('skip')
    expect(run.code, show(run)).to.equal(1)
    const json = parseJson(run)
    expectContract(json)
    const fired = new Set(json.findings.map(f => f.rule))
    for (const rule of ['HC001', 'HC073', 'HC080']) expect(fired.has(rule), rule).to.equal(false)
    for (const rule of ['HC002', 'HC040', 'HC072', 'HC076']) expect(fired.has(rule), rule).to.equal(true)
  })

  it('--fail-on never exits 0 even with errors', async () => {
    const run = await result('never')
    expect(run.code, show(run)).to.equal(0)
    expect(parseJson(run).summary.error).to.be.greaterThan(0)
  })

  it('--fail-on info exits 1 on info findings that --fail-on warning lets through', async () => {
    const [atWarning, atInfo] = await Promise.all([result('infoAtWarning'), result('infoAtInfo')])
    for (const run of [atWarning, atInfo]) {
      const json = parseJson(run)
      expect(json.findings.map(f => `${f.rule} ${f.severity} ${f.table}`), show(run)).to.deep.equal(['HC071 info salesforce._trigger_log_archive'])
    }

    expect(atWarning.code, show(atWarning)).to.equal(0)
    expect(atInfo.code, show(atInfo)).to.equal(1)
  })

  it('--format markdown prints a Markdown report', async () => {
    const run = await result('markdown')
    expect(run.code, show(run)).to.equal(1)
    expect(run.stdout).to.match(/^#+ .*acme-crm/m)
    expect(run.stdout).to.match(/^\|.*\|$/m)
    expect(run.stdout).to.include('HC001').and.include('HC076').and.include('Lead')
    expectNoSecrets(run, secrets)
  })

  it('--format sarif prints a SARIF 2.1.0 log with a result per finding', async () => {
    const [sarifRun, jsonRun] = await Promise.all([result('sarif'), result('main')])
    expect(sarifRun.code, show(sarifRun)).to.equal(1)
    const sarif = JSON.parse(sarifRun.stdout) as {version: string; runs: Array<{results: Array<{ruleId: string; level: string}>; tool: {driver: {name: string; rules: Array<{id: string}>}}}>}
    expect(sarif.version).to.equal('2.1.0')
    expect(sarif.runs).to.have.length(1)
    const [run] = sarif.runs
    expect(run.results).to.have.length(parseJson(jsonRun).findings.length)
    expect(run.results.map(r => r.ruleId)).to.include('HC001').and.include('HC072')
    expect(run.results.find(r => r.ruleId === 'HC001')!.level).to.equal('error')
    expect(run.tool.driver.rules.map(r => r.id)).to.include('HC001')
  })

  it('--format junit prints JUnit XML with a failure for each failing rule', async () => {
    const run = await result('junit')
    expect(run.code, show(run)).to.equal(1)
    expect(run.stdout).to.match(/^<\?xml version="1\.0"/)
    expect(run.stdout).to.match(/<testsuites?[\s>]/)
    expect(run.stdout).to.match(/<testcase [^>]*HC001/)
    expect(run.stdout).to.include('<failure')
    expect(run.stdout.trim()).to.match(/<\/testsuites?>$/)
  })

  it('--output FILE writes the report to the file and nothing of it to stdout', async () => {
    const run = await result('output')
    expect(run.code, show(run)).to.equal(1)
    expect(run.stdout, show(run)).to.equal('')
    const file = join(dirs.output, 'connect.sarif')
    const sarif = JSON.parse(await readFile(file, 'utf8')) as {version: string; runs: Array<{results: unknown[]}>}
    expect(sarif.version).to.equal('2.1.0')
    expect(sarif.runs[0].results.length).to.be.greaterThan(0)
    expect(run.stderr).to.include(file)
    expectNoSecrets(run, secrets)
  })

  it('a .connect-guard.json waiver in the working directory hides its finding; an expired waiver is reported', async () => {
    const [table, jsonRun] = await Promise.all([result('waiversTable'), result('waiversJson')])
    const json = parseJson(jsonRun)
    expect(jsonRun.code, show(jsonRun)).to.equal(1)
    expect(json.findings.filter(f => f.rule === 'HC001'), 'the waived finding is gone').to.deep.equal([])
    findingOf(json, 'HC070', {object: 'Lead'}) // waivers are per rule: other rules on Lead stay
    findingOf(json, 'HC076', {field: 'Company', object: 'Lead'}) // the expired waiver no longer hides it

    expect(table.code, show(table)).to.equal(1)
    const section = tableSections(table.stdout)
    expect(section.Errors, show(table)).not.to.match(/^\s*HC001 .* on Lead/m)
    expect(section.Errors, show(table)).to.match(/^\s*HC076 .* on Lead/m)
    expect(section.Waived, show(table)).to.match(/^\s*HC001 .* on Lead/m)
    expect(section.Waived).to.match(/waived until 2999-12-31: Lead external id lands in PLAT-900/)
    expect(section['Expired waivers'], show(table)).to.match(/^\s*HC076 .* on Lead/m)
    expect(section['Expired waivers']).to.match(/expired 2020-01-31: Company was going to be mapped in PLAT-512/)
    expect(table.stdout).to.match(/, 1 waived\s*$/)
  })
})

describe('connect:audit against the healthy sandbox', function () {
  this.timeout(120_000)
  let sandbox: Sandbox

  before(async function () {
    this.timeout(180_000)
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'healthy', syncIntervalMs: 0})
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('finds nothing at warning or above and exits 0 with --fail-on warning', async () => {
    sandbox.org.calls.reset()
    const [jsonRun, tableRun] = await Promise.all([
      runAudit(['--app', 'acme-crm', '--json', '--fail-on', 'warning'], {env: sandbox.env}),
      runAudit(['--app', 'acme-crm', '--fail-on', 'warning'], {env: sandbox.env}),
    ])
    expect(jsonRun.code, show(jsonRun)).to.equal(0)
    const json = parseJson(jsonRun)
    expectContract(json)
    expect(json.findings.filter(f => f.severity !== 'info'), show(jsonRun)).to.deep.equal([])
    expect(json.summary.skipped, 'every rule ran').to.deep.equal([])
    expect(tableRun.code, show(tableRun)).to.equal(0)
    expect(tableRun.stdout).to.match(/0 errors, 0 warnings/)
    expectNoSecrets(jsonRun, secretsOf(sandbox.env))
    // two audits, each within 3 + ceil(M/25)
    const M = sandbox.apps[0].spec.connection.mappings.length
    expect(sandbox.org.calls.total).to.be.at.most(2 * (3 + Math.ceil(M / 25)))
  })
})

describe('connect:audit on files alone', function () {
  this.timeout(60_000)
  let work: Awaited<ReturnType<typeof tempDir>>
  // nothing from the developer's shell: no app, no database, no Salesforce, no Connect override
  const bare = {CONNECT_DISCOVERY_SERVER: undefined, DATABASE_URL: undefined, HEROKU_APP: undefined, SF_ACCESS_TOKEN: undefined, SF_INSTANCE_URL: undefined}

  before(async () => {
    work = await tempDir('audit-files')
  })

  after(async () => {
    await work?.remove()
  })

  it('--only HC999 is a usage error: exit 2 naming the rule', async () => {
    const run = await runAudit(['--config-file', FIXTURE_EXPORT, '--only', 'HC999', '--json'], {cwd: work.path, env: bare})
    expectCleanFailure(run, 2, /unknown rule "HC999"/, [process.env.HEROKU_API_KEY ?? ''])
  })

  it('--config-file with a database and no Salesforce: Postgres rules run on a real server', async () => {
    const database = await createTestDatabase('audit_offline')
    try {
      const run = await runAudit(['--config-file', FIXTURE_EXPORT, '--database-url', database.url, '--json'], {cwd: work.path, env: bare})
      expect(run.code, show(run)).to.equal(1)
      const json = parseJson(run)
      expectContract(json)
      // the database is empty: the export's schema is not there, which HC075 reports
      findingOf(json, 'HC075', {message: /schema crm_sync does not exist/})
      expect(json.summary.skipped.filter(s => /no database URL/.test(s))).to.deep.equal([])
      expect(json.summary.skipped.filter(s => /no Salesforce credentials/.test(s))).to.not.deep.equal([])
      const password = decodeURIComponent(new URL(database.url).password)
      expectNoSecrets(run, password ? [password] : [])
    } finally {
      await database.drop()
    }
  })

  it('--config-file alone: exit code from the findings; database and Salesforce rules skipped with reasons and how to provide them', async () => {
    // the same export on API version 38: HC031 warns, and HC001's error is skipped
    const old = join(work.path, 'api-38.json')
    const fixture = JSON.parse(await readFile(FIXTURE_EXPORT, 'utf8')) as {connection: Record<string, unknown>}
    await writeFile(old, JSON.stringify({...fixture, connection: {...fixture.connection, api_version: '38.0'}}))
    const [json1, table, withoutErrors] = await Promise.all([
      runAudit(['--config-file', FIXTURE_EXPORT, '--json'], {cwd: work.path, env: bare}),
      runAudit(['--config-file', FIXTURE_EXPORT], {cwd: work.path, env: bare}),
      runAudit(['--config-file', old, '--json', '--skip', 'HC001'], {cwd: work.path, env: bare}),
    ])
    expect(json1.code, show(json1)).to.equal(1)
    const json = parseJson(json1)
    expectContract(json)
    findingOf(json, 'HC001', {object: 'Lead', severity: 'error'})
    const skipped = json.summary.skipped
    for (const rule of RULES) {
      const entry = skipped.find(s => s.startsWith(`${rule.id}: `))
      if (rule.needs.includes('postgres')) expect(entry, `${rule.id} skipped: ${JSON.stringify(skipped)}`).to.match(/no database URL/)
      else if (rule.needs.includes('salesforce')) expect(entry, `${rule.id} skipped: ${JSON.stringify(skipped)}`).to.match(/no Salesforce credentials/)
    }

    // the human report says how to provide each missing input
    expect(table.code, show(table)).to.equal(1)
    expect(table.stdout).to.match(/Skipped \(\d+\)/)
    expect(table.stdout).to.include('pass --database-url or set DATABASE_URL')
    expect(table.stdout).to.match(/--target-org, or\s+set SF_INSTANCE_URL and SF_ACCESS_TOKEN/)
    // without the error finding only a warning remains, below the default --fail-on error
    expect(withoutErrors.code, show(withoutErrors)).to.equal(0)
    expect(parseJson(withoutErrors).summary.warning).to.be.greaterThan(0)
  })

  it('a malformed export file is a usage error: exit 2, one line naming the file', async () => {
    const file = join(work.path, 'broken.json')
    await writeFile(file, '{"version": 1, "mappings": [{"object_name": "Contact",')
    const run = await runAudit(['--config-file', file, '--json'], {cwd: work.path, env: bare})
    expectCleanFailure(run, 2, new RegExp(`${file.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON`), [process.env.HEROKU_API_KEY ?? ''])
  })

  it('a JSON file that is not a Connect export (package.json) is a usage error: exit 2', async () => {
    const file = join(work.path, 'package.json')
    await writeFile(file, await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    const run = await runAudit(['--config-file', file, '--json'], {cwd: work.path, env: bare})
    expectCleanFailure(run, 2, /not a Heroku Connect export/, [process.env.HEROKU_API_KEY ?? ''])
  })
})

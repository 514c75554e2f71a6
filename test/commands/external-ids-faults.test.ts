import {expect} from 'chai'
import pg from 'pg'

import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import {setCustomizeApplication} from '../../src/sandbox/salesforce/custom-field-writes.js'
import {ADMIN_USER_ID} from '../../src/sandbox/scenarios/people.js'
import {testServerUrl} from '../helpers/postgres.js'
import {APP, externalIds, journals, lastLogId, logRows, mappingPuts, query, runUntil, toolingWrites} from './external-ids-world.js'
import {type CliResult, logicalLines, secretsOf, show, startDropProxy} from './helpers.js'

// connect:external-ids when something fails: each fault gives one error line and the documented
// exit code, leaves the journal open, and --resume finishes once the cause is gone. The healthy
// sandbox's Account mapping is made to need an identifier again before each case (its upsert_field
// taken out of the mapping), with a new field name each time. Faults are injected into the shared
// fake servers, so the cases run one after another.

const RESUME = ['--resume', '--confirm', APP]

describe('connect:external-ids faults', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let url: string
  let secrets: string[]
  let n = 0

  before(async function () {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'healthy', syncIntervalMs: 0})
    url = sandbox.apps[0].databaseUrl
    secrets = secretsOf(sandbox.env)
  })

  after(async () => {
    await sandbox?.stop()
  })

  afterEach(async function () {
    sandbox.salesforce.server.clearFaults()
    sandbox.connect.server.clearFaults()
    // a failed case must not leave its journal open for the next one
    if (this.currentTest?.state === 'failed' && (await journals(url)).length > 0) await query(url, "UPDATE connect_guard.journal SET status = 'complete' WHERE status <> 'complete'")
  })

  const account = () => sandbox.connect.connection(APP).mappings.find(m => m.object === 'Account')!
  /** Account without a unique identifier again, and a field name no earlier case used */
  function unfix(): string[] {
    account().config.upsert_field = undefined
    account().config.indexes = {}
    account().state = 'DATA_SYNCED'
    n++
    return ['--mapping', 'Account', '--field', `Guard_${n}__c`, '--confirm', APP]
  }

  function expectFailure(run: CliResult, code: number, message: RegExp): void {
    expect(run.code, show(run)).to.equal(code)
    const errors = logicalLines(run.stderr).filter(line => line.startsWith('Error:'))
    expect(errors, show(run)).to.have.length(1)
    expect(errors[0]).to.match(message)
    expect(run.stderr, 'no stack trace').not.to.match(/^\s+at .+:\d+:\d+\)?$/m)
    for (const secret of secrets) expect(run.stdout + run.stderr).not.to.include(secret)
  }

  async function expectOpenThenResume(): Promise<void> {
    expect((await journals(url)).at(-1)?.status).to.equal('failed')
    const resumed = await externalIds(sandbox, RESUME)
    expect(resumed.code, show(resumed)).to.equal(0)
    expect((await journals(url)).at(-1)).to.deep.equal({error: null, status: 'complete', step: 'complete'})
  }

  it('no permission to create fields (INSUFFICIENT_ACCESS)', async () => {
    setCustomizeApplication(sandbox.org.spec, ADMIN_USER_ID, false)
    try {
      const run = await externalIds(sandbox, unfix())
      expectFailure(run, 3, /^Error: Salesforce refused to create or change field Account\.Guard_\d+__c: the user of SF_INSTANCE_URL \/ SF_ACCESS_TOKEN lacks Customize Application$/)
      expect(run.stderr).to.include('heroku connect:external-ids --resume -a acme-crm')
    } finally {
      setCustomizeApplication(sandbox.org.spec, ADMIN_USER_ID, true)
    }

    // while that run is open, a new one is refused: it would only see half of the first one's work
    const another = await externalIds(sandbox, ['--mapping', 'Account', '--confirm', APP])
    expectFailure(another, 1, /^Error: connect:external-ids run \d+ is failed at plan; finish it before starting another$/)

    await expectOpenThenResume()
  })

  it('--resume with no open run is a usage error', async () => {
    expectFailure(await externalIds(sandbox, RESUME), 2, /^Error: no interrupted connect:external-ids run to resume on connection /)
  })

  it('a field name taken by a field of another type: refused at the plan', async () => {
    unfix()
    const run = await externalIds(sandbox, ['--mapping', 'Account', '--field', 'Open_Opportunities__c', '--confirm', APP])
    expectFailure(run, 2, /^Error: Salesforce field Account\.Open_Opportunities__c already exists as a double field, not Text$/)
    expect(run.stderr).to.include('--field')
  })

  it('a Text field too short for a UUID: refused at the plan, nothing sent', async () => {
    unfix()
    // an existing Text(20) field, made in Setup (here: through the Tooling API, as the admin)
    const made = await fetch(`${sandbox.env.SF_INSTANCE_URL}/services/data/v62.0/tooling/sobjects/CustomField`, {
      body: JSON.stringify({FullName: 'Account.Short_Key__c', Metadata: {label: 'Short Key', length: 20, type: 'Text'}}),
      headers: {authorization: `Bearer ${sandbox.env.SF_ACCESS_TOKEN}`, 'content-type': 'application/json'},
      method: 'POST',
    })
    expect(made.status).to.equal(201)
    const [writes, puts] = [toolingWrites(sandbox).length, mappingPuts(sandbox)]
    const run = await externalIds(sandbox, ['--mapping', 'Account', '--field', 'Short_Key__c', '--confirm', APP])
    expectFailure(run, 2, /^Error: Salesforce field Account\.Short_Key__c holds 20 characters, and a UUID needs 36$/)
    expect(run.stderr).to.include('widen it to Text(36) in Setup')
    expect(toolingWrites(sandbox)).to.have.length(writes)
    expect(mappingPuts(sandbox)).to.equal(puts)
  })

  it('a bad --field name and a bad --batch-rows: usage errors', async () => {
    expectFailure(await externalIds(sandbox, ['--field', 'Bad Name', '--dry-run']), 2, /--field "Bad Name" is not a custom field API name/)
    expectFailure(await externalIds(sandbox, ['--batch-rows', '0', '--dry-run']), 2, /--batch-rows 0 is out of range/)
    expectFailure(await externalIds(sandbox, ['--mapping', 'Nope', '--dry-run']), 2, /no mapping Nope on this connection/)
    expectFailure(await externalIds(sandbox, ['--dry-run'], {SF_ACCESS_TOKEN: undefined, SF_INSTANCE_URL: undefined}), 2, /^Error: connect:external-ids needs Salesforce credentials to create the field$/)
  })

  it('a mapping that goes into a bad state after the change', async () => {
    const args = unfix()
    const run = await runUntil([...args, '--poll-interval', '700'], sandbox.env, /PUT \/api\/v3\/mappings\//, async () => {
      account().state = 'SYSTEM_ERROR'
      account().stateDescription = 'Unexpected error while writing to Salesforce'
      account().applying = []
    })
    expectFailure(run, 3, /^Error: mapping Account went to SYSTEM_ERROR after the change: Unexpected error while writing to Salesforce$/)
    account().state = 'DATA_SYNCED'
    await expectOpenThenResume()
  })

  for (const [status, code, message] of [
    [401, 3, /rejected the Heroku token \(401\)/],
    [403, 3, /denied access for PUT \/api\/v3\/mappings\/[\w-]+ \(403\)/],
    [404, 2, /found nothing at PUT \/api\/v3\/mappings\/[\w-]+ \(404\)/],
    [409, 3, /refused the change to the Account mapping \(409\)/],
    [429, 3, /rate limiting requests \(429\)/],
    [503, 3, /failed with 503 on PUT \/api\/v3\/mappings/],
  ] as const) {
    it(`the Connect API answers ${status} mid-run`, async () => {
      const args = unfix()
      sandbox.connect.server.inject({body: {id: 'fault', message: `injected ${status}`}, method: 'PUT', pathPrefix: '/api/v3/mappings/', status, times: Number.POSITIVE_INFINITY})
      const run = await externalIds(sandbox, args)
      expectFailure(run, code, message)
      // the Salesforce field was made before the failure, and is not made again on resume
      const writes = toolingWrites(sandbox).length
      sandbox.connect.server.clearFaults()
      await expectOpenThenResume()
      expect(toolingWrites(sandbox).length).to.equal(writes)
    })
  }

  it('Salesforce answers 500 on the field create', async () => {
    const args = unfix()
    sandbox.salesforce.server.inject({body: [{errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred'}], method: 'POST', pathPrefix: '/services/data/v62.0/tooling/sobjects/CustomField', status: 500, times: Number.POSITIVE_INFINITY})
    const run = await externalIds(sandbox, args)
    expectFailure(run, 3, /Salesforce failed with HTTP 500 while creating a CustomField through the Tooling API/)
    sandbox.salesforce.server.clearFaults()
    await expectOpenThenResume()
  })

  it('the database goes away mid-backfill: one error line, and a resume finishes without filling a row twice', async () => {
    const args = unfix()
    const logBefore = await lastLogId(url)
    // the run's 76th query is in the middle of the backfill (after its first batch)
    const proxy = await startDropProxy(url, 76)
    try {
      const run = await externalIds(sandbox, [...args, '--database-url', proxy.url])
      expectFailure(run, 3, /^Error: lost the connection to Postgres at 127\.0\.0\.1:\d+ in the middle of a command/)
      expect(proxy.dropped).to.equal(true)
    } finally {
      await proxy.close()
    }

    // the journal could not be marked: it still says running, with no live lock, so it is resumed
    expect((await journals(url)).at(-1)?.status).to.equal('running')
    const resumed = await externalIds(sandbox, RESUME)
    expect(resumed.code, show(resumed)).to.equal(0)
    expect(await logRows(url, logBefore), 'each of the 500 rows filled once').to.deep.equal([{action: 'UPDATE', n: 500, table_name: 'account'}])
  })

  it('Ctrl-C during the backfill stops at a batch boundary and says how to resume', async () => {
    const args = unfix()
    // 30 batches of 20 rows: there is time to press Ctrl-C between two of them
    const run = await runUntil([...args, '--batch-rows', '20'], sandbox.env, /rows filled/, async child => {
      child.kill('SIGINT')
    })
    expectFailure(run, 4, /^Error: stopped after \d+ Account rows, at id \d+$/)
    expect(run.stderr).to.include('continue with heroku connect:external-ids --resume -a acme-crm')
    expect((await journals(url)).at(-1)?.status).to.equal('interrupted')
    const [{nulls}] = await query<{nulls: number}>(url, `SELECT count(*)::int AS nulls FROM salesforce.account WHERE guard_${n}__c IS NULL`)
    expect(nulls).to.be.greaterThan(0)
    const resumed = await externalIds(sandbox, RESUME)
    expect(resumed.code, show(resumed)).to.equal(0)
    const [{left}] = await query<{left: number}>(url, `SELECT count(*)::int AS left FROM salesforce.account WHERE guard_${n}__c IS NULL`)
    expect(left).to.equal(0)
  })
  // last: the sandbox's own pools would open read-only sessions too while the setting is on
  it('a read-only database: refused before anything is changed', async () => {
    const [{db}] = await query<{db: string}>(url, 'SELECT current_database() AS db')
    const [writes, puts] = [toolingWrites(sandbox).length, mappingPuts(sandbox)]
    await query(url, `ALTER DATABASE "${db}" SET default_transaction_read_only = on`)
    try {
      const args = unfix()
      const run = await externalIds(sandbox, args)
      expectFailure(run, 3, /^Error: the database is read-only \(default_transaction_read_only is on\): connect:external-ids cannot write to it$/)
      expect(toolingWrites(sandbox)).to.have.length(writes)
      expect(mappingPuts(sandbox)).to.equal(puts)
    } finally {
      // a new session is read-only by default now: switch this one back first
      const client = new pg.Client({connectionString: url})
      await client.connect()
      await client.query('SET default_transaction_read_only = off')
      await client.query(`ALTER DATABASE "${db}" RESET default_transaction_read_only`)
      await client.end()
    }

    expect((await journals(url)).filter(j => j.status !== 'complete')).to.deep.equal([])
  })
})

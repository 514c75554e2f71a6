import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import pg from 'pg'

import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import type {WriteModeReport} from '../../src/workflows/write-mode/report.js'
import {testServerUrl} from '../helpers/postgres.js'
import {type CliResult, expectCleanFailure, runCli, secretsOf, tempDir} from './helpers.js'

// `heroku connect:write-mode` end to end: the built CLI against the sandbox's fake Heroku, Connect
// and Salesforce and a real Postgres with Connect's triggers.

const show = (r: CliResult) => `connect:write-mode ${r.args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`

function report(result: CliResult): WriteModeReport {
  expect(result.code, show(result)).to.equal(0)
  return JSON.parse(result.stdout) as WriteModeReport
}

const callsByObject = (r: WriteModeReport) => Object.fromEntries(r.objects.map(o => [o.object, [o.totals.soapCalls, o.totals.bulkJobs, o.totals.bulkBatches, o.totals.apiCalls]]))

describe('connect:write-mode', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let work: Awaited<ReturnType<typeof tempDir>>
  const writeMode = (args: string[]) => runCli(['connect:write-mode', '--app', 'acme-crm', ...args], {env: sandbox.env})

  before(async () => {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'healthy', syncIntervalMs: 0})
    work = await tempDir('write-mode')
  })

  after(async () => {
    await sandbox?.stop()
    await work?.remove()
  })

  it('predicts a planned 50,000-row backfill with no database: one Bulk job of ten 5,000-record batches', async () => {
    const plan = join(work.path, 'backfill.csv')
    await writeFile(plan, 'object,operation,count\nContact,INSERT,50000\n')
    const json = report(await writeMode(['--simulate', plan, '--json', '--database-url', 'postgres://nobody@127.0.0.1:1/none']))
    expect(json.source).to.deep.equal({backlog: false, plan})
    expect(json.totals).to.deep.equal({apiCalls: 13, bulkBatches: 10, bulkJobs: 1, records: 50_000, soapCalls: 0, unsent: 0})
    expect(json.objects[0].largestRuns).to.deep.equal([{action: 'INSERT', apiCalls: 13, bulkBatches: 10, count: 50_000, position: 1, reasons: [], via: 'bulk'}])
    expect(json.allowance).to.include({calls: 13, exceeds: false})
  })

  it('--simulate gives the same numbers as writing the plan through Connect\'s triggers and predicting the backlog', async () => {
    const plan = join(work.path, 'mixed.json')
    const rows = [
      {count: 3000, object: 'Contact', operation: 'INSERT'}, {count: 200, object: 'Account', operation: 'UPDATE'},
      {count: 1999, object: 'Contact', operation: 'INSERT'}, {count: 2500, object: 'Account', operation: 'INSERT'},
    ]
    await writeFile(plan, JSON.stringify(rows, null, 2))
    const simulated = report(await writeMode(['--simulate', plan, '--json']))

    const app = new pg.Client({connectionString: sandbox.apps[0].databaseUrl})
    await app.connect()
    try {
      await app.query(`INSERT INTO salesforce.contact (lastname, external_id__c) SELECT 'Sim ' || n, gen_random_uuid()::text FROM generate_series(1, 3000) n`)
      await app.query(`UPDATE salesforce.account SET phone = 'sim-' || id WHERE id IN (SELECT id FROM salesforce.account ORDER BY id LIMIT 200)`)
      await app.query(`INSERT INTO salesforce.contact (lastname, external_id__c) SELECT 'Sim ' || n, gen_random_uuid()::text FROM generate_series(1, 1999) n`)
      await app.query(`INSERT INTO salesforce.account (name, external_id__c) SELECT 'Sim ' || n, gen_random_uuid()::text FROM generate_series(1, 2500) n`)
    } finally {
      await app.end()
    }

    const written = report(await writeMode(['--json']))
    expect(written.source).to.deep.equal({backlog: true, plan: null})
    expect(simulated.totals).to.deep.equal(written.totals)
    expect(callsByObject(simulated)).to.deep.equal(callsByObject(written))
    // by hand: Contact 3,000 Bulk (4) + 1,999 SOAP (10); Account 200 SOAP (1) + 2,500 Bulk (4)
    expect(callsByObject(written)).to.deep.equal({Account: [1, 1, 1, 5], Contact: [10, 1, 1, 14]})

    // on top of the backlog, the same plan again: the last Account run and the plan's first Contact run stay apart
    const both = report(await writeMode(['--simulate', plan, '--with-backlog', '--json']))
    expect(both.totals.apiCalls).to.equal(2 * written.totals.apiCalls)
  })

  it('turns a bad --simulate file into one line naming the line, exit 2', async () => {
    const plan = join(work.path, 'bad.csv')
    await writeFile(plan, 'Contact,INSERT,10\nWidget__c,INSERT,10\n')
    const result = await writeMode(['--simulate', plan, '--json'])
    const line = expectCleanFailure(result, 2, /line 2: unknown object Widget__c: the connection maps Contact, Account, Opportunity/, secretsOf(sandbox.env))
    expect(line.replaceAll(/\s+/g, '')).to.include(`${plan}line2:`.replaceAll(/\s+/g, ''))
  })

  it('reports a bad --simulate file before it looks for a configuration', async () => {
    const plan = join(work.path, 'negative.csv')
    await writeFile(plan, 'object,operation,count\nContact,INSERT,10\nContact,UPDATE,-5\n')
    const result = await runCli(['connect:write-mode', '--simulate', plan], {env: {...sandbox.env, DATABASE_URL: ''}})
    expectCleanFailure(result, 2, /line 3: .*-5/, secretsOf(sandbox.env))
  })

  it('prints per object the runs, why they are not Bulk, the bar and what to change', async () => {
    const result = await writeMode(['--mapping', 'Contact'])
    expect(result.code, show(result)).to.equal(0)
    expect(result.stdout).to.match(/^Contact \(contact\): [\d,]+ changes in \d+ contiguous runs$/m)
    expect(result.stdout).to.include('Why not Bulk')
    expect(result.stdout).to.match(/only 1,999 contiguous changes \(Bulk needs 2,000\)/)
    expect(result.stdout).to.match(/^ {2}#+=+ {2}\d+ calls/m)
    expect(result.stdout).to.include('daily API allowance:')
    expect(result.stdout).to.not.match(/^Account /m)
  })
})

describe('connect:write-mode on the messy sandbox', function () {
  this.timeout(300_000)
  let sandbox: Sandbox

  before(async () => {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'messy', syncIntervalMs: 0})
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('explains every run: each one that is not Bulk says why, and the numbers add up', async () => {
    const result = await runCli(['connect:write-mode', '--app', 'acme-crm', '--json'], {env: sandbox.env})
    const json = report(result)
    expect(json.settings).to.include({algorithm: 'merged', apiVersion: '38.0', runsAlgorithm: 'merged'})
    expect(json.totals.records + json.totals.unsent).to.equal(json.objects.reduce((n, o) => n + o.records, 0))
    expect(json.totals.records).to.be.at.least(sandbox.scenario.logRows)
    for (const object of json.objects) {
      const listed = object.largestRuns.reduce((n, r) => n + r.count, 0) + object.otherRuns.reduce((n, b) => n + b.records, 0)
      expect(listed, object.table).to.equal(object.records)
      for (const run of object.largestRuns) expect(run.via === 'bulk' || run.reasons.length > 0, JSON.stringify(run)).to.equal(true)
      for (const bucket of object.otherRuns) expect(bucket.soap === 0 || bucket.reasons.length > 0, JSON.stringify(bucket)).to.equal(true)
      expect(object.changes.map(c => c.change)).to.include('switch to Ordered Writes')
    }
  })

  it('times the drain at the pace of the connection\'s own write history', async () => {
    const json = report(await runCli(['connect:write-mode', '--app', 'acme-crm', '--json'], {env: sandbox.env}))
    // messy's archive: 40 SOAP batches 2 s apart (39 timed gaps), then two 5,000-record batches 30 s apart
    expect(json.drain.pace?.soapCall).to.deep.equal({batches: 39, seconds: 2})
    expect(json.drain.pace?.perThousandRecords).to.deep.equal({batches: 2, seconds: 6})
    // API 38 and Merged Writes: everything goes SOAP, one call after another at 2 s each
    expect(json.totals.bulkJobs).to.equal(0)
    expect(json.drain).to.include({calls: json.totals.apiCalls, sendSeconds: json.totals.soapCalls * 2, totalSeconds: json.totals.soapCalls * 2 + 120})
    const text = await runCli(['connect:write-mode', '--app', 'acme-crm'], {env: sandbox.env})
    expect(text.stdout).to.match(/^ {2}drain: about [\d ]+(min|h)[\w ]* of sending, so drained within [\d ]+(min|h)[\w ]*: [\d,]+ calls at this connection's recent pace \(2\.00 s per SOAP call, median of 39 batches; 6\.00 s per 1,000 records in large batches, median of 2 batches\)/m)
  })
})

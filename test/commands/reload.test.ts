import {expect} from 'chai'
import {spawn} from 'node:child_process'
import pg from 'pg'

import type {Sandbox} from '../../src/sandbox/index.js'
import {APP, REMAP, references, type References, startWorld} from '../workflows/reload/world.js'
import {type CliResult, expectCleanFailure, expectNoSecrets, logicalLines, RUN_JS, runCli, runUntil, secretsOf, show, startDropProxy} from './helpers.js'
import {queryRows as sql} from '../helpers/postgres.js'

// `heroku connect:reload --safe` end to end: the built CLI in its own process against the
// sandbox, whose fake Connect reloads Contact in visible steps. Contact carries a view, a user
// trigger, a foreign key from app.tickets, an id column without a foreign key (app.visits) and
// pending changes. Every run, however it is interrupted, must end with every app reference
// pointing at the same Salesforce record (sfid) as before, the foreign key back and validated,
// and nothing added to _trigger_log.

const FAST = ['--poll-interval', '100']
const SAFE = ['connect:reload', 'Contact', '--safe', '-a', APP, ...REMAP.flatMap(r => ['--remap', r]), '--confirm', APP, ...FAST]
const RESUME = ['connect:reload', '--resume', '-a', APP, '--confirm', APP, ...FAST]

interface EndState {
  refs: References
  fkValidated: boolean[]
  logRows: number
  view: boolean
  trigger: boolean
  journal: Array<{status: string; step: string}>
}

async function endState(url: string): Promise<EndState> {
  const fk = await sql<{validated: boolean}>(url, "SELECT convalidated AS validated FROM pg_constraint WHERE conname = 'tickets_contact_id_fkey'")
  const [{n}] = await sql<{n: string}>(url, 'SELECT count(*) AS n FROM salesforce._trigger_log')
  const [{view}] = await sql<{view: boolean}>(url, "SELECT to_regclass('app.contact_names') IS NOT NULL AS view")
  const [{trigger}] = await sql<{trigger: boolean}>(url, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'contact_touch') AS trigger")
  const journal = await sql<{status: string; step: string}>(url, 'SELECT status, step FROM connect_guard.journal ORDER BY id')
  return {fkValidated: fk.map(row => row.validated), journal, logRows: Number(n), refs: await references(url), trigger, view}
}

const reloadPosts = (sandbox: Sandbox) => sandbox.connect.server.log.filter(e => e.method === 'POST' && e.path.endsWith('/actions/reload'))

/** Spawns the CLI and SIGKILLs it after `ms`, or lets it finish. */
function runAndKill(args: string[], env: Record<string, string>, ms: number): Promise<{code: null | number; signal: null | string; stderr: string}> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [RUN_JS, ...args], {env: {...process.env, ...env}})
    let stderr = ''
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr})
    })
  })
}

describe('connect:reload --safe against the sandbox', function () {
  this.timeout(600_000)
  let sandbox: Sandbox
  let url: string
  let env: Record<string, string>
  let original: References

  before(async function () {
    this.timeout(180_000)
    sandbox = await startWorld({pending: true})
    url = sandbox.apps[0].databaseUrl
    env = sandbox.env
    original = await references(url)
    expect(original.tickets.length).to.be.greaterThan(100)
    expect(original.visits.length).to.be.greaterThan(100)
    expect(original.tickets.every(([, sfid]) => sfid !== null)).to.equal(true)
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('without --safe shows the preflight, says why to use --safe, and changes nothing', async () => {
    const run = await runCli(['connect:reload', 'Contact', '-a', APP], {env})
    expect(run.code, show(run)).to.equal(1)
    expect(run.stdout).to.match(/REFUSED pending-changes\s+3 changes to contact wait in _trigger_log/)
    expect(run.stdout).to.match(/REFUSED id-columns\s+2 app column\(s\) may hold contact ids/)
    expect(run.stdout).to.match(/app\.tickets\.contact_id/).and.match(/app\.visits\.contactid/)
    expect(run.stdout).to.match(/foreign keys in .*app\.tickets\.tickets_contact_id_fkey/)
    expect(run.stdout).to.match(/views \(stay\): app\.contact_names/)
    expect(run.stdout).to.match(/triggers \(stay\): contact_touch/)
    expect(run.stdout).to.match(/State: creates schema connect_guard/)
    expect(run.stderr).to.match(/Run with --safe/)
    expect(reloadPosts(sandbox)).to.have.length(0)
    expect((await sql(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'connect_guard'")).length).to.equal(0)
  })

  it('refuses pending changes at once, and with --wait-drain waits for Connect to send them', async () => {
    const refused = await runCli(SAFE, {env})
    expect(refused.code, show(refused)).to.equal(1)
    expect(refused.stdout).to.match(/REFUSED pending-changes/)
    expect(refused.stdout).to.match(/fix: wait for Connect to send them: add --wait-drain 10m/)
    expect(reloadPosts(sandbox)).to.have.length(0)

    // Connect sends the changes while the command waits
    const run = await runUntil([...SAFE, '--wait-drain', '60s', '--dry-run'], env, /changes to contact still pending/, () => sandbox.connect.drainOnce(APP))
    expect(run.code, show(run)).to.equal(0)
    expect(run.stderr).to.match(/changes to contact still pending/)
    expect(run.stdout).to.match(/ok {6}pending-changes\s+no pending/)
    expect(run.stdout).to.match(/Dry run/)
    expect(run.stdout).to.match(/POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/mappings\/[\w-]+\/actions\/reload/)
    expect(run.stdout).to.match(/ALTER TABLE "app"\."tickets" DROP CONSTRAINT IF EXISTS "tickets_contact_id_fkey";/)
    expect(reloadPosts(sandbox), 'a dry run calls no reload').to.have.length(0)
  })

  it('reloads end to end: every app reference points at the same record, the FK is validated, views and triggers stay, nothing reaches _trigger_log', async () => {
    const logBefore = Number((await sql<{n: string}>(url, 'SELECT count(*) AS n FROM salesforce._trigger_log'))[0].n)
    const idsBefore = await sql<{id: number}>(url, 'SELECT id FROM salesforce.contact ORDER BY id LIMIT 1')
    const run = await runCli([...SAFE, '--json'], {env})
    expect(run.code, show(run)).to.equal(0)
    const json = JSON.parse(run.stdout)
    expect(json.outcome.status).to.equal('complete')
    // the three rows the app edited went to Salesforce during the drain, which stamped them anew
    expect(json.outcome.progress.verify).to.include({backedUp: 2000, changed: 3, missing: 0, new: 0, reloaded: 2000})
    expect(json.outcome.progress.remap['app.tickets.contact_id'].updated).to.equal(original.tickets.length)
    expect(json.outcome.progress.remap['app.visits.contactid'].updated).to.equal(original.visits.length)
    expectNoSecrets(run, secretsOf(env))
    expect(reloadPosts(sandbox)).to.have.length(1)

    const idsAfter = await sql<{id: number}>(url, 'SELECT id FROM salesforce.contact ORDER BY id LIMIT 1')
    expect(idsAfter[0].id, 'the reload renumbered the table').to.not.equal(idsBefore[0].id)
    const state = await endState(url)
    expect(state.refs).to.deep.equal(original)
    expect(state.fkValidated).to.deep.equal([true])
    expect(state.logRows, 'nothing the run wrote reached _trigger_log').to.equal(logBefore)
    expect(state.view && state.trigger).to.equal(true)
    expect(state.journal.at(-1)).to.deep.equal({status: 'complete', step: 'complete'})
    const map = await sql<{n: string}>(url, 'SELECT count(*) AS n FROM connect_guard.reload_1_idmap')
    expect(Number(map[0].n)).to.equal(2000)

    const status = await runCli(['connect:reload', '--status', '-a', APP], {env})
    expect(status.code, show(status)).to.equal(0)
    expect(status.stdout).to.match(/^1 +Contact +complete +complete/m)
    expect(status.stdout).to.match(/remap app\.tickets\.contact_id: \d+ rows/)
  })

  for (const point of ['preflight', 'backup', 'unblock', 'reload', 'wait', 'verify', 'remap-batch', 'remap', 'restore']) {
    it(`killed right after ${point}, --resume ends in the same state as an uninterrupted run`, async () => {
      const crashed = await runCli(SAFE, {env: {...env, HCG_TEST_CRASH_AFTER: point}})
      expect(crashed.code, show(crashed)).to.not.equal(0)
      const open = await sql<{status: string}>(url, "SELECT status FROM connect_guard.journal WHERE status <> 'complete'")
      expect(open, 'the journal stays open').to.have.length(1)
      if (point === 'remap-batch') {
        // half way through the remap, --status shows what the committed batches did
        const status = await runCli(['connect:reload', '--status', '-a', APP], {env})
        expect(status.stdout).to.match(/remap app\.tickets\.contact_id: [1-9]\d* rows so far, longest batch \d+ ms/)
      }

      const resumed = await runCli(RESUME, {env})
      expect(resumed.code, show(resumed)).to.equal(0)
      const state = await endState(url)
      expect(state.refs).to.deep.equal(original)
      expect(state.fkValidated).to.deep.equal([true])
      expect(state.journal.every(j => j.status === 'complete')).to.equal(true)
    })
  }

  it('survives kill -9 at random moments, and refuses a second reload while one runs', async () => {
    let refusedSecond = 0
    for (const ms of [1000 + Math.floor(Math.random() * 2000), 4000 + Math.floor(Math.random() * 4000), 8000 + Math.floor(Math.random() * 6000)]) {
      const running = runAndKill(SAFE, env, ms)
      // while the first run has its journal open, a second one must be refused
      let open = false
      for (let i = 0; i < 40 && !open; i++) {
        open = (await sql(url, "SELECT 1 FROM connect_guard.journal WHERE status = 'running'")).length > 0
        if (!open) await new Promise(resolve => {
          setTimeout(resolve, 100)
        })
      }

      if (open) {
        const second = await runCli(SAFE, {env})
        expect(second.code, show(second)).to.equal(1)
        expect(logicalLines(second.stderr).join('\n')).to.match(/another connect:reload is running|finish it before starting another/)
        refusedSecond++
      }

      const killed = await running
      // killed before its journal existed, the run had changed nothing: there is nothing to resume
      const left = await sql(url, "SELECT 1 FROM connect_guard.journal WHERE status <> 'complete'")
      const resumed = killed.signal === 'SIGKILL' && left.length > 0 ? await runCli(RESUME, {env}) : undefined
      if (resumed) expect(resumed.code, show(resumed)).to.equal(0)
      const state = await endState(url)
      expect(state.refs, `killed after ${ms} ms`).to.deep.equal(original)
      expect(state.fkValidated).to.deep.equal([true])
    }

    expect(refusedSecond, 'at least one second run met a live first run').to.be.greaterThan(0)
  })

  it('--resume --abort before the reload restores the dropped foreign key and calls no reload', async () => {
    const posts = reloadPosts(sandbox).length
    const crashed = await runCli(SAFE, {env: {...env, HCG_TEST_CRASH_AFTER: 'unblock'}})
    expect(crashed.code, show(crashed)).to.not.equal(0)
    expect((await endState(url)).fkValidated, 'the crash left the foreign key dropped').to.deep.equal([])
    const aborted = await runCli([...RESUME, '--abort'], {env})
    expect(aborted.code, show(aborted)).to.equal(0)
    expect(aborted.stdout).to.match(/aborted before the reload/)
    const state = await endState(url)
    expect(state.fkValidated).to.deep.equal([true])
    expect(state.refs).to.deep.equal(original)
    expect(state.journal.every(j => j.status === 'complete')).to.equal(true)
    expect(reloadPosts(sandbox)).to.have.length(posts)
  })

  it('Ctrl-C stops at the next step boundary with exit 4 and the resume command; --resume finishes', async () => {
    const stopped = await runUntil(SAFE, env, /Waiting for Connect to reload/, async child => child.kill('SIGINT'))
    expect(stopped.code, show(stopped)).to.equal(4)
    expect(stopped.stderr).to.match(/Stopping at the next step boundary/)
    expect(logicalLines(stopped.stderr).join('\n')).to.match(/Try this: continue with heroku connect:reload --resume -a acme-crm/)
    expect((await sql<{status: string}>(url, "SELECT status FROM connect_guard.journal WHERE status <> 'complete'"))[0].status).to.equal('interrupted')
    const resumed = await runCli(RESUME, {env})
    expect(resumed.code, show(resumed)).to.equal(0)
    expect((await endState(url)).refs).to.deep.equal(original)
  })

  it('a Connect 5xx on the reload call is one line (exit 3); --resume then finishes', async () => {
    sandbox.connect.server.inject({method: 'POST', pathPrefix: '/api/v3/mappings/', status: 503, times: 1})
    const failed = await runCli(SAFE, {env})
    expectCleanFailure(stripProgress(failed), 3, /Heroku Connect failed with 503 on POST \/api\/v3\/mappings\/.+\/actions\/reload/, secretsOf(env))
    const resumed = await runCli(RESUME, {env})
    expect(resumed.code, show(resumed)).to.equal(0)
    expect((await endState(url)).refs).to.deep.equal(original)
  })

  it('the database going away mid-run is one line (exit 3); --resume then finishes', async () => {
    const proxy = await startDropProxy(url, 70)
    try {
      const failed = await runCli([...SAFE, '--database-url', proxy.url], {env})
      expect(proxy.dropped).to.equal(true)
      expectCleanFailure(stripProgress(failed), 3, /lost the connection to Postgres|could not connect to Postgres/, secretsOf(env))
    } finally {
      await proxy.close()
    }

    // dropped before its journal existed, the run had changed nothing; after, --resume finishes it
    const open = await sql(url, "SELECT 1 FROM connect_guard.journal WHERE status <> 'complete'")
    if (open.length > 0) {
      const resumed = await runCli(RESUME, {env})
      expect(resumed.code, show(resumed)).to.equal(0)
    }

    const state = await endState(url)
    expect(state.refs).to.deep.equal(original)
    expect(state.fkValidated).to.deep.equal([true])
  })

  it('bad input: unknown mapping and bad --remap columns exit 2, a column of other ids is refused', async () => {
    const unknown = await runCli(['connect:reload', 'Nope__c', '--safe', '-a', APP, '--confirm', APP], {env})
    expectCleanFailure(unknown, 2, /no mapping Nope__c on connection/, secretsOf(env))
    const missing = await runCli(['connect:reload', 'Contact', '--safe', '-a', APP, '--remap', 'app.tickets.nope', '--confirm', APP], {env})
    expectCleanFailure(missing, 2, /--remap app\.tickets\.nope: table app\.tickets has no column nope/, secretsOf(env))
    const text = await runCli(['connect:reload', 'Contact', '--safe', '-a', APP, '--remap', 'app.tickets.note', '--confirm', APP], {env})
    expectCleanFailure(text, 2, /the column is text, so it cannot hold Connect ids/, secretsOf(env))
    const inside = await runCli(['connect:reload', 'Contact', '--safe', '-a', APP, '--remap', 'salesforce.account.id', '--confirm', APP], {env})
    expectCleanFailure(inside, 2, /inside the Connect schema/, secretsOf(env))
    await sql(url, 'CREATE TABLE IF NOT EXISTS app.counters (id serial PRIMARY KEY, contact_id integer)')
    await sql(url, 'INSERT INTO app.counters (contact_id) VALUES (999999), (888888)')
    const foreign = await runCli([...SAFE, '--remap', 'app.counters.contact_id'], {env})
    expect(foreign.code, show(foreign)).to.equal(1)
    expect(foreign.stdout).to.match(/REFUSED remap-values .*\n.*app\.counters\.contact_id: 2 of 2 values are not ids of salesforce\.contact/)
    await sql(url, 'DROP TABLE app.counters')
    const noConfirm = await runCli(['connect:reload', 'Contact', '--safe', '-a', APP, ...REMAP.flatMap(r => ['--remap', r])], {env})
    expect(noConfirm.code, show(noConfirm)).to.equal(2)
    expect(noConfirm.stderr).to.match(/pass --confirm with the app name/)
  })
})

describe('connect:reload refuses never-synced rows', function () {
  this.timeout(300_000)
  let sandbox: Sandbox

  before(async function () {
    this.timeout(180_000)
    sandbox = await startWorld()
    // a row Connect never sent: no sfid, and (hex session) no _trigger_log entry either
    const client = new pg.Client({connectionString: sandbox.apps[0].databaseUrl, options: '-c xmlbinary=hex'})
    await client.connect()
    await client.query("INSERT INTO salesforce.contact (lastname) VALUES ('Never Synced')")
    await client.end()
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('touches nothing and calls no reload', async () => {
    const url = sandbox.apps[0].databaseUrl
    const rowsBefore = await sql(url, 'SELECT id, sfid FROM salesforce.contact ORDER BY id')
    const run = await runCli(SAFE, {env: sandbox.env})
    expect(run.code, show(run)).to.equal(1)
    expect(run.stdout).to.match(/REFUSED unsynced-rows\s+1 rows have no sfid: never synced to Salesforce, the reload would delete them/)
    expect(reloadPosts(sandbox), 'the fake Connect saw no reload call').to.have.length(0)
    expect(await sql(url, 'SELECT id, sfid FROM salesforce.contact ORDER BY id')).to.deep.equal(rowsBefore)
    expect(await sql(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'connect_guard'")).to.have.length(0)
    expect(await sql(url, "SELECT 1 FROM pg_constraint WHERE conname = 'tickets_contact_id_fkey'")).to.have.length(1)
  })
})

/** The error part of a run that failed after printing its plan (stdout) and progress (stderr). */
function stripProgress(result: CliResult): CliResult {
  return {...result, stderr: result.stderr.split('\n').filter(line => line.startsWith(' ›')).join('\n'), stdout: ''}
}

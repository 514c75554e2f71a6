import {expect} from 'chai'

import type {Sandbox} from '../../src/sandbox/index.js'
import {APP, REMAP, references, startWorld} from '../workflows/reload/world.js'
import {expectCleanFailure, runCli, secretsOf, show} from './helpers.js'
import {queryRows as sql} from '../helpers/postgres.js'

// Old backups are removed only on request: `connect:reload --status` shows what each reload keeps
// in connect_guard, and `--prune` drops the backup and id map of finished reloads only, never of
// one that is still open (its --resume needs them), keeps the journal rows, and is idempotent.
// Two reloads complete, a third is killed after its backup, then the tests prune around it.

const FAST = ['--poll-interval', '100']
const SAFE = ['connect:reload', 'Contact', '--safe', '-a', APP, ...REMAP.flatMap(r => ['--remap', r]), '--confirm', APP, ...FAST]
const PRUNE = ['connect:reload', '--prune', '-a', APP]

describe('connect:reload --status and --prune', function () {
  this.timeout(600_000)
  let sandbox: Sandbox
  let url: string
  let env: Record<string, string>
  const stateTables = async () => (await sql<{name: string}>(url,
    "SELECT relname AS name FROM pg_class WHERE relnamespace = 'connect_guard'::regnamespace AND relkind = 'r' AND relname ~ '^reload_\\d+_' ORDER BY relname")).map(r => r.name)
  const journals = () => sql<{finished: null | string; id: number; status: string}>(url, 'SELECT id::int, status, finished_at::text AS finished FROM connect_guard.journal ORDER BY id')

  before(async function () {
    this.timeout(300_000)
    sandbox = await startWorld()
    url = sandbox.apps[0].databaseUrl
    env = sandbox.env
    for (let i = 0; i < 2; i++) {
      const run = await runCli(SAFE, {env})
      expect(run.code, show(run)).to.equal(0)
    }

    const crashed = await runCli(SAFE, {env: {...env, HCG_TEST_CRASH_AFTER: 'backup'}})
    expect(crashed.code, show(crashed)).to.not.equal(0)
    expect((await journals()).map(j => j.status)).to.deep.equal(['complete', 'complete', 'running'])
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('--status lists every reload with the size of what it keeps', async () => {
    const run = await runCli(['connect:reload', '--status', '-a', APP], {env})
    expect(run.code, show(run)).to.equal(0)
    for (const id of [1, 2, 3]) expect(run.stdout).to.match(new RegExp(`^${id} +Contact .* \\d+(\\.\\d)? (kB|MB)$`, 'm'))
    const json = JSON.parse((await runCli(['connect:reload', '--status', '-a', APP, '--json'], {env})).stdout)
    const third = json.storage.find((s: {journalId: number}) => s.journalId === 3)
    // killed after its backup: the copy exists, the id map not yet
    expect(third.tables.map((t: {bytes: null | number; name: string}) => [t.name, t.bytes !== null])).to.deep.equal([['reload_3_backup', true], ['reload_3_idmap', false]])
  })

  it('refuses without --confirm when there is no TTY, and --dry-run drops nothing', async () => {
    const before = await stateTables()
    const unconfirmed = await runCli(PRUNE, {env})
    expect(unconfirmed.code, show(unconfirmed)).to.equal(2)
    expect(unconfirmed.stderr).to.match(/pass --confirm with the app name/)
    const dry = await runCli([...PRUNE, '--dry-run'], {env})
    expect(dry.code, show(dry)).to.equal(0)
    // the default keeps the newest finished reload (2); 3 is open
    expect(dry.stdout).to.match(/Would drop the backups and id maps of 1 finished reload\(s\)/)
    expect(dry.stdout).to.match(/DROP TABLE IF EXISTS "connect_guard"\."reload_1_backup";/).and.match(/DROP TABLE IF EXISTS "connect_guard"\."reload_1_idmap";/)
    expect(dry.stdout).not.to.match(/reload_2_/)
    expect(dry.stdout).to.match(/Kept \(--keep\): reload 2/)
    expect(dry.stdout).to.match(/Never pruned while open .*: reload 3/)
    expect(dry.stdout).to.match(/An app that still translates old ids through an id map/)
    expect(await stateTables()).to.deep.equal(before)
  })

  it('never prunes an open reload', async () => {
    const before = await stateTables()
    const refused = await runCli([...PRUNE, '--journal', '3', '--confirm', APP], {env})
    expectCleanFailure(refused, 1, /reload 3 is running at step backup: its backup and id map are still needed/, secretsOf(env))
    const unknown = await runCli([...PRUNE, '--journal', '99', '--confirm', APP], {env})
    expectCleanFailure(unknown, 2, /no reload 99 on this connection/, secretsOf(env))
    expect(await stateTables()).to.deep.equal(before)
  })

  it('--keep 0 drops the backups and id maps of every finished reload, keeps the journals, and a second prune finds nothing', async () => {
    const journalsBefore = await journals()
    const run = await runCli([...PRUNE, '--keep', '0', '--confirm', APP, '--json'], {env})
    expect(run.code, show(run)).to.equal(0)
    expect(JSON.parse(run.stdout).prune.pruned).to.deep.equal([2, 1])
    expect(await stateTables()).to.deep.equal(['reload_3_backup'])
    expect(await journals(), 'the journal rows stay as they were').to.deep.equal(journalsBefore)
    const events = await sql<{id: number; message: string}>(url, "SELECT journal_id::int AS id, message FROM connect_guard.journal_event WHERE message LIKE 'pruned:%' ORDER BY journal_id")
    expect(events.map(e => e.id)).to.deep.equal([1, 2])
    expect(events[0].message).to.match(/^pruned: dropped reload_1_backup and reload_1_idmap \(\d+(\.\d)? (kB|MB)\)$/)

    const again = await runCli([...PRUNE, '--keep', '0', '--confirm', APP], {env})
    expect(again.code, show(again)).to.equal(0)
    expect(again.stdout).to.match(/Nothing to prune/)
    expect(await stateTables()).to.deep.equal(['reload_3_backup'])
  })

  it('the open reload still resumes to the end, and can be pruned once complete', async () => {
    const original = await references(url)
    const resumed = await runCli(['connect:reload', '--resume', '-a', APP, '--confirm', APP, ...FAST], {env})
    expect(resumed.code, show(resumed)).to.equal(0)
    expect(await references(url)).to.deep.equal(original)
    const run = await runCli([...PRUNE, '--journal', '3', '--confirm', APP], {env})
    expect(run.code, show(run)).to.equal(0)
    expect(run.stdout).to.match(/Dropping the backups and id maps of 1 finished reload\(s\)/)
    expect(await stateTables()).to.deep.equal([])
    const status = await runCli(['connect:reload', '--status', '-a', APP], {env})
    expect(status.stdout).to.match(/^3 +Contact +complete +complete .* none \(pruned, or never made\)$/m)
  })
})

import {expect} from 'chai'
import pg from 'pg'

import type {Sandbox} from '../../src/sandbox/index.js'
import {APP, REMAP, references, type References, startWorld} from '../workflows/reload/world.js'
import {type CliResult, expectCleanFailure, logicalLines, runCli, runUntil, secretsOf, show} from './helpers.js'

// connect:reload --safe when the world goes wrong mid-run or before it: the Connect API answering
// 401/403/404/409/429 after the backup, a role that may not drop the foreign key, a read-only
// database and a hot standby. A fault mid-run is one line with exit 3, leaves the journal open and
// nothing lost, and --resume then ends with every app reference on the same record as before.
// A refusal in the preflight touches nothing: no state schema, the foreign key in place, no reload.

const FAST = ['--poll-interval', '100']
const SAFE = ['connect:reload', 'Contact', '--safe', '-a', APP, ...REMAP.flatMap(r => ['--remap', r]), '--confirm', APP, ...FAST]
const RESUME = ['connect:reload', '--resume', '-a', APP, '--confirm', APP, ...FAST]
const MAPPINGS = '/api/v3/mappings/'

async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  // writable even while a test has made the database read-only by default
  const client = new pg.Client({connectionString: url, options: '-c default_transaction_read_only=off'})
  await client.connect()
  try {
    return (await client.query<R>(text)).rows
  } finally {
    await client.end()
  }
}

/** The error part of a run that failed after printing its plan (stdout) and progress (stderr). */
function errorPart(result: CliResult): CliResult {
  return {...result, stderr: result.stderr.split('\n').filter(line => line.startsWith(' ›')).join('\n'), stdout: ''}
}

describe('connect:reload --safe under faults', function () {
  this.timeout(600_000)
  let sandbox: Sandbox
  let url: string
  let env: Record<string, string>
  let original: References
  const reloadPosts = () => sandbox.connect.server.log.filter(e => e.method === 'POST' && e.path.endsWith('/actions/reload'))
  const openJournals = () => sql<{error: null | string; status: string; step: string}>(url, "SELECT status, step, error FROM connect_guard.journal WHERE status <> 'complete'")
  const fkCount = async () => (await sql(url, "SELECT 1 FROM pg_constraint WHERE conname = 'tickets_contact_id_fkey'")).length
  const stateSchema = async () => (await sql(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'connect_guard'")).length

  /** --resume after a fault: exit 0, every reference on its record, the foreign key validated, no journal open. */
  async function resumeToTheEnd(): Promise<void> {
    sandbox.connect.server.clearFaults()
    const resumed = await runCli(RESUME, {env})
    expect(resumed.code, show(resumed)).to.equal(0)
    expect(await references(url)).to.deep.equal(original)
    expect(await sql(url, "SELECT 1 FROM pg_constraint WHERE conname = 'tickets_contact_id_fkey' AND convalidated")).to.have.length(1)
    expect(await openJournals()).to.have.length(0)
  }

  /** A fault on the run's first step that calls Connect: one line, exit 3, the journal open at that step. */
  async function failsMidRun(message: RegExp): Promise<void> {
    const failed = await runCli(SAFE, {env})
    expectCleanFailure(errorPart(failed), 3, message, secretsOf(env))
    expect(logicalLines(failed.stderr).join('\n')).to.match(/Try this: .*continue with heroku connect:reload --resume -a acme-crm/)
    const open = await openJournals()
    expect(open, 'the journal stays open').to.have.length(1)
    expect(open[0]).to.include({status: 'failed', step: 'unblock'})
    expect(await sql(url, `SELECT 1 FROM connect_guard.reload_${await lastJournal()}_backup`), 'the backup is kept').to.have.length(2000)
  }

  const lastJournal = async () => (await sql<{id: number}>(url, 'SELECT max(id)::int AS id FROM connect_guard.journal'))[0].id

  before(async function () {
    this.timeout(180_000)
    // a slower reload (4 steps of 500 ms), so a fault can be injected while the run waits for it
    sandbox = await startWorld({stepMs: 500})
    url = sandbox.apps[0].databaseUrl
    env = sandbox.env
    original = await references(url)
  })

  afterEach(() => {
    sandbox.connect.server.clearFaults()
  })

  after(async () => {
    await sandbox?.stop()
  })

  describe('refused in the preflight, touching nothing', () => {
    afterEach(async () => {
      expect(await stateSchema(), 'no state schema was created').to.equal(0)
      expect(await fkCount(), 'the foreign key is in place').to.equal(1)
      expect(reloadPosts(), 'no reload was requested').to.have.length(0)
      expect(await references(url)).to.deep.equal(original)
    })

    it('a role that does not own the app table cannot drop its foreign key: refused (exit 1), with the reason', async () => {
      const role = `hcg_not_owner_${process.pid}`
      const password = `pw-${process.pid}-secret`
      const db = new URL(url).pathname.slice(1)
      await sql(url, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`)
      try {
        // everything the run needs except ownership of app.tickets (to drop and re-create its foreign key)
        for (const statement of [
          `GRANT CREATE ON DATABASE "${db}" TO ${role}`, `GRANT USAGE ON SCHEMA salesforce, app TO ${role}`,
          `GRANT SELECT ON ALL TABLES IN SCHEMA salesforce, app TO ${role}`, `GRANT REFERENCES ON salesforce.contact TO ${role}`,
          `GRANT UPDATE (contact_id) ON app.tickets TO ${role}`, `GRANT UPDATE (contactid) ON app.visits TO ${role}`,
        ]) await sql(url, statement)
        const asRole = new URL(url)
        asRole.username = role
        asRole.password = password
        const run = await runCli([...SAFE, '--database-url', asRole.toString()], {env})
        expect(run.code, show(run)).to.equal(1)
        expect(run.stdout).to.match(new RegExp(`REFUSED privileges\\s+the database role lacks privileges the run needs\\n.*${role} is not the owner of app\\.tickets, so it cannot drop and re-create foreign key tickets_contact_id_fkey`))
        expect(run.stdout + run.stderr).not.to.include(password)
        // the check cannot be waived: without the privilege the run would stop half way
        const forced = await runCli([...SAFE, '--force', 'privileges', '--database-url', asRole.toString()], {env})
        expect(forced.code, show(forced)).to.equal(1)
        expect(forced.stdout).to.match(/REFUSED privileges/)
      } finally {
        await sql(url, `DROP OWNED BY ${role}`)
        await sql(url, `DROP ROLE ${role}`)
      }
    })

    it('a read-only database is refused with one line (exit 2)', async () => {
      const db = new URL(url).pathname.slice(1)
      await sql(url, `ALTER DATABASE "${db}" SET default_transaction_read_only = on`)
      try {
        const run = await runCli(SAFE, {env})
        expectCleanFailure(run, 2, /the database at 127\.0\.0\.1:\d+\/\S+ is read-only \(default_transaction_read_only = on\)/, secretsOf(env))
      } finally {
        await sql(url, `ALTER DATABASE "${db}" RESET default_transaction_read_only`)
      }
    })

    it('a hot standby is refused with one line (exit 2)', async () => {
      // Postgres answers pg_is_in_recovery() as a follower would: a function earlier on the search path
      const db = new URL(url).pathname.slice(1)
      await sql(url, 'CREATE SCHEMA hcg_standby')
      await sql(url, 'CREATE FUNCTION hcg_standby.pg_is_in_recovery() RETURNS boolean LANGUAGE sql AS $$ SELECT true $$')
      await sql(url, `ALTER DATABASE "${db}" SET search_path = hcg_standby, pg_catalog, "$user", public`)
      try {
        const run = await runCli(SAFE, {env})
        expectCleanFailure(run, 2, /the database at 127\.0\.0\.1:\d+\/\S+ is a read-only hot standby \(a follower\)/, secretsOf(env))
        expect(logicalLines(run.stderr).join('\n')).to.match(/pass the primary database with --database-url/)
      } finally {
        await sql(url, `ALTER DATABASE "${db}" RESET search_path`)
        await sql(url, 'DROP SCHEMA hcg_standby CASCADE')
      }
    })
  })

  describe('the Connect API failing mid-run', () => {
    it('401 on the reload call: one line (exit 3); --resume finishes', async () => {
      sandbox.connect.server.inject({method: 'POST', pathPrefix: MAPPINGS, status: 401, times: 1})
      await failsMidRun(/Heroku Connect rejected the Heroku token \(401\)/)
      await resumeToTheEnd()
    })

    it('403 on reading the mapping after the backup: one line (exit 3); --resume finishes', async () => {
      const posts = reloadPosts().length
      sandbox.connect.server.inject({body: {message: 'not a collaborator'}, method: 'GET', pathPrefix: MAPPINGS, status: 403, times: 1})
      await failsMidRun(/Heroku Connect denied access for GET \/api\/v3\/mappings\/[\w-]+ \(403\): not a collaborator/)
      expect(reloadPosts(), 'no reload was requested').to.have.length(posts)
      await resumeToTheEnd()
    })

    it('404 while waiting for the reload: one line (exit 3), the journal at the reload step; --resume follows it to the end', async () => {
      const failed = await runUntil(SAFE, env, /Waiting for Connect to reload/, () => {
        sandbox.connect.server.inject({method: 'GET', pathPrefix: MAPPINGS, status: 404, times: 1})
      })
      expectCleanFailure(errorPart(failed), 3, /Heroku Connect found nothing at GET \/api\/v3\/mappings\/[\w-]+ \(404\)/, secretsOf(env))
      const open = await openJournals()
      expect(open).to.have.length(1)
      expect(open[0]).to.include({status: 'failed', step: 'reload'})
      await resumeToTheEnd()
    })

    it('409 on the reload call with no reload under way: one line (exit 3) once Connect shows none; --resume asks again and finishes', async () => {
      sandbox.connect.server.inject({body: {message: 'conflict'}, method: 'POST', pathPrefix: MAPPINGS, status: 409, times: 1})
      const failed = await runCli(SAFE, {env})
      expectCleanFailure(errorPart(failed), 3, /Connect reports Contact as DATA_SYNCED but has not reloaded it/, secretsOf(env))
      const open = await openJournals()
      expect(open[0], 'the run goes back to before the reload call').to.include({status: 'failed', step: 'unblock'})
      const posts = reloadPosts().length
      await resumeToTheEnd()
      expect(reloadPosts().length, 'the resume asked for the reload again').to.equal(posts + 1)
    })

    it('429 with Retry-After on the reload call: waits as told, then goes on to the end (exit 0)', async () => {
      const before = reloadPosts().length
      const posts: Array<{at: number; status: number}> = []
      const watch = setInterval(() => {
        for (const entry of reloadPosts().slice(before + posts.length)) posts.push({at: Date.now(), status: entry.status})
      }, 20)
      sandbox.connect.server.inject({headers: {'Retry-After': '2'}, method: 'POST', pathPrefix: MAPPINGS, status: 429, times: 1})
      try {
        const run = await runCli(SAFE, {env})
        expect(run.code, show(run)).to.equal(0)
      } finally {
        clearInterval(watch)
      }

      expect(posts.map(p => p.status)).to.deep.equal([429, 202])
      expect(posts[1].at - posts[0].at, 'the retry came after the Retry-After delay').to.be.at.least(1900)
      expect(await references(url)).to.deep.equal(original)
      expect(await openJournals()).to.have.length(0)
    })

    it('429 that does not clear: one line (exit 3) after the retries; --resume finishes', async () => {
      sandbox.connect.server.inject({headers: {'Retry-After': '0'}, method: 'POST', pathPrefix: MAPPINGS, status: 429, times: 3})
      await failsMidRun(/Heroku Connect is rate limiting requests \(429\); gave up on POST \/api\/v3\/mappings\/[\w-]+\/actions\/reload after 3 tries/)
      await resumeToTheEnd()
    })
  })
})

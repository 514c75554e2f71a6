import {expect} from 'chai'
import pg from 'pg'

import {connectPostgres, type PgSession, PostgresError, resolveTarget} from '../../src/clients/postgres.js'
import {CollectError} from '../../src/errors.js'
import {createTestDatabase, type TestDatabase} from '../helpers/postgres.js'

// The plugin's Postgres client against a real server: transactions, and every failure a user
// can hit turned into one clear line with no password in it.

const SECRET = 'Sup3rS3cretPassw0rd'

async function failure(work: () => Promise<unknown>): Promise<PostgresError> {
  try {
    await work()
  } catch (error) {
    expect(error).to.be.instanceOf(CollectError)
    expect((error as Error).message).not.to.include(SECRET)
    expect((error as Error).message.split('\n')).to.have.length(1)
    return error as PostgresError
  }

  throw new Error('expected a failure')
}

describe('clients/postgres', () => {
  let db: TestDatabase
  let session: PgSession

  before(async () => {
    db = await createTestDatabase('client')
    session = await connectPostgres(db.url)
    await session.query('CREATE TABLE notes (id serial PRIMARY KEY, body text)')
  })

  after(async () => {
    await session?.close()
    await db?.drop()
  })

  it('identifies itself and applies the timeouts', async () => {
    const {rows} = await session.query("SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt")
    expect(rows[0]).to.deep.equal({app: 'heroku-connect-guard', lt: '5s', st: '1min'})
    expect(session.target).to.equal(`127.0.0.1:${new URL(db.url).port}/${db.name}`)
  })

  it('decides SSL from the host and sslmode, and drops the URL\'s own SSL settings', () => {
    expect(resolveTarget('postgres://u:p@localhost/db').ssl).to.equal(false)
    expect(resolveTarget('postgres://u:p@[::1]:5433/db').ssl).to.equal(false)
    expect(resolveTarget('postgres://u:p@db.example.com/db?sslmode=disable').ssl).to.equal(false)
    expect(resolveTarget('postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8?sslmode=require').ssl).to.deep.equal({rejectUnauthorized: false})
    expect(resolveTarget('postgres://u:p@db.example.com/db?sslmode=verify-full').ssl).to.deep.equal({rejectUnauthorized: true})
    expect(resolveTarget('postgres://u:p@db.example.com/db?sslmode=require&application_name=x').connectionString).to.equal('postgres://u:p@db.example.com/db?application_name=x')
    expect(() => resolveTarget(`mysql://u:${SECRET}@h/db`)).to.throw(/must start with postgres:\/\//)
    expect(() => resolveTarget(`not a url ${SECRET}`)).to.throw().that.satisfies((e: Error) => !e.message.includes(SECRET))
  })

  it('runs readOnly work in a read-only transaction and rejects a write there clearly', async () => {
    const count = await session.readOnly(async (tx) => (await tx.query<{n: string}>('SELECT count(*) AS n FROM notes')).rows[0].n)
    expect(count).to.equal('0')
    const error = await failure(() => session.readOnly((tx) => tx.query("INSERT INTO notes (body) VALUES ('no')")))
    expect(error.code).to.equal('25006')
    expect(error.message).to.match(/refused a write in a read-only transaction: cannot execute INSERT in a read-only transaction/)
    const {rows} = await session.query("SELECT current_setting('transaction_read_only') AS ro")
    expect(rows[0].ro).to.equal('off')
  })

  it('commits a transaction, and rolls it back when the work throws', async () => {
    await session.transaction((tx) => tx.query("INSERT INTO notes (body) VALUES ('kept')"))
    const boom = new Error('boom')
    let caught: unknown
    await session.transaction(async (tx) => {
      await tx.query("INSERT INTO notes (body) VALUES ('lost')")
      throw boom
    }).catch((error) => (caught = error))
    expect(caught).to.equal(boom)
    const {rows} = await session.query('SELECT body FROM notes ORDER BY id')
    expect(rows).to.deep.equal([{body: 'kept'}])
  })

  it('passes SQL errors through with their code', async () => {
    let error: {code?: string} | undefined
    await session.query('SELECT * FROM missing_table').catch((e) => (error = e))
    expect(error?.code).to.equal('42P01')
  })

  it('reports an unreachable server with host and port, never the password', async () => {
    const error = await failure(() => connectPostgres(`postgres://someone:${SECRET}@127.0.0.1:1/db`))
    expect(error.message).to.equal('could not connect to Postgres at 127.0.0.1:1: connection refused; check --database-url')
    expect(error.exitCode).to.equal(3)
    const unknown = await failure(() => connectPostgres(`postgres://someone:${SECRET}@no-such-host.invalid:5432/db`))
    expect(unknown.message).to.match(/^could not connect to Postgres at no-such-host\.invalid:5432: the host name could not be resolved; check --database-url$/)
  })

  it('reports a rejected login and a missing database', async () => {
    const url = new URL(db.url)
    url.username = 'hcg_no_such_role'
    url.password = SECRET
    const login = await failure(() => connectPostgres(url.toString()))
    expect(login.message).to.match(/rejected the login: .*hcg_no_such_role.*; check the user and password in --database-url$/)
    const missing = new URL(db.url)
    missing.pathname = '/hcg_no_such_database'
    const error = await failure(() => connectPostgres(missing.toString()))
    expect(error.code).to.equal('3D000')
    expect(error.message).to.match(/^database hcg_no_such_database does not exist on 127\.0\.0\.1:\d+; check the database name in --database-url$/)
  })

  it('reports a statement timeout', async () => {
    const slow = await connectPostgres(db.url, {statementTimeoutMs: 100})
    try {
      const error = await failure(() => slow.query('SELECT pg_sleep(2)'))
      expect(error.code).to.equal('57014')
      expect(error.message).to.match(/cancelled after the 100 ms statement timeout; run again when the database is less busy$/)
    } finally {
      await slow.close()
    }
  })

  it('reports a connection the server ends mid-command, and reconnects for the next query', async () => {
    const victim = await connectPostgres(db.url, {applicationName: 'hcg-victim'})
    const admin = new pg.Client({connectionString: db.url})
    await admin.connect()
    try {
      const running = failure(() => victim.query('SELECT pg_sleep(20)'))
      for (let attempt = 0; attempt < 50; attempt++) {
        const {rows} = await admin.query("SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'hcg-victim' AND state = 'active'")
        if (rows.length > 0) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }

      const error = await running
      expect(error.message).to.match(/^lost the connection to Postgres at 127\.0\.0\.1:\d+ in the middle of a command \(.+\); the server restarted or ended the session; run the command again$/)
      const {rows} = await victim.query('SELECT 1 AS ok')
      expect(rows).to.deep.equal([{ok: 1}])
    } finally {
      await admin.end()
      await victim.close()
    }
  })
})

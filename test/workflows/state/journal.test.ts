import {expect} from 'chai'

import {connectPostgres, type PgSession} from '../../../src/clients/postgres.js'
import {createJournal, journalEvents, openJournal, readJournal, recentJournals, updateJournal} from '../../../src/workflows/state/journal.js'
import {runLockHeld, tryRunLock} from '../../../src/workflows/state/lock.js'
import {ensureStateSchema, stateSchemaExists} from '../../../src/workflows/state/schema.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'

// The state schema's journal and run lock on a real Postgres: what connect:reload (and later
// connect:external-ids) rely on to refuse a second run and to resume a dead one.

describe('connect_guard journal and run lock', function () {
  this.timeout(60_000)
  let db: TestDatabase
  let a: PgSession
  let b: PgSession

  before(async () => {
    db = await createTestDatabase('state')
    a = await connectPostgres(db.url)
    b = await connectPostgres(db.url)
  })

  after(async () => {
    await a?.close()
    await b?.close()
    await db?.drop()
  })

  it('creates the schema on first use, concurrently, once', async () => {
    expect(await stateSchemaExists(a)).to.equal(false)
    expect(await recentJournals(a, 'reload', null)).to.deep.equal([])
    await Promise.all([ensureStateSchema(a), ensureStateSchema(b), ensureStateSchema(a)])
    expect(await stateSchemaExists(b)).to.equal(true)
  })

  it('keeps one row per run, merges progress, records events, and finds the open run', async () => {
    const journal = await createJournal(a, {app: 'app', connectionId: 'c1', kind: 'reload', plan: {table: 'contact'}, step: 'preflight', target: 'Contact'})
    await updateJournal(a, journal.id, {event: 'backed up', progress: {backedUp: 3}, step: 'backup'})
    await updateJournal(a, journal.id, {progress: {remap: {x: 1}}})
    const read = await readJournal<{table: string}, Record<string, unknown>>(a, journal.id)
    expect(read).to.include({status: 'running', step: 'backup'})
    expect(read!.progress).to.deep.equal({backedUp: 3, remap: {x: 1}})
    expect((await openJournal(b, 'reload', 'c1'))?.id).to.equal(journal.id)
    expect(await openJournal(b, 'external-ids', 'c1')).to.equal(undefined)
    await updateJournal(a, journal.id, {status: 'complete', step: 'complete'})
    expect(await openJournal(b, 'reload', 'c1')).to.equal(undefined)
    expect((await journalEvents(a, journal.id)).map(e => e.message)).to.deep.equal(['started', 'backed up'])
    expect((await readJournal(a, journal.id))!.finishedAt).to.not.equal(null)
  })

  it('lets one session hold the run lock of a connection; others see it held until it is released', async () => {
    const lock = await tryRunLock(a, 'reload', 'c1')
    expect(lock).to.not.equal(null)
    expect(await tryRunLock(b, 'reload', 'c1')).to.equal(null)
    expect(await runLockHeld(b, 'reload', 'c1')).to.equal(true)
    const other = await tryRunLock(b, 'reload', 'c2')
    expect(other, 'another connection has its own lock').to.not.equal(null)
    await other!.release()
    await lock!.release()
    expect(await runLockHeld(b, 'reload', 'c1')).to.equal(false)
  })
})

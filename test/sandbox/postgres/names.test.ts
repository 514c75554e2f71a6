import {expect} from 'chai'
import pg from 'pg'

import {quoteIdent} from '../../../src/sql.js'
import {fitName, NameAllocator, truncateIdentifier} from '../../../src/sandbox/postgres/names.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

describe('sandbox postgres: identifier names', () => {
  it('cuts identifiers to 63 bytes without splitting a character', () => {
    expect(truncateIdentifier('a'.repeat(70))).to.equal('a'.repeat(63))
    expect(truncateIdentifier('é'.repeat(40))).to.equal('é'.repeat(31))
    expect(truncateIdentifier(`x${'🚀'.repeat(20)}`)).to.equal(`x${'🚀'.repeat(15)}`)
    expect(truncateIdentifier('short')).to.equal('short')
  })

  it('shortens the variable parts, longest first, and keeps the literal ones', () => {
    expect(fitName(['hc_', {part: 't'.repeat(70)}, '_status'])).to.equal(`hc_${'t'.repeat(53)}_status`)
    expect(fitName(['hc_idx_', {part: 'a'.repeat(40)}, '_', {part: 'b'.repeat(30)}])).to.equal(`hc_idx_${'a'.repeat(28)}_${'b'.repeat(27)}`)
    expect(() => fitName(['x'.repeat(64)])).to.throw(/longer than 63 bytes/)
  })

  it('keeps Postgres\'s own cut when it is unambiguous and keeps suffixes apart when it is not', () => {
    const mid = 'm'.repeat(50)
    const names = new NameAllocator()
    expect(names.take(['hc_', {part: mid}, '_logtrigger'])).to.equal(truncateIdentifier(`hc_${mid}_logtrigger`))
    expect(names.take(['hc_', {part: mid}, '_status_trigger'])).to.equal(`hc_${mid}_status_tr`)

    const long = 'l'.repeat(63)
    const functions = new NameAllocator()
    const logger = functions.take(['hc_', {part: long}, '_logger'])
    const status = functions.take(['hc_', {part: long}, '_status'])
    expect(logger).to.equal(truncateIdentifier(`hc_${long}_logger`))
    expect(status).to.equal(`hc_${'l'.repeat(53)}_status`)
    expect(functions.take(['hc_', {part: long}, '_status'])).to.equal(`hc_${'l'.repeat(52)}_status1`)
    for (const name of [logger, status]) expect(bytes(name)).to.be.at.most(63)
  })

  describe('against Postgres', () => {
    let db: TestDatabase
    let client: pg.Client

    before(async () => {
      db = await createTestDatabase('names')
      client = new pg.Client({connectionString: db.url})
      await client.connect()
    })

    after(async () => {
      await client?.end()
      await db?.drop()
    })

    it('cuts exactly where Postgres cuts', async () => {
      for (const name of ['a'.repeat(70), `ü${'é'.repeat(40)}`, `x${'🚀'.repeat(20)}`, `we"ird; drop ${'€'.repeat(30)}`]) {
        await client.query(`CREATE TABLE ${quoteIdent(name)} ()`)
        const {rows} = await client.query<{relname: string}>("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
        expect(rows.map((r) => r.relname)).to.deep.equal([truncateIdentifier(name)])
        await client.query(`DROP TABLE ${quoteIdent(name)}`)
      }
    })
  })
})

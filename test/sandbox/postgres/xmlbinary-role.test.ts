import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import pg from 'pg'

import {quoteIdent, quoteLiteral} from '../../../src/sql.js'
import {buildFixture, dropRole, type BuiltDatabase} from './helpers.js'

// A role-in-database default of xmlbinary = hex (reference §0.5, rule HC072) silently stops
// capture. Such defaults apply when a session starts, not on SET ROLE, so the test logs in as
// the role itself.

describe('sandbox postgres: xmlbinary = hex as a role default', () => {
  let built: BuiltDatabase
  const password = randomBytes(12).toString('hex')
  let hexRole: string
  let plainRole: string

  const loginAs = async (role: string) => {
    const url = new URL(built.db.url)
    url.username = role
    url.password = password
    const client = new pg.Client({connectionString: url.toString()})
    await client.connect()
    return client
  }

  before(async () => {
    built = await buildFixture('xmlbinary')
    hexRole = `${built.db.name}_hex`
    plainRole = `${built.db.name}_app`
    for (const role of [hexRole, plainRole]) {
      await built.query(`CREATE ROLE ${quoteIdent(role)} LOGIN PASSWORD ${quoteLiteral(password)}`)
      await built.query(`GRANT USAGE ON SCHEMA salesforce TO ${quoteIdent(role)}`)
      await built.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA salesforce TO ${quoteIdent(role)}`)
      await built.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA salesforce TO ${quoteIdent(role)}`)
    }

    await built.query(`ALTER ROLE ${quoteIdent(hexRole)} IN DATABASE ${quoteIdent(built.db.name)} SET xmlbinary = hex`)
  })

  after(async () => {
    await built?.close()
    for (const role of [hexRole, plainRole]) if (role) await dropRole(role)
  })

  it('is recorded in pg_db_role_setting', async () => {
    const [setting] = await built.query(
      'SELECT r.rolname, s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())',
    )
    expect(setting).to.deep.equal({rolname: hexRole, setconfig: ['xmlbinary=hex']})
  })

  it('stops a session of that role from logging its writes, and marks them SYNCED as if Connect wrote them', async () => {
    await built.query('TRUNCATE salesforce._trigger_log')
    const hex = await loginAs(hexRole)
    try {
      const {rows: [session]} = await hex.query("SELECT current_user AS who, current_setting('xmlbinary') AS xmlbinary")
      expect(session).to.deep.equal({who: hexRole, xmlbinary: 'hex'})
      const {rows} = await hex.query("INSERT INTO salesforce.contact (lastname) VALUES ('Invisible') RETURNING _hc_lastop")
      expect(rows[0]._hc_lastop).to.equal('SYNCED')
      await hex.query("UPDATE salesforce.contact SET lastname = 'Also invisible' WHERE id = 1")
    } finally {
      await hex.end()
    }

    expect(await built.query('SELECT * FROM salesforce._trigger_log')).to.deep.equal([])
  })

  it('leaves other roles logging', async () => {
    const app = await loginAs(plainRole)
    try {
      await app.query("UPDATE salesforce.contact SET lastname = 'Visible' WHERE id = 2")
    } finally {
      await app.end()
    }

    const rows = await built.query('SELECT action, state, record_id FROM salesforce._trigger_log')
    expect(rows).to.deep.equal([{action: 'UPDATE', record_id: 2, state: 'NEW'}])
  })
})

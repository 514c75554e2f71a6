import {expect} from 'chai'
import pg from 'pg'

import {buildFixture, type BuiltDatabase} from './helpers.js'

// The Connect triggers as an app sees them: what its writes leave in _trigger_log and in
// _hc_lastop, and what a Connect-like (xmlbinary = hex) session leaves.

interface LogRow {
  id: number
  state: string
  action: string
  table_name: string
  record_id: number
  sfid: string | null
  old: string | null
  values: string | null
  updated_at: Date | null
}

describe('sandbox postgres: Connect triggers', () => {
  let built: BuiltDatabase
  const log = async (where = 'true') => built.query<LogRow>(`SELECT * FROM salesforce._trigger_log WHERE ${where} ORDER BY id`)

  before(async () => {
    built = await buildFixture('triggers')
  })

  after(async () => {
    await built?.close()
  })

  beforeEach(async () => {
    await built.query('TRUNCATE salesforce._trigger_log')
  })

  it('logs an app INSERT on a read-write table as NEW with the whole row as hstore text', async () => {
    const [row] = await built.query<{id: number; _hc_lastop: string}>(
      "INSERT INTO salesforce.contact (lastname, email, guid__c) VALUES ('Hopper', 'grace@example.com', 'a0b1c2d3') RETURNING id, _hc_lastop",
    )
    expect(row._hc_lastop).to.equal('PENDING')
    const [entry] = await log()
    expect(entry).to.include({action: 'INSERT', record_id: row.id, sfid: null, state: 'NEW', table_name: 'contact', updated_at: null})
    const [parsed] = await built.query<{lastname: string; hc: boolean; id: string; sfid: string | null}>(
      `SELECT "values"::hstore -> 'lastname' AS lastname, "values"::hstore ? '_hc_lastop' AS hc, "values"::hstore -> 'id' AS id,
              "values"::hstore -> 'sfid' AS sfid FROM salesforce._trigger_log WHERE id = $1`,
      [entry.id],
    )
    expect(parsed).to.deep.equal({hc: false, id: String(row.id), lastname: 'Hopper', sfid: null})
  })

  it('logs an app UPDATE with the old row and only the changed keys, keyed by the old sfid', async () => {
    const [before] = await built.query<{id: number; sfid: string}>('SELECT id, sfid FROM salesforce.contact WHERE id = 3')
    await built.query("UPDATE salesforce.contact SET lastname = 'Changed', phone = '+1 555' WHERE id = 3")
    const [entry] = await log()
    expect(entry).to.include({action: 'UPDATE', record_id: 3, sfid: before.sfid, state: 'NEW', table_name: 'contact'})
    const [keys] = await built.query<{changed: string[]; old: string; oldKeys: number}>(
      `SELECT akeys("values"::hstore) AS changed, old::hstore -> 'sfid' AS old, array_length(akeys(old::hstore), 1) AS "oldKeys"
       FROM salesforce._trigger_log WHERE id = $1`,
      [entry.id],
    )
    expect(keys.changed.sort()).to.deep.equal(['lastname', 'phone'])
    expect(keys.old).to.equal(before.sfid)
    const [{columns}] = await built.query<{columns: number}>(
      "SELECT count(*)::int AS columns FROM information_schema.columns WHERE table_schema = 'salesforce' AND table_name = 'contact' AND column_name NOT LIKE '\\_hc\\_%'",
    )
    expect(keys.oldKeys).to.equal(columns)
    const [{_hc_lastop}] = await built.query<{_hc_lastop: string}>('SELECT _hc_lastop FROM salesforce.contact WHERE id = 3')
    expect(_hc_lastop).to.equal('PENDING')
  })

  it('marks an UPDATE that changes nothing IGNORE', async () => {
    await built.query('UPDATE salesforce.contact SET lastname = lastname WHERE id = 4')
    const [entry] = await log()
    expect(entry).to.include({action: 'UPDATE', state: 'IGNORE', values: ''})
  })

  it('marks the DELETE of a row Salesforce never had IGNORE, and a synced one NEW', async () => {
    const [fresh] = await built.query<{id: number}>("INSERT INTO salesforce.contact (lastname) VALUES ('Unsynced') RETURNING id")
    await built.query('DELETE FROM salesforce.contact WHERE id = $1', [fresh.id])
    const [synced] = await built.query<{sfid: string}>('DELETE FROM salesforce.contact WHERE id = 5 RETURNING sfid')
    const entries = await log("action = 'DELETE'")
    expect(entries.map((e) => [e.record_id, e.state, e.sfid])).to.deep.equal([[fresh.id, 'IGNORE', null], [5, 'NEW', synced.sfid]])
    expect(entries[1].old).to.match(/"lastname"=>/)
    expect(entries[1].values).to.equal(null)
  })

  it('logs every change on a read-only table as READONLY', async () => {
    await built.query("INSERT INTO salesforce.account (name) VALUES ('Local only')")
    await built.query("UPDATE salesforce.account SET name = 'Edited' WHERE id = 1")
    await built.query("INSERT INTO salesforce.account (name) VALUES ('Gone')")
    await built.query("DELETE FROM salesforce.account WHERE name = 'Gone'")
    const entries = await log()
    expect(entries.map((e) => `${e.action}:${e.state}`)).to.deep.equal(['INSERT:READONLY', 'UPDATE:READONLY', 'INSERT:READONLY', 'DELETE:READONLY'])
  })

  it('logs nothing for a session with xmlbinary = hex, and marks its rows SYNCED', async () => {
    const client = await built.pool.connect()
    try {
      await client.query('SET xmlbinary = hex')
      const {rows} = await client.query("INSERT INTO salesforce.contact (lastname, sfid) VALUES ('From Salesforce', '0038d0000009999AAA') RETURNING id, _hc_lastop")
      expect(rows[0]._hc_lastop).to.equal('SYNCED')
      await client.query("UPDATE salesforce.contact SET lastname = 'Polled' WHERE id = 6")
      await client.query("UPDATE salesforce.contact SET _hc_err = 'x', _hc_lastop = 'PENDING' WHERE id = 7")
      await client.query('DELETE FROM salesforce.contact WHERE id = 8')
    } finally {
      await client.query('RESET xmlbinary')
      client.release()
    }

    expect(await log()).to.deep.equal([])
    const states = await built.query<{id: number; _hc_lastop: string; _hc_err: string | null}>('SELECT id, _hc_lastop, _hc_err FROM salesforce.contact WHERE id IN (6, 7) ORDER BY id')
    expect(states).to.deep.equal([{_hc_err: null, _hc_lastop: 'SYNCED', id: 6}, {_hc_err: 'x', _hc_lastop: 'PENDING', id: 7}])
  })

  it('keeps the outcome Connect writes into _hc_lastop, and clears the error on the next sync', async () => {
    const client = await built.pool.connect()
    try {
      await client.query('SET xmlbinary = hex')
      await client.query("UPDATE salesforce.contact SET _hc_lastop = 'FAILED', _hc_err = '{\"message\":\"REQUIRED_FIELD_MISSING\"}' WHERE id = 9")
      const {rows: failed} = await client.query('SELECT _hc_lastop, _hc_err FROM salesforce.contact WHERE id = 9')
      expect(failed[0]._hc_lastop).to.equal('FAILED')
      await client.query("UPDATE salesforce.contact SET lastname = 'Fixed' WHERE id = 9")
      const {rows: synced} = await client.query('SELECT _hc_lastop, _hc_err FROM salesforce.contact WHERE id = 9')
      expect(synced[0]).to.deep.equal({_hc_err: null, _hc_lastop: 'SYNCED'})
    } finally {
      await client.query('RESET xmlbinary')
      client.release()
    }
  })

  it('notifies <schema>.hc_trigger_log on every log insert', async () => {
    const listener = new pg.Client({connectionString: built.db.url})
    await listener.connect()
    try {
      const heard = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve))
      await listener.query('LISTEN "salesforce.hc_trigger_log"')
      await built.query("INSERT INTO salesforce.contact (lastname) VALUES ('Notify')")
      const notification = await heard
      expect(notification).to.include({channel: 'salesforce.hc_trigger_log', payload: 'ping'})
    } finally {
      await listener.end()
    }
  })

  it('re-queues rows by hand through the capture functions', async () => {
    const [{insertId}] = await built.query<{insertId: number}>(
      "SELECT salesforce.hc_capture_insert_from_row(hstore(c), 'contact', ARRAY['email', 'id']) AS \"insertId\" FROM salesforce.contact c WHERE id = 10",
    )
    const [{updateId}] = await built.query<{updateId: number}>(
      "SELECT salesforce.hc_capture_update_from_row(hstore(c), 'contact', ARRAY['lastname']) AS \"updateId\" FROM salesforce.contact c WHERE id = 11",
    )
    const [{none}] = await built.query<{none: number | null}>("SELECT salesforce.hc_capture_insert_from_row(hstore('sfid', 'x'), 'contact') AS none")
    expect(none).to.equal(null)
    const rows = await built.query<LogRow & {keys: string[]}>('SELECT *, akeys("values"::hstore) AS keys FROM salesforce._trigger_log ORDER BY id')
    expect(rows.map((r) => r.id)).to.deep.equal([insertId, updateId])
    expect(rows[0]).to.include({action: 'INSERT', record_id: 10, sfid: null, state: 'NEW', table_name: 'contact'})
    expect(rows[0].keys).to.include.members(['id', 'sfid', 'lastname']).and.not.include.members(['email', '_hc_lastop', '_hc_err'])
    expect(rows[1]).to.include({action: 'UPDATE', old: null, record_id: 11, state: 'NEW'})
    expect(rows[1].sfid).to.match(/^003/)
    expect(rows[1].keys).to.deep.equal(['lastname'])
    expect(rows[1].updated_at).to.be.instanceOf(Date) // the column default applies to explicit-column inserts
  })
})

import {expect} from 'chai'
import pg from 'pg'

import type {MappingSpec, OrgSpec, SfObjectSpec} from '../../../src/sandbox/model.js'
import {qualified, quoteIdent} from '../../../src/sql.js'
import {notifyChannel} from '../../../src/sandbox/postgres/connect-schema.js'
import {truncateIdentifier} from '../../../src/sandbox/postgres/names.js'
import {app, ORG} from './fixtures.js'
import {buildFixture, type BuiltDatabase} from './helpers.js'

// Schema and table names an attacker or an unlucky admin could choose: quotes, semicolons,
// non-ASCII, and names at or past Postgres's 63-byte limit. Everything must still be created,
// quoted, named within 63 bytes without collisions, and log correctly.

const object = (name: string): SfObjectSpec => ({
  fields: [{name: 'Id', type: 'id'}, {name: 'Name', type: 'string', length: 80}, {externalId: true, length: 36, name: 'Key__c', type: 'string', unique: true}],
  name,
})
const mapping = (name: string): MappingSpec => ({access: 'read_write', fields: ['Name', 'Key__c'], indexedFields: ['Name'], object: name, rows: 5, upsertField: 'Key__c'})

const QUOTED = 'We"ird;Obj__c'
const LONG = 'Extremely_Long_Namespace__An_Extremely_Long_Custom_Object_Name__c'
const ORG_WITH_HOSTILE_OBJECTS: OrgSpec = {...ORG, objects: [...ORG.objects, object(QUOTED), object(LONG)]}

const SCHEMAS = ['we"ird; drop', 'sälesförce_ünïcode_🚀', `connect_${'x'.repeat(55)}`]

for (const schema of SCHEMAS) {
  describe(`sandbox postgres: hostile names, schema ${JSON.stringify(schema)}`, () => {
    let built: BuiltDatabase

    before(async () => {
      const spec = app(schema)
      spec.connection.mappings = [...spec.connection.mappings, mapping(QUOTED), mapping(LONG)]
      spec.userSql = [`CREATE TABLE {{schema}}.user_helper (id int)`, `GRANT USAGE ON SCHEMA {{schema}} TO {{role}}`]
      built = await buildFixture('hostile', {app: spec, build: {logRows: 3000}, org: ORG_WITH_HOSTILE_OBJECTS})
    })

    after(async () => {
      await built?.close()
    })

    it('creates the schema, every table and the seeded log under the exact names', async () => {
      const tables = await built.query<{relname: string}>("SELECT relname FROM pg_class WHERE relnamespace = $1::text::regnamespace AND relkind = 'r' ORDER BY 1", [quoteIdent(schema)])
      expect(tables.map((t) => t.relname)).to.have.members([
        '_hcmeta', '_sf_event_log', '_trigger_log', '_trigger_log_archive', 'account', 'contact', 'user', 'user_helper',
        QUOTED.toLowerCase(), truncateIdentifier(LONG.toLowerCase()),
      ])
      const [{n}] = await built.query(`SELECT count(*)::int AS n FROM ${qualified(schema, '_trigger_log')}`)
      expect(n).to.equal(3000)
    })

    it('names every trigger, function and index within 63 bytes, all distinct', async () => {
      const triggers = await built.query<{tgname: string; table: string}>(
        'SELECT tgname, tgrelid::regclass::text AS table FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = $1::text::regnamespace)',
        [quoteIdent(schema)],
      )
      expect(triggers).to.have.length(2 * 5 + 1)
      const functions = await built.query<{proname: string}>('SELECT proname FROM pg_proc WHERE pronamespace = $1::text::regnamespace', [quoteIdent(schema)])
      expect(functions).to.have.length(2 * 5 + 3)
      expect(new Set(functions.map((f) => f.proname)).size).to.equal(functions.length)
      const indexes = await built.query<{relname: string}>("SELECT relname FROM pg_class WHERE relkind = 'i' AND relnamespace = $1::text::regnamespace", [quoteIdent(schema)])
      for (const name of [...triggers.map((t) => t.tgname), ...functions.map((f) => f.proname), ...indexes.map((i) => i.relname)]) {
        expect(Buffer.byteLength(name)).to.be.at.most(63)
      }

      const long = truncateIdentifier(LONG.toLowerCase())
      expect(indexes.map((i) => i.relname).filter((n) => n.startsWith('hc'))).to.include.members([`hcu_idx_${QUOTED.toLowerCase()}_sfid`, truncateIdentifier(`hcu_idx_${long}_sfid`)])
    })

    it('logs app writes on hostile tables and notifies the (cut) channel', async () => {
      const listener = new pg.Client({connectionString: built.db.url})
      await listener.connect()
      try {
        const heard = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve))
        await listener.query(`LISTEN ${quoteIdent(`${schema}.hc_trigger_log`)}`)
        await built.query(`TRUNCATE ${qualified(schema, '_trigger_log')}`)
        for (const name of [QUOTED, LONG]) {
          const table = qualified(schema, truncateIdentifier(name.toLowerCase()))
          await built.query(`INSERT INTO ${table} (name, key__c) VALUES ('new', 'k-1')`)
          await built.query(`UPDATE ${table} SET name = 'changed' WHERE id = 1`)
        }

        const rows = await built.query(`SELECT table_name, action, state, "values"::hstore -> 'name' AS name FROM ${qualified(schema, '_trigger_log')} ORDER BY id`)
        const long = truncateIdentifier(LONG.toLowerCase())
        expect(rows).to.deep.equal([
          {action: 'INSERT', name: 'new', state: 'NEW', table_name: QUOTED.toLowerCase()},
          {action: 'UPDATE', name: 'changed', state: 'NEW', table_name: QUOTED.toLowerCase()},
          {action: 'INSERT', name: 'new', state: 'NEW', table_name: long},
          {action: 'UPDATE', name: 'changed', state: 'NEW', table_name: long},
        ])
        expect((await heard).channel).to.equal(notifyChannel(schema))
      } finally {
        await listener.end()
      }
    })
  })
}

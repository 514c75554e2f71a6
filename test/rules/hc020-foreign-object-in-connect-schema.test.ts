import {expect} from 'chai'

import {hc020} from '../../src/rules/hc020-foreign-object-in-connect-schema.js'
import {runRules} from '../../src/rules/runner.js'
import type {RelationFacts, Snapshot} from '../../src/snapshot/types.js'
import {column, healthySnapshot, mappedTable, withoutSource} from './fixtures.js'

const relation = (name: string, kind: string, extra: Partial<RelationFacts> = {}): RelationFacts => ({columns: [], indexes: [], kind, name, ownedBy: null, triggers: [], ...extra})
const finding = (fields: Partial<Record<string, unknown>>) => ({field: null, object: null, practice: 3, rule: 'HC020', severity: 'warning', table: null, ...fields})

/** The healthy snapshot with the Connect schema renamed, the way a connection with schema_name `org` looks. */
function inSchema(schema: string): Snapshot {
  const snapshot = healthySnapshot()
  const pg = snapshot.postgres!
  snapshot.connection!.schema = schema
  pg.schema = schema
  for (const r of pg.relations) {
    for (const t of r.triggers) t.functionSchema = schema
    for (const c of r.columns) c.default = c.default?.replace('salesforce.', `${schema}.`) ?? null
  }

  return snapshot
}

describe('HC020 foreign-object-in-connect-schema', () => {
  it('reports each object in the Connect schema that Connect did not create, with the SQL to move it', () => {
    const snapshot = healthySnapshot()
    const pg = snapshot.postgres!
    pg.relations.push(
      relation('orders', 'r', {columns: [column('id', 'integer', {default: 'nextval(\'salesforce.orders_id_seq\'::regclass)'})]}),
      relation('orders_id_seq', 'S', {ownedBy: 'orders.id'}),
      relation('contact summary', 'v'),
      relation('contact_stats', 'm'),
      relation('invoice_number_seq', 'S'),
      {...mappedTable('lead', []), name: 'lead'},
    )
    pg.functions.push({name: 'touch_updated_at', signature: ''}, {name: 'hc_lead_logger', signature: ''})
    const contact = pg.relations.find(r => r.name === 'contact')!
    contact.triggers.push({definition: 'CREATE TRIGGER contact_touch BEFORE UPDATE ON salesforce.contact FOR EACH ROW EXECUTE FUNCTION salesforce.touch_updated_at()', functionName: 'touch_updated_at', functionSchema: 'salesforce', name: 'contact_touch'})
    contact.indexes.push(
      {columns: ['lastname'], definition: 'CREATE INDEX hc_idx_contact_email ON salesforce.contact USING btree (lastname)', name: 'hc_idx_contact_email', unique: false},
      {columns: ['email'], definition: 'CREATE INDEX hc_idx_contact_email_2 ON salesforce.contact USING btree (lower((email)::text))', name: 'hc_idx_contact_email_2', unique: false},
    )
    const move = (what: string) => `CREATE SCHEMA IF NOT EXISTS app; ALTER ${what} SET SCHEMA app;`
    const lost = 'rebuilding the connection or its schema loses it'
    expect(runRules([hc020], snapshot).findings).to.deep.equal([
      finding({fix: move('TABLE salesforce.orders'), message: `table salesforce.orders was not created by Connect: ${lost}`, table: 'salesforce.orders'}),
      finding({fix: move('VIEW salesforce."contact summary"'), message: `view salesforce.contact summary was not created by Connect: ${lost}`, table: 'salesforce.contact summary'}),
      finding({fix: move('MATERIALIZED VIEW salesforce.contact_stats'), message: `materialized view salesforce.contact_stats was not created by Connect: ${lost}`, table: 'salesforce.contact_stats'}),
      finding({fix: move('SEQUENCE salesforce.invoice_number_seq'), message: `sequence salesforce.invoice_number_seq was not created by Connect: ${lost}`, table: 'salesforce.invoice_number_seq'}),
      finding({fix: move('TABLE salesforce.lead'), message: `table salesforce.lead was not created by Connect (it looks like the table of a removed mapping): ${lost}`, table: 'salesforce.lead'}),
      finding({field: 'touch_updated_at()', fix: move('FUNCTION salesforce.touch_updated_at()'), message: `function salesforce.touch_updated_at() was not created by Connect: ${lost}`}),
      finding({field: 'hc_lead_logger()', fix: move('FUNCTION salesforce.hc_lead_logger()'), message: `function salesforce.hc_lead_logger() was not created by Connect (it looks like the trigger function of a removed mapping): ${lost}`}),
      finding({
        field: 'contact_touch',
        fix: 'heroku connect:schema:scaffold --move -a acme-crm saves it and re-creates it after a rebuild; or keep in your migrations and re-run after Connect recreates the table: CREATE TRIGGER contact_touch BEFORE UPDATE ON salesforce.contact FOR EACH ROW EXECUTE FUNCTION salesforce.touch_updated_at();',
        message: 'trigger contact_touch on salesforce.contact is not Connect\'s: it fires on every row Connect writes and is lost when Connect recreates the table',
        object: 'Contact', table: 'salesforce.contact',
      }),
      finding({
        field: 'hc_idx_contact_email',
        fix: 'heroku connect:schema:scaffold --move -a acme-crm saves it and re-creates it after a rebuild; or keep in your migrations and re-run after an import: CREATE INDEX hc_idx_contact_email ON salesforce.contact USING btree (lastname);',
        message: 'index hc_idx_contact_email on salesforce.contact (lastname) is not Connect\'s: a configuration export and import does not carry it',
        object: 'Contact', severity: 'info', table: 'salesforce.contact',
      }),
      finding({
        field: 'hc_idx_contact_email_2',
        fix: 'heroku connect:schema:scaffold --move -a acme-crm saves it and re-creates it after a rebuild; or keep in your migrations and re-run after an import: CREATE INDEX hc_idx_contact_email_2 ON salesforce.contact USING btree (lower((email)::text));',
        message: 'index hc_idx_contact_email_2 on salesforce.contact (lower((email)::text)) is not Connect\'s: a configuration export and import does not carry it',
        object: 'Contact', severity: 'info', table: 'salesforce.contact',
      }),
    ])
  })

  it('quotes hostile names, and detaches an owned sequence before moving it', () => {
    const snapshot = inSchema('Org')
    snapshot.postgres!.relations.push(relation('we"ird', 'r'), relation('stray_seq', 'S', {ownedBy: 'app.orders.id'}))
    snapshot.postgres!.functions.push({name: 'user', signature: 'a integer, b text'})
    expect(runRules([hc020], snapshot).findings.map(f => f.fix)).to.deep.equal([
      'CREATE SCHEMA IF NOT EXISTS app; ALTER TABLE "Org"."we""ird" SET SCHEMA app;',
      'ALTER SEQUENCE "Org".stray_seq OWNED BY NONE; CREATE SCHEMA IF NOT EXISTS app; ALTER SEQUENCE "Org".stray_seq SET SCHEMA app;',
      'CREATE SCHEMA IF NOT EXISTS app; ALTER FUNCTION "Org"."user"(a integer, b text) SET SCHEMA app;',
    ])
  })

  it('no longer reports a trigger or index whose DDL the scaffold saved in the helper schema', () => {
    const snapshot = healthySnapshot()
    const contact = snapshot.postgres!.relations.find(r => r.name === 'contact')!
    contact.triggers.push({definition: 'CREATE TRIGGER t1 AFTER UPDATE ON salesforce.contact FOR EACH ROW EXECUTE FUNCTION app.f()', functionName: 'f', functionSchema: 'app', name: 't1'})
    contact.indexes.push({columns: ['email'], definition: 'CREATE INDEX i1 ON salesforce.contact (email)', name: 'i1', unique: false}, {columns: ['phone'], definition: 'CREATE INDEX i2 ON salesforce.contact (phone)', name: 'i2', unique: false})
    snapshot.postgres!.savedDdl = [
      {helperSchema: 'app', kind: 'trigger', name: 't1', schema: 'salesforce', table: 'contact'},
      {helperSchema: 'app', kind: 'index', name: 'i1', schema: 'salesforce', table: 'contact'},
      // saved for another Connect schema: does not count here
      {helperSchema: 'app', kind: 'index', name: 'i2', schema: 'org', table: 'contact'},
    ]
    expect(runRules([hc020], snapshot).findings.map(f => f.field)).to.deep.equal(['i2'])
  })

  it('never reports Connect\'s own objects, also in a schema named org', () => {
    expect(runRules([hc020], healthySnapshot()).findings).to.deep.equal([])
    expect(runRules([hc020], inSchema('org')).findings).to.deep.equal([])
    const withIndexes = inSchema('org')
    withIndexes.postgres!.relations.find(r => r.name === '_trigger_log')!.indexes.push(
      {columns: ['id'], definition: '', name: '_trigger_log_pkey', unique: true},
      {columns: ['state', 'table_name'], definition: '', name: '_trigger_log_idx_state_table_name', unique: false},
    )
    expect(runRules([hc020], withIndexes).findings).to.deep.equal([])
  })

  it('never reports the members of an extension, even when the Connect schema is public', () => {
    const snapshot = inSchema('public')
    const pg = snapshot.postgres!
    pg.functions.push(
      {extension: 'hstore', name: 'akeys', signature: 'hstore'},
      {extension: 'uuid-ossp', name: 'uuid_generate_v4', signature: ''},
      {extension: null, name: 'touch_updated_at', signature: ''},
    )
    pg.relations.push(relation('pg_stat_statements', 'v', {extension: 'pg_stat_statements'}), relation('my_notes', 'r'))
    expect(runRules([hc020], snapshot).findings.map(f => f.table ?? f.field)).to.deep.equal(['public.my_notes', 'touch_updated_at()'])
  })

  it('is skipped without the Connect configuration or the database', () => {
    expect(runRules([hc020], withoutSource(healthySnapshot(), 'connect')).skipped).to.deep.equal([
      {name: 'foreign-object-in-connect-schema', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC020'},
    ])
    expect(runRules([hc020], withoutSource(healthySnapshot(), 'postgres')).skipped).to.deep.equal([
      {name: 'foreign-object-in-connect-schema', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC020'},
    ])
  })
})

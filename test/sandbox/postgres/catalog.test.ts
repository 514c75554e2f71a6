import {expect} from 'chai'

import {buildFixture, type BuiltDatabase} from './helpers.js'

// The catalog of a built database against reference/heroku-connect-db.md and the pg_dump of a
// real Connect schema it cites: what an audit reads must look like what Connect leaves.

const LOG_COLUMNS = [
  ['id', 'integer'], ['txid', 'bigint'], ['created_at', 'timestamp with time zone'], ['updated_at', 'timestamp with time zone'],
  ['processed_at', 'timestamp with time zone'], ['processed_tx', 'bigint'], ['state', 'character varying(8)'],
  ['action', 'character varying(7)'], ['table_name', 'character varying(128)'], ['record_id', 'integer'],
  ['sfid', 'character varying(18)'], ['old', 'text'], ['values', 'text'], ['sf_result', 'integer'], ['sf_message', 'text'],
]

describe('sandbox postgres: catalog of a built database', () => {
  let built: BuiltDatabase

  before(async () => {
    built = await buildFixture('catalog')
  })

  after(async () => {
    await built?.close()
  })

  const columns = (table: string) =>
    built.query<{name: string; type: string; default: string | null; notnull: boolean; collation: string | null}>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, pg_get_expr(d.adbin, d.adrelid) AS default,
              a.attnotnull AS notnull, c.collname AS collation
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation c ON c.oid = a.attcollation AND a.attcollation <> (SELECT oid FROM pg_collation WHERE collname = 'default')
       WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [table],
    )
  const indexes = async (table: string) =>
    (await built.query<{def: string}>('SELECT indexdef AS def FROM pg_indexes WHERE schemaname || \'.\' || tablename = $1 ORDER BY indexname', [table])).map((r) => r.def)

  it('has _trigger_log with the 15 columns in order, its sequence default, indexes and notify trigger', async () => {
    const cols = await columns('salesforce._trigger_log')
    expect(cols.map((c) => [c.name, c.type])).to.deep.equal(LOG_COLUMNS)
    expect(cols.filter((c) => c.default).map((c) => [c.name, c.default])).to.deep.equal([
      ['id', "nextval('salesforce._trigger_log_id_seq'::regclass)"], ['created_at', 'now()'], ['updated_at', 'now()'],
    ])
    expect(await indexes('salesforce._trigger_log')).to.deep.equal([
      'CREATE INDEX _trigger_log_idx_created_at ON salesforce._trigger_log USING btree (created_at)',
      'CREATE INDEX _trigger_log_idx_state_id ON salesforce._trigger_log USING btree (state, id)',
      "CREATE INDEX _trigger_log_idx_state_table_name ON salesforce._trigger_log USING btree (state, table_name) WHERE (((state)::text = 'NEW'::text) OR ((state)::text = 'PENDING'::text))",
      'CREATE UNIQUE INDEX _trigger_log_pkey ON salesforce._trigger_log USING btree (id)',
    ])
    const [pk] = await built.query("SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'salesforce._trigger_log'::regclass")
    expect(pk).to.deep.equal({conname: '_trigger_log_pkey', def: 'PRIMARY KEY (id)'})
    const [seq] = await built.query<{type: string; owner: string}>(
      "SELECT format_type(seqtypid, NULL) AS type, pg_get_serial_sequence('salesforce._trigger_log', 'id') AS owner FROM pg_sequence WHERE seqrelid = 'salesforce._trigger_log_id_seq'::regclass",
    )
    expect(seq).to.deep.equal({owner: 'salesforce._trigger_log_id_seq', type: 'integer'})
    const triggers = await built.query("SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'salesforce._trigger_log'::regclass")
    expect(triggers.map((t) => t.def)).to.deep.equal([
      'CREATE TRIGGER tlog_insert_trigger AFTER INSERT ON salesforce._trigger_log FOR EACH ROW EXECUTE FUNCTION salesforce.tlog_notify_trigger()',
    ])
  })

  it('has _trigger_log_archive with the same columns, no defaults, and its FAILED index', async () => {
    const cols = await columns('salesforce._trigger_log_archive')
    expect(cols.map((c) => [c.name, c.type])).to.deep.equal(LOG_COLUMNS)
    expect(cols.filter((c) => c.default)).to.deep.equal([])
    expect(cols[0].notnull).to.equal(true)
    expect(await indexes('salesforce._trigger_log_archive')).to.deep.equal([
      'CREATE INDEX _trigger_log_archive_idx_created_at ON salesforce._trigger_log_archive USING btree (created_at)',
      'CREATE INDEX _trigger_log_archive_idx_record_id ON salesforce._trigger_log_archive USING btree (record_id)',
      "CREATE INDEX _trigger_log_archive_idx_state_table_name ON salesforce._trigger_log_archive USING btree (state, table_name) WHERE ((state)::text = 'FAILED'::text)",
      'CREATE UNIQUE INDEX _trigger_log_archive_pkey ON salesforce._trigger_log_archive USING btree (id)',
    ])
  })

  it('has _hcmeta with its row and _sf_event_log with its indexes', async () => {
    expect((await columns('salesforce._hcmeta')).map((c) => [c.name, c.type])).to.deep.equal([
      ['id', 'integer'], ['hcver', 'integer'], ['org_id', 'character varying(50)'], ['details', 'text'],
    ])
    const [meta] = await built.query('SELECT id, org_id FROM salesforce._hcmeta')
    expect(meta).to.deep.equal({id: 1, org_id: '00D000000000001AAA'})
    expect((await columns('salesforce._sf_event_log')).map((c) => [c.name, c.type, c.default])).to.deep.equal([
      ['id', 'integer', "nextval('salesforce._sf_event_log_id_seq'::regclass)"], ['table_name', 'character varying(128)', null],
      ['action', 'character varying(7)', null], ['synced_at', 'timestamp with time zone', 'now()'], ['sf_timestamp', 'timestamp with time zone', null],
      ['sfid', 'character varying(20)', null], ['record', 'text', null], ['processed', 'boolean', null],
    ])
    expect(await indexes('salesforce._sf_event_log')).to.deep.equal([
      'CREATE UNIQUE INDEX _sf_event_log_pkey ON salesforce._sf_event_log USING btree (id)',
      'CREATE INDEX idx__sf_event_log_comp_key ON salesforce._sf_event_log USING btree (table_name, synced_at)',
      'CREATE INDEX idx__sf_event_log_sfid ON salesforce._sf_event_log USING btree (sfid)',
    ])
  })

  it('has exactly Connect functions in the schema, plus public.get_xmlbinary() and hstore', async () => {
    const functions = await built.query<{name: string; args: string; result: string}>(
      `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result
       FROM pg_proc p WHERE p.pronamespace = 'salesforce'::regnamespace ORDER BY 1`,
    )
    expect(functions.map((f) => `${f.name}(${f.args}) ${f.result}`)).to.deep.equal([
      'hc_account_logger() trigger', 'hc_account_status() trigger',
      'hc_capture_insert_from_row(source_row hstore, table_name character varying, excluded_cols text[]) integer',
      'hc_capture_update_from_row(source_row hstore, table_name character varying, columns_to_include text[]) integer',
      'hc_contact_logger() trigger', 'hc_contact_status() trigger', 'hc_user_logger() trigger', 'hc_user_status() trigger',
      'tlog_notify_trigger() trigger',
    ])
    const [xml] = await built.query("SELECT pg_get_function_result('public.get_xmlbinary()'::regprocedure) AS result, public.get_xmlbinary() AS value")
    expect(xml).to.deep.equal({result: 'character varying', value: 'base64'})
    const [ext] = await built.query("SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'hstore'")
    expect(ext.schema).to.equal('public')
  })

  it('shapes a mapped table as Connect does: columns, types, ucs_basic sfid, hc_/hcu_ indexes, two triggers', async () => {
    const cols = await columns('salesforce.contact')
    expect(cols.map((c) => `${c.name} ${c.type}`)).to.deep.equal([
      'createddate timestamp without time zone', 'isdeleted boolean', 'systemmodstamp timestamp without time zone',
      'firstname character varying(40)', 'lastname character varying(80)', 'email character varying(80)', 'phone character varying(40)',
      'accountid character varying(18)', 'birthdate date', 'hasoptedoutofemail boolean', 'score__c double precision',
      'summary__c character varying(1300)', 'guid__c character varying(36)', 'sfid character varying(18)', 'id integer',
      '_hc_lastop character varying(32)', '_hc_err text',
    ])
    expect(cols.find((c) => c.name === 'sfid')?.collation).to.equal('ucs_basic')
    expect(cols.find((c) => c.name === 'id')).to.include({default: "nextval('salesforce.contact_id_seq'::regclass)", notnull: true})
    expect(await indexes('salesforce.contact')).to.deep.equal([
      'CREATE UNIQUE INDEX contact_pkey ON salesforce.contact USING btree (id)',
      'CREATE INDEX hc_idx_contact_accountid ON salesforce.contact USING btree (accountid)',
      'CREATE INDEX hc_idx_contact_email ON salesforce.contact USING btree (email)',
      'CREATE INDEX hc_idx_contact_systemmodstamp ON salesforce.contact USING btree (systemmodstamp)',
      'CREATE UNIQUE INDEX hcu_idx_contact_guid__c ON salesforce.contact USING btree (guid__c)',
      'CREATE UNIQUE INDEX hcu_idx_contact_sfid ON salesforce.contact USING btree (sfid)',
    ])
    const triggers = await built.query("SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'salesforce.contact'::regclass ORDER BY tgname")
    expect(triggers.map((t) => t.def)).to.deep.equal([
      "CREATE TRIGGER hc_contact_logtrigger AFTER INSERT OR DELETE OR UPDATE ON salesforce.contact FOR EACH ROW WHEN (((get_xmlbinary())::text = 'base64'::text)) EXECUTE FUNCTION salesforce.hc_contact_logger()",
      'CREATE TRIGGER hc_contact_status_trigger BEFORE INSERT OR UPDATE ON salesforce.contact FOR EACH ROW EXECUTE FUNCTION salesforce.hc_contact_status()',
    ])
    const [fk] = await built.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'salesforce.contact'::regclass AND contype <> 'p'")
    expect(fk.n).to.equal(0)
  })

  it('leaves out isdeleted for objects without IsDeleted, and shows the access mode in the logger source', async () => {
    expect((await columns('salesforce.user')).map((c) => c.name)).to.deep.equal(['createddate', 'systemmodstamp', 'username', 'isactive', 'sfid', 'id', '_hc_lastop', '_hc_err'])
    const sources = await built.query<{name: string; src: string}>(
      "SELECT proname AS name, pg_get_functiondef(oid) AS src FROM pg_proc WHERE proname IN ('hc_contact_logger', 'hc_account_logger') ORDER BY 1",
    )
    expect(sources.map((s) => [s.name, s.src.includes('-- VERSION 4 --'), s.src.includes("'NEW'"), s.src.includes("'READONLY'")])).to.deep.equal([
      ['hc_account_logger', true, false, true],
      ['hc_contact_logger', true, true, false],
    ])
  })
})

import {expect} from 'chai'

import {
  ConnectObjects, looksLikeMappedTable, mappedTableNames, matchesConnectName, sqlIdent, sqlName,
} from '../../src/analysis/connect-objects.js'
import {truncateIdentifier} from '../../src/sql.js'
import type {IndexFacts, RelationFacts, TriggerFacts} from '../../src/snapshot/types.js'
import {column, healthySnapshot, mappedTable, withoutSource} from '../rules/fixtures.js'

const index = (name: string, columns: string[], unique = false, definition = ''): IndexFacts => ({columns, definition, name, unique})
const trigger = (name: string, functionName: string, functionSchema = 'salesforce'): TriggerFacts => ({definition: '', functionName, functionSchema, name})
const sequence = (name: string, ownedBy: null | string): RelationFacts => ({columns: [], indexes: [], kind: 'S', name, ownedBy, triggers: []})
const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

// a 45-character object whose index on a 39-character field cannot keep its full name
const LONG_TABLE = 'a_very_long_custom_object_name_for_testing__c'
const LONG_COLUMN = 'another_quite_long_external_id_field__c'
const CYRILLIC = 'клиенты_салесфорса_копия_тест__c' // 58 bytes in UTF-8

describe('connect-objects', () => {
  describe('truncateIdentifier', () => {
    it('keeps names up to 63 bytes and cuts longer ones at a character boundary', () => {
      expect(truncateIdentifier('contact')).to.equal('contact')
      expect(truncateIdentifier('x'.repeat(70))).to.equal('x'.repeat(63))
      const cut = truncateIdentifier('ж'.repeat(40)) // 80 bytes, 2 bytes a character
      expect(cut).to.equal('ж'.repeat(31))
      expect(bytes(cut)).to.equal(62)
    })
  })

  describe('matchesConnectName', () => {
    it('accepts the full name, the 63-byte cut and the Postgres-style shortened name, numbered or not', () => {
      const pieces = ['hcu_idx_', {part: LONG_TABLE}, '_', {part: LONG_COLUMN}]
      expect(matchesConnectName('hcu_idx_contact_sfid', ['hcu_idx_', {part: 'contact'}, '_', {part: 'sfid'}])).to.equal(true)
      expect(matchesConnectName('hcu_idx_a_very_long_custom_object_name_for_testing__c_another_q', pieces)).to.equal(true)
      expect(matchesConnectName('hcu_idx_a_very_long_custom_object_name_f_another_quite_long_ext', pieces)).to.equal(true)
      expect(matchesConnectName('hcu_idx_a_very_long_custom_object_name__another_quite_long_ext1', pieces)).to.equal(true)
    })

    it('rejects short look-alikes and names that only fit when the full name is short', () => {
      expect(matchesConnectName('hc_con_logger', ['hc_', {part: 'contact'}, '_logger'])).to.equal(false)
      expect(matchesConnectName('hc_contact_logger2', ['hc_', {part: 'contact'}, '_logger'])).to.equal(false)
      expect(matchesConnectName('hc_a_logger', ['hc_', {part: LONG_TABLE + '_and_more_to_pass_the_limit'}, '_logger'])).to.equal(false)
    })
  })

  describe('ConnectObjects', () => {
    const connect = new ConnectObjects('salesforce', ['contact', 'we"ird', LONG_TABLE, CYRILLIC])

    it('knows mapped and system tables, and nothing else', () => {
      for (const name of ['contact', 'we"ird', '_trigger_log', '_trigger_log_archive', '_hcmeta', '_sf_event_log']) {
        expect(connect.isConnectRelation({...mappedTable('x', []), name}), name).to.equal(true)
      }

      expect(connect.isConnectRelation({...mappedTable('x', []), name: 'orders'})).to.equal(false)
      expect(connect.isConnectRelation({...mappedTable('x', []), kind: 'v', name: 'contact'}), 'a view named like a mapped table').to.equal(false)
      expect(connect.isConnectRelation({...mappedTable('x', []), kind: 'm', name: 'contact_summary'})).to.equal(false)
    })

    it('works the same in a schema named org', () => {
      const org = new ConnectObjects('org', ['contact'])
      expect(org.isConnectTrigger('contact', trigger('hc_contact_logtrigger', 'hc_contact_logger', 'org'))).to.equal(true)
      expect(org.isConnectTrigger('contact', trigger('hc_contact_logtrigger', 'hc_contact_logger', 'salesforce'))).to.equal(false)
      expect(org.isConnectTrigger('_trigger_log', trigger('tlog_insert_trigger', 'tlog_notify_trigger', 'org'))).to.equal(true)
      expect(org.isConnectSequence(sequence('contact_id_seq', 'contact.id'))).to.equal(true)
      expect(org.isConnectSequence(sequence('contact_id_seq', 'org.contact.id'))).to.equal(true)
      expect(org.isConnectSequence(sequence('invoice_seq', 'salesforce.contact.id'))).to.equal(false)
    })

    it('recognises the objects of a table named we"ird', () => {
      expect(connect.isConnectFunction({name: 'hc_we"ird_logger', signature: ''})).to.equal(true)
      expect(connect.isConnectFunction({name: 'hc_we"ird_status', signature: ''})).to.equal(true)
      expect(connect.connectTriggerRole('we"ird', trigger('hc_we"ird_logtrigger', 'hc_we"ird_logger'))).to.equal('log')
      expect(connect.connectTriggerRole('we"ird', trigger('hc_we"ird_status_trigger', 'hc_we"ird_status'))).to.equal('status')
      expect(connect.isConnectIndex('we"ird', index('we"ird_pkey', ['id'], true))).to.equal(true)
      expect(connect.isConnectIndex('we"ird', index('hcu_idx_we"ird_sfid', ['sfid'], true))).to.equal(true)
      expect(connect.isConnectSequence(sequence('we"ird_id_seq', null))).to.equal(true)
      expect(connect.isConnectSequence(sequence('renamed_seq', '"we""ird".id'))).to.equal(true)
      expect(connect.isConnectSequence(sequence('renamed_seq', 'we"ird.id'))).to.equal(true)
      expect(connect.isConnectSequence(sequence('renamed_seq', '"we""ird".other'))).to.equal(false)
    })

    it('reads the column out of pg_get_indexdef, quoted or not', () => {
      expect(connect.isConnectIndex('contact', index('hcu_idx_contact_sfid', ['sfid'], true, 'CREATE UNIQUE INDEX hcu_idx_contact_sfid ON salesforce.contact USING btree (sfid)'))).to.equal(true)
      expect(connect.isConnectIndex('contact', index('hcu_idx_contact_sfid', ['sfid'], true, 'CREATE UNIQUE INDEX hcu_idx_contact_sfid ON salesforce.contact USING btree (sfid COLLATE ucs_basic)'))).to.equal(true)
      expect(connect.isConnectIndex('we"ird', index('hc_idx_we"ird_a"b', ['a"b'], false, 'CREATE INDEX "hc_idx_we""ird_a""b" ON salesforce."we""ird" USING btree ("a""b")'))).to.equal(true)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_order', ['order'], false, 'CREATE INDEX hc_idx_contact_order ON salesforce.contact USING btree ("order")'))).to.equal(true)
    })

    it('recognises a 63-byte truncated index name by its prefix and its column', () => {
      const name = 'hcu_idx_a_very_long_custom_object_name_for_testing__c_another_q'
      expect(bytes(name)).to.equal(63)
      expect(connect.isConnectIndex(LONG_TABLE, index(name, [LONG_COLUMN], true))).to.equal(true)
      expect(connect.isConnectIndex(LONG_TABLE, index(name, ['another_field__c'], true)), 'same name, other column').to.equal(false)
      expect(connect.isConnectIndex(LONG_TABLE, index(name, [LONG_COLUMN], false)), 'hcu_ but not unique').to.equal(false)
    })

    it('does not take a user index named like hc_idx_ on other columns for Connect\'s', () => {
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email']))).to.equal(true)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['lastname']))).to.equal(false)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email', 'lastname']))).to.equal(false)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email'], true)), 'unique under hc_idx_').to.equal(false)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email'], false,
        'CREATE INDEX hc_idx_contact_email ON salesforce.contact USING btree (email) WHERE (email IS NOT NULL)')), 'partial').to.equal(false)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email'], false,
        'CREATE INDEX hc_idx_contact_email ON salesforce.contact USING gin (email)')), 'not btree').to.equal(false)
      expect(connect.isConnectIndex('contact', index('contact_pkey', ['id', 'sfid'], true)), 'hand-made composite key').to.equal(false)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email'], false,
        'CREATE INDEX hc_idx_contact_email ON salesforce.contact USING btree (email, lower((lastname)::text))')), 'expression key the columns leave out').to.equal(false)
      expect(connect.isConnectIndex('contact', index('hc_idx_contact_email', ['email'], false,
        'CREATE INDEX hc_idx_contact_email ON salesforce.contact USING btree (email text_pattern_ops)')), 'operator class').to.equal(false)
      expect(connect.isConnectIndex('orders', index('hc_idx_orders_email', ['email'])), 'not a mapped table').to.equal(false)
    })

    it('handles multi-byte names cut by Postgres', () => {
      expect(connect.isConnectFunction({name: 'hc_клиенты_салесфорса_копия_тест__c_l', signature: ''})).to.equal(true)
      expect(connect.isConnectFunction({name: 'hc_клиенты_салесфорса_копия_тес_status', signature: ''})).to.equal(true)
      expect(connect.connectTriggerRole(CYRILLIC, trigger('hc_клиенты_салесфорса_копия_тест__c_l', 'hc_клиенты_салесфорса_копия_тест__c_l'))).to.equal('log')
      expect(connect.connectTriggerRole(CYRILLIC, trigger('hc_клиенты_салесфорса_копия_тест__c_s', 'hc_клиенты_салесфорса_копия_тест__c_s'))).to.equal('status')
      expect(connect.isConnectSequence(sequence('клиенты_салесфорса_копия_тест__id_seq', null))).to.equal(true)
      expect(connect.isConnectIndex(CYRILLIC, index('клиенты_салесфорса_копия_тест__c_pkey', ['id'], true))).to.equal(true)
      expect(connect.isConnectIndex(CYRILLIC, index('hcu_idx_клиенты_салесфорса_копия_тест', ['sfid'], true))).to.equal(true)
    })

    it('knows the shared functions and rejects overloads and functions of unmapped tables', () => {
      for (const name of ['hc_capture_insert_from_row', 'hc_capture_update_from_row', 'tlog_notify_trigger', 'get_xmlbinary']) {
        expect(connect.isConnectFunction({name, signature: ''}), name).to.equal(true)
      }

      expect(connect.isConnectFunction({name: 'hc_contact_logger', signature: 'integer'})).to.equal(false)
      expect(connect.isConnectFunction({name: 'hc_lead_logger', signature: ''})).to.equal(false)
      expect(connect.isConnectFunction({name: 'touch_updated_at', signature: ''})).to.equal(false)
    })

    it('takes only Connect\'s triggers, calling Connect\'s functions, for Connect\'s', () => {
      expect(connect.connectTriggerRole('contact', trigger('hc_contact_logtrigger', 'hc_contact_logger'))).to.equal('log')
      expect(connect.connectTriggerRole('contact', trigger('hc_contact_logtrigger', 'audit_contact'))).to.equal(null)
      expect(connect.connectTriggerRole('contact', trigger('contact_audit', 'hc_contact_logger'))).to.equal(null)
      expect(connect.connectTriggerRole('contact', trigger('tlog_insert_trigger', 'tlog_notify_trigger'))).to.equal(null)
      expect(connect.connectTriggerRole('_trigger_log', trigger('tlog_insert_trigger', 'tlog_notify_trigger'))).to.equal('notify')
      expect(connect.connectTriggerRole('_trigger_log', trigger('log_audit', 'tlog_notify_trigger'))).to.equal(null)
    })

    it('knows the indexes of the system tables', () => {
      expect(connect.isConnectIndex('_trigger_log', index('_trigger_log_pkey', ['id'], true))).to.equal(true)
      expect(connect.isConnectIndex('_trigger_log', index('_trigger_log_idx_state_id', ['state', 'id']))).to.equal(true)
      expect(connect.isConnectIndex('_trigger_log_archive', index('_trigger_log_archive_idx_record_id', ['record_id']))).to.equal(true)
      expect(connect.isConnectIndex('_sf_event_log', index('idx__sf_event_log_sfid', ['sfid']))).to.equal(true)
      expect(connect.isConnectIndex('_trigger_log', index('_trigger_log_idx_state_table_name', ['state', 'table_name'], false,
        'CREATE INDEX _trigger_log_idx_state_table_name ON salesforce._trigger_log USING btree (state, table_name) WHERE (((state)::text = \'NEW\'::text) OR ((state)::text = \'PENDING\'::text))'))).to.equal(true)
      expect(connect.isConnectIndex('_hcmeta', index('_hcmeta_pkey', ['id'], true))).to.equal(true)
      expect(connect.isConnectIndex('_trigger_log', index('trigger_log_by_sfid', ['sfid']))).to.equal(false)
    })

    it('knows serial sequences by owner, by the id default, or by name', () => {
      const withDefault = new ConnectObjects('salesforce', ['contact'], [
        {...mappedTable('contact', []), columns: [column('id', 'integer', {default: 'nextval(\'salesforce."odd""seq"\'::regclass)'})]},
      ])
      expect(withDefault.isConnectSequence(sequence('odd"seq', null))).to.equal(true)
      expect(connect.isConnectSequence(sequence('_trigger_log_id_seq', '_trigger_log.id'))).to.equal(true)
      expect(connect.isConnectSequence(sequence('orders_id_seq', 'orders.id'))).to.equal(false)
      expect(connect.isConnectSequence(sequence('contact_id_seq', 'orders.id')), 'named like Connect\'s but owned by a user table').to.equal(false)
      expect(connect.isConnectSequence(sequence('invoice_number_seq', null))).to.equal(false)
    })
  })

  describe('mappedTableNames', () => {
    it('uses the mappings, and without a connection the tables that look mapped', () => {
      expect(mappedTableNames(healthySnapshot())).to.deep.equal({from: 'connect', tables: ['contact', 'account', 'opportunity']})
      const snapshot = withoutSource(healthySnapshot(), 'connect')
      snapshot.postgres!.relations.push({...mappedTable('orders', []), indexes: [], triggers: []})
      expect(mappedTableNames(snapshot)).to.deep.equal({from: 'catalog', tables: ['contact', 'account', 'opportunity']})
    })

    it('looksLikeMappedTable needs sfid and Connect\'s sfid index or triggers', () => {
      const table = mappedTable('lead', [])
      expect(looksLikeMappedTable(table)).to.equal(true)
      expect(looksLikeMappedTable({...table, triggers: []})).to.equal(true)
      expect(looksLikeMappedTable({...table, indexes: []})).to.equal(true)
      expect(looksLikeMappedTable({...table, indexes: [], triggers: []})).to.equal(false)
      expect(looksLikeMappedTable({...table, columns: table.columns.filter(c => c.name !== 'sfid')})).to.equal(false)
      expect(looksLikeMappedTable({...table, name: '_trigger_log'})).to.equal(false)
    })
  })

  describe('sqlIdent', () => {
    it('quotes only what Postgres would not read back unchanged', () => {
      expect(sqlIdent('contact')).to.equal('contact')
      expect(sqlIdent('my_obj__c')).to.equal('my_obj__c')
      expect(sqlIdent('user')).to.equal('"user"')
      expect(sqlIdent('values')).to.equal('"values"')
      expect(sqlIdent('Contact')).to.equal('"Contact"')
      expect(sqlIdent('we"ird')).to.equal('"we""ird"')
      expect(sqlIdent('2fast')).to.equal('"2fast"')
      expect(sqlIdent('ünï')).to.equal('"ünï"')
      expect(sqlName('org', 'we"ird')).to.equal('org."we""ird"')
    })
  })
})

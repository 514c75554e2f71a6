import {expect} from 'chai'

import {hc020} from '../../src/rules/hc020-foreign-object-in-connect-schema.js'
import {hc075} from '../../src/rules/hc075-connect-system-tables.js'
import {hc078} from '../../src/rules/hc078-mapped-table-shape.js'
import {runRules} from '../../src/rules/runner.js'
import {column, healthySnapshot, withoutSource} from './fixtures.js'

describe('HC078 mapped-table-shape', () => {
  it('fires for NOT NULL on Connect\'s columns, a missing sfid index and a retyped systemmodstamp, with the SQL to repair them', () => {
    const snapshot = healthySnapshot()
    const contact = snapshot.postgres!.relations.find(r => r.name === 'contact')!
    for (const c of contact.columns) if (['sfid', '_hc_err'].includes(c.name)) c.notNull = true
    const account = snapshot.postgres!.relations.find(r => r.name === 'account')!
    account.indexes = account.indexes.filter(i => i.name !== 'hcu_idx_account_sfid')
    account.columns.find(c => c.name === 'systemmodstamp')!.type = 'timestamp with time zone'
    expect(runRules([hc078], snapshot).findings.map(f => [f.severity, f.object, f.message, f.fix])).to.deep.equal([
      ['error', 'Contact',
        'mapped table salesforce.contact is not shaped like Connect\'s: sfid is NOT NULL: a row inserted in Postgres has no sfid until Salesforce returns one, so every insert from the app fails; _hc_err is NOT NULL: Connect\'s status trigger clears it on every change, so every write to the table fails',
        'ALTER TABLE salesforce.contact ALTER COLUMN sfid DROP NOT NULL; ALTER TABLE salesforce.contact ALTER COLUMN _hc_err DROP NOT NULL;'],
      ['warning', 'Account',
        'mapped table salesforce.account is not shaped like Connect\'s: there is no unique index hcu_idx_account_sfid on sfid: each record Connect reads back is looked up by scanning the table, and nothing stops the same sfid arriving twice; systemmodstamp is timestamp with time zone, not timestamp without time zone: Connect writes Salesforce\'s UTC time into it and polls by comparing it, which a different type shifts or breaks',
        'CREATE UNIQUE INDEX hcu_idx_account_sfid ON salesforce.account (sfid); ALTER TABLE salesforce.account ALTER COLUMN systemmodstamp TYPE timestamp without time zone USING systemmodstamp::timestamp without time zone;'],
    ])
  })

  it('gives one finding with HC020 for a hand-made unique index on sfid in place of Connect\'s', () => {
    const snapshot = healthySnapshot()
    const contact = snapshot.postgres!.relations.find(r => r.name === 'contact')!
    contact.indexes = contact.indexes.map(i => (i.name === 'hcu_idx_contact_sfid' ? {...i, definition: 'CREATE UNIQUE INDEX contact_sfid_key ON salesforce.contact USING btree (sfid)', name: 'contact_sfid_key'} : i))
    const findings = runRules([hc020, hc078], snapshot).findings
    expect(findings.map(f => [f.rule, f.related ?? null])).to.deep.equal([['HC078', ['HC020']]])
    expect(findings[0].message).to.contain('sfid is unique through contact_sfid_key, not Connect\'s hcu_idx_contact_sfid')
    // alone, HC020 still reports the index
    expect(runRules([hc020], snapshot).findings.map(f => f.field)).to.deep.equal(['contact_sfid_key'])
  })

  it('reports a legacy _trigger_log layout once, with what HC075 finds missing because of it', () => {
    const snapshot = healthySnapshot()
    const pg = snapshot.postgres!
    const legacy = [column('id', 'integer'), column('table_name', 'character varying(40)'), column('_c5_source', 'character varying(40)'), column('action', 'character varying(7)'),
      column('created_at', 'timestamp without time zone'), column('record_id', 'integer'), column('values', 'character varying(16384)'), column('state', 'character varying(8)')]
    pg.systemTables._trigger_log = legacy
    pg.relations.find(r => r.name === '_trigger_log')!.columns = legacy
    pg.systemTables._hcmeta = null
    pg.systemTables._trigger_log_archive = null
    const account = pg.relations.find(r => r.name === 'account')!
    account.columns.push(column('_c5_source', 'character varying(18)'))
    account.triggers = []
    const findings = runRules([hc075, hc078], snapshot).findings
    expect(findings.map(f => [f.rule, f.table, f.related ?? null])).to.deep.equal([['HC078', 'salesforce._trigger_log', ['HC075']]])
    expect(findings[0].message).to.equal('salesforce._trigger_log has the legacy (2014) layout with _c5_source, without Connect\'s current columns and without _hcmeta and _trigger_log_archive; tables in that layout: account: today\'s Connect neither reads nor writes this layout, so nothing written here reaches Salesforce')
    // HC075 alone still reports what is missing
    expect(runRules([hc075], snapshot).findings.length).to.be.above(1)
  })

  it('does not fire on the healthy setup, nor on a table whose mapping has no SystemModstamp', () => {
    expect(runRules([hc078], healthySnapshot()).findings).to.deep.equal([])
    const snapshot = healthySnapshot()
    const opportunity = snapshot.postgres!.relations.find(r => r.name === 'opportunity')!
    opportunity.columns = opportunity.columns.filter(c => c.name !== 'systemmodstamp')
    expect(runRules([hc078], snapshot).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    expect(runRules([hc078], withoutSource(healthySnapshot(), 'postgres')).skipped).to.deep.equal([
      {name: 'mapped-table-shape', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC078'},
    ])
  })
})

import {expect} from 'chai'

import {layoutDifferences, layoutRepair} from '../../src/analysis/connect-objects.js'
import {hc075} from '../../src/rules/hc075-connect-system-tables.js'
import {runRules} from '../../src/rules/runner.js'
import {column, healthySnapshot, withoutSource} from './fixtures.js'

const finding = (fields: Record<string, unknown>) => ({field: null, object: null, practice: null, rule: 'HC075', severity: 'error', table: null, ...fields})

describe('HC075 connect-system-tables', () => {
  it('fires for a missing system table, an altered trigger log and a mapped table without Connect\'s triggers', () => {
    const snapshot = healthySnapshot()
    const pg = snapshot.postgres!
    pg.systemTables._hcmeta = null
    pg.systemTables._trigger_log = [...pg.systemTables._trigger_log!, column('note', 'text')]
    pg.relations.find(r => r.name === 'account')!.triggers = [pg.relations.find(r => r.name === 'account')!.triggers[1]]
    pg.relations.find(r => r.name === 'opportunity')!.triggers = []
    expect(runRules([hc075], snapshot).findings).to.deep.equal([
      finding({fix: 'heroku connect:recover -a acme-crm', message: 'Connect system table salesforce._hcmeta is missing: the connection goes DB_UNAVAILABLE', table: 'salesforce._hcmeta'}),
      finding({
        fix: 'ALTER TABLE salesforce._trigger_log DROP COLUMN note;',
        message: 'salesforce._trigger_log is not Connect\'s layout: added column note',
        table: 'salesforce._trigger_log',
      }),
      finding({
        fix: 'heroku connect:recover -a acme-crm',
        message: 'mapped table salesforce.account lacks Connect\'s trigger hc_account_logtrigger: changes to it are not captured for Salesforce',
        object: 'Account', table: 'salesforce.account',
      }),
      finding({
        fix: 'heroku connect:recover -a acme-crm',
        message: 'mapped table salesforce.opportunity lacks Connect\'s trigger hc_opportunity_logtrigger and hc_opportunity_status_trigger: edits made in Postgres to this read-only mapping are no longer recorded in salesforce._trigger_log (as READONLY), so nothing shows that Connect will overwrite them',
        object: 'Opportunity', severity: 'warning', table: 'salesforce.opportunity',
      }),
    ])
  })

  it('reports a schema Connect never built once, not once per missing table and trigger', () => {
    const snapshot = healthySnapshot()
    const pg = snapshot.postgres!
    for (const table of ['_hcmeta', '_trigger_log', '_trigger_log_archive']) pg.systemTables[table] = null
    for (const relation of pg.relations) relation.triggers = []
    expect(runRules([hc075], snapshot).findings).to.deep.equal([finding({
      fix: 'point --database-url at the database the connection syncs (heroku connect:info -a acme-crm); if it is this one, heroku connect:recover -a acme-crm so Connect rebuilds its tables',
      message: 'schema salesforce has none of Connect\'s system tables (_hcmeta, _trigger_log, _trigger_log_archive), and none of its 3 mapped tables have Connect\'s triggers: Connect did not build it (a hand-made, ORM or dumped copy?), and a connection using it goes DB_UNAVAILABLE',
      table: 'salesforce',
    })])
    // without _trigger_log alone, its finding stands for the triggers that cannot log into it
    pg.systemTables._hcmeta = [column('id', 'integer')]
    pg.systemTables._trigger_log_archive = healthySnapshot().postgres!.systemTables._trigger_log_archive
    expect(runRules([hc075], snapshot).findings.map(f => f.message)).to.deep.equal([
      'Connect system table salesforce._trigger_log is missing: the connection goes DB_UNAVAILABLE, and no change to a mapped table can be logged',
    ])
  })

  it('warns when only the status trigger is missing: the log still captures changes', () => {
    const snapshot = healthySnapshot()
    const contact = snapshot.postgres!.relations.find(r => r.name === 'contact')!
    contact.triggers = [contact.triggers[0]]
    expect(runRules([hc075], snapshot).findings.map(f => [f.severity, f.message])).to.deep.equal([
      ['warning', 'mapped table salesforce.contact lacks Connect\'s trigger hc_contact_status_trigger: its _hc_lastop and _hc_err are not kept up to date'],
    ])
  })

  it('reports a missing schema once, and a mapped table that does not exist', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.relations = snapshot.postgres!.relations.filter(r => r.name !== 'opportunity')
    expect(runRules([hc075], snapshot).findings).to.deep.equal([finding({
      fix: 'heroku connect:recover -a acme-crm', message: 'mapped table salesforce.opportunity does not exist: Connect cannot sync Opportunity',
      object: 'Opportunity', table: 'salesforce.opportunity',
    })])
    snapshot.postgres!.schemaExists = false
    expect(runRules([hc075], snapshot).findings).to.deep.equal([finding({
      fix: 'heroku connect:state -a acme-crm (check db_key and schema_name), then heroku connect:recover -a acme-crm',
      message: 'schema salesforce does not exist in this database: Connect has nowhere to sync (is this the connection\'s database?)',
    })])
  })

  it('names every difference in the trigger log layout, and repairs it when no column has to move', () => {
    const healthy = healthySnapshot().postgres!.systemTables._trigger_log!
    const retyped = healthy.map(c => (c.name === 'values' ? {...c, type: 'hstore'} : c))
    expect(layoutDifferences(retyped)).to.deep.equal(['values is hstore, not text'])
    expect(layoutRepair('org', '_trigger_log', retyped)).to.equal('ALTER TABLE org._trigger_log ALTER COLUMN "values" TYPE text USING "values"::text;')
    const truncated = healthy.slice(0, 13)
    expect(layoutDifferences(truncated)).to.deep.equal(['missing columns sf_result, sf_message'])
    expect(layoutRepair('org', '_trigger_log', truncated)).to.equal('ALTER TABLE org._trigger_log ADD COLUMN sf_result integer, ADD COLUMN sf_message text;')
    const swapped = [...healthy.slice(0, 6), healthy[7], healthy[6], ...healthy.slice(8)]
    expect(layoutDifferences(swapped)).to.deep.equal(['columns out of order from action (expected state)'])
    expect(layoutRepair('org', '_trigger_log', swapped)).to.equal(null)
    const aliased = healthy.map(c => ({...c, type: c.type.replace('character varying', 'varchar').replace('timestamp with time zone', 'timestamptz')}))
    expect(layoutDifferences(aliased)).to.deep.equal([])
  })

  it('points at a rebuild when columns are out of order', () => {
    const snapshot = healthySnapshot()
    const log = snapshot.postgres!.systemTables._trigger_log_archive!
    snapshot.postgres!.systemTables._trigger_log_archive = [log[1], log[0], ...log.slice(2)]
    expect(runRules([hc075], snapshot).findings).to.deep.equal([finding({
      fix: 'heroku connect:pause -a acme-crm; recreate salesforce._trigger_log_archive with Connect\'s 15 columns in order (docs/rules.md#hc075-connect-system-tables) and copy its rows; heroku connect:resume -a acme-crm',
      message: 'salesforce._trigger_log_archive is not Connect\'s layout: columns out of order from txid (expected id)',
      table: 'salesforce._trigger_log_archive',
    })])
  })

  it('does not fire on the healthy setup, with or without the Connect configuration', () => {
    expect(runRules([hc075], healthySnapshot()).findings).to.deep.equal([])
    expect(runRules([hc075], withoutSource(healthySnapshot(), 'connect')).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    const {findings, skipped} = runRules([hc075], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'connect-system-tables', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC075'}])
  })
})

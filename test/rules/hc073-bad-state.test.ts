import {expect} from 'chai'

import {hc073} from '../../src/rules/hc073-bad-state.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

describe('HC073 bad-state', () => {
  it('fires for a connection and mappings in error states, with the next command', () => {
    const snapshot = healthySnapshot()
    const connection = snapshot.connection!
    connection.state = 'NEED_AUTHENTICATION'
    connection.mappings[0].state = 'FAILED'
    connection.mappings[0].stateDescription = 'Unexpected error while writing to Salesforce'
    connection.mappings[1].state = 'UNAUTHORIZED'
    connection.mappings[1].stateDescription = null
    expect(runRules([hc073], snapshot).findings).to.deep.equal([
      {
        field: null, fix: 'heroku connect:sf:auth -a acme-crm',
        message: 'connection acme-crm:DATABASE_URL:salesforce is in state NEED_AUTHENTICATION: Connect is not syncing',
        object: null, practice: null, rule: 'HC073', severity: 'error', table: null,
      },
      {
        field: null, fix: 'heroku connect:mapping:diagnose Contact -a acme-crm',
        message: 'mapping Contact is in state FAILED (Unexpected error while writing to Salesforce): it is not syncing',
        object: 'Contact', practice: null, rule: 'HC073', severity: 'error', table: 'salesforce.contact',
      },
      {
        field: null, fix: 'heroku connect:sf:auth -a acme-crm',
        message: 'mapping Account is in state UNAUTHORIZED: it is not syncing',
        object: 'Account', practice: null, rule: 'HC073', severity: 'error', table: 'salesforce.account',
      },
    ])
  })

  it('warns about a paused connection and sends other errors to recover', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.state = 'PAUSED'
    expect(runRules([hc073], snapshot).findings).to.deep.equal([{
      field: null, fix: 'heroku connect:resume -a acme-crm',
      message: 'connection acme-crm:DATABASE_URL:salesforce is PAUSED: nothing syncs, and writes pile up in salesforce._trigger_log until it resumes',
      object: null, practice: null, rule: 'HC073', severity: 'warning', table: null,
    }])
    snapshot.connection!.state = 'SYSTEM_ERROR'
    expect(runRules([hc073], snapshot).findings.map(f => [f.severity, f.fix])).to.deep.equal([['error', 'heroku connect:recover -a acme-crm']])
  })

  it('reports transient states as errors only once they are old, by the time Connect gives for them', () => {
    const snapshot = healthySnapshot() // collected at 2026-11-25T12:00:00Z
    const connection = snapshot.connection!
    connection.state = 'RECOVERY'
    connection.stateSince = '2026-11-25T11:50:00.000Z'
    connection.mappings[0].state = 'SCHEMA_CHANGED'
    connection.mappings[0].stateSince = '2026-11-25T11:45:00.000Z'
    connection.mappings[1].state = 'SCHEMA_CHANGED'
    connection.mappings[1].stateSince = '2026-11-25T07:00:00.000Z'
    connection.mappings[2].state = 'RELOAD_TABLE'
    connection.mappings[2].stateSince = null
    expect(runRules([hc073], snapshot).findings.map(f => [f.severity, f.object, f.message, f.fix])).to.deep.equal([
      ['info', null, 'connection acme-crm:DATABASE_URL:salesforce is in state RECOVERY (re-enabling) for 10 minutes: normal for up to an hour', 'heroku connect:state -a acme-crm (check again later)'],
      ['info', 'Contact', 'mapping Contact is in state SCHEMA_CHANGED (altering its table after an edit) for 15 minutes: normal for up to an hour', 'heroku connect:mapping:state Contact -a acme-crm (check again later)'],
      ['error', 'Account', 'mapping Account has been in state SCHEMA_CHANGED (altering its table after an edit) for 5 hours, more than an hour: it is stuck and not syncing', 'heroku connect:mapping:diagnose Account -a acme-crm'],
      ['warning', 'Opportunity', 'mapping Opportunity is in state RELOAD_TABLE (reloading its table), and Connect does not say since when: normal for a while, stuck if it lasts more than 12 hours', 'heroku connect:mapping:diagnose Opportunity -a acme-crm'],
    ])
    connection.state = 'NEW'
    connection.stateSince = '2026-11-20T12:00:00.000Z'
    expect(runRules([hc073], snapshot).findings[0]).to.include({
      fix: 'heroku connect:db:set -a acme-crm, then heroku connect:sf:auth -a acme-crm',
      message: 'connection acme-crm:DATABASE_URL:salesforce has been in state NEW (waiting to be set up) for 5 days, more than 24 hours: it is stuck and not syncing',
      severity: 'error',
    })
  })

  it('does not fire for healthy and busy states', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc073], snapshot).findings).to.deep.equal([])
    for (const state of ['POLLING_DB_CHANGES', 'BUSY', 'IMPORT_CONFIGURATION']) {
      snapshot.connection!.state = state
      snapshot.connection!.mappings.forEach((m, i) => {
        m.state = ['POLLING_SF_CHANGES', 'POLLING_SF_FOR_DELETES', 'POLLING_SF_BULK'][i]
      })
      expect(runRules([hc073], snapshot).findings, state).to.deep.equal([])
    }
  })

  it('is skipped for an export file, which has no live state, and without Connect', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.origin = 'export'
    snapshot.connection!.state = null
    expect(runRules([hc073], snapshot).skipped).to.deep.equal([
      {name: 'bad-state', provide: 'pass --app so the audit reads the live connection', reason: 'the export file has no live state; pass --app', rule: 'HC073'},
    ])
    expect(runRules([hc073], withoutSource(healthySnapshot(), 'connect')).skipped).to.deep.equal([
      {name: 'bad-state', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC073'},
    ])
  })
})

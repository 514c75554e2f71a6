import {expect} from 'chai'

import {hc073} from '../../src/rules/hc073-bad-state.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

describe('HC073 bad-state', () => {
  it('fires for a connection and mappings in error states, with the next command', () => {
    const snapshot = healthySnapshot()
    const connection = snapshot.connection!
    connection.state = 'NEED_AUTHENTICATION'
    connection.mappings[0].state = 'SCHEMA_CHANGED'
    connection.mappings[0].stateDescription = 'Altering DB schema'
    connection.mappings[1].state = 'UNAUTHORIZED'
    connection.mappings[1].stateDescription = null
    connection.mappings[2].state = 'RELOAD_TABLE'
    expect(runRules([hc073], snapshot).findings).to.deep.equal([
      {
        field: null, fix: 'heroku connect:sf:auth -a acme-crm',
        message: 'connection acme-crm:DATABASE_URL:salesforce is in state NEED_AUTHENTICATION: Connect is not syncing',
        object: null, practice: null, rule: 'HC073', severity: 'error', table: null,
      },
      {
        field: null, fix: 'heroku connect:mapping:diagnose Contact -a acme-crm',
        message: 'mapping Contact is in state SCHEMA_CHANGED (Altering DB schema): it is not syncing',
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

  it('does not fire for healthy and busy states', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc073], snapshot).findings).to.deep.equal([])
    for (const state of ['POLLING_DB_CHANGES', 'BUSY', 'IMPORT_CONFIGURATION']) {
      snapshot.connection!.state = state
      snapshot.connection!.mappings.forEach((m, i) => {
        m.state = ['INITIAL', 'RESYNC', 'POLLING_SF_BULK'][i]
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

import {expect} from 'chai'

import {hc031} from '../../src/rules/hc031-bulk-ineligible.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const finding = (message: string, fix: string, object: null | string = null, table: null | string = null) => ({
  field: null, fix, message, object, practice: 8, rule: 'HC031', severity: 'warning', table,
})

describe('HC031 bulk-ineligible', () => {
  it('reports every reason Bulk writes are impossible, once each', () => {
    const snapshot = healthySnapshot()
    const connection = snapshot.connection!
    connection.apiVersion = '38.0'
    connection.features.poll_db_no_merge = false
    connection.features.disable_bulk_writes = true
    connection.mappings[0].upsertField = null
    connection.mappings[1].upsertField = null
    expect(runRules([hc031], snapshot).findings).to.deep.equal([
      finding(
        'the connection uses Salesforce API version 38.0: Connect writes through Bulk only from version 39, so every write goes SOAP, 200 records a call',
        'heroku connect:pause -a acme-crm, then heroku connect:manage-sf-api-version --target-version 64.0 -a acme-crm --confirm acme-crm (it needs the connection paused), then heroku connect:resume -a acme-crm',
      ),
      finding(
        'the connection uses Merged Writes: Connect writes through Bulk only with Ordered Writes, so every write goes SOAP, 200 records a call',
        'in the Connect dashboard, Settings, set the Write Algorithm to Ordered Writes',
      ),
      finding(
        'Bulk writes are disabled for this connection (features.disable_bulk_writes): every write goes SOAP, 200 records a call',
        'ask Heroku support to turn off the connection\'s disable_bulk_writes feature',
      ),
    ])
  })

  it('reports a missing unique identifier only where a pending run would otherwise go Bulk (HC001 reports the rest)', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.mappings[0].upsertField = null
    snapshot.connection!.mappings[1].upsertField = null
    snapshot.postgres!.triggerLog!.runs = [{action: 'INSERT', count: 2000, table: 'contact'}, {action: 'INSERT', count: 1999, table: 'account'}]
    const findings = runRules([hc031], snapshot).findings
    expect(findings.map(f => [f.object, f.message, f.related])).to.deep.equal([
      ['Contact', '2,000 pending changes to Contact would go Bulk but for the missing unique identifier: 10 SOAP calls instead of 4', ['HC001']],
    ])
    expect(findings[0].fix).to.match(/^heroku connect:external-ids -a acme-crm --mapping Contact \(it adds a Text\(36\) External ID \+ Unique field Contact\.External_Id__c/)
  })

  it('says when an export gives neither the API version nor the write algorithm', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.apiVersion = null
    snapshot.connection!.features = {}
    expect(runRules([hc031], snapshot).findings.map(f => [f.severity, f.message])).to.deep.equal([
      ['info', 'the configuration does not give the API version or the write algorithm: whether Connect can write through Bulk is unknown'],
    ])
  })

  it('targets API version 39.0 when the org\'s version is unknown', () => {
    const snapshot = withoutSource(healthySnapshot(), 'salesforce')
    snapshot.connection!.apiVersion = '36.0'
    expect(runRules([hc031], snapshot).findings.map(f => f.fix)).to.deep.equal(['heroku connect:pause -a acme-crm, then heroku connect:manage-sf-api-version --target-version 39.0 -a acme-crm --confirm acme-crm (39.0 is the least that allows Bulk; the org\'s newest is the last entry of GET /services/data) (it needs the connection paused), then heroku connect:resume -a acme-crm'])
  })

  it('does not fire on a healthy setup, or without read-write mappings', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc031], snapshot).findings).to.deep.equal([])

    const readOnly = healthySnapshot()
    readOnly.connection!.features.poll_db_no_merge = false
    for (const mapping of readOnly.connection!.mappings) mapping.access = 'read_only'
    expect(runRules([hc031], readOnly).findings).to.deep.equal([])
  })

  it('is skipped without a Connect configuration', () => {
    const {findings, skipped} = runRules([hc031], withoutSource(healthySnapshot(), 'connect'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'bulk-ineligible', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC031'}])
  })
})

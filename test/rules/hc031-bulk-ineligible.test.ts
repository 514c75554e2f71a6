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
        'heroku connect:manage-sf-api-version --target-version 62.0 -a acme-crm',
      ),
      finding(
        'the connection uses Merged Writes: Connect writes through Bulk only with Ordered Writes, so every write goes SOAP, 200 records a call',
        'in the Connect dashboard, Settings, set the Write Algorithm to Ordered Writes',
      ),
      finding(
        'Bulk writes are disabled for this connection (features.disable_bulk_writes): every write goes SOAP, 200 records a call',
        'ask Heroku support to turn off the connection\'s disable_bulk_writes feature',
      ),
      finding('read-write mapping Contact has no unique identifier: its writes can never go through Bulk', 'create a text External ID field marked Unique on Contact in Salesforce, give its Postgres column the default gen_random_uuid()::text and fill the existing rows, then select it as Contact\'s Unique Identifier: heroku addons:open herokuconnect -a acme-crm', 'Contact', 'salesforce.contact'),
      finding('read-write mapping Account has no unique identifier: its writes can never go through Bulk', 'create a text External ID field marked Unique on Account in Salesforce, give its Postgres column the default gen_random_uuid()::text and fill the existing rows, then select it as Account\'s Unique Identifier: heroku addons:open herokuconnect -a acme-crm', 'Account', 'salesforce.account'),
    ])
  })

  it('targets API version 39.0 when the org\'s version is unknown', () => {
    const snapshot = withoutSource(healthySnapshot(), 'salesforce')
    snapshot.connection!.apiVersion = '36.0'
    expect(runRules([hc031], snapshot).findings.map(f => f.fix)).to.deep.equal(['heroku connect:manage-sf-api-version --target-version 39.0 -a acme-crm'])
  })

  it('does not fire on a healthy setup, with an unknown API version, or without read-write mappings', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc031], snapshot).findings).to.deep.equal([])
    snapshot.connection!.apiVersion = null
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

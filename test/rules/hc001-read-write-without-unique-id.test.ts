import {expect} from 'chai'

import {hc001} from '../../src/rules/hc001-read-write-without-unique-id.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

describe('HC001 read-write-without-unique-id', () => {
  it('fires for a read-write mapping with no upsert field', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.mappings[0].upsertField = null
    const {findings} = runRules([hc001], snapshot)
    expect(findings).to.deep.equal([{
      field: null,
      fix: 'heroku connect:external-ids -a acme-crm --mapping Contact (it adds a Text(36) External ID + Unique field Contact.External_Id__c, grants Connect\'s user Edit on it, makes it the mapping\'s unique identifier, gives "salesforce"."contact"."external_id__c" the default gen_random_uuid()::text and fills the NULLs)',
      message: 'read-write mapping Contact has no unique identifier: rows written from Postgres can be duplicated in Salesforce, and its writes can never go through Bulk (SOAP, 200 records a call)',
      object: 'Contact',
      practice: 1,
      related: ['HC031'],
      rule: 'HC001',
      severity: 'error',
      table: 'salesforce.contact',
    }])
  })

  it('does not fire for read-only mappings or mappings with an identifier', () => {
    const snapshot = healthySnapshot()
    expect(snapshot.connection!.mappings.some(m => m.access === 'read_only' && !m.upsertField)).to.equal(true)
    expect(runRules([hc001], snapshot).findings).to.deep.equal([])
  })

  it('is skipped without a Connect configuration', () => {
    const {findings, skipped} = runRules([hc001], withoutSource(healthySnapshot(), 'connect'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'read-write-without-unique-id', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC001'}])
  })
})

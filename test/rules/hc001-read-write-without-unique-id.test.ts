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
      fix: 'no command does this yet: (1) in Salesforce, add a Text(36) field Contact.External_Id__c marked External ID and Unique; (2) heroku connect:export -a acme-crm, add External_Id__c to the Contact mapping\'s fields and set its "upsert_field" to "External_Id__c", then heroku connect:import FILE -a acme-crm; (3) ALTER TABLE "salesforce"."contact" ALTER COLUMN "external_id__c" SET DEFAULT gen_random_uuid()::text, so every row the app inserts has one',
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

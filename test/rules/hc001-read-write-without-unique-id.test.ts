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
      fix: 'create a text External ID field marked Unique on Contact in Salesforce, give its Postgres column the default gen_random_uuid()::text and fill the existing rows, then select it as Contact\'s Unique Identifier: heroku addons:open herokuconnect -a acme-crm',
      message: 'read-write mapping Contact has no unique identifier: rows written from Postgres can be duplicated in Salesforce',
      object: 'Contact',
      practice: 1,
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

import {expect} from 'chai'

import {hc001} from '../../src/rules/hc001-read-write-without-unique-id.js'
import {hc076} from '../../src/rules/hc076-required-field-not-mapped.js'
import {hc080} from '../../src/rules/hc080-connect-diagnose.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

describe('HC080 connect-diagnose', () => {
  it('reports each of Connect\'s failed checks with its level and doc link', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.validations = [
      {displayName: 'Salesforce API Version', docUrl: 'https://devcenter.heroku.com/articles/heroku-connect-diagnose#check-salesforce-api-version', level: 'error', message: 'Connection uses API version 38.0; use 39.0 or later', object: null, ruleId: 'MUST_USE_RECENT_API_VERSION'},
      {displayName: 'Number of Fields', docUrl: null, level: 'warning', message: 'Mapping has 120 fields', object: 'Contact', ruleId: null},
    ]
    expect(runRules([hc080], snapshot).findings).to.deep.equal([
      {
        field: null, fix: 'https://devcenter.heroku.com/articles/heroku-connect-diagnose#check-salesforce-api-version',
        message: 'Salesforce API Version: Connection uses API version 38.0; use 39.0 or later',
        object: null, practice: null, rule: 'HC080', severity: 'error', table: null,
      },
      {
        field: null, fix: 'heroku connect:mapping:diagnose Contact -a acme-crm',
        message: 'Number of Fields: Mapping has 120 fields',
        object: 'Contact', practice: null, rule: 'HC080', severity: 'warning', table: 'salesforce.contact',
      },
    ])
  })

  it('folds a check that repeats another rule\'s finding into it, and keeps the others', () => {
    const snapshot = healthySnapshot()
    const contact = snapshot.connection!.mappings[0]
    contact.upsertField = null
    const lead = {...contact, object: 'Lead', table: 'lead'}
    snapshot.connection!.mappings.push(lead)
    snapshot.connection!.validations = [
      {displayName: 'Upsert Field / Unique Identifier', docUrl: null, level: 'error', message: 'Read-write mapping Contact has no unique identifier.', object: 'Contact', ruleId: 'MUST_HAVE_UNIQUE_IDENTIFIER'},
      {displayName: 'Required Fields', docUrl: null, level: 'error', message: 'LastName is required.', object: 'Lead', ruleId: 'MUST_MAP_REQUIRED_FIELDS'},
      {displayName: 'Configured Logging', docUrl: null, level: 'warning', message: 'No log drain.', object: null, ruleId: 'SHOULD_HAVE_LOG_DRAIN'},
    ]
    const findings = runRules([hc001, hc076, hc080], snapshot).findings
    expect(findings.map(f => [f.rule, f.object, f.related ?? null])).to.deep.equal([
      ['HC001', 'Contact', ['HC031', 'connect:diagnose']],
      ['HC001', 'Lead', ['HC031']],
      // HC076 needs Lead described in Salesforce; it is not, so Connect's check stands alone
      ['HC080', 'Lead', null],
      ['HC080', null, null],
    ])
  })

  it('does not fire when Connect\'s checks pass', () => {
    expect(runRules([hc080], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped when the validations could not be run, and without Connect', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.validations = null
    expect(runRules([hc080], snapshot).skipped).to.deep.equal([
      {name: 'connect-diagnose', provide: 'pass --app so the audit can run Connect\'s diagnose', reason: 'Connect\'s own validations need the Connect API; pass --app', rule: 'HC080'},
    ])
    expect(runRules([hc080], withoutSource(healthySnapshot(), 'connect')).skipped).to.deep.equal([
      {name: 'connect-diagnose', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC080'},
    ])
  })

  it('is skipped with the collector\'s reason when a live run did not finish, not with "pass --app"', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.validations = null
    snapshot.connection!.validationsSkipped = {provide: 'pass --max-validation-seconds 600', reason: 'Connect\'s validations did not finish within 300 s'}
    expect(runRules([hc080], snapshot).skipped).to.deep.equal([
      {name: 'connect-diagnose', provide: 'pass --max-validation-seconds 600', reason: 'Connect\'s validations did not finish within 300 s', rule: 'HC080'},
    ])
  })
})

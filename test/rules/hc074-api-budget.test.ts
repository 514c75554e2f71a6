import {expect} from 'chai'

import type {Snapshot} from '../../src/snapshot/types.js'

import {hc074} from '../../src/rules/hc074-api-budget.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

/** four mappings polling every 2 minutes (4 × 720 = 2,880 calls a day) and 24,000 SOAP changes (120 calls) */
function busy(): Snapshot {
  const snapshot = healthySnapshot()
  const connection = snapshot.connection!
  connection.mappings.push({...connection.mappings[2], object: 'Lead', table: 'lead'})
  for (const mapping of connection.mappings) mapping.pollingSeconds = 120
  connection.features.poll_db_no_merge = false
  snapshot.postgres!.triggerLog!.runs = [{action: 'INSERT', count: 24_000, table: 'contact'}]
  return snapshot
}

describe('HC074 api-budget', () => {
  it('is an error when the backlog needs more calls than the org has left', () => {
    const snapshot = busy()
    snapshot.salesforce!.dailyApiRequests = {max: 15_000, remaining: 100}
    expect(runRules([hc074], snapshot).findings).to.deep.equal([{
      field: null,
      fix: 'heroku connect:write-mode -a acme-crm shows what the backlog costs and how to make it cheaper; heroku connect:export -a acme-crm, raise sf_polling_seconds (with sf_notify_enabled for Accelerated Polling) or drop unused mappings in the file, then heroku connect:import FILE -a acme-crm',
      message: 'Connect spends about 2,880 API calls a day polling 4 mappings every 2 minutes (already part of today\'s usage), and needs 120 more for the backlog; the org has 100 of 15,000 left today',
      object: null,
      practice: 8,
      rule: 'HC074',
      severity: 'error',
      table: null,
    }])
  })

  it('does not count polling twice: Remaining already has the last 24 h of Connect\'s polls taken out', () => {
    const snapshot = busy()
    // 2,880 polls a day and 120 backlog calls against 2,000 left: only the 120 are new demand
    snapshot.salesforce!.dailyApiRequests = {max: 15_000, remaining: 2000}
    expect(runRules([hc074], snapshot).findings).to.deep.equal([])
  })

  it('warns when polling alone takes more than half of the daily allowance', () => {
    const snapshot = busy()
    snapshot.postgres!.triggerLog!.runs = []
    snapshot.salesforce!.dailyApiRequests = {max: 5000, remaining: 4000}
    const findings = runRules([hc074], snapshot).findings
    expect(findings.map(f => [f.severity, f.message])).to.deep.equal([
      ['warning', 'Connect spends about 2,880 API calls a day polling 4 mappings every 2 minutes (already part of today\'s usage); the org has 4,000 of 5,000 left today'],
    ])
  })

  it('warns above half of what is left, and describes mixed polling intervals', () => {
    const snapshot = busy()
    snapshot.connection!.mappings[3].pollingSeconds = 600
    snapshot.salesforce!.dailyApiRequests = {max: 15_000, remaining: 200}
    const [finding, ...rest] = runRules([hc074], snapshot).findings
    expect(rest).to.deep.equal([])
    expect(finding.severity).to.equal('warning')
    expect(finding.message).to.equal('Connect spends about 2,304 API calls a day polling 4 mappings every 2 to 10 minutes (already part of today\'s usage), and needs 120 more for the backlog; the org has 200 of 15,000 left today')
  })

  it('without Salesforce, compares each mapping with its own sf_max_daily_api_calls', () => {
    const snapshot = withoutSource(healthySnapshot(), 'salesforce')
    const contact = snapshot.connection!.mappings[0]
    contact.pollingSeconds = 60
    contact.maxDailyApiCalls = 1000
    snapshot.postgres!.triggerLog!.runs = [{action: 'UPDATE', count: 1999, table: 'contact'}]
    expect(runRules([hc074], snapshot).findings).to.deep.equal([{
      field: null,
      fix: 'heroku connect:export -a acme-crm, raise sf_polling_seconds (with sf_notify_enabled for Accelerated Polling) or drop unused mappings in the file, then heroku connect:import FILE -a acme-crm',
      message: 'Connect will spend about 1,440 API calls a day polling Contact every minute, plus 10 for the backlog, above the mapping\'s sf_max_daily_api_calls of 1,000',
      object: 'Contact',
      practice: 8,
      rule: 'HC074',
      severity: 'warning',
      table: 'salesforce.contact',
    }])
  })

  it('does not fire on a healthy setup, nor without Salesforce when every mapping is under its cap', () => {
    expect(runRules([hc074], healthySnapshot()).findings).to.deep.equal([])
    const offline = withoutSource(withoutSource(busy(), 'salesforce'), 'postgres')
    const {findings, ran, skipped} = runRules([hc074], offline)
    expect([findings, skipped, ran.map(r => r.id)]).to.deep.equal([[], [], ['HC074']])
  })

  it('is skipped without a Connect configuration', () => {
    const {findings, skipped} = runRules([hc074], withoutSource(healthySnapshot(), 'connect'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'api-budget', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC074'}])
  })
})

import {expect} from 'chai'

import {hc030} from '../../src/rules/hc030-soap-backlog.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const run = (table: string, action: string, count: number) => ({action, count, table})

describe('HC030 soap-backlog', () => {
  it('fires for a table whose backlog goes SOAP under Merged Writes', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.features.poll_db_no_merge = false
    snapshot.salesforce!.dailyApiRequests = {max: 15_000, remaining: 14_000}
    snapshot.postgres!.triggerLog!.runs = [run('contact', 'INSERT', 12_000), run('account', 'UPDATE', 100), run('contact', 'UPDATE', 12_000)]
    expect(runRules([hc030], snapshot).findings).to.deep.equal([{
      field: null,
      fix: 'heroku connect:write-mode -a acme-crm, then switch to Ordered Writes (in the Connect dashboard, Settings, set the Write Algorithm to Ordered Writes) so it goes Bulk',
      message: '24,000 pending changes to Contact will be written through SOAP: 120 API calls (0.8% of the daily limit)',
      object: 'Contact',
      practice: 4,
      rule: 'HC030',
      severity: 'warning',
      table: 'salesforce.contact',
    }])
  })

  it('is an error when the backlog needs more calls than the org has left today', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.apiVersion = '38.0'
    snapshot.salesforce!.dailyApiRequests = {max: 15_000, remaining: 20}
    snapshot.postgres!.triggerLog!.runs = [run('account', 'INSERT', 5000), run('contact', 'UPDATE', 1000)]
    // neither table is large on its own: the biggest SOAP consumer is reported
    expect(runRules([hc030], snapshot).findings).to.deep.equal([{
      field: null,
      fix: 'heroku connect:write-mode -a acme-crm, then raise the API version (heroku connect:pause -a acme-crm, then heroku connect:manage-sf-api-version --target-version 64.0 -a acme-crm --confirm acme-crm (it needs the connection paused), then heroku connect:resume -a acme-crm) so it goes Bulk',
      message: '5,000 pending changes to Account will be written through SOAP: 25 API calls (0.2% of the daily limit); the whole backlog needs 30 and the org has 20 left today',
      object: 'Account',
      practice: 4,
      rule: 'HC030',
      severity: 'error',
      table: 'salesforce.account',
    }])
  })

  it('fires at 5% of the daily limit, and names every remedy for the table', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.mappings[0].upsertField = null
    snapshot.connection!.features.disable_bulk_writes = true
    snapshot.salesforce!.dailyApiRequests = {max: 500, remaining: 400}
    snapshot.postgres!.triggerLog!.runs = [run('contact', 'INSERT', 5000)]
    const [finding] = runRules([hc030], snapshot).findings
    expect(finding.message).to.equal('5,000 pending changes to Contact will be written through SOAP: 25 API calls (5% of the daily limit)')
    expect(finding.fix).to.equal('heroku connect:write-mode -a acme-crm, then add a unique identifier to Contact (the steps are in HC001\'s finding) and ask Heroku support to turn off the connection\'s disable_bulk_writes feature so it goes Bulk')
    expect(finding.severity).to.equal('warning')
  })

  it('fires on short runs without Salesforce, with no share of a limit it cannot know', () => {
    const snapshot = withoutSource(healthySnapshot(), 'salesforce')
    snapshot.postgres!.triggerLog!.runs = Array.from({length: 100}, (_, i) => run('contact', i % 2 ? 'UPDATE' : 'INSERT', 150))
    expect(runRules([hc030], snapshot).findings).to.deep.equal([{
      field: null,
      fix: 'heroku connect:write-mode -a acme-crm, then write Contact changes in contiguous batches of 2,000+ of one type so it goes Bulk',
      message: '15,000 pending changes to Contact will be written through SOAP: 100 API calls',
      object: 'Contact',
      practice: 4,
      rule: 'HC030',
      severity: 'warning',
      table: 'salesforce.contact',
    }])
  })

  it('does not fire on a healthy setup, a Bulk-eligible backlog or a small SOAP one', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc030], snapshot).findings).to.deep.equal([])
    snapshot.postgres!.triggerLog!.runs = [run('contact', 'INSERT', 50_000), run('account', 'UPDATE', 9999), run('lead', 'INSERT', 20_000)]
    expect(runRules([hc030], snapshot).findings).to.deep.equal([])
  })

  it('is skipped without a database, or when the schema has no _trigger_log', () => {
    const {findings, skipped} = runRules([hc030], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'soap-backlog', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC030'}])

    const snapshot = healthySnapshot()
    snapshot.postgres!.triggerLog = null
    expect(runRules([hc030], snapshot).skipped).to.deep.equal([{name: 'soap-backlog', provide: 'point --database-url at the database the connection writes to (see HC075)', reason: 'no _trigger_log in schema salesforce', rule: 'HC030'}])
  })
})

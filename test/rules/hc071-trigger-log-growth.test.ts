import {expect} from 'chai'

import {hc071} from '../../src/rules/hc071-trigger-log-growth.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

// healthySnapshot().collectedAt is 2026-11-25T12:00:00Z
describe('HC071 trigger-log-growth', () => {
  it('fires for an old backlog, a large backlog and an archive that is not purged', () => {
    const snapshot = healthySnapshot()
    Object.assign(snapshot.postgres!.triggerLog!, {
      archiveOldestAt: '2026-08-22T12:00:00.000Z',
      archiveRows: 1_200_000,
      oldestPendingAt: '2026-11-25T06:30:00.000Z',
      pending: [{action: 'INSERT', count: 200_000, table: 'contact'}, {action: 'UPDATE', count: 43_000, table: 'account'}],
    })
    expect(runRules([hc071], snapshot).findings).to.deep.equal([
      {
        field: null,
        fix: 'heroku connect:info -a acme-crm',
        message: 'the oldest pending change in salesforce._trigger_log is 5.5 hours old: Connect polls it every 2 minutes, so writes to Salesforce are stuck (paused connection, failing mapping, bad credentials…)',
        object: null,
        practice: null,
        rule: 'HC071',
        severity: 'warning',
        table: 'salesforce._trigger_log',
      },
      {
        field: null,
        fix: 'heroku connect:write-mode -a acme-crm',
        message: '243,000 changes are waiting in salesforce._trigger_log to be written to Salesforce',
        object: null,
        practice: null,
        rule: 'HC071',
        severity: 'warning',
        table: 'salesforce._trigger_log',
      },
      {
        field: null,
        fix: 'heroku connect:info -a acme-crm; to reclaim the space: DELETE FROM salesforce._trigger_log_archive WHERE created_at < now() - interval \'31 days\'',
        message: 'the oldest row in salesforce._trigger_log_archive is 95 days old (about 1,200,000 rows): Connect purges it after 31 days, so the archive is not being purged',
        object: null,
        practice: null,
        rule: 'HC071',
        severity: 'info',
        table: 'salesforce._trigger_log_archive',
      },
    ])
  })

  it('says so when the connection is paused, and counts days past 48 hours', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.state = 'PAUSED'
    snapshot.postgres!.triggerLog!.oldestPendingAt = '2026-11-22T09:00:00.000Z'
    const [finding] = runRules([hc071], snapshot).findings
    expect(finding.message).to.equal('the oldest pending change in salesforce._trigger_log is 3 days old: Connect polls it every 2 minutes, so writes to Salesforce are stuck (the connection is PAUSED)')
    expect(finding.fix).to.equal('heroku connect:resume -a acme-crm')
  })

  it('does not fire on a healthy setup or just below every threshold', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc071], snapshot).findings).to.deep.equal([])
    Object.assign(snapshot.postgres!.triggerLog!, {
      archiveOldestAt: '2026-10-25T12:00:00.000Z',
      archiveRows: 5000,
      oldestPendingAt: '2026-11-25T11:01:00.000Z',
      pending: [{action: 'INSERT', count: 99_999, table: 'contact'}],
    })
    expect(runRules([hc071], snapshot).findings).to.deep.equal([])
  })

  it('is skipped without a database, or when the schema has no _trigger_log', () => {
    const {findings, skipped} = runRules([hc071], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'trigger-log-growth', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC071'}])

    const snapshot = healthySnapshot()
    snapshot.postgres!.triggerLog = null
    expect(runRules([hc071], snapshot).skipped).to.deep.equal([{name: 'trigger-log-growth', provide: 'point --database-url at the database the connection writes to (see HC075)', reason: 'no _trigger_log in schema salesforce', rule: 'HC071'}])
  })
})

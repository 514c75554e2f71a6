import {expect} from 'chai'

import {hc070} from '../../src/rules/hc070-failed-writes.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const recapture = (table: string) => 'heroku connect:write-errors -a acme-crm, fix the cause, then retry: SELECT CASE WHEN t.sfid IS NULL'
  + ` THEN salesforce.hc_capture_insert_from_row(hstore(t.*), '${table}', ARRAY[]::text[])`
  + ` ELSE salesforce.hc_capture_update_from_row(hstore(t.*), '${table}', ARRAY[]::text[]) END FROM salesforce.${table} t WHERE t._hc_lastop = 'FAILED'`

const LONG = `FIELD_CUSTOM_VALIDATION_EXCEPTION: ${'Email must be a company address. '.repeat(6)}`

describe('HC070 failed-writes', () => {
  it('fires for FAILED trigger-log rows and FAILED _hc_lastop rows, with samples', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.triggerLog!.failed = [{
      count: 1204,
      samples: ['REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]', LONG, 'DUPLICATE_VALUE:\n duplicate value found', 'never shown'],
      table: 'contact',
    }]
    snapshot.postgres!.lastopFailed = [{count: 1, samples: ['{"message": "Foreign key external ID: 42 not found"}'], table: 'account'}]
    expect(runRules([hc070], snapshot).findings).to.deep.equal([
      {
        field: null,
        fix: recapture('contact'),
        message: `1,204 changes to Contact failed to write to Salesforce (trigger log state FAILED): "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"; "${LONG.slice(0, 119)}…"; "DUPLICATE_VALUE: duplicate value found"`,
        object: 'Contact',
        practice: null,
        rule: 'HC070',
        severity: 'error',
        table: 'salesforce.contact',
      },
      {
        field: null,
        fix: recapture('account'),
        message: '1 row in salesforce.account has _hc_lastop FAILED: "{"message": "Foreign key external ID: 42 not found"}"',
        object: 'Account',
        practice: null,
        rule: 'HC070',
        severity: 'error',
        table: 'salesforce.account',
      },
    ])
  })

  it('leaves out empty samples, and names the table when Connect is not available', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.triggerLog!.failed = [{count: 2, samples: [], table: 'contact'}, {count: 0, samples: [], table: 'account'}]
    const [finding, ...rest] = runRules([hc070], snapshot).findings
    expect(rest).to.deep.equal([])
    expect(finding.message).to.equal('2 changes to Contact failed to write to Salesforce (trigger log state FAILED)')

    const offline = withoutSource(healthySnapshot(), 'connect')
    offline.postgres!.triggerLog = null
    offline.postgres!.lastopFailed = [{count: 3, samples: ['boom'], table: 'lead'}]
    expect(runRules([hc070], offline).findings.map(f => [f.object, f.table, f.message])).to.deep.equal([
      [null, 'salesforce.lead', '3 rows in salesforce.lead have _hc_lastop FAILED: "boom"'],
    ])
  })

  it('does not fire on a healthy setup', () => {
    expect(runRules([hc070], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    const {findings, skipped} = runRules([hc070], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'failed-writes', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC070'}])
  })

  it('lists a table whose FAILED count ran out of --max-scan-seconds as skipped, and still reports the others', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.lastopFailed = [{count: 2, samples: ['REQUIRED_FIELD_MISSING'], table: 'contact'}]
    snapshot.postgres!.lastopUnfinished = {seconds: 10, tables: ['account']}
    const run = runRules([hc070], snapshot)
    expect(run.findings.map(f => f.table)).to.deep.equal(['salesforce.contact'])
    expect(run.skipped).to.deep.equal([{name: 'failed-writes', provide: 'pass --max-scan-seconds 40', reason: 'the count of FAILED rows in salesforce.account did not finish within 10 s', rule: 'HC070'}])
  })
})

import {expect} from 'chai'

import {hc041} from '../../src/rules/hc041-foreign-key-on-connect-table.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

describe('HC041 foreign-key-on-connect-table', () => {
  it('fires for foreign keys to and from Connect tables, with the DROP CONSTRAINT', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.foreignKeys.push(
      {fromColumns: ['contact_sfid'], fromSchema: 'app', fromTable: 'Visits', name: 'visits "contact" fk', toColumns: ['sfid'], toSchema: 'salesforce', toTable: 'contact'},
      {fromColumns: ['industry'], fromSchema: 'salesforce', fromTable: 'account', name: 'account_industry_fk', toColumns: ['code'], toSchema: 'app', toTable: 'industries'},
      {fromColumns: ['customer_id'], fromSchema: 'app', fromTable: 'orders', name: 'orders_customer_fk', toColumns: ['id'], toSchema: 'app', toTable: 'customers'},
    )
    expect(runRules([hc041], snapshot).findings).to.deep.equal([
      {
        field: 'contact_sfid',
        fix: 'ALTER TABLE app."Visits" DROP CONSTRAINT "visits ""contact"" fk";',
        message: 'foreign key visits "contact" fk on app.Visits(contact_sfid) references Connect table salesforce.contact: it stops Connect clearing salesforce.contact on reload (with CASCADE it would empty app.Visits)',
        object: 'Contact', practice: 5, rule: 'HC041', severity: 'error', table: 'app.Visits',
      },
      {
        field: 'industry',
        fix: 'ALTER TABLE salesforce.account DROP CONSTRAINT account_industry_fk;',
        message: 'foreign key account_industry_fk on Connect table salesforce.account(industry) references app.industries: Connect fails to store rows from Salesforce that have no match there',
        object: 'Account', practice: 5, rule: 'HC041', severity: 'error', table: 'salesforce.account',
      },
    ])
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc041], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    const {findings, skipped} = runRules([hc041], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'foreign-key-on-connect-table', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC041'}])
  })
})

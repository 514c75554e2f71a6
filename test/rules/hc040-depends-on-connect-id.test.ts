import {expect} from 'chai'

import {hc040} from '../../src/rules/hc040-depends-on-connect-id.js'
import {hc041} from '../../src/rules/hc041-foreign-key-on-connect-table.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const RELOAD = 'until then: heroku connect:reload Contact --safe -a acme-crm (it remaps ids)'

describe('HC040 depends-on-connect-id', () => {
  it('fires for foreign keys and views on Connect\'s id, and warns about integer columns that probably hold ids', () => {
    const snapshot = healthySnapshot()
    const pg = snapshot.postgres!
    pg.foreignKeys.push(
      {fromColumns: ['contact_id'], fromSchema: 'app', fromTable: 'orders', name: 'orders_contact_fk', toColumns: ['id'], toSchema: 'salesforce', toTable: 'contact'},
      {fromColumns: ['contact_sfid'], fromSchema: 'app', fromTable: 'visits', name: 'visits_contact_fk', toColumns: ['sfid'], toSchema: 'salesforce', toTable: 'contact'},
    )
    pg.idDependents.push({kind: 'view', name: 'contact_summary', schema: 'app', table: 'opportunity'})
    pg.idLikeColumns.push(
      {column: 'contact_id', mappedTable: 'contact', schema: 'app', table: 'orders', type: 'integer'},
      {column: 'account_id', mappedTable: 'account', schema: 'app', table: 'invoices', type: 'bigint'},
    )
    expect(runRules([hc040], snapshot).findings).to.deep.equal([
      {
        field: 'contact_id',
        fix: `reference salesforce.contact.external_id__c instead of id, then drop the constraint: ALTER TABLE app.orders DROP CONSTRAINT orders_contact_fk; ${RELOAD}`,
        message: 'foreign key orders_contact_fk on app.orders(contact_id) references salesforce.contact.id, which Connect renumbers on reload and on configuration import',
        object: 'Contact', practice: 5, rule: 'HC040', severity: 'error', table: 'app.orders',
      },
      {
        field: null,
        fix: 'select salesforce.opportunity.sfid in app.contact_summary instead of id; until then: heroku connect:reload Opportunity --safe -a acme-crm (it remaps ids)',
        message: 'view app.contact_summary reads salesforce.opportunity.id, which Connect renumbers on reload and on configuration import',
        object: 'Opportunity', practice: 5, rule: 'HC040', severity: 'error', table: 'app.contact_summary',
      },
      {
        field: 'account_id',
        fix: 'store salesforce.account.external_id__c in app.invoices instead; until then: heroku connect:reload Account --safe -a acme-crm (it remaps ids)',
        message: 'bigint column app.invoices.account_id probably holds salesforce.account ids, which Connect renumbers on reload and on configuration import',
        object: 'Account', practice: 5, rule: 'HC040', severity: 'warning', table: 'app.invoices',
      },
    ])
  })

  it('works from the catalog alone when there is no Connect configuration', () => {
    const snapshot = withoutSource(healthySnapshot(), 'connect')
    snapshot.app = null
    snapshot.postgres!.foreignKeys.push({fromColumns: ['contact_id'], fromSchema: 'app', fromTable: 'orders', name: 'orders_contact_fk', toColumns: ['id'], toSchema: 'salesforce', toTable: 'contact'})
    expect(runRules([hc040], snapshot).findings.map(f => [f.object, f.fix])).to.deep.equal([
      [null, 'reference salesforce.contact.sfid instead of id, then drop the constraint: ALTER TABLE app.orders DROP CONSTRAINT orders_contact_fk; until then: heroku connect:reload contact --safe -a APP (it remaps ids)'],
    ])
  })

  it('gives one finding, naming both consequences, for a foreign key that HC041 reports too', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.foreignKeys.push(
      {fromColumns: ['contact_id'], fromSchema: 'app', fromTable: 'orders', name: 'orders_contact_fk', toColumns: ['id'], toSchema: 'salesforce', toTable: 'contact'},
      {fromColumns: ['contact_sfid'], fromSchema: 'app', fromTable: 'visits', name: 'visits_contact_fk', toColumns: ['sfid'], toSchema: 'salesforce', toTable: 'contact'},
    )
    const {findings} = runRules([hc040, hc041], snapshot)
    expect(findings.map(f => [f.rule, f.field, f.related ?? null])).to.deep.equal([
      ['HC040', 'contact_id', ['HC041']],
      // a foreign key on sfid does not depend on id: HC041 alone
      ['HC041', 'contact_sfid', null],
    ])
    expect(findings[0].message).to.equal('foreign key orders_contact_fk on app.orders(contact_id) references salesforce.contact.id, which Connect renumbers on reload and on configuration import; it also stops Connect clearing salesforce.contact on reload (with CASCADE it would empty app.orders)')
    expect(findings[0].fix).to.include('ALTER TABLE app.orders DROP CONSTRAINT orders_contact_fk;')
    // without HC040, HC041 reports the constraint on its own, unchanged
    expect(runRules([hc041], snapshot).findings.map(f => [f.rule, f.field, f.related ?? null])).to.deep.equal([['HC041', 'contact_id', null], ['HC041', 'contact_sfid', null]])
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc040], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    const {findings, skipped} = runRules([hc040], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'depends-on-connect-id', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC040'}])
  })
})

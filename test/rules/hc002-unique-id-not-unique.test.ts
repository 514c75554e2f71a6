import {expect} from 'chai'

import {hc002} from '../../src/rules/hc002-unique-id-not-unique.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject, findField} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField, withoutSource} from './fixtures.js'

const base = {field: 'External_Id__c', object: 'Account', practice: 1, rule: 'HC002', severity: 'error', table: 'salesforce.account'}

describe('HC002 unique-id-not-unique', () => {
  it('fires for NULL and duplicated identifiers in Postgres and a Salesforce field that is not External ID + Unique', () => {
    const snapshot = healthySnapshot()
    Object.assign(snapshot.postgres!.uniqueIds[1], {duplicates: 3, nulls: 20})
    findField(describedObject(snapshot.salesforce!, 'Account')!, 'External_Id__c')!.unique = false
    expect(runRules([hc002], snapshot).findings).to.deep.equal([
      {
        ...base,
        fix: 'heroku connect:external-ids -a acme-crm --mapping Account, or by hand: UPDATE salesforce.account SET external_id__c = gen_random_uuid()::text WHERE external_id__c IS NULL',
        message: 'salesforce.account.external_id__c is NULL in 20 of 500 rows: Connect cannot match them to the records it reads back from Salesforce, so each can come back as a duplicate',
      },
      {
        ...base,
        fix: 'UPDATE salesforce.account SET external_id__c = gen_random_uuid()::text FROM (SELECT id, row_number() OVER (PARTITION BY external_id__c ORDER BY sfid NULLS LAST, id) AS n FROM salesforce.account WHERE external_id__c IS NOT NULL) AS d WHERE salesforce.account.id = d.id AND d.n > 1 AND salesforce.account.sfid IS NULL',
        message: 'salesforce.account.external_id__c has 3 duplicates in 500 rows: Connect matches the record Salesforce returns to the wrong row, or Salesforce rejects the write (the fix renumbers only rows not yet in Salesforce; synced rows sharing a value need a decision in Salesforce)',
      },
      {
        ...base,
        fix: 'heroku connect:external-ids -a acme-crm --mapping Account, or by hand: in Salesforce Setup > Object Manager > Account > Fields & Relationships > External_Id__c > Edit, tick Unique (Salesforce refuses Unique while duplicate values exist)',
        message: 'Salesforce field Account.External_Id__c, the unique identifier of Account, is not marked Unique: Salesforce does not keep it unique, so Connect can match the wrong record',
      },
    ])
  })

  it('names both missing Salesforce flags, and quotes identifiers Postgres would not accept bare', () => {
    const snapshot = healthySnapshot()
    const mapping = snapshot.connection!.mappings[0]
    Object.assign(mapping, {object: 'Order', table: 'order', upsertField: 'Order_Key__c'})
    snapshot.postgres!.uniqueIds[0] = {column: 'order_key__c', default: null, duplicates: 0, exists: true, nulls: 1, rows: 10, table: 'order'}
    snapshot.salesforce!.objects.Order = {fields: [sfField('Order_Key__c')], name: 'Order'}
    const findings = runRules([hc002], snapshot).findings.filter(f => f.object === 'Order')
    expect(findings.map(f => f.fix)).to.deep.equal([
      'heroku connect:external-ids -a acme-crm --mapping Order, or by hand: UPDATE salesforce."order" SET order_key__c = gen_random_uuid()::text WHERE order_key__c IS NULL',
      'heroku connect:external-ids -a acme-crm --mapping Order, or by hand: in Salesforce Setup > Object Manager > Order > Fields & Relationships > Order_Key__c > Edit, tick External ID and Unique (Salesforce refuses Unique while duplicate values exist)',
    ])
    expect(findings[1].message).to.contain('is not marked External ID or Unique')
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc002], healthySnapshot()).findings).to.deep.equal([])
  })

  it('checks the side that is available when the other is missing', () => {
    const snapshot = withoutSource(healthySnapshot(), 'salesforce')
    snapshot.postgres!.uniqueIds[0].nulls = 5
    const {findings, skipped} = runRules([hc002], snapshot)
    expect(skipped).to.deep.equal([])
    expect(findings.map(f => f.message)).to.deep.equal(['salesforce.contact.external_id__c is NULL in 5 of 2000 rows: Connect cannot match them to the records it reads back from Salesforce, so each can come back as a duplicate'])
  })

  it('is skipped without a Connect configuration, or with neither database nor Salesforce', () => {
    expect(runRules([hc002], withoutSource(healthySnapshot(), 'connect')).skipped).to.deep.equal([{name: 'unique-id-not-unique', provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration', rule: 'HC002'}])
    const {findings, skipped} = runRules([hc002], withoutSource(withoutSource(healthySnapshot(), 'postgres'), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{
      name: 'unique-id-not-unique',
      provide: 'pass --database-url or make the connection\'s db_key config var readable; or pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN',
      reason: 'neither side of the unique identifiers can be read (no database; no Salesforce credentials)',
      rule: 'HC002',
    }])
  })

  it('lists a count that ran out of --max-scan-seconds as skipped, with how to give it more time, beside the other tables\' findings', () => {
    const snapshot = healthySnapshot()
    Object.assign(snapshot.postgres!.uniqueIds[0], {nulls: 0, rows: 0, unfinished: {seconds: 30}, uniqueIndex: null})
    Object.assign(snapshot.postgres!.uniqueIds[1], {nulls: 7, rows: 5_000_000, rowsEstimated: true, uniqueIndex: 'hcu_idx_account_external_id__c'})
    const run = runRules([hc002], snapshot)
    expect(run.findings.map(f => f.message)).to.deep.equal([
      'salesforce.account.external_id__c is NULL in 7 of about 5000000 rows: Connect cannot match them to the records it reads back from Salesforce, so each can come back as a duplicate',
    ])
    expect(run.skipped).to.deep.equal([{
      name: 'unique-id-not-unique',
      provide: 'pass --max-scan-seconds 120',
      reason: 'the NULL and duplicate count of salesforce.contact.external_id__c (a full scan: no unique index on it) did not finish within 30 s',
      rule: 'HC002',
    }])
  })

  it('names the unique index when the NULL lookup through it ran out of time', () => {
    const snapshot = healthySnapshot()
    Object.assign(snapshot.postgres!.uniqueIds[1], {unfinished: {seconds: 5}, uniqueIndex: 'hcu_idx_account_external_id__c'})
    expect(runRules([hc002], snapshot).skipped.map(s => s.reason)).to.deep.equal([
      'the NULL count of salesforce.account.external_id__c through its unique index hcu_idx_account_external_id__c did not finish within 5 s',
    ])
  })
})

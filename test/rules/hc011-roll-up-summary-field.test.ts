import {expect} from 'chai'

import {hc011} from '../../src/rules/hc011-roll-up-summary-field.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField, withoutSource} from './fixtures.js'

function withRollUp() {
  const snapshot = healthySnapshot()
  describedObject(snapshot.salesforce!, 'Account')!.fields.push(
    sfField('Open_Amount__c', {calculated: true, createable: false, type: 'currency', updateable: false}),
    sfField('Account_Number__c', {autoNumber: true, calculated: true, createable: false, updateable: false}),
  )
  snapshot.connection!.mappings[1].fields.push('Open_Amount__c', 'Account_Number__c')
  return snapshot
}

const finding = {
  field: 'Open_Amount__c',
  fix: 'remove Open_Amount__c from the Account mapping, or compute it in Postgres from the child rows: heroku connect:schema:scaffold --formulas -a acme-crm',
  object: 'Account',
  practice: 2,
  rule: 'HC011',
  severity: 'warning',
  table: 'salesforce.account',
}

describe('HC011 roll-up-summary-field', () => {
  it('fires for a mapped roll-up summary confirmed by FieldDefinition', () => {
    const snapshot = withRollUp()
    snapshot.salesforce!.fieldDataTypes = {Account: {Account_Number__c: 'Auto Number', Open_Amount__c: 'Roll-Up Summary (SUM Opportunity)'}}
    expect(runRules([hc011], snapshot).findings).to.deep.equal([{
      ...finding,
      message: "Account.Open_Amount__c is a roll-up summary field (Roll-Up Summary (SUM Opportunity)): Salesforce recalculates it from child records without always touching Account's SystemModstamp, so salesforce.account.open_amount__c can go stale",
    }])
  })

  it('says "probably" when FieldDefinition was not read for the object', () => {
    expect(runRules([hc011], withRollUp()).findings).to.deep.equal([{
      ...finding,
      message: "Account.Open_Amount__c is probably a roll-up summary field (calculated, with no formula): Salesforce recalculates it from child records without always touching Account's SystemModstamp, so salesforce.account.open_amount__c can go stale",
    }])
  })

  it('does not fire when FieldDefinition says it is something else, nor on the healthy setup', () => {
    const snapshot = withRollUp()
    snapshot.salesforce!.fieldDataTypes = {Account: {Open_Amount__c: 'Formula (Currency)'}}
    expect(runRules([hc011], snapshot).findings).to.deep.equal([])
    expect(runRules([hc011], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without Salesforce credentials', () => {
    const {findings, skipped} = runRules([hc011], withoutSource(withRollUp(), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'roll-up-summary-field', provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials', rule: 'HC011'}])
  })
})

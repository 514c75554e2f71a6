import {expect} from 'chai'

import {hc010} from '../../src/rules/hc010-cross-object-formula.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField, withoutSource} from './fixtures.js'

function withFormulas(formulas: Record<string, string>) {
  const snapshot = healthySnapshot()
  const contact = describedObject(snapshot.salesforce!, 'Contact')!
  for (const [name, calculatedFormula] of Object.entries(formulas)) {
    contact.fields.push(sfField(name, {calculated: true, calculatedFormula, createable: false, updateable: false}))
    snapshot.connection!.mappings[0].fields.push(name)
  }

  return snapshot
}

const where = {object: 'Contact', practice: 2, rule: 'HC010', table: 'salesforce.contact'}

describe('HC010 cross-object-formula', () => {
  it('fires for a mapped formula that reads another record, and notes one that reads a global', () => {
    const snapshot = withFormulas({
      Account_Name__c: 'Account.Name /* the parent */',
      Display_Name__c: 'FirstName & " " & LastName',
      Region__c: '$Setup.Acme__Settings__c.Region__c',
    })
    expect(runRules([hc010], snapshot).findings).to.deep.equal([
      {
        ...where,
        field: 'Account_Name__c',
        fix: 'remove Account_Name__c from the Contact mapping, or compute it in Postgres from the mapped columns: heroku connect:schema:scaffold --formulas -a acme-crm',
        message: "Contact.Account_Name__c is a cross-object formula (Account.Name): edits to the related record do not change Contact's SystemModstamp, so salesforce.contact.account_name__c goes stale",
        severity: 'warning',
      },
      {
        ...where,
        field: 'Region__c',
        fix: 'remove Region__c from the Contact mapping and read $Setup.Acme__Settings__c.Region__c where the app needs it',
        message: 'Contact.Region__c is a formula on a global reference ($Setup.Acme__Settings__c.Region__c): changes to it do not change SystemModstamp either, so salesforce.contact.region__c never refreshes',
        severity: 'info',
      },
    ])
  })

  it('names every relationship path, and ignores dots inside literals and numbers', () => {
    const snapshot = withFormulas({Score__c: 'IF(Owner.IsActive, npo02__Household__pr.Score__c * 1.5, 0) & \'n.a\''})
    expect(runRules([hc010], snapshot).findings.map(f => f.message)).to.deep.equal([
      "Contact.Score__c is a cross-object formula (Owner.IsActive, npo02__Household__pr.Score__c): edits to the related record do not change Contact's SystemModstamp, so salesforce.contact.score__c goes stale",
    ])
  })

  it('does not fire for same-object formulas or unmapped formulas', () => {
    const snapshot = withFormulas({Kind__c: 'TEXT(LeadSource)'})
    describedObject(snapshot.salesforce!, 'Contact')!.fields.push(sfField('Unmapped__c', {calculated: true, calculatedFormula: 'Account.Name'}))
    expect(runRules([hc010], snapshot).findings).to.deep.equal([])
    expect(runRules([hc010], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without Salesforce credentials', () => {
    const {findings, skipped} = runRules([hc010], withoutSource(healthySnapshot(), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'cross-object-formula', provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials', rule: 'HC010'}])
  })
})

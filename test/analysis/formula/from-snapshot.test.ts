import {expect} from 'chai'

import type {SfObjectFacts} from '../../../src/snapshot/types.js'

import {formulaObject} from '../../../src/analysis/formula/from-snapshot.js'
import {translateFormula} from '../../../src/analysis/formula/translate.js'
import {healthySnapshot, sfField} from '../../rules/fixtures.js'

// The translator reads a Connect setup: mapped fields and lookups to mapped objects only.

function snapshot() {
  const s = healthySnapshot()
  const contact = s.salesforce!.objects.Contact as SfObjectFacts
  contact.fields = contact.fields.map(f => (f.name === 'AccountId' ? sfField('AccountId', {referenceTo: ['Account'], type: 'reference'}) : f))
  contact.fields.push(sfField('Account_Name__c', {calculated: true, calculatedFormula: 'Account.Name'}), sfField('Nickname__c'))
  s.connection!.mappings[0].fields.push('Account_Name__c')
  const account = s.salesforce!.objects.Account as SfObjectFacts
  account.fields = account.fields.map(f => (f.name === 'OwnerId' ? sfField('OwnerId', {referenceTo: ['User'], type: 'reference'}) : f))
  return s
}

describe('formula objects from a snapshot', function () {
  const contact = formulaObject(snapshot(), 'contact')!

  it('reads mapped fields and lookups to mapped objects, in the Connect schema', function () {
    const result = translateFormula('Account.Name & " " & LastName', contact, {returnType: 'Text'})
    expect(result.ok && result.joins).to.deep.equal([{alias: 'j1', on: 'j1.sfid = t."accountid"', table: '"salesforce"."account"'}])
  })

  it('refuses fields the mapping does not hold, lookups to unmapped objects and the stale formula itself', function () {
    const reason = (formula: string) => {
      const r = translateFormula(formula, contact, {returnType: 'Text'})
      return r.ok ? 'translated' : `${r.reason}: ${r.detail}`
    }

    expect(reason('Nickname__c')).to.equal('unmapped: Contact.Nickname__c is not a mapped field')
    expect(reason('Account.Owner.Name')).to.equal('unmapped: Account has no mapped lookup behind Account.Owner')
    expect(reason('Account_Name__c')).to.match(/^type: .*cross-object formula/)
  })

  it('knows no object that is not mapped', function () {
    expect(formulaObject(snapshot(), 'User')).to.equal(undefined)
  })
})

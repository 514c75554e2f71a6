import {expect} from 'chai'

import {
  formulaReferences, isRequiredOnInsert, looksLikeRollUp, mappedFields, stripFormulaLiterals,
} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField} from '../rules/fixtures.js'

describe('salesforce-fields', () => {
  describe('formulaReferences', () => {
    const cases: Array<[string, string[], string[]]> = [
      ['Account.Name', ['Account.Name'], []],
      ['Parent__r.Field__c', ['Parent__r.Field__c'], []],
      ['npo02__Household__pr.npo02__HouseholdPhone__c', ['npo02__Household__pr.npo02__HouseholdPhone__c'], []],
      ['IF(ISBLANK(Owner.Manager.Email), "", Owner.Manager.Email)', ['Owner.Manager.Email'], []],
      ['$Setup.Ns__Settings__c.Field__c', [], ['$Setup.Ns__Settings__c.Field__c']],
      ['IF($User.Id = OwnerId, Account.Name, "")', ['Account.Name'], ['$User.Id']],
      ['TEXT(Type)', [], []],
      ['FirstName & " " & LastName', [], []],
      ['CASESAFEID(Account)', [], []],
      ['year(npo02__MembershipEndDate__c ) - year(npo02__MembershipJoinDate__c)', [], []],
      ["'a.b' & Name", [], []],
      ['"Account.Name" & \'it\\\'s Owner.Name\'', [], []],
      ['Amount * 1.5 + .25', [], []],
      ['/* Account.Name */ Name', [], []],
      ['Name /* unterminated Account.Name', [], []],
    ]
    for (const [formula, crossObject, globals] of cases) {
      it(`reads ${formula}`, () => {
        expect(formulaReferences(formula)).to.deep.equal({crossObject, globals})
      })
    }

    it('blanks literals and comments but keeps the rest', () => {
      expect(stripFormulaLiterals('A & "x.y" & B /* c.d */ & C')).to.equal('A &   & B   & C')
    })
  })

  it('isRequiredOnInsert: not nillable, createable, no default, not computed, not a system field', () => {
    expect(isRequiredOnInsert(sfField('LastName', {nillable: false}))).to.equal(true)
    expect(isRequiredOnInsert(sfField('Email'))).to.equal(false)
    expect(isRequiredOnInsert(sfField('OwnerId', {defaultedOnCreate: true, nillable: false}))).to.equal(false)
    expect(isRequiredOnInsert(sfField('Locked__c', {createable: false, nillable: false}))).to.equal(false)
    expect(isRequiredOnInsert(sfField('Number__c', {autoNumber: true, nillable: false}))).to.equal(false)
    expect(isRequiredOnInsert(sfField('Id'))).to.equal(false)
    expect(isRequiredOnInsert(sfField('CreatedDate', {nillable: false}))).to.equal(false)
  })

  it('looksLikeRollUp: calculated with no formula and no auto-number', () => {
    expect(looksLikeRollUp(sfField('Total__c', {calculated: true}))).to.equal(true)
    expect(looksLikeRollUp(sfField('Name__c', {calculated: true, calculatedFormula: 'Name'}))).to.equal(false)
    expect(looksLikeRollUp(sfField('CaseNumber', {autoNumber: true, calculated: true}))).to.equal(false)
  })

  it('mappedFields joins mappings with the describe, case-insensitively, and skips what is not described', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.mappings[2].fields = ['name', 'Gone__c']
    snapshot.salesforce!.objects.Account = {error: 'INSUFFICIENT_ACCESS'}
    const fields = mappedFields(snapshot).map(({column, field, name, table}) => ({column, field: field.name, name, table}))
    expect(fields.filter(f => f.table === 'salesforce.opportunity')).to.deep.equal([{column: 'salesforce.opportunity.name', field: 'Name', name: 'name', table: 'salesforce.opportunity'}])
    expect(fields.some(f => f.table === 'salesforce.account')).to.equal(false)
  })
})

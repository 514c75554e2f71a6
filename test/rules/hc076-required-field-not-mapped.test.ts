import {expect} from 'chai'

import {hc076} from '../../src/rules/hc076-required-field-not-mapped.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField, withoutSource} from './fixtures.js'

describe('HC076 required-field-not-mapped', () => {
  it('fires once per required field a read-write mapping lacks', () => {
    const snapshot = healthySnapshot()
    snapshot.connection!.mappings[0].fields = snapshot.connection!.mappings[0].fields.filter(f => f !== 'LastName')
    describedObject(snapshot.salesforce!, 'Contact')!.fields.push(sfField('Region__c', {nillable: false}))
    const where = {object: 'Contact', practice: null, rule: 'HC076', severity: 'error', table: 'salesforce.contact'}
    expect(runRules([hc076], snapshot).findings).to.deep.equal([
      {
        ...where,
        field: 'LastName',
        fix: 'add LastName to the Contact mapping and set lastname on every insert: heroku addons:open herokuconnect -a acme-crm',
        message: 'read-write mapping Contact lacks LastName, which Salesforce requires on insert: rows inserted into salesforce.contact fail with REQUIRED_FIELD_MISSING',
      },
      {
        ...where,
        field: 'Region__c',
        fix: 'add Region__c to the Contact mapping and set region__c on every insert: heroku addons:open herokuconnect -a acme-crm',
        message: 'read-write mapping Contact lacks Region__c, which Salesforce requires on insert: rows inserted into salesforce.contact fail with REQUIRED_FIELD_MISSING',
      },
    ])
  })

  it('ignores fields Salesforce fills itself, computed fields, read-only mappings, and mapping names in another case', () => {
    const snapshot = healthySnapshot()
    describedObject(snapshot.salesforce!, 'Contact')!.fields.push(
      sfField('OwnerId', {defaultedOnCreate: true, nillable: false}),
      sfField('CreatedById', {nillable: false}),
      sfField('Ref__c', {autoNumber: true, nillable: false}),
      sfField('Full__c', {calculated: true, calculatedFormula: 'LastName', nillable: false}),
      sfField('Locked__c', {createable: false, nillable: false}),
    )
    snapshot.connection!.mappings[1].fields = snapshot.connection!.mappings[1].fields.map(f => f === 'Name' ? 'name' : f)
    describedObject(snapshot.salesforce!, 'Opportunity')!.fields.push(sfField('Probability__c', {nillable: false}))
    expect(runRules([hc076], snapshot).findings).to.deep.equal([])
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc076], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without Salesforce credentials', () => {
    const {findings, skipped} = runRules([hc076], withoutSource(healthySnapshot(), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'required-field-not-mapped', provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials', rule: 'HC076'}])
  })
})

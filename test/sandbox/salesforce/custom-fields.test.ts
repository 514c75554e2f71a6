import {expect} from 'chai'

import {SalesforceClient} from '../../../src/clients/salesforce.js'
import {readCustomFieldMetadata} from '../../../src/snapshot/custom-fields.js'
import {jsforceConnection, rejection, startTestOrg, type TestOrg, TOKEN} from './fixtures.js'

// Tooling API CustomField in the fake org, read through the plugin's own client: the metadata of
// formula and roll-up fields, served only to a query that names one record, as Salesforce does.

describe('fake Salesforce: Tooling CustomField metadata', () => {
  let t: TestOrg

  before(async () => {
    t = await startTestOrg([{
      custom: true,
      fields: [
        {name: 'Id', type: 'id'},
        {name: 'Total__c', rollup: {filterItems: [{field: 'Line__c.Status__c', operation: 'equals', value: 'Open, "Held, pending"'}], foreignKey: 'Line__c.Order__c', operation: 'SUM', summarizedField: 'Line__c.Amount__c', summarizedObject: 'Line__c'}, type: 'currency'},
        {formula: 'Account__r.Name & " / " & Name', name: 'Label__c', type: 'string'},
      ],
      name: 'Order__c',
    }])
  })

  after(async () => t.sf.close())

  it('gives the roll-up and formula metadata the scaffold translates', async () => {
    const client = await SalesforceClient.connect({accessToken: TOKEN, instanceUrl: t.sf.url, source: 'env'})
    const metadata = await readCustomFieldMetadata(client, [{field: 'Total__c', object: 'Order__c'}, {field: 'Label__c', object: 'Order__c'}, {field: 'Name', object: 'Order__c'}])
    expect(metadata['Order__c.Total__c']).to.deep.include({
      summarizedField: 'Line__c.Amount__c', summaryFilterItems: [{field: 'Line__c.Status__c', operation: 'equals', value: 'Open, "Held, pending"', valueField: null}],
      summaryForeignKey: 'Line__c.Order__c', summaryOperation: 'sum', type: 'Summary',
    })
    expect(metadata['Order__c.Label__c']).to.deep.include({formula: 'Account__r.Name & " / " & Name', formulaTreatBlanksAs: 'BlankAsZero', type: 'Text'})
    expect(Object.keys(metadata)).to.have.length(2)
  })

  it('refuses Metadata for a query that could return several records', async () => {
    const conn = await jsforceConnection(t.sf.url)
    const error = await rejection(conn.tooling.query("SELECT Id, Metadata FROM CustomField WHERE TableEnumOrId = 'Order__c'"))
    expect(error.message).to.match(/no more than one row/)
  })
})

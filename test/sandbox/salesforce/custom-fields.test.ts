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
    }, {
      custom: true,
      fields: [{name: 'Id', type: 'id'}, {formula: 'Order__r.Label__c', name: 'Order_Label__c', type: 'string'}],
      name: 'Line__c',
    }])
  })

  after(async () => t.sf.close())

  it('keys custom objects by their 01I id in TableEnumOrId, as CustomObject and EntityDefinition give it', async () => {
    const conn = await jsforceConnection(t.sf.url)
    const objects = await conn.tooling.query<{DeveloperName: string; Id: string}>("SELECT Id, DeveloperName FROM CustomObject WHERE DeveloperName = 'Order'")
    expect(objects.records).to.have.length(1)
    const orderId = objects.records[0].Id
    expect(orderId).to.match(/^01I[a-zA-Z0-9]{15}$/)
    const entities = await conn.tooling.query<{DurableId: string; QualifiedApiName: string}>("SELECT DurableId, QualifiedApiName FROM EntityDefinition WHERE QualifiedApiName IN ('Order__c', 'Account')")
    expect(Object.fromEntries(entities.records.map(e => [e.QualifiedApiName, e.DurableId]))).to.deep.equal({Account: 'Account', Order__c: orderId.slice(0, 15)})
    const byName = await conn.tooling.query("SELECT Id FROM CustomField WHERE TableEnumOrId = 'Order__c'")
    expect(byName.records).to.have.length(0)
    const byId = await conn.tooling.query<{DeveloperName: string}>(`SELECT DeveloperName FROM CustomField WHERE TableEnumOrId = '${orderId}'`)
    expect(byId.records.map(r => r.DeveloperName).sort()).to.deep.equal(['Label', 'Total'])
    // every custom field of a standard object, formula or not
    const standard = await conn.tooling.query<{DeveloperName: string}>("SELECT DeveloperName FROM CustomField WHERE TableEnumOrId = 'Account'")
    expect(standard.records.map(r => r.DeveloperName).sort()).to.deep.equal(['External_Id', 'Open_Amount'])
  })

  it('gives the roll-up and formula metadata the scaffold translates, resolving objects in two calls and then one per field', async () => {
    const client = await SalesforceClient.connect({accessToken: TOKEN, instanceUrl: t.sf.url, source: 'env'})
    const before = t.org.calls.byKind.tooling
    const metadata = await readCustomFieldMetadata(client, [
      {field: 'Total__c', object: 'Order__c'}, {field: 'Label__c', object: 'Order__c'}, {field: 'Name', object: 'Order__c'},
      {field: 'Order_Label__c', object: 'Line__c'}, {field: 'Open_Amount__c', object: 'Account'},
    ])
    expect(t.org.calls.byKind.tooling - before).to.equal(2 + 4)
    expect(metadata['Line__c.Order_Label__c']).to.deep.include({formula: 'Order__r.Label__c', type: 'Text'})
    expect(metadata['Account.Open_Amount__c']).to.deep.include({summaryOperation: 'sum', type: 'Summary'})
    expect(metadata['Order__c.Total__c']).to.deep.include({
      summarizedField: 'Line__c.Amount__c', summaryFilterItems: [{field: 'Line__c.Status__c', operation: 'equals', value: 'Open, "Held, pending"', valueField: null}],
      summaryForeignKey: 'Line__c.Order__c', summaryOperation: 'sum', type: 'Summary',
    })
    expect(metadata['Order__c.Label__c']).to.deep.include({formula: 'Account__r.Name & " / " & Name', formulaTreatBlanksAs: 'BlankAsZero', type: 'Text'})
    expect(Object.keys(metadata).sort()).to.deep.equal(['Account.Open_Amount__c', 'Line__c.Order_Label__c', 'Order__c.Label__c', 'Order__c.Total__c'])
  })

  it('refuses Metadata for a query that could return several records', async () => {
    const conn = await jsforceConnection(t.sf.url)
    const error = await rejection(conn.tooling.query("SELECT Id, Metadata FROM CustomField WHERE TableEnumOrId = 'Account'"))
    expect(error.message).to.match(/no more than one row/)
  })
})

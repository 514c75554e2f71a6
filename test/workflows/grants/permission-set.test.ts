import {expect} from 'chai'

import {SalesforceClient} from '../../../src/clients/salesforce.js'
import {grantFieldAccess, permissionSetXml} from '../../../src/workflows/grants/permission-set.js'
import {ADMIN_TOKEN, INTEGRATION_USER, jsforceConnection, startTestOrg, type TestOrg, TOKEN} from '../../sandbox/salesforce/fixtures.js'

// The permission-set grants connect:user:check applies and connect:external-ids reuses, against
// the fake org through the plugin's own Salesforce client.

describe('permission-set grants', () => {
  let test: TestOrg
  before(async () => {
    test = await startTestOrg()
  })
  after(async () => {
    await test.sf.close()
  })

  it('grantFieldAccess creates and assigns the set once; a rerun changes nothing', async () => {
    const client = await SalesforceClient.connect({accessToken: ADMIN_TOKEN, instanceUrl: test.sf.url, source: 'env'}, {retry: {maxRetries: 0}})
    const assignee = {id: INTEGRATION_USER, username: 'sync@acme.example'}
    const first = await grantFieldAccess(client, {assignee, edit: true, field: 'Contact.Loyalty_Tier__c', permissionSet: 'External_Id_Access'})
    expect(first).to.deep.equal([
      {action: 'create', what: 'permission set External_Id_Access'},
      {action: 'grant', what: 'Contact.Loyalty_Tier__c: Read, Edit'},
      {action: 'assign', what: 'External_Id_Access to sync@acme.example'},
    ])
    const field = (await (await jsforceConnection(test.sf.url, TOKEN)).describe('Contact')).fields.find(f => f.name === 'Loyalty_Tier__c')
    expect(field, 'the integration user sees the field now').to.include({updateable: true})
    const again = await grantFieldAccess(client, {assignee, edit: true, field: 'Contact.Loyalty_Tier__c', permissionSet: 'External_Id_Access'})
    expect(again).to.deep.equal([
      {action: 'exists', what: 'permission set External_Id_Access'},
      {action: 'exists', what: 'assignment of External_Id_Access to sync@acme.example'},
    ])
  })

  it('writes metadata that escapes what it cannot trust', () => {
    const xml = permissionSetXml({
      assignee: {id: INTEGRATION_USER, username: 'x'}, description: 'a <b> & "c"', fields: [], label: 'L', name: 'N', objects: [], userPermissions: ['ApiUserOnly'],
    })
    expect(xml).to.contain('<description>a &lt;b&gt; &amp; &quot;c&quot;</description>')
    expect(xml).to.contain('<name>ApiUserOnly</name>')
  })
})

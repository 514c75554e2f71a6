import {expect} from 'chai'

import {hc060} from '../../src/rules/hc060-encrypted-field.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField, withoutSource} from './fixtures.js'

function withEncrypted() {
  const snapshot = healthySnapshot()
  describedObject(snapshot.salesforce!, 'Contact')!.fields.push(
    sfField('SSN__c', {type: 'encryptedstring'}),
    sfField('Tax_Id__c', {encrypted: true}),
  )
  snapshot.connection!.mappings[0].fields.push('SSN__c', 'Tax_Id__c')
  return snapshot
}

const where = {object: 'Contact', practice: 7, rule: 'HC060', table: 'salesforce.contact'}
const taxId = {
  ...where,
  field: 'Tax_Id__c',
  fix: 'remove Tax_Id__c from the Contact mapping if Postgres must not hold it, or restrict who can read salesforce.contact.tax_id__c',
  message: 'Contact.Tax_Id__c is Shield-encrypted in Salesforce, but Connect reads it decrypted: salesforce.contact.tax_id__c holds it in clear text',
  severity: 'info',
}

describe('HC060 encrypted-field', () => {
  it('fires for a mapped classic encrypted field the integration user reads masked, and notes a Shield one', () => {
    expect(runRules([hc060], withEncrypted()).findings).to.deep.equal([
      {
        ...where,
        field: 'SSN__c',
        fix: 'remove SSN__c from the Contact mapping, or grant View Encrypted Data to heroku.connect@acme.example if the app needs the value (Postgres then holds it in clear text)',
        message: 'Contact.SSN__c is an encrypted text field and heroku.connect@acme.example lacks View Encrypted Data: salesforce.contact.ssn__c holds a mask such as ***** instead of the value',
        severity: 'warning',
      },
      taxId,
    ])
  })

  it('downgrades to info when the integration user has View Encrypted Data: the value arrives in clear text', () => {
    const snapshot = withEncrypted()
    snapshot.salesforce!.integrationUser!.permissionSets![1].permissions.ViewEncryptedData = true
    expect(runRules([hc060], snapshot).findings).to.deep.equal([
      {
        ...where,
        field: 'SSN__c',
        fix: 'remove SSN__c from the Contact mapping if Postgres must not hold it, or restrict who can read salesforce.contact.ssn__c',
        message: 'Contact.SSN__c is an encrypted text field and heroku.connect@acme.example has View Encrypted Data: salesforce.contact.ssn__c holds it in clear text',
        severity: 'info',
      },
      taxId,
    ])
  })

  it('still warns when the integration user could not be read', () => {
    const snapshot = withEncrypted()
    snapshot.salesforce!.integrationUser = null
    const [ssn] = runRules([hc060], snapshot).findings
    expect(ssn.severity).to.equal('warning')
    expect(ssn.message).to.equal('Contact.SSN__c is an encrypted text field: unless the integration user has View Encrypted Data (not read), salesforce.contact.ssn__c holds a mask such as ***** instead of the value')
  })

  it('does not fire for unmapped encrypted fields nor on the healthy setup', () => {
    const snapshot = withEncrypted()
    snapshot.connection!.mappings[0].fields = snapshot.connection!.mappings[0].fields.filter(f => !f.endsWith('__c') || f === 'External_Id__c')
    expect(runRules([hc060], snapshot).findings).to.deep.equal([])
    expect(runRules([hc060], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without Salesforce credentials', () => {
    const {findings, skipped} = runRules([hc060], withoutSource(withEncrypted(), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'encrypted-field', provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials', rule: 'HC060'}])
  })
})

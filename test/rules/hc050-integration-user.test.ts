import {expect} from 'chai'

import {hc050} from '../../src/rules/hc050-integration-user.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, sfField, withoutSource} from './fixtures.js'

const user = 'integration user heroku.connect@acme.example'
const profile = 'profile "Minimum Access - API Only Integrations" or a permission set assigned to heroku.connect@acme.example'
const base = {field: null, object: null, practice: 6, rule: 'HC050', table: null}

describe('HC050 integration-user', () => {
  it('fires for a user shared with people, not API-only, with an expiring password and no View All Data', () => {
    const snapshot = healthySnapshot()
    Object.assign(snapshot.salesforce!.integrationUser!, {apiUserOnly: false, passwordNeverExpires: false, uiLogins: 3, viewAllData: false})
    expect(runRules([hc050], snapshot).findings).to.deep.equal([
      {
        ...base,
        fix: 'create a dedicated user with the Salesforce Integration license and the "Minimum Access - API Only Integrations" profile, then authorize the connection as it: heroku connect:sf:auth -a acme-crm',
        message: `${user} logged in to the Salesforce UI 3 times in the last 30 days: it is shared with people, whose edits look like Connect's and whose password or permission changes stop the sync`,
        severity: 'error',
      },
      {...base, fix: `enable API Only User on ${profile}`, message: `${user} is not API-only: anyone with its password can log in to the Salesforce UI`, severity: 'warning'},
      {...base, fix: `enable Password Never Expires on ${profile}`, message: `${user}'s password expires: when it does, Connect can no longer log in and the sync stops until someone re-authorizes`, severity: 'warning'},
      {
        ...base,
        fix: 'grant View All Data, or View All on each mapped object, to heroku.connect@acme.example through a permission set; then check: in Salesforce Setup > Users > heroku.connect@acme.example, check the profile and every assigned permission set',
        message: `${user} lacks View All Data: unless it has View All on every mapped object, Connect's polls skip the records it cannot see and Postgres misses them`,
        severity: 'warning',
      },
    ])
  })

  it('fires once per mapped field the user cannot read or, on a read-write mapping, cannot edit', () => {
    const snapshot = healthySnapshot()
    const contact = describedObject(snapshot.salesforce!, 'Contact')!
    // Email listed as unreadable, Birthdate hidden from the describe by FLS, Phone both: one finding each
    contact.fields = contact.fields.filter(f => f.name !== 'Birthdate' && f.name !== 'Phone')
    contact.fields.push(sfField('Tier__c', {createable: false, updateable: false}), sfField('Score__c', {calculated: true, calculatedFormula: 'Id', createable: false, updateable: false}))
    snapshot.connection!.mappings[0].fields.push('Tier__c', 'Score__c')
    snapshot.salesforce!.integrationUser!.unreadableFields = ['Contact.Email', 'Contact.Phone', 'Lead.Email']
    const where = {object: 'Contact', practice: 6, rule: 'HC050', table: 'salesforce.contact'}
    expect(runRules([hc050], snapshot).findings).to.deep.equal([
      {
        ...where,
        field: 'Email',
        fix: `grant Read (and Edit on read-write mappings) in the field-level security of Contact.Email for ${profile}; then check: in Salesforce Setup > Users > heroku.connect@acme.example, check the profile and every assigned permission set`,
        message: `${user} cannot read Contact.Email: Connect cannot sync it, so salesforce.contact.email stays empty and writes to it fail`,
        severity: 'error',
      },
      {
        ...where,
        field: 'Phone',
        fix: `grant Read (and Edit on read-write mappings) in the field-level security of Contact.Phone for ${profile}; then check: in Salesforce Setup > Users > heroku.connect@acme.example, check the profile and every assigned permission set`,
        message: `${user} cannot read Contact.Phone: Connect cannot sync it, so salesforce.contact.phone stays empty and writes to it fail`,
        severity: 'error',
      },
      {
        ...where,
        field: 'Birthdate',
        fix: `grant Read (and Edit on read-write mappings) in the field-level security of Contact.Birthdate for ${profile}; then check: in Salesforce Setup > Users > heroku.connect@acme.example, check the profile and every assigned permission set`,
        message: `${user} cannot read Contact.Birthdate: Connect cannot sync it, so salesforce.contact.birthdate stays empty and writes to it fail`,
        severity: 'error',
      },
      {
        ...where,
        field: 'Tier__c',
        fix: `grant Edit in the field-level security of Contact.Tier__c for ${profile}; then check: in Salesforce Setup > Users > heroku.connect@acme.example, check the profile and every assigned permission set`,
        message: `${user} cannot edit Contact.Tier__c, mapped read-write: inserts and updates from Postgres that set it fail`,
        severity: 'warning',
      },
    ])
  })

  it('fires for a mapped object the user cannot describe; read-only mappings need no edit rights', () => {
    const snapshot = healthySnapshot()
    snapshot.salesforce!.objects.Account = {error: 'INSUFFICIENT_ACCESS: entity type Account is not accessible'}
    describedObject(snapshot.salesforce!, 'Opportunity')!.fields.push(sfField('Stage_Note__c', {createable: false, updateable: false}))
    snapshot.connection!.mappings[2].fields.push('Stage_Note__c')
    expect(runRules([hc050], snapshot).findings).to.deep.equal([{
      field: null,
      fix: `grant Read on Account to ${profile}; then check: in Salesforce Setup > Users > heroku.connect@acme.example, check the profile and every assigned permission set`,
      message: `${user} cannot describe Account (INSUFFICIENT_ACCESS: entity type Account is not accessible): Connect cannot sync it`,
      object: 'Account',
      practice: 6,
      rule: 'HC050',
      severity: 'error',
      table: 'salesforce.account',
    }])
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc050], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped, with the collector\'s reason, when the integration user could not be read', () => {
    const snapshot = healthySnapshot()
    snapshot.salesforce!.integrationUser = null
    snapshot.salesforce!.gaps = ['Limits: INSUFFICIENT_ACCESS', 'Profile: INSUFFICIENT_ACCESS']
    expect(runRules([hc050], snapshot).skipped).to.deep.equal([{
      name: 'integration-user',
      provide: 'pass --target-org logged in as the user the connection is authorized as, with View Setup and Configuration',
      reason: 'the integration user could not be read: Profile: INSUFFICIENT_ACCESS',
      rule: 'HC050',
    }])
  })

  it('is skipped without Salesforce credentials', () => {
    const {findings, skipped} = runRules([hc050], withoutSource(healthySnapshot(), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'integration-user', provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials', rule: 'HC050'}])
  })
})

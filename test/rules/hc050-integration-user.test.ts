import {expect} from 'chai'

import {hc050} from '../../src/rules/hc050-integration-user.js'
import {runRules} from '../../src/rules/runner.js'
import {describedObject} from '../../src/analysis/salesforce-fields.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const user = 'integration user heroku.connect@acme.example'
const apply = 'heroku connect:user:check -a acme-crm --apply --confirm acme-crm'
const base = {field: null, object: null, practice: 6, rule: 'HC050', table: null}

/** The healthy snapshot with the integration user on a full licence and a plain profile. */
function sharedUser() {
  const snapshot = healthySnapshot()
  const facts = snapshot.salesforce!.integrationUser!
  Object.assign(facts.user!, {firstName: 'Dana', lastName: 'Fox', name: 'Dana Fox', profileName: 'Connect Sync', userLicense: 'Salesforce'})
  for (const set of facts.permissionSets!) Object.assign(set.permissions, {ApiUserOnly: false, PasswordNeverExpires: false, ViewAllData: false})
  for (const row of facts.objectPermissions!) row.viewAll = false
  facts.logins = {byType: {Application: 3, 'Remote Access 2.0': 40}, total: 43, ui: [{application: 'Browser', at: '2026-11-24T10:00:00.000+0000', sourceIp: '198.51.100.7'}]}
  return snapshot
}

describe('HC050 integration-user', () => {
  it('fires for a shared user on a full licence: UI logins, not API-only, expiring password, no View All, a person\'s name', () => {
    expect(runRules([hc050], sharedUser()).findings).to.deep.equal([
      {...base, fix: apply, message: `${user}: API-only fails: licence Salesforce, profile Connect Sync, and no profile or permission set grants API Only User: anyone with its password can log in to the Salesforce UI`, severity: 'warning'},
      {...base, fix: apply, message: `${user}: password never expires fails: no profile or permission set grants Password Never Expires: when it expires, Connect can no longer log in and the sync stops`, severity: 'warning'},
      {
        ...base,
        fix: `create a dedicated user with the Salesforce Integration license and the "Minimum Access - API Only Integrations" profile and authorize the connection as it (heroku connect:sf:auth -a acme-crm), or grant API Only User: ${apply}`,
        message: `${user} has interactive logins: 43 logins: Remote Access 2.0 40, Application 3; latest UI login 2026-11-24T10:00:00.000+0000 from 198.51.100.7: people log in as Connect's user, so their edits look like Connect's`,
        severity: 'error',
      },
      {...base, fix: 'authorize the connection as a dedicated integration user (heroku connect:sf:auth -a acme-crm)', message: `${user} looks like a person's account: a person's name (Dana Fox); 3 UI logins (checked: a person's name, a manager, UI logins)`, severity: 'warning'},
      {...base, fix: apply, message: `${user}: sees every record (View All) fails: no View All Data, and no View All on Contact, Account, Opportunity: Connect's polls skip records it cannot see, and Postgres misses them`, severity: 'warning'},
    ])
  })

  it('counts API Only User and Password Never Expires from a permission set group, not only the profile', () => {
    const snapshot = sharedUser()
    const facts = snapshot.salesforce!.integrationUser!
    Object.assign(facts.permissionSets![1].permissions, {ApiUserOnly: true, PasswordNeverExpires: true, ViewAllData: true})
    const messages = runRules([hc050], snapshot).findings.map(f => `${f.severity}: ${f.message}`)
    expect(messages.some(m => /API-only fails|password never expires fails|View All/.test(m)), messages.join('\n')).to.equal(false)
    // past UI logins stay visible, as a warning now that API Only User blocks new ones
    expect(messages.some(m => m.startsWith('warning: ') && m.includes('API Only User now blocks further UI logins'))).to.equal(true)
  })

  it('fires once per missing object right and per mapped field without Read or Edit; a deleted field is not a permission gap', () => {
    const snapshot = healthySnapshot()
    const facts = snapshot.salesforce!.integrationUser!
    facts.objectPermissions!.find(o => o.object === 'Account')!.create = false
    facts.fieldPermissions = facts.fieldPermissions!.filter(f => f.field !== 'Contact.Birthdate')
    facts.fieldPermissions.find(f => f.field === 'Contact.External_Id__c')!.edit = false
    // the Opportunity mapping is read-only: no Edit needed there
    facts.fieldPermissions.find(f => f.field === 'Opportunity.Amount')!.edit = false
    const contact = describedObject(snapshot.salesforce!, 'Contact')!
    contact.fields = contact.fields.filter(f => f.name !== 'Phone')
    const where = {practice: 6, rule: 'HC050'}
    expect(runRules([hc050], snapshot).findings).to.deep.equal([
      {...where, field: null, fix: apply, message: `${user} lacks Create on Account: Connect cannot write the changes Postgres makes to it`, object: 'Account', severity: 'error', table: 'salesforce.account'},
      {...where, field: 'Phone', fix: 'remove Phone from the Contact mapping: in the Heroku Connect dashboard, or in a heroku connect:export file that you then heroku connect:import', message: 'Contact.Phone is mapped but no longer exists in Salesforce', object: 'Contact', severity: 'warning', table: 'salesforce.contact'},
      {...where, field: 'Birthdate', fix: apply, message: `${user} cannot read Contact.Birthdate: Connect cannot sync it, so salesforce.contact.birthdate stays empty and writes to it fail`, object: 'Contact', severity: 'error', table: 'salesforce.contact'},
      {...where, field: 'External_Id__c', fix: apply, message: `${user} cannot edit Contact.External_Id__c, which Connect writes: inserts and updates from Postgres that set it fail`, object: 'Contact', severity: 'warning', table: 'salesforce.contact'},
    ])
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc050], healthySnapshot()).findings).to.deep.equal([])
  })

  it('reports a part it could not read as an info finding with what to grant', () => {
    const snapshot = healthySnapshot()
    const facts = snapshot.salesforce!.integrationUser!
    facts.logins = null
    facts.unavailable.logins = {grant: 'Manage Users', reason: 'INSUFFICIENT_ACCESS: insufficient access rights'}
    expect(runRules([hc050], snapshot).findings).to.deep.equal([{
      ...base, fix: 'grant Manage Users; then: heroku connect:user:check -a acme-crm', message: `${user}: "no interactive logins (30 days)" was not checked: INSUFFICIENT_ACCESS: insufficient access rights`, severity: 'info',
    }])
  })

  it('is skipped when the connection names no user, and when the user could not be read', () => {
    const snapshot = healthySnapshot()
    snapshot.salesforce!.integrationUser = null
    snapshot.salesforce!.integrationUserUnavailable = {provide: 'pass --username', reason: 'an export file does not name the Salesforce user Connect syncs as'}
    expect(runRules([hc050], snapshot).skipped).to.deep.equal([{name: 'integration-user', provide: 'pass --username', reason: 'an export file does not name the Salesforce user Connect syncs as', rule: 'HC050'}])
    const missing = healthySnapshot()
    Object.assign(missing.salesforce!.integrationUser!, {unavailable: {user: {grant: 're-authorize', reason: 'no active or inactive user heroku.connect@acme.example in org 00D'}}, user: null})
    expect(runRules([hc050], missing).skipped).to.deep.equal([{
      name: 'integration-user', provide: 're-authorize', reason: 'the integration user heroku.connect@acme.example could not be read: no active or inactive user heroku.connect@acme.example in org 00D', rule: 'HC050',
    }])
  })

  it('is skipped without Salesforce credentials', () => {
    const {findings, skipped} = runRules([hc050], withoutSource(healthySnapshot(), 'salesforce'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'integration-user', provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials', rule: 'HC050'}])
  })
})

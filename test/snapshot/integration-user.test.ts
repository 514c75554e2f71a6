import {expect} from 'chai'

import type {SalesforceUserInfo} from '../../src/clients/salesforce.js'

import {UsageError} from '../../src/errors.js'
import {checkSameOrg, integrationUserFacts, integrationUserQueries} from '../../src/snapshot/integration-user.js'

// The integration-user collector's pure parts: the SOQL it sends, the org check, and how answers
// (and refusals) become facts. The HTTP side runs against the fake org in test/commands/user-check.

const info: SalesforceUserInfo = {organization_id: '00DHs000000AcmeMAA', preferred_username: 'avery.admin@acme.example', user_id: '005Hs00000AdminAAA'}
const target = {organizationId: '00DHs000000AcmeMAA', username: 'heroku.connect@acme.example'}
const userRow = {Email: 'heroku.connect@acme.example', FirstName: 'Heroku', Id: '005Hs00000IntgSyAA', IsActive: true, LastName: 'Connect', ManagerId: null, Name: 'Heroku Connect', Profile: {Name: 'Connect Sync', UserLicense: {Name: 'Salesforce'}}, UserType: 'Standard', Username: target.username}

describe('integration-user collector', () => {
  it('queries the user by username, quoting it, and reaches its permission sets through a composite reference and a semi-join', () => {
    const queries = integrationUserQueries("o'brien\\x@acme.example", ['Contact', 'Bad Name', 'Lead'])
    expect(Object.keys(queries)).to.deep.equal(['user', 'permissionSets', 'logins', 'objectPermissions', 'fieldPermissions'])
    expect(queries.user).to.match(/FROM User WHERE Username = 'o\\'brien\\\\x@acme\.example'$/)
    expect(queries.logins).to.equal("SELECT LoginType, LoginTime, Application, SourceIp FROM LoginHistory WHERE UserId = '@{user.records[0].Id}' AND LoginTime = LAST_N_DAYS:30 ORDER BY LoginTime DESC")
    expect(queries.fieldPermissions).to.equal("SELECT ParentId, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '@{user.records[0].Id}') AND SobjectType IN ('Contact', 'Lead')")
    expect(Object.keys(integrationUserQueries('a@b.c', []))).to.deep.equal(['user', 'permissionSets', 'logins'])
  })

  it('stops on a token for another org, and accepts 15- and 18-character ids of the same one', () => {
    expect(() => checkSameOrg(info, {...target, organizationId: '00DHs000000OthrAAA'})).to.throw(UsageError, 'the Salesforce token is for org 00DHs000000AcmeMAA, but the connection syncs org 00DHs000000OthrAAA')
    expect(() => checkSameOrg(info, {...target, organizationId: '00DHs000000AcmeM'})).not.to.throw()
    expect(() => checkSameOrg(info, {...target, organizationId: null})).not.to.throw()
  })

  it('keeps what it could read and says, per part, why the rest is missing and what to grant', () => {
    const facts = integrationUserFacts(info, target, {
      fieldPermissions: {records: [{Field: 'Contact.Email', ParentId: '0PS1', PermissionsEdit: false, PermissionsRead: true}]},
      logins: {error: {errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id', status: 400}},
      objectPermissions: {records: []},
      permissionSets: {records: [{PermissionSet: {Name: 'Sync_Group', PermissionsApiUserOnly: true, Type: 'Group'}, PermissionSetGroup: {DeveloperName: 'Sync'}, PermissionSetId: '0PS2'}]},
      user: {records: [userRow]},
    })
    expect(facts.ownToken).to.equal(false)
    expect(facts.user).to.deep.include({id: '005Hs00000IntgSyAA', profileName: 'Connect Sync', userLicense: 'Salesforce'})
    expect(facts.permissionSets![0]).to.deep.include({group: 'Sync', id: '0PS2', name: 'Sync_Group', type: 'Group'})
    expect(facts.permissionSets![0].permissions).to.include({ApiEnabled: false, ApiUserOnly: true})
    expect(facts.logins).to.equal(null)
    expect(facts.unavailable).to.deep.equal({logins: {grant: 'Manage Users or Monitor Login History for the user whose token is used (or use the integration user\'s own token)', reason: 'INSUFFICIENT_ACCESS: insufficient access rights on object id'}})
    expect(facts.fieldPermissions).to.deep.equal([{edit: false, field: 'Contact.Email', parentId: '0PS1', read: true}])
  })

  it('counts logins by type over every row, and keeps the latest UI logins as evidence', () => {
    const rows = [
      ...Array.from({length: 2500}, () => ({LoginTime: '2026-11-20T10:00:00.000+0000', LoginType: 'Remote Access 2.0'})),
      {Application: 'Browser', LoginTime: '2026-11-29T09:00:00.000+0000', LoginType: 'Application', SourceIp: '198.51.100.9'},
    ]
    const facts = integrationUserFacts({...info, preferred_username: target.username}, target, {logins: {records: rows}, user: {records: [userRow]}})
    expect(facts.ownToken).to.equal(true)
    expect(facts.logins).to.deep.equal({byType: {Application: 1, 'Remote Access 2.0': 2500}, total: 2501, ui: [{application: 'Browser', at: '2026-11-29T09:00:00.000+0000', sourceIp: '198.51.100.9'}]})
  })

  it('marks every part unread when the user is missing or the whole call failed', () => {
    const missing = integrationUserFacts(info, target, {logins: {error: {errorCode: 'PROCESSING_HALTED', message: 'Invalid reference specified.', status: 400}}, user: {records: []}})
    expect(missing.user).to.equal(null)
    expect(missing.unavailable.user?.reason).to.equal('no active or inactive user heroku.connect@acme.example in org 00DHs000000AcmeMAA')
    expect(missing.unavailable.logins?.reason).to.equal('the user was not read (no active or inactive user heroku.connect@acme.example in org 00DHs000000AcmeMAA)')
    const failed = integrationUserFacts(info, target, {failed: 'Salesforce is rate limiting requests (HTTP 429)'})
    expect(Object.keys(failed.unavailable)).to.deep.equal(['user', 'permissionSets', 'logins', 'objectPermissions', 'fieldPermissions'])
    expect(failed.unavailable.objectPermissions?.reason).to.equal('Salesforce is rate limiting requests (HTTP 429)')
  })
})

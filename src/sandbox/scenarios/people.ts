import type {SfProfileSpec, SfUserSpec} from '../model.js'

// Users and profiles of the sandbox org. The healthy org syncs through a dedicated API-only
// integration user; the messy one through a user on a full Salesforce licence that people also
// log in as, whose profile lacks a permission Connect needs. In both, the sandbox's default token
// is the administrator's, as when a real audit runs as an admin.

export const INTEGRATION_USER_ID = '005Hs00000IntgSyAA'
export const ADMIN_USER_ID = '005Hs00000AdminAAA'
export const SALES_USER_ID = '005Hs00000SalesAAA'

export const integrationProfile: SfProfileSpec = {
  apiEnabled: true,
  apiUserOnly: true,
  id: '00eHs000000IntgAAA',
  modifyAllData: false,
  name: 'Minimum Access - API Only Integrations',
  passwordNeverExpires: true,
  userLicense: 'Salesforce Integration',
  viewAllData: true,
  viewEncryptedData: false,
  viewSetup: true,
}

export const adminProfile: SfProfileSpec = {
  apiEnabled: true,
  apiUserOnly: false,
  id: '00eHs000000AdmnAAA',
  modifyAllData: true,
  name: 'System Administrator',
  passwordNeverExpires: false,
  userLicense: 'Salesforce',
  viewAllData: true,
  viewEncryptedData: false,
  viewSetup: true,
}

export const standardProfile: SfProfileSpec = {
  ...adminProfile,
  id: '00eHs000000StdUAAA',
  modifyAllData: false,
  name: 'Standard User',
  viewAllData: false,
  viewSetup: false,
}

/** The messy org's sync profile: a cloned Standard User, on a licence that is not API-only. */
export const syncProfile: SfProfileSpec = {
  ...standardProfile,
  id: '00eHs000000SyncAAA',
  name: 'Connect Sync',
  // Connect cannot create Leads from Postgres
  objectDenials: {Lead: ['create']},
}

export function users(integrationProfileId: string): SfUserSpec[] {
  return [
    {id: INTEGRATION_USER_ID, name: 'Heroku Connect Integration', profileId: integrationProfileId, username: 'heroku.connect@acme.example', userType: 'Standard'},
    {id: ADMIN_USER_ID, name: 'Avery Admin', profileId: adminProfile.id, username: 'avery.admin@acme.example', userType: 'Standard'},
    {id: SALES_USER_ID, name: 'Sam Sales', profileId: standardProfile.id, username: 'sam.sales@acme.example', userType: 'Standard'},
  ]
}

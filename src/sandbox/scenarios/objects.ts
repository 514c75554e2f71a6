import type {SfFieldSpec, SfObjectSpec} from '../model.js'

// The objects of the sandbox org, shaped like their real Salesforce describes. Both scenarios use
// the same org metadata; they differ in which fields are mapped and how the org is administered.

const audit: SfFieldSpec[] = [
  {createable: false, name: 'CreatedDate', nillable: false, type: 'datetime', updateable: false},
  {createable: false, name: 'LastModifiedDate', nillable: false, type: 'datetime', updateable: false},
  {createable: false, name: 'SystemModstamp', nillable: false, type: 'datetime', updateable: false},
  {createable: false, name: 'IsDeleted', nillable: false, type: 'boolean', updateable: false},
]

const id: SfFieldSpec = {createable: false, name: 'Id', nillable: false, type: 'id', updateable: false}
const owner: SfFieldSpec = {name: 'OwnerId', referenceTo: ['User'], relationshipName: 'Owner', type: 'reference'}
// the open pipeline: what the Account roll-ups sum and count
const OPEN_STAGES = [{field: 'Opportunity.StageName', operation: 'notEqual', value: 'Closed Won, Closed Lost'}]

export const account: SfObjectSpec = {
  fields: [
    id,
    {length: 255, name: 'Name', nillable: false, type: 'string'},
    {length: 40, name: 'AccountNumber', type: 'string'},
    {length: 255, name: 'Industry', type: 'picklist'},
    {length: 40, name: 'Phone', type: 'phone'},
    {length: 255, name: 'Website', type: 'url'},
    {length: 32_000, name: 'Description', type: 'textarea'},
    {externalId: true, length: 36, name: 'External_Id__c', type: 'string', unique: true},
    {name: 'Open_Amount__c', rollup: {filterItems: OPEN_STAGES, foreignKey: 'Opportunity.AccountId', operation: 'SUM', summarizedField: 'Opportunity.Amount', summarizedObject: 'Opportunity'}, type: 'currency'},
    {name: 'Open_Opportunities__c', rollup: {filterItems: OPEN_STAGES, foreignKey: 'Opportunity.AccountId', operation: 'COUNT', summarizedObject: 'Opportunity'}, type: 'double'},
    owner,
    ...audit,
  ],
  label: 'Account',
  name: 'Account',
}

export const contact: SfObjectSpec = {
  fields: [
    id,
    {length: 40, name: 'FirstName', type: 'string'},
    {length: 80, name: 'LastName', nillable: false, type: 'string'},
    {length: 80, name: 'Email', type: 'email'},
    {length: 40, name: 'Phone', type: 'phone'},
    {name: 'Birthdate', type: 'date'},
    {name: 'AccountId', referenceTo: ['Account'], relationshipName: 'Account', type: 'reference'},
    {externalId: true, length: 36, name: 'External_Id__c', type: 'string', unique: true},
    {formula: 'Account.Name', length: 1300, name: 'Account_Name__c', type: 'string'},
    {formula: 'FirstName & " " & LastName', length: 1300, name: 'Display_Name__c', type: 'string'},
    {length: 11, name: 'SSN__c', type: 'encryptedstring'},
    {encrypted: true, length: 20, name: 'Tax_Id__c', type: 'string'},
    {hiddenFromIntegrationUser: true, length: 255, name: 'Loyalty_Tier__c', type: 'picklist'},
    owner,
    ...audit,
  ],
  label: 'Contact',
  name: 'Contact',
}

export const lead: SfObjectSpec = {
  fields: [
    id,
    {length: 40, name: 'FirstName', type: 'string'},
    {length: 80, name: 'LastName', nillable: false, type: 'string'},
    {length: 255, name: 'Company', nillable: false, type: 'string'},
    {length: 80, name: 'Email', type: 'email'},
    {defaultedOnCreate: true, length: 255, name: 'Status', nillable: false, type: 'picklist'},
    {externalId: true, length: 36, name: 'External_Id__c', type: 'string', unique: true},
    owner,
    ...audit,
  ],
  label: 'Lead',
  name: 'Lead',
}

export const opportunity: SfObjectSpec = {
  fields: [
    id,
    {length: 120, name: 'Name', nillable: false, type: 'string'},
    {length: 255, name: 'StageName', nillable: false, type: 'picklist'},
    {name: 'CloseDate', nillable: false, type: 'date'},
    {name: 'Amount', type: 'currency'},
    {name: 'AccountId', referenceTo: ['Account'], relationshipName: 'Account', type: 'reference'},
    {externalId: true, length: 36, name: 'External_Id__c', type: 'string', unique: true},
    // a plain text field some teams pick as "unique identifier" without making it an External ID
    {length: 40, name: 'Legacy_Key__c', type: 'string'},
    owner,
    ...audit,
  ],
  label: 'Opportunity',
  name: 'Opportunity',
}

export const user: SfObjectSpec = {
  fields: [
    id,
    {length: 80, name: 'Username', nillable: false, type: 'string'},
    {length: 121, name: 'Name', type: 'string'},
    {length: 80, name: 'Email', nillable: false, type: 'email'},
    {name: 'IsActive', type: 'boolean'},
    {createable: false, name: 'SystemModstamp', nillable: false, type: 'datetime', updateable: false},
    {createable: false, name: 'CreatedDate', nillable: false, type: 'datetime', updateable: false},
  ],
  label: 'User',
  name: 'User',
}

export const ORG_OBJECTS: SfObjectSpec[] = [account, contact, lead, opportunity, user]

import {expect} from 'chai'

import {changedConfig, configChanged, configDiff} from '../../src/analysis/mapping-config.js'
import type {MappingConfig} from '../../src/clients/connect-types.js'

// The mapping configuration changes the workflows save through the Connect API, and the diff
// they show first.

const lead: MappingConfig = {access: 'read_write', fields: {Email: {}, LastName: {}}, indexes: {Email: {unique: false}}, sf_polling_seconds: 600}

describe('mapping configuration changes', () => {
  it('adds a unique identifier: the field, upsert_field and a unique index, keeping the rest', () => {
    const next = changedConfig(lead, {upsertField: 'External_Id__c'})
    expect(next).to.deep.equal({
      access: 'read_write', fields: {Email: {}, External_Id__c: {}, LastName: {}}, indexes: {Email: {unique: false}, External_Id__c: {unique: true}}, sf_polling_seconds: 600, upsert_field: 'External_Id__c',
    })
    expect(configDiff(lead, next)).to.deep.equal(['+ fields.External_Id__c', '~ upsert_field: none -> "External_Id__c"', '~ indexes.External_Id__c: none -> {"unique":true}'])
  })

  it('is a no-op the second time, whatever the spelling Connect kept', () => {
    const saved = {...changedConfig(lead, {upsertField: 'External_Id__c'}), fields: {Email: {}, LastName: {}, external_id__c: {}}}
    saved.indexes = {Email: {unique: false}, External_Id__c: {unique: true}}
    expect(configChanged(saved, changedConfig(saved, {upsertField: 'External_Id__c'}))).to.equal(false)
  })

  it('removes fields case-insensitively', () => {
    const next = changedConfig(lead, {remove: ['email']})
    expect(Object.keys(next.fields)).to.deep.equal(['LastName'])
    expect(configDiff(lead, next)).to.deep.equal(['- fields.Email'])
  })
})

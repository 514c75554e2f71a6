import {expect} from 'chai'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {parseExport, readExportFile} from '../../src/snapshot/export-file.js'

describe('connect:export files', () => {
  it('reads a real export: schema from the connection name, upsert_field, api_version, features', async () => {
    const facts = await readExportFile('test/fixtures/acme-crm-export.json')
    expect(facts).to.include({apiVersion: '62.0', logDrain: true, name: 'acme-crm:DATABASE_URL:crm_sync', origin: 'export', schema: 'crm_sync', state: null})
    expect(facts.features).to.deep.include({poll_db_no_merge: true, ucs_basic_collation_index: true})
    expect(facts.validations).to.equal(null)
    expect(facts.mappings.map(m => [m.object, m.table, m.access, m.upsertField, m.pollingSeconds])).to.deep.equal([
      ['Contact', 'contact', 'read_write', 'External_Id__c', 600],
      ['Lead', 'lead', 'read_write', null, 120],
    ])
    expect(facts.mappings[0].fields).to.include('External_Id__c')
    expect(facts.mappings[0].indexes.External_Id__c).to.deep.equal({unique: true})
  })

  it('lets --schema override the schema', () => {
    expect(parseExport({mappings: []}, 'x.json', 'org').schema).to.equal('org')
    expect(parseExport({mappings: []}, 'x.json').schema).to.equal('salesforce')
  })

  const broken: Array<[string, unknown, RegExp]> = [
    ['a JSON array', [], /top level must be a JSON object/],
    ['a package.json', {name: 'x', version: '1.0.0'}, /mappings is missing: this is not a Heroku Connect export/],
    ['an unknown version', {mappings: [], version: 2}, /version is 2/],
    ['a bad access', {mappings: [{config: {access: 'write', fields: {}}, object_name: 'Lead'}]}, /mappings\[0\]\.config\.access is "write"/],
    ['a hostile object name', {mappings: [{config: {access: 'read_only', fields: {}}, object_name: 'Lead"; DROP TABLE x;--'}]}, /mappings\[0\]\.object_name is .* not a Salesforce object API name/],
    ['a repeated object', {mappings: [{config: {access: 'read_only', fields: {}}, object_name: 'Lead'}, {config: {access: 'read_only', fields: {}}, object_name: 'lead'}]}, /mappings\[1\]\.object_name repeats lead/],
    ['fields as a list', {mappings: [{config: {access: 'read_only', fields: ['Id']}, object_name: 'Lead'}]}, /config\.fields must be an object/],
    ['a text polling interval', {mappings: [{config: {access: 'read_only', fields: {}, sf_polling_seconds: '600'}, object_name: 'Lead'}]}, /sf_polling_seconds must be a number/],
    ['a bad api version', {connection: {api_version: 'latest'}, mappings: []}, /api_version is "latest"/],
  ]
  for (const [label, json, message] of broken) {
    it(`rejects ${label} with a usage error naming the path`, () => {
      expect(() => parseExport(json, 'export.json')).to.throw(message).with.property('exitCode', 2)
    })
  }

  it('rejects a file that is not JSON, and a missing file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hcg-export-'))
    writeFileSync(path.join(dir, 'bad.json'), '{"mappings": [')
    await readExportFile(path.join(dir, 'bad.json')).then(() => expect.fail('parsed'), error => expect(error.message).to.match(/bad\.json is not valid JSON/))
    await readExportFile(path.join(dir, 'none.json')).then(() => expect.fail('parsed'), error => expect(error.message).to.match(/none\.json: no such file/))
  })
})

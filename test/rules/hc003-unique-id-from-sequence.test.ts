import {expect} from 'chai'

import {hc003} from '../../src/rules/hc003-unique-id-from-sequence.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const contact = {field: 'External_Id__c', fix: 'heroku connect:external-ids -a acme-crm --mapping Contact, or by hand: ALTER TABLE salesforce.contact ALTER COLUMN external_id__c SET DEFAULT gen_random_uuid()::text', object: 'Contact', practice: 1, rule: 'HC003', severity: 'error', table: 'salesforce.contact'}

function withDefault(value: null | string) {
  const snapshot = healthySnapshot()
  snapshot.postgres!.uniqueIds[0].default = value
  return runRules([hc003], snapshot).findings
}

describe('HC003 unique-id-from-sequence', () => {
  it('fires for an identifier defaulted from a sequence', () => {
    expect(withDefault("(nextval('public.contact_external_seq'::regclass))::text")).to.deep.equal([{
      ...contact,
      message: "unique identifier salesforce.contact.external_id__c defaults to a sequence ((nextval('public.contact_external_seq'::regclass))::text): sequence values restart and repeat across databases, so they are not unique identifiers",
    }])
  })

  it('fires for an identifier derived from Connect\'s id, through its sequence or a generated column', () => {
    const connectId = "is derived from Connect's id column"
    expect(withDefault("(nextval('salesforce.contact_id_seq'::regclass))::text")[0].message).to.contain(connectId)
    expect(withDefault('(id)::text')).to.deep.equal([{
      ...contact,
      message: "unique identifier salesforce.contact.external_id__c is derived from Connect's id column ((id)::text): id is renumbered when the table is reloaded or the configuration imported into another database, so identifiers repeat",
    }])
    expect(withDefault("('C-'::text || (id)::text)")[0].message).to.contain(connectId)
    // what Postgres shows for DEFAULT 'opp-' || currval(pg_get_serial_sequence('salesforce.opportunity', 'id'))
    expect(withDefault("('opp-'::text || currval((pg_get_serial_sequence('\"salesforce\".opportunity'::text, 'id'::text))::regclass))")[0].message).to.contain(connectId)
    expect(withDefault("(currval('salesforce.contact_id_seq'::regclass))::text")[0].message).to.contain(connectId)
  })

  it('recognises Connect\'s id sequence by its owner when Postgres shortened its name', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.relations.find(r => r.name === 'contact_id_seq')!.name = 'contact_id_seq1'
    snapshot.postgres!.uniqueIds[0].default = "(nextval('salesforce.contact_id_seq1'::regclass))::text"
    expect(runRules([hc003], snapshot).findings[0].message).to.contain("is derived from Connect's id column")
  })

  it('does not fire without a default: the app may set the identifier at INSERT (HC002 reports rows that lack one)', () => {
    expect(withDefault(null)).to.deep.equal([])
    expect(withDefault('NULL::character varying')).to.deep.equal([])
    // a blank default that a trigger replaces with a UUID is a real pattern too
    expect(withDefault("''::character varying")).to.deep.equal([])
  })

  it('accepts random UUID defaults and other expressions it cannot judge', () => {
    for (const value of ['gen_random_uuid()::text', '(uuid_generate_v4())::character varying', "md5((random())::text || 'id.x')"]) {
      expect(withDefault(value), value).to.deep.equal([])
    }
  })

  it('falls back to the catalog column when the identifier was not profiled, and ignores a missing column', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.uniqueIds = [{column: 'external_id__c', default: null, duplicates: 0, exists: false, nulls: 0, rows: 0, table: 'account'}]
    snapshot.postgres!.relations.find(r => r.name === 'contact')!.columns.find(c => c.name === 'external_id__c')!.default = "nextval('contact_ext_seq')"
    expect(runRules([hc003], snapshot).findings.map(f => f.object)).to.deep.equal(['Contact'])
  })

  it('does not fire on the healthy setup', () => {
    expect(runRules([hc003], healthySnapshot()).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    const {findings, skipped} = runRules([hc003], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'unique-id-from-sequence', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC003'}])
  })
})

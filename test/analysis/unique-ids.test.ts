import {expect} from 'chai'

import {judgeIdentifier, needsIdentifierFix} from '../../src/analysis/unique-ids.js'
import {healthySnapshot, sfField} from '../rules/fixtures.js'

// The one judgement of a read-write mapping's identifier that HC001-HC003 report and
// connect:external-ids acts on.

const contact = (snapshot: ReturnType<typeof healthySnapshot>) => snapshot.connection!.mappings.find(m => m.object === 'Contact')!

describe('unique identifier judgement', () => {
  it('finds nothing wrong with the healthy Contact', () => {
    const snapshot = healthySnapshot()
    const judgement = judgeIdentifier(snapshot, contact(snapshot))
    expect(judgement).to.deep.equal({badDefault: null, countsUnknown: false, duplicates: 0, missing: false, missingFlags: [], nulls: 0})
    expect(needsIdentifierFix(judgement)).to.equal(false)
  })

  it('sees each problem the audit reports', () => {
    const snapshot = healthySnapshot()
    Object.assign(snapshot.postgres!.uniqueIds[0], {default: "nextval('contact_seq'::regclass)", duplicates: 2, nulls: 5})
    const described = snapshot.salesforce!.objects.Contact as {fields: Array<ReturnType<typeof sfField>>}
    described.fields = described.fields.map(f => (f.name === 'External_Id__c' ? sfField('External_Id__c', {externalId: true, unique: false}) : f))
    const judgement = judgeIdentifier(snapshot, contact(snapshot))
    expect({...judgement, badDefault: judgement.badDefault?.kind}).to.deep.equal({badDefault: 'sequence', countsUnknown: false, duplicates: 2, missing: false, missingFlags: ['Unique'], nulls: 5})
    expect(needsIdentifierFix(judgement)).to.equal(true)
  })

  it('a mapping without an identifier, and counts that did not finish, both need the command', () => {
    const snapshot = healthySnapshot()
    expect(needsIdentifierFix(judgeIdentifier(snapshot, {...contact(snapshot), upsertField: null}))).to.equal(true)
    snapshot.postgres!.uniqueIds[0].unfinished = {seconds: 30}
    expect(judgeIdentifier(snapshot, contact(snapshot)).countsUnknown).to.equal(true)
  })
})

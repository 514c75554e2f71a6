import {expect} from 'chai'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {RULES} from '../../../src/rules/index.js'
import {analyse, exitCodeFor, selectRules} from '../../../src/workflows/audit/analyse.js'
import {readWaivers} from '../../../src/workflows/audit/waivers.js'
import {healthySnapshot} from '../../rules/fixtures.js'

function brokenSnapshot() {
  const snapshot = healthySnapshot()
  snapshot.connection!.mappings[0].upsertField = null
  return snapshot
}

describe('audit analysis', () => {
  it('selects rules by id or name and rejects unknown ones', () => {
    expect(selectRules(RULES, ['hc001']).map(r => r.id)).to.deep.equal(['HC001'])
    expect(selectRules(RULES, ['read-write-without-unique-id']).map(r => r.id)).to.deep.equal(['HC001'])
    expect(selectRules(RULES, [], ['HC001']).map(r => r.id)).to.not.include('HC001')
    expect(() => selectRules(RULES, ['HC999'])).to.throw(/--only: unknown rule "HC999"/)
  })

  it('exits 1 at or above --fail-on and 0 below it', () => {
    const report = analyse(brokenSnapshot(), [...RULES], [], '2026-11-25')
    expect(report.findings.map(f => f.rule)).to.include('HC001')
    expect(exitCodeFor(report, 'error')).to.equal(1)
    expect(exitCodeFor(report, 'never')).to.equal(0)
    expect(exitCodeFor(analyse(healthySnapshot(), [...RULES], [], '2026-11-25'), 'info')).to.equal(0)
  })

  it('waives a finding until its expiry date and reports expired waivers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hcg-waivers-'))
    const file = path.join(dir, '.connect-guard.json')
    writeFileSync(file, JSON.stringify({waivers: [
      {expires: '2026-12-31', object: 'Contact', reason: 'identifier lands in sprint 42', rule: 'read-write-without-unique-id'},
      {expires: '2026-01-31', reason: 'old', rule: 'HC001'},
    ]}))
    const waivers = await readWaivers(file, RULES)
    const report = analyse(brokenSnapshot(), [...RULES], waivers, '2026-11-25')
    expect(report.findings.filter(f => f.rule === 'HC001')).to.deep.equal([])
    expect(report.waived).to.have.length(1)
    expect(report.waived[0]).to.include({expires: '2026-12-31', reason: 'identifier lands in sprint 42'})
    expect(report.expiredWaivers).to.deep.equal([{expired: '2026-01-31', field: null, object: null, reason: 'old', rule: 'HC001'}])
    const later = analyse(brokenSnapshot(), [...RULES], waivers, '2027-01-01')
    expect(later.findings.map(f => f.rule)).to.include('HC001')
  })

  it('refuses waivers without a reason or an expiry', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hcg-waivers-'))
    const file = path.join(dir, '.connect-guard.json')
    writeFileSync(file, JSON.stringify({waivers: [{expires: '2026-12-31', rule: 'HC001'}]}))
    await readWaivers(file, RULES).then(() => expect.fail(), error => expect(error.message).to.match(/needs a "reason"/))
    writeFileSync(file, JSON.stringify({waivers: [{reason: 'x', rule: 'HC001'}]}))
    await readWaivers(file, RULES).then(() => expect.fail(), error => expect(error.message).to.match(/needs "expires"/))
    expect(await readWaivers(path.join(dir, 'absent.json'), RULES)).to.deep.equal([])
  })
})

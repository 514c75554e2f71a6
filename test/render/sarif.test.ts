import {expect} from 'chai'
import {createRequire} from 'node:module'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'

import {renderReport} from '../../src/render/index.js'
import {FINGERPRINT_KEY, renderSarif, type SarifLog, type SarifResult} from '../../src/render/sarif.js'
import type {AuditReport} from '../../src/workflows/audit/report.js'
import {CLEAN, EXPORT, MESSY} from './fixtures.js'

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (2.1.0-rtm.5, JSON Schema draft-04),
// from the @microsoft/jest-sarif package; no network. It differs from the later OASIS copy only in
// how GUIDs and language tags are matched and in three more notification kinds, none of which we emit.
const require = createRequire(import.meta.url)
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object
// unicodeRegExp off: rtm.5's language-tag pattern has a stray `]` that only non-unicode regexps accept
// both packages are CommonJS whose module.exports carries itself as .default, the one name TS sees
const ajv = new ajvDraft04.default({allErrors: true, strict: false, unicodeRegExp: false})
ajvFormats.default(ajv)
const validate = ajv.compile(schema)

function expectValid(log: unknown): void {
  const ok = validate(JSON.parse(JSON.stringify(log)))
  expect(ok, ajv.errorsText(validate.errors, {separator: '\n'})).to.equal(true)
}

const sarif = (report: AuditReport, artifactPath?: string): SarifLog => renderSarif(report, {artifactPath, toolVersion: '0.1.0'})
const resultFor = (log: SarifLog, ruleId: string): SarifResult => log.runs[0].results.find(r => r.ruleId === ruleId)!

describe('render/sarif', () => {
  it('validates against the SARIF 2.1.0 schema for every fixture and artifact kind', () => {
    for (const report of [MESSY, CLEAN, EXPORT]) expectValid(sarif(report))
    expectValid(sarif(EXPORT, 'config/connect export.json'))
    expectValid(sarif(EXPORT, '/work/repo/connect-export.json'))
  })

  it('catches an invalid log, so the validation above means something', () => {
    const broken = JSON.parse(JSON.stringify(sarif(MESSY)))
    broken.runs[0].results[0].level = 'fatal'
    expect(validate(broken)).to.equal(false)
  })

  it('describes the tool and every rule that ran', () => {
    const {driver} = sarif(MESSY).runs[0].tool
    expect(driver).to.include({informationUri: 'https://github.com/heroku-connect-guard/heroku-connect-guard', name: 'heroku-connect-guard', semanticVersion: '0.1.0'})
    expect(driver.rules.map(r => (r as {id: string}).id)).to.deep.equal(MESSY.rules.map(r => r.id))
    expect(driver.rules[0]).to.deep.include({
      defaultConfiguration: {level: 'error'},
      helpUri: 'https://github.com/heroku-connect-guard/heroku-connect-guard/blob/main/docs/rules.md#hc001-read-write-without-unique-id',
      name: 'ReadWriteWithoutUniqueId',
      properties: {practice: 1, tags: ['heroku-connect', 'practice-1', 'connect']},
    })
    expect(driver.rules.map(r => (r as {defaultConfiguration: {level: string}}).defaultConfiguration.level)).to.include.members(['error', 'warning', 'note'])
  })

  it('maps each finding to a result with its rule, level, message and fix', () => {
    const log = sarif(MESSY)
    const hc010 = resultFor(log, 'HC010')
    expect(hc010).to.include({level: 'warning', ruleIndex: 1})
    expect(hc010.message.text).to.match(/^Opportunity\.Account_Region__c is a cross-object formula.* Fix: replace it with/)
    expect(resultFor(log, 'HC071').level).to.equal('note')
    for (const result of log.runs[0].results) expect(MESSY.rules[result.ruleIndex!].id).to.equal(result.ruleId)
  })

  it('locates results logically by table and column, physically by a stable pseudo-path', () => {
    const [location] = resultFor(sarif(MESSY), 'HC010').locations
    expect(location.physicalLocation).to.deep.equal({artifactLocation: {uri: 'heroku-connect/hcg-messy-app/salesforce/opportunity', uriBaseId: '%SRCROOT%'}, region: {startLine: 1}})
    expect(location.logicalLocations).to.deep.equal([
      {fullyQualifiedName: 'salesforce.opportunity.account_region__c', kind: 'column', name: 'account_region__c'},
      {fullyQualifiedName: 'Opportunity', kind: 'object', name: 'Opportunity'},
    ])
    expect(resultFor(sarif(MESSY), 'HC020').locations[0].physicalLocation.artifactLocation.uri).to.equal('heroku-connect/hcg-messy-app/salesforce/helper_%60tick%60%7Cpipe')
    expect(resultFor(sarif(MESSY), 'HC071').locations[0]).to.not.have.property('logicalLocations')
  })

  it('points results at the export file when the report came from one', () => {
    expect(resultFor(sarif(EXPORT, 'config/connect export.json'), 'HC001').locations[0].physicalLocation.artifactLocation).to.deep.equal({uri: 'config/connect%20export.json', uriBaseId: '%SRCROOT%'})
    expect(resultFor(sarif(EXPORT, '/work/repo/connect-export.json'), 'HC001').locations[0].physicalLocation.artifactLocation).to.deep.equal({uri: 'file:///work/repo/connect-export.json'})
  })

  it('fingerprints a finding by rule and place, not by its wording', () => {
    const print = (report: AuditReport) => sarif(report).runs[0].results.map(r => r.partialFingerprints[FINGERPRINT_KEY])
    const prints = print(MESSY)
    expect(new Set(prints).size).to.equal(prints.length)
    const reworded = {...MESSY, findings: MESSY.findings.map(f => ({...f, fix: 'other', message: `${f.message} (reworded)`}))}
    expect(print(reworded)).to.deep.equal(prints)
    expect(prints[0]).to.match(/^[\da-f]{32}$/)
  })

  it('reports skipped rules and expired waivers as notifications, waived findings as suppressed', () => {
    const [run] = sarif(MESSY).runs
    const notes = run.invocations[0].toolExecutionNotifications
    expect(run.invocations[0].executionSuccessful).to.equal(true)
    expect(notes.filter(n => n.level === 'note').map(n => n.descriptor.id)).to.deep.equal(['HC050', 'HC060', 'HC076', 'HC072'])
    expect(notes[0].message.text).to.equal('HC050 integration-user skipped: no Salesforce credentials. To run it: pass --target-org or set SF_INSTANCE_URL and SF_ACCESS_TOKEN')
    expect(notes.at(-1)).to.deep.include({associatedRule: {id: 'HC001', index: 0}, level: 'warning'})
    const suppressed = run.results.filter(r => r.suppressions)
    expect(suppressed).to.have.length(1)
    expect(suppressed[0].suppressions![0]).to.deep.equal({justification: 'accepted until the region moves to Postgres (JIRA-42)', kind: 'external', properties: {expires: '2099-12-31'}, status: 'accepted'})
  })

  it('is what renderReport prints for --format sarif', () => {
    const printed = renderReport(MESSY, 'sarif', {color: false, toolVersion: '0.1.0'})
    expect(JSON.parse(printed)).to.deep.equal(JSON.parse(JSON.stringify(sarif(MESSY))))
    expect(JSON.parse(printed)).to.include({$schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0'})
  })
})

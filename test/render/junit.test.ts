import {expect} from 'chai'

import {renderJunit, xmlAttr, xmlText} from '../../src/render/junit.js'
import {CLEAN, HOSTILE, MESSY} from './fixtures.js'
import {expectSnapshot} from './snapshot.js'
import {findAll, parseXml, type XmlElement} from './xml.js'

const suiteOf = (xml: string): XmlElement => findAll(parseXml(xml), 'testsuite')[0]
const caseNamed = (suite: XmlElement, prefix: string): XmlElement => findAll(suite, 'testcase').find(c => c.attrs.name.startsWith(prefix))!

describe('render/junit', () => {
  it('renders the messy report as the snapshot shows', () => {
    expectSnapshot('junit-messy.xml', renderJunit(MESSY) + '\n')
  })

  it('is well-formed XML with one suite whose counts match its cases', () => {
    const root = parseXml(renderJunit(MESSY))
    expect(root.name).to.equal('testsuites')
    const suites = findAll(root, 'testsuite')
    expect(suites).to.have.length(1)
    const [suite] = suites
    const cases = findAll(suite, 'testcase')
    expect(suite.attrs).to.include({errors: '0', failures: '5', name: 'heroku-connect-guard', skipped: '4', tests: '11'})
    expect(cases).to.have.length(Number(suite.attrs.tests))
    expect(cases.filter(c => findAll(c, 'failure').length > 0)).to.have.length(Number(suite.attrs.failures))
    expect(cases.filter(c => findAll(c, 'skipped').length > 0)).to.have.length(Number(suite.attrs.skipped))
    expect(cases.every(c => c.attrs.classname === 'connect.audit')).to.equal(true)
  })

  it('fails a rule on errors and warnings, keeps info and waivers as output, skips with the reason', () => {
    const suite = suiteOf(renderJunit(MESSY))
    expect(findAll(caseNamed(suite, 'HC001 '), 'failure')[0].attrs).to.include({message: 'read-write mapping Contact has no unique identifier', type: 'error'})
    expect(findAll(caseNamed(suite, 'HC010 '), 'failure')[0].attrs.type).to.equal('warning')
    expect(findAll(caseNamed(suite, 'HC010 '), 'system-out')[0].text).to.match(/^waived until 2099-12-31/)
    const info = caseNamed(suite, 'HC071 ')
    expect(findAll(info, 'failure')).to.have.length(0)
    expect(findAll(info, 'system-out')[0].text).to.include('_trigger_log holds 120,000 rows')
    expect(caseNamed(suite, 'HC075 ').children).to.have.length(0)
    expect(findAll(caseNamed(suite, 'HC072 '), 'skipped')[0].attrs.message).to.equal('no database: the app has no DATABASE_URL; to run it: pass --database-url or set DATABASE_URL')
  })

  it('carries hostile text through escaped: markup, quotes, newlines and unicode intact, controls made visible', () => {
    const xml = renderJunit(MESSY)
    const failure = findAll(caseNamed(suiteOf(xml), 'HC070 '), 'failure')[0]
    const visible = HOSTILE.replaceAll('\u001B', String.raw`\u001b`).replaceAll('\u0000', String.raw`\u0000`).replaceAll('\u0007', String.raw`\u0007`)
    expect(failure.text).to.include(visible)
    expect(failure.attrs.message).to.include('<b>Name</b> & \'Type\' "quoted" | pipe second line with tab')
    const fk = findAll(caseNamed(suiteOf(xml), 'HC041 '), 'failure')[0]
    expect(fk.text).to.include('naïve_日本語__c').and.include('🚀').and.include(String.raw`\u202egnp.exe`)
    expect(fk.text).to.include('<img src=x onerror=alert(1)>')
    expect(xml).to.not.include('<img')
  })

  it('escapes what XML needs and nothing else', () => {
    expect(xmlText('a < b && c > d "q"\r\n')).to.equal('a &lt; b &amp;&amp; c &gt; d "q"&#13;\n')
    expect(xmlAttr('say "hi"\n\'there\'\t')).to.equal('say &quot;hi&quot;&#10;&apos;there&apos;&#9;')
    expect(xmlText('lone \uD800 surrogate, \uFFFF, emoji 🚀 kept')).to.equal(String.raw`lone \ud800 surrogate, \uffff, emoji 🚀 kept`)
  })

  it('passes every rule of a clean report', () => {
    const suite = suiteOf(renderJunit(CLEAN))
    expect(suite.attrs).to.include({failures: '0', skipped: '0', tests: '3'})
  })

  it('keeps the failures of a rule that ran but could not check one table in time, noting the part it skipped', () => {
    const partly = {...MESSY, skipped: [...MESSY.skipped, {name: 'trigger-log-failed-rows', provide: 'pass --max-scan-seconds 120', reason: 'the count of FAILED rows in salesforce.big did not finish within 30 s', rule: 'HC070'}]}
    const suite = suiteOf(renderJunit(partly))
    const hc070 = caseNamed(suite, 'HC070 ')
    expect(findAll(hc070, 'skipped')).to.have.length(0)
    expect(findAll(hc070, 'failure')[0].attrs.type).to.equal('error')
    expect(findAll(hc070, 'system-out')[0].text).to.equal('partly skipped: the count of FAILED rows in salesforce.big did not finish within 30 s; to run it: pass --max-scan-seconds 120')
    expect(suite.attrs).to.include({skipped: suiteOf(renderJunit(MESSY)).attrs.skipped})
  })
})

import {expect} from 'chai'

import {OUTPUT_FORMATS, renderReport} from '../../src/render/index.js'
import {CLEAN, MESSY} from './fixtures.js'

// renderReport picks the renderer for a format; the expectations here are written out by hand
// from the fixture, not computed with the code under test.

describe('render/index', () => {
  const options = {color: false, toolVersion: '0.1.0'}

  it('prints the documented --json contract for json', () => {
    const json = JSON.parse(renderReport(MESSY, 'json', options))
    expect(Object.keys(json)).to.deep.equal(['app', 'schema', 'summary', 'findings'])
    expect(json.app).to.equal('hcg-messy-app')
    expect(json.schema).to.equal('salesforce')
    expect(json.summary).to.deep.equal({
      error: 2, info: 1, skipped: [
        'HC050: no Salesforce credentials', 'HC060: no Salesforce credentials', 'HC076: no Salesforce credentials', 'HC072: no database: the app has no DATABASE_URL',
      ], warning: 3,
    })
    expect(json.findings.map((f: {rule: string}) => f.rule)).to.deep.equal(['HC001', 'HC070', 'HC010', 'HC020', 'HC041', 'HC071'])
    expect(JSON.parse(renderReport(CLEAN, 'json', options)).findings).to.deep.equal([])
  })

  it('opens the table with the summary, then the details grouped by severity; --summary stops after the summary', () => {
    const table = renderReport(MESSY, 'table', options).split('\n')
    expect(table[0]).to.equal('=== heroku-connect-guard audit: hcg-messy-app (salesforce)')
    expect(table[2]).to.match(/^ {2}Rule\s+Severity\s+Count\s+Objects$/)
    expect(table.slice(3, 9).map(line => line.trim().split(/\s{2,}/))).to.deep.equal([
      ['HC001', 'error', '1', 'Contact'],
      ['HC070', 'error', '1', 'Account'],
      ['HC010', 'warning', '1', 'Opportunity'],
      ['HC020', 'warning', '1', 'salesforce.helper_`tick`|pipe'],
      ['HC041', 'warning', '1', 'Ünïcødé__c'],
      ['HC071', 'info', '1', '(connection)'],
    ])
    expect(table.indexOf('Errors (2)')).to.be.above(9)
    expect(table.indexOf('Warnings (3)')).to.be.above(table.indexOf('Errors (2)'))
    expect(table.at(-1)).to.equal('2 errors, 3 warnings, 1 info, 4 skipped, 1 waived')

    const summary = renderReport(MESSY, 'table', {...options, summary: true}).split('\n')
    expect(summary.slice(0, 9)).to.deep.equal(table.slice(0, 9))
    expect(summary).to.not.include('Errors (2)')
    expect(summary.at(-1)).to.equal(table.at(-1))
    expect(renderReport(MESSY, 'table', {...options, color: true})).to.include('\u001B[')
  })

  it('renders every format to text without a trailing newline', () => {
    expect([...OUTPUT_FORMATS].sort()).to.deep.equal(['json', 'junit', 'markdown', 'sarif', 'table'])
    for (const format of OUTPUT_FORMATS) {
      const text = renderReport(MESSY, format, options)
      expect(text, format).to.not.match(/\n$/)
      expect(text.length, format).to.be.above(100)
    }
  })
})

import {expect} from 'chai'

import {OUTPUT_FORMATS, renderReport} from '../../src/render/index.js'
import {renderTable} from '../../src/render/table.js'
import {toJson} from '../../src/workflows/audit/report.js'
import {CLEAN, MESSY} from './fixtures.js'

describe('render/index', () => {
  const options = {color: false, toolVersion: '0.1.0'}

  it('prints the documented --json contract for json', () => {
    expect(JSON.parse(renderReport(MESSY, 'json', options))).to.deep.equal(JSON.parse(JSON.stringify(toJson(MESSY))))
    expect(renderReport(CLEAN, 'json', options)).to.equal(JSON.stringify(toJson(CLEAN), null, 2))
  })

  it('prints the table as the lines renderTable writes', () => {
    const lines: string[] = []
    renderTable(MESSY, {color: false, write: line => lines.push(line)})
    expect(renderReport(MESSY, 'table', options)).to.equal(lines.join('\n'))
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

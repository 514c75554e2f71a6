import {expect} from 'chai'

import {renderTable} from '../../src/render/table.js'
import type {AuditReport} from '../../src/workflows/audit/report.js'
import {CLEAN, EXPORT, MESSY} from './fixtures.js'
import {expectSnapshot} from './snapshot.js'

const ESC = '\u001B'
const render = (report: AuditReport, color = false, width?: number): string[] => {
  const lines: string[] = []
  renderTable(report, {color, width, write: line => lines.push(line)})
  return lines
}

describe('render/table', () => {
  it('renders the messy report as the snapshot shows', () => {
    expectSnapshot('table-messy.txt', render(MESSY).join('\n') + '\n')
  })

  it('says plainly that a clean report has no findings', () => {
    expectSnapshot('table-clean.txt', render(CLEAN).join('\n') + '\n')
    expect(render(CLEAN)).to.include('No findings: all 3 rules that ran passed.')
  })

  it('heads an offline report without an app and counts in the singular', () => {
    const lines = render(EXPORT)
    expect(lines[0]).to.equal('=== heroku-connect-guard audit (salesforce)')
    expect(lines.at(-1)).to.equal('1 error, 0 warnings, 0 info, 1 skipped')
  })

  it('groups errors, then warnings, then info, then skipped, waived and expired waivers', () => {
    const lines = render(MESSY)
    const order = ['Errors (2)', 'Warnings (3)', 'Info (1)', 'Skipped (4)', 'Waived (1)', 'Expired waivers (1)'].map(heading => lines.indexOf(heading))
    expect(order).to.not.include(-1)
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order)
    expect(lines.at(-1)).to.equal('2 errors, 3 warnings, 1 info, 4 skipped, 1 waived')
  })

  it('puts each fix on its own line and keeps a trailing command whole', () => {
    const lines = render(MESSY)
    expect(lines).to.include('    fix: heroku connect:external-ids --mapping Contact')
    expect(lines).to.include('         heroku connect:schema:scaffold --formulas --mapping Opportunity')
  })

  it('fits 80 columns, letting only a single unbreakable word run over', () => {
    for (const line of render(MESSY)) {
      if (line.length <= 80) continue
      expect(line.trim(), line).to.not.include(' ')
    }
  })

  it('uses a wider terminal when told its width', () => {
    expect(render(MESSY, false, 120).length).to.be.below(render(MESSY).length)
  })

  it('sends no escape sequence without colour, not even one hidden in a finding', () => {
    const text = render(MESSY).join('\n')
    expect(text).to.not.include(ESC)
    expect(text).to.not.match(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/)
    expect(text).to.include(String.raw`\u001b[31mred\u001b[0m`)
  })

  it('colours severities, labels and counts when asked, and says the same words', () => {
    const coloured = render(MESSY, true)
    const text = coloured.join('\n')
    expect(text).to.include(`${ESC}[38;5;210m`)
    expect(text).to.include(`${ESC}[38;5;214m`)
    expect(text).to.include(`${ESC}[1m`)
    expect(coloured.map(line => line.replaceAll(/\u001B\[[\d;]*m/g, ''))).to.deep.equal(render(MESSY))
  })
})

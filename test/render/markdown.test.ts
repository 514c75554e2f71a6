import {expect} from 'chai'

import {RULES_DOCS_URL, ruleAnchor, ruleDocsUrl, ruleRef} from '../../src/render/docs-url.js'
import {MARKDOWN_MARKER, mdCode, mdText, renderMarkdown} from '../../src/render/markdown.js'
import {CLEAN, MESSY} from './fixtures.js'
import {expectSnapshot} from './snapshot.js'

/** GFM splits a row on every pipe that is not backslash-escaped, code spans included. */
const cells = (row: string): string[] => row.slice(1, -1).split(/(?<!\\)\|/)

describe('render/markdown', () => {
  it('renders the messy report as the snapshot shows', () => {
    expectSnapshot('markdown-messy.md', renderMarkdown(MESSY) + '\n')
  })

  it('renders the clean report as the snapshot shows', () => {
    const text = renderMarkdown(CLEAN)
    expectSnapshot('markdown-clean.md', text + '\n')
    expect(text).to.include('No findings: all 3 rules that ran passed.')
  })

  it('starts with a marker a CI job can find its previous comment by, then the title and summary', () => {
    const lines = renderMarkdown(MESSY).split('\n')
    expect(lines.slice(0, 4)).to.deep.equal([MARKDOWN_MARKER, '## heroku-connect-guard audit: `hcg-messy-app` (`salesforce`)', '', '**2 errors, 3 warnings, 1 info, 4 skipped, 1 waived**'])
  })

  it('keeps every table row to its header\'s cells, whatever the data holds', () => {
    const lines = renderMarkdown(MESSY).split('\n')
    let width = 0
    for (const line of lines) {
      if (!line.startsWith('|')) {
        width = 0
        continue
      }

      width ||= cells(line).length
      expect(cells(line), line).to.have.length(width)
    }
  })

  it('lets no HTML of the data through, only its own <br> and <sub>', () => {
    const tags = renderMarkdown(MESSY).match(/<\/?[a-z][^>]*>/gi) ?? []
    expect([...new Set(tags)].sort()).to.deep.equal(['</sub>', '<br>', '<sub>'])
  })

  it('escapes markup, entities, pipes and newlines in prose', () => {
    expect(mdText('a | b\nc <i>&amp;</i> [x](y) **z** `q`')).to.equal(String.raw`a \| b<br>c &lt;i&gt;&amp;amp;&lt;/i&gt; \[x\](y) \*\*z\*\* \`q\``)
    expect(mdText('_hc_err in Account_Region__c and _it_')).to.equal(String.raw`\_hc_err in Account_Region__c and \_it\_`)
    expect(mdText('bell\u0007 rtl\u202E')).to.equal(String.raw`bell\u0007 rtl\u202e`)
  })

  it('fences identifiers past their own backticks and escapes their pipes', () => {
    expect(mdCode('salesforce.contact')).to.equal('`salesforce.contact`')
    expect(mdCode('a`b|c')).to.equal('``a`b\\|c``')
    expect(mdCode('`edge`')).to.equal('`` `edge` ``')
    expect(mdCode('')).to.equal('')
  })

  it('links rule ids to their section of docs/rules.md', () => {
    const hc001 = {id: 'HC001', name: 'read-write-without-unique-id'}
    expect(ruleAnchor(hc001)).to.equal('hc001-read-write-without-unique-id')
    expect(ruleDocsUrl(hc001)).to.equal('https://github.com/heroku-connect-guard/heroku-connect-guard/blob/main/docs/rules.md#hc001-read-write-without-unique-id')
    expect(renderMarkdown(MESSY)).to.include(`[HC001](${ruleDocsUrl(hc001)}) read-write-without-unique-id`)
    expect(ruleDocsUrl(ruleRef(MESSY, 'HC999'))).to.equal(RULES_DOCS_URL)
  })
})

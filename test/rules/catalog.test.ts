import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'

import {renderRulesDoc} from '../../src/rules/docs.js'
import {RULES} from '../../src/rules/index.js'

describe('rule catalog', () => {
  it('has unique ids and kebab-case names, each with why, remedy and a test file', () => {
    const ids = RULES.map(rule => rule.id)
    const names = RULES.map(rule => rule.name)
    expect(new Set(ids).size).to.equal(ids.length)
    expect(new Set(names).size).to.equal(names.length)
    for (const rule of RULES) {
      expect(rule.id).to.match(/^HC\d{3}$/)
      expect(rule.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(rule.why.length, `${rule.id} why`).to.be.greaterThan(40)
      expect(rule.remedy.length, `${rule.id} remedy`).to.be.greaterThan(20)
      for (const text of [rule.summary, rule.why, rule.remedy]) expect(text, `${rule.id} docs text has an unexpanded placeholder`).to.not.include('${')
      const file = `test/rules/${rule.id.toLowerCase()}-${rule.name}.test.ts`
      expect(existsSync(file), `${file} exists`).to.equal(true)
    }
  })

  it('docs/rules.md is generated from the rules (run npm run docs:rules)', () => {
    expect(readFileSync('docs/rules.md', 'utf8')).to.equal(renderRulesDoc(RULES))
  })
})

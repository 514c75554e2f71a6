import {expect} from 'chai'

import {SUPPORTED_FUNCTIONS} from '../../../src/analysis/formula/functions.js'
import {FormulaSyntaxError, parse} from '../../../src/analysis/formula/syntax.js'
import {translateFormula} from '../../../src/analysis/formula/translate.js'
import {objectNamed} from './fixtures.js'

// What the translator will not turn into SQL, and why. A refusal is a result, never an exception,
// and never SQL that computes something else.

const contact = objectNamed('Contact')

const REFUSED: Array<[formula: string, returnType: string, reason: string, detail: RegExp]> = [
  ['HYPERLINK("/" & Account.Name, "open")', 'Text', 'unsupported-function', /HYPERLINK\(\) is outside/],
  ['TRIM(FirstName)', 'Text', 'unsupported-function', /TRIM/],
  ['$User.FirstName & FirstName', 'Text', 'global', /\$User\.FirstName is a global/],
  ['$Label.Greeting', 'Text', 'global', /global/],
  ['Account.Owner.Manager.Name', 'Text', 'lookup-depth', /3 lookups deep/],
  ['Missing__c', 'Text', 'unmapped', /Contact\.Missing__c is not a mapped field/],
  ['Parent__r.Name', 'Text', 'unmapped', /no mapped lookup behind Parent__r/],
  ['Account.Owner.Nickname', 'Text', 'unmapped', /User\.Nickname/],
  ['Tags__c', 'Text', 'type', /multipicklist/],
  ['Account.Owner.Secret__c', 'Text', 'type', /encryptedstring/],
  ['FirstName & 1', 'Text', 'type', /& takes text/],
  ['FirstName + 1', 'Text', 'type', /text \+ number/],
  ['Level__c = "Gold"', 'Checkbox', 'type', /ISPICKVAL/],
  ['Level__c', 'Text', 'type', /computes picklist/],
  ['Code__c < "b"', 'Checkbox', 'type', /collation/],
  ['Amount__c = NULL', 'Checkbox', 'type', /ISBLANK/],
  ['Amount__c = "1"', 'Checkbox', 'type', /number with text/],
  ['IF(Active__c, 1, "x")', 'Text', 'type', /IF mixes number and text/],
  ['IF(Amount__c, 1, 2)', 'Number', 'type', /IF takes boolean/],
  ['IF(Active__c, Level__c, "x")', 'Text', 'type', /TEXT\(\)/],
  ['TEXT(Active__c)', 'Text', 'type', /TEXT of boolean/],
  ['VALUE(Amount__c)', 'Number', 'type', /VALUE takes text/],
  ['ISPICKVAL(Level__c, FirstName)', 'Checkbox', 'type', /literal/],
  ['Birthdate * 2', 'Number', 'type', /\* takes number/],
  ['Birthdate + Birthdate', 'Date', 'type', /date \+ date/],
  ['FirstName', 'Number', 'type', /computes text but the field returns Number/],
  ['FirstName', 'Time', 'type', /returning Time/],
  ['IF(Active__c, 1)', 'Number', 'syntax', /IF takes 3 arguments, not 2/],
  ['CASE(Qty__c, 1, "a")', 'Text', 'syntax', /CASE takes/],
  ['FirstName &', 'Text', 'syntax', /ends where a value was expected/],
  ['(FirstName', 'Text', 'syntax', /expected "\)"/],
  ['FirstName LastName', 'Text', 'syntax', /unexpected at offset 10/],
  ['"open', 'Text', 'syntax', /not closed/],
  ['FirstName # 1', 'Text', 'syntax', /unexpected character "#"/],
  ['2 ^ 3 ^ 2', 'Number', 'syntax', /chained \^/],
]

describe('formula translator: refusals', function () {
  for (const [formula, returnType, reason, detail] of REFUSED) {
    it(`refuses ${formula} (${reason})`, function () {
      const result = translateFormula(formula, contact, {returnType})
      expect(result.ok, JSON.stringify(result)).to.equal(false)
      if (result.ok) return
      expect(result.reason).to.equal(reason)
      expect(result.detail).to.match(detail)
    })
  }

  it('translates exactly the stated subset plus the logical functions', function () {
    expect(SUPPORTED_FUNCTIONS).to.deep.equal([
      'AND', 'BLANKVALUE', 'CASE', 'IF', 'ISBLANK', 'ISNULL', 'ISPICKVAL', 'LEFT', 'LEN', 'LOWER', 'NOT', 'NULLVALUE', 'OR', 'RIGHT', 'TEXT', 'TODAY', 'UPPER', 'VALUE',
    ])
  })
})

describe('formula parser', function () {
  it('binds * before +, + before comparisons, comparisons before && and && before ||', function () {
    expect(parse('a || b && c = d + e * f')).to.deep.equal({
      kind: 'binary', left: {kind: 'field', path: ['a']}, op: '||',
      right: {
        kind: 'binary', left: {kind: 'field', path: ['b']}, op: '&&',
        right: {
          kind: 'binary', left: {kind: 'field', path: ['c']}, op: '=',
          right: {kind: 'binary', left: {kind: 'field', path: ['d']}, op: '+', right: {kind: 'binary', left: {kind: 'field', path: ['e']}, op: '*', right: {kind: 'field', path: ['f']}}},
        },
      },
    })
  })

  it('reads names case-insensitively as functions and keywords, and keeps dotted paths', function () {
    expect(parse('if(true, null, Account.Owner.Name)')).to.deep.equal({
      args: [{kind: 'bool', value: true}, {kind: 'null'}, {kind: 'field', path: ['Account', 'Owner', 'Name']}], kind: 'call', name: 'IF',
    })
  })

  it('subtracts left to right', function () {
    expect(parse('1 - 2 - 3')).to.deep.equal({
      kind: 'binary', left: {kind: 'binary', left: {kind: 'number', text: '1'}, op: '-', right: {kind: 'number', text: '2'}}, op: '-', right: {kind: 'number', text: '3'},
    })
  })

  it('throws its own error type on broken input', function () {
    expect(() => parse('IF(')).to.throw(FormulaSyntaxError)
  })
})

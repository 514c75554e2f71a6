import {expect} from 'chai'
import pg from 'pg'

import {type FormulaSettings, fromClause, translateFormula} from '../../../src/analysis/formula/translate.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'
import {FIXTURE_SQL, objectNamed} from './fixtures.js'

// Each formula runs in real Postgres over three contacts (filled, blank, without an account); the
// expected values are what Salesforce shows for those records, worked out by hand.

type Row = 'BLANK' | 'FULL' | 'ORPHAN'
type Value = boolean | null | number | string
type Case = [formula: string, settings: Partial<FormulaSettings> & {returnType: string}, expected: [full: Value, blank: Value, orphan: Value]]

const contact = objectNamed('Contact')
const asBlank = {treatBlanksAs: 'BlankAsBlank'}

const CASES: Record<string, Case[]> = {
  'arithmetic and &': [
    ['FirstName & LastName', {returnType: 'Text'}, ['AdaLovelace', null, 'OrphanKid']],
    ['FirstName & " " & LastName', {returnType: 'Text'}, ['Ada Lovelace', ' ', 'Orphan Kid']],
    ['"n=" + TEXT(Qty__c)', {returnType: 'Text'}, ['n=3', 'n=0', 'n=0']],
    ['Amount__c + Qty__c', {returnType: 'Number'}, [15.5, 0, -2]],
    ['Amount__c + Qty__c', {returnType: 'Number', ...asBlank}, [15.5, null, -2]],
    ['Amount__c * 2 - Qty__c / 2', {returnType: 'Number'}, [23.5, 0, -4]],
    ['Amount__c / Qty__c', {returnType: 'Number', scale: 2}, [4.17, null, null]],
    ['1 + 2 * 3 ^ 2', {returnType: 'Number'}, [19, 19, 19]],
    ['(2 ^ 3) ^ 2', {returnType: 'Number'}, [64, 64, 64]],
    ['-Amount__c', {returnType: 'Number'}, [-12.5, 0, 2]],
    ['(1 + 2) * 3', {returnType: 'Number'}, [9, 9, 9]],
    ['Amount__c ^ 0.5', {returnType: 'Number', scale: 3}, [3.536, 0, null]],
    ['Discount__c * Amount__c', {returnType: 'Currency', scale: 2}, [3.13, 0, 0]],
    ['Discount__c * 2', {returnType: 'Percent', scale: 0}, [50, 0, 0]],
    ['Birthdate + 1', {returnType: 'Date'}, ['1990-03-01', null, '2000-01-02']],
    ['LastSeen__c + 0.5', {returnType: 'DateTime'}, ['2024-03-02 01:45:07', null, '2000-01-01 12:00:00']],
    ['LastSeen__c - LastSeen__c', {returnType: 'Number'}, [0, null, 0]],
  ],
  'field references through lookups': [
    ['Account.Name', {returnType: 'Text'}, ['Acme', null, null]],
    ['account.name', {returnType: 'Text'}, ['Acme', null, null]],
    ['Account.Owner.Name', {returnType: 'Text'}, ['Olga Owner', null, null]],
    ['Account.Name & " / " & Account.Owner.Name', {returnType: 'Text'}, ['Acme / Olga Owner', ' / ', ' / ']],
    ['Account.AnnualRevenue', {returnType: 'Currency'}, [1_250_000.5, 0, 0]],
    ['Account.AnnualRevenue', {returnType: 'Currency', ...asBlank}, [1_250_000.5, null, null]],
    ['Active__c', {returnType: 'Checkbox'}, [true, false, false]],
  ],
  'IF, CASE, ISBLANK, BLANKVALUE, NULLVALUE': [
    ['IF(Active__c, "yes", "no")', {returnType: 'Text'}, ['yes', 'no', 'no']],
    ['IF(Amount__c > 10, Amount__c, NULL)', {returnType: 'Number', ...asBlank}, [12.5, null, null]],
    ['CASE(Level__c, "Gold", 1, "Silver", 2, 0)', {returnType: 'Number'}, [1, 0, 0]],
    ['CASE(Code__c, "", "empty", "abc", "letters", "other")', {returnType: 'Text'}, ['other', 'empty', 'letters']],
    ['CASE(Qty__c, 3, "three", 0, "zero", "other")', {returnType: 'Text'}, ['three', 'zero', 'zero']],
    ['CASE(Qty__c, 3, "three", 0, "zero", "other")', {returnType: 'Text', ...asBlank}, ['three', 'other', 'zero']],
    ['ISBLANK(Code__c)', {returnType: 'Checkbox'}, [false, true, false]],
    ['ISBLANK(FirstName)', {returnType: 'Checkbox'}, [false, true, false]],
    ['ISBLANK(Account.Name)', {returnType: 'Checkbox'}, [false, true, true]],
    // with "treat blanks as zeroes" a blank number is 0, so ISBLANK is false
    ['ISBLANK(Amount__c)', {returnType: 'Checkbox'}, [false, false, false]],
    ['ISBLANK(Amount__c)', {returnType: 'Checkbox', ...asBlank}, [false, true, false]],
    ['ISBLANK(Level__c)', {returnType: 'Checkbox'}, [false, true, true]],
    ['ISBLANK(Birthdate)', {returnType: 'Checkbox'}, [false, true, false]],
    ['BLANKVALUE(Code__c, "none")', {returnType: 'Text'}, [' 42.50 ', 'none', 'abc']],
    ['BLANKVALUE(Account.Name, FirstName)', {returnType: 'Text'}, ['Acme', null, 'Orphan']],
    ['BLANKVALUE(Amount__c, 7)', {returnType: 'Number', ...asBlank}, [12.5, 7, -2]],
    // NULLVALUE never replaces text: Salesforce holds text as "never null"
    ['NULLVALUE(Code__c, "none")', {returnType: 'Text'}, [' 42.50 ', null, 'abc']],
    ['NULLVALUE(Amount__c, 7)', {returnType: 'Number', ...asBlank}, [12.5, 7, -2]],
    ['NULLVALUE(Amount__c, 7)', {returnType: 'Number'}, [12.5, 0, -2]],
    ['ISNULL(Code__c)', {returnType: 'Checkbox'}, [false, false, false]],
    ['ISNULL(Birthdate)', {returnType: 'Checkbox'}, [false, true, false]],
    ['ISPICKVAL(Level__c, "Gold")', {returnType: 'Checkbox'}, [true, false, false]],
    ['ISPICKVAL(Account.Rating, "Hot")', {returnType: 'Checkbox'}, [true, false, false]],
    ['AND(Active__c, NOT(ISBLANK(Code__c)))', {returnType: 'Checkbox'}, [true, false, false]],
    ['OR(Active__c, Qty__c = 0) && TRUE', {returnType: 'Checkbox'}, [true, true, true]],
    ['Active__c || FALSE', {returnType: 'Checkbox'}, [true, false, false]],
    ['Code__c = ""', {returnType: 'Checkbox'}, [false, true, false]],
    ['Code__c <> "abc"', {returnType: 'Checkbox'}, [true, true, false]],
    ['Code__c != "abc"', {returnType: 'Checkbox'}, [true, true, false]],
    ['Amount__c > 10', {returnType: 'Checkbox', ...asBlank}, [true, false, false]],
    ['NOT(Amount__c > 10)', {returnType: 'Checkbox', ...asBlank}, [false, true, true]],
    ['Amount__c == 12.5', {returnType: 'Checkbox'}, [true, false, false]],
    ['Birthdate >= Birthdate', {returnType: 'Checkbox'}, [true, false, true]],
  ],
  'TEXT, VALUE, UPPER, LOWER, LEFT, RIGHT, LEN, TODAY': [
    ['TEXT(Amount__c)', {returnType: 'Text'}, ['12.5', '0', '-2']],
    ['TEXT(Account.AnnualRevenue)', {returnType: 'Text'}, ['1250000.5', '0', '0']],
    ['TEXT(Qty__c)', {returnType: 'Text', ...asBlank}, ['3', null, '0']],
    ['TEXT(Birthdate)', {returnType: 'Text'}, ['1990-02-28', null, '2000-01-01']],
    ['TEXT(LastSeen__c)', {returnType: 'Text'}, ['2024-03-01 13:45:07Z', null, '2000-01-01 00:00:00Z']],
    ['TEXT(Level__c)', {returnType: 'Text'}, ['Gold', null, null]],
    ['VALUE(Code__c)', {returnType: 'Number'}, [42.5, null, null]],
    ['VALUE("1e3") + 1', {returnType: 'Number'}, [1001, 1001, 1001]],
    ['UPPER(FirstName)', {returnType: 'Text'}, ['ADA', null, 'ORPHAN']],
    ['LOWER(Account.Owner.Name)', {returnType: 'Text'}, ['olga owner', null, null]],
    ['LEFT(LastName, 4)', {returnType: 'Text'}, ['Love', null, 'Kid']],
    ['LEFT(LastName, -1)', {returnType: 'Text'}, [null, null, null]],
    ['LEFT(LastName, 2.9)', {returnType: 'Text'}, ['Lo', null, 'Ki']],
    ['RIGHT(LastName, 3)', {returnType: 'Text'}, ['ace', null, 'Kid']],
    ['RIGHT(LastName, -2)', {returnType: 'Text'}, [null, null, null]],
    ['LEN(FirstName)', {returnType: 'Number'}, [3, 0, 6]],
    ['LEN(Account.Name)', {returnType: 'Number'}, [4, 0, 0]],
    ['TODAY() > Birthdate', {returnType: 'Checkbox'}, [true, false, true]],
    ['TODAY() - TODAY()', {returnType: 'Number'}, [0, 0, 0]],
  ],
  'literals and comments': [
    [String.raw`"say \"hi\"" & 'it\'s'`, {returnType: 'Text'}, ['say "hi"it\'s', 'say "hi"it\'s', 'say "hi"it\'s']],
    ['/* a comment */ "a" /* another */ & "b"', {returnType: 'Text'}, ['ab', 'ab', 'ab']],
    ['"x\'); DROP TABLE f.contact; --"', {returnType: 'Text'}, ["x'); DROP TABLE f.contact; --", "x'); DROP TABLE f.contact; --", "x'); DROP TABLE f.contact; --"]],
  ],
}

describe('formula translator: values in Postgres match Salesforce', function () {
  let db: TestDatabase
  let client: pg.Client

  before(async function () {
    db = await createTestDatabase('formula')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(FIXTURE_SQL)
  })

  after(async function () {
    await client?.end()
    await db?.drop()
  })

  async function valuesOf(formula: string, settings: FormulaSettings): Promise<Value[]> {
    const translation = translateFormula(formula, contact, settings)
    if (!translation.ok) throw new Error(`refused ${formula}: ${translation.detail}`)
    const {rows} = await client.query({
      rowMode: 'array',
      text: `SELECT (${translation.sql})::text ${fromClause(contact, translation.joins)} WHERE t.sfid = ANY($1) ORDER BY array_position($1, t.sfid::text)`,
      values: [['003FULL', '003BLANK', '003ORPHAN'] satisfies Array<`003${Row}`>],
    })
    return rows.map(([text]) => text)
  }

  const asText = (value: Value) => (value === null ? null : String(value))

  for (const [construct, cases] of Object.entries(CASES)) {
    describe(construct, function () {
      for (const [formula, settings, expected] of cases) {
        it(`${formula} (${settings.returnType}${settings.treatBlanksAs ? `, ${settings.treatBlanksAs}` : ''})`, async function () {
          const got = await valuesOf(formula, settings)
          const normal = got.map((v, i) => (typeof expected[i] === 'number' && v !== null ? String(Number(v)) : typeof expected[i] === 'boolean' && v !== null ? String(v === 'true') : v))
          expect(normal).to.deep.equal(expected.map(v => asText(v)))
        })
      }
    })
  }

  it('a formula reading TODAY() is marked volatile, one without is not', function () {
    const today = translateFormula('TODAY() > Birthdate', contact, {returnType: 'Checkbox'})
    const plain = translateFormula('Birthdate + 1', contact, {returnType: 'Date'})
    expect(today.ok && today.volatile).to.equal(true)
    expect(plain.ok && plain.volatile).to.equal(false)
  })

  it('joins each lookup once, however often the formula reads through it', function () {
    const translation = translateFormula('Account.Name & Account.Owner.Name & Account.Owner.Name', contact, {returnType: 'Text'})
    expect(translation.ok && translation.joins.map(j => j.table)).to.deep.equal(['f."account"', 'f."user"'])
  })
})

import {expect} from 'chai'
import pg from 'pg'

import {filterValues, translateRollUp} from '../../../src/analysis/formula/rollup.js'
import type {FilterItem} from '../../../src/snapshot/custom-fields.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'
import {FIXTURE_SQL, objectNamed} from './fixtures.js'

// Roll-up filters evaluated in Postgres over the fixture's three contacts of account 001A/001B
// (FULL: Gold, Active, 12.5; BLANK: all blank; ORPHAN: no account), counted per account.

const plain = objectNamed('Contact')
// the fixture reads AccountId as a lookup; a roll-up reads it as the child's field
const contact = {...plain, field: (f: string) => plain.field(f) ?? (f.toLowerCase() === 'accountid' ? {column: 'accountid', sfType: 'reference', type: 'text' as const} : undefined)}

describe('roll-up translator', function () {
  let db: TestDatabase
  let client: pg.Client

  before(async function () {
    db = await createTestDatabase('rollup')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(FIXTURE_SQL)
    // a second contact under Acme
    await client.query(`INSERT INTO f.contact (sfid, accountid, level__c, amount__c, code__c, active__c) VALUES ('003MORE', '001A', 'silver', NULL, 'xabcx', FALSE)`)
  })

  after(async function () {
    await client?.end()
    await db?.drop()
  })

  async function countFor(filterItems: FilterItem[], operation = 'count', summarizedField?: string): Promise<Record<string, string>> {
    const result = translateRollUp({filterItems, operation, summarizedField, summaryForeignKey: 'Contact.AccountId'}, contact)
    if (!result.ok) throw new Error(result.detail)
    const {rows} = await client.query(`SELECT t.sfid, ${result.sql}::text AS v FROM f.account t ORDER BY 1`)
    return Object.fromEntries(rows.map(r => [r.sfid, r.v]))
  }

  const CASES: Array<[string, FilterItem[], Record<string, null | string>, string?, string?]> = [
    ['no filter', [], {'001A': '2', '001B': '1'}],
    ['picklist equals a list, in any case', [{field: 'Contact.Level__c', operation: 'equals', value: 'Gold, Silver'}], {'001A': '2', '001B': '0'}],
    ['picklist not equal', [{field: 'Contact.Level__c', operation: 'notEqual', value: 'Gold'}], {'001A': '1', '001B': '1'}],
    ['equals blank', [{field: 'Contact.Code__c', operation: 'equals'}], {'001A': '0', '001B': '1'}],
    ['not equal to blank', [{field: 'Contact.Code__c', operation: 'notEqual', value: ''}], {'001A': '2', '001B': '0'}],
    ['checkbox true', [{field: 'Contact.Active__c', operation: 'equals', value: 'True'}], {'001A': '1', '001B': '0'}],
    ['checkbox false counts a blank checkbox', [{field: 'Contact.Active__c', operation: 'equals', value: 'false'}], {'001A': '1', '001B': '1'}],
    ['number greater than', [{field: 'Contact.Amount__c', operation: 'greaterThan', value: '10'}], {'001A': '1', '001B': '0'}],
    ['number not equal counts blanks', [{field: 'Contact.Amount__c', operation: 'notEqual', value: '12.5'}], {'001A': '1', '001B': '1'}],
    ['text contains', [{field: 'Contact.Code__c', operation: 'contains', value: 'ABC'}], {'001A': '1', '001B': '0'}],
    ['text starts with', [{field: 'Contact.Code__c', operation: 'startsWith', value: 'XAB'}], {'001A': '1', '001B': '0'}],
    ['SUM is 0 with no values', [], {'001A': '12.5', '001B': '0'}, 'sum', 'Contact.Amount__c'],
    ['MAX is blank with no values', [], {'001A': '12.5', '001B': null}, 'max', 'Contact.Amount__c'],
    ['MIN of a date', [], {'001A': '1990-02-28', '001B': null}, 'min', 'Contact.Birthdate'],
  ]

  for (const [what, items, expected, operation, summarized] of CASES) {
    it(what, async function () {
      expect(await countFor(items, operation, summarized)).to.deep.equal(expected)
    })
  }

  it('refuses filters it cannot translate faithfully, with the reason', function () {
    const refused = (item: FilterItem, operation = 'count', summarizedField?: string) => {
      const result = translateRollUp({filterItems: [item], operation, summarizedField, summaryForeignKey: 'Contact.AccountId'}, contact)
      return result.ok ? 'translated' : `${result.reason}: ${result.detail}`
    }

    expect(refused({field: 'Contact.Amount__c', operation: 'equals', valueField: 'Contact.Qty__c'})).to.match(/^filter: .*another field/)
    expect(refused({field: 'Contact.Birthdate', operation: 'equals', value: 'TODAY'})).to.match(/^filter: a filter on a date field/)
    expect(refused({field: 'Contact.Level__c', operation: 'includes', value: 'a'})).to.match(/^filter: text filter includes/)
    expect(refused({field: 'Contact.Amount__c', operation: 'lessThan', value: 'ten'})).to.match(/^filter: number filter/)
    expect(refused({field: 'Contact.Nope__c', operation: 'equals', value: 'x'})).to.match(/^unmapped: Contact.Nope__c/)
    expect(refused({field: 'Contact.Code__c', operation: 'notEqual', value: ''}, 'sum', 'Contact.Code__c')).to.match(/^type: SUM of a string field/)
  })

  it('splits filter values at commas outside quotes', function () {
    expect(filterValues('"Completed", "Closed, not Completed"')).to.deep.equal(['Completed', 'Closed, not Completed'])
    expect(filterValues('Renewal, Current')).to.deep.equal(['Renewal', 'Current'])
  })
})

import {expect} from 'chai'
import pg from 'pg'

import type {FormulaObject, ValueType} from '../../../src/analysis/formula/schema.js'

import {translateRollUp} from '../../../src/analysis/formula/rollup.js'
import {translateFormula} from '../../../src/analysis/formula/translate.js'
import {type ComputedField, formulaViewSql, viewName} from '../../../src/workflows/scaffold/formula-view.js'
import {materializeStatements, refreshStatement} from '../../../src/workflows/scaffold/materialize.js'
import {qualified, quoteIdent} from '../../../src/sql.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'

// Generated roll-up and cross-object views stay equal to an aggregate the test keeps itself, while
// child rows are inserted, changed, deleted and moved to another parent, and the parent changes.
// The account view's materialized copy, refreshed concurrently from a second session, is checked
// against the same aggregate.

const HELPER = 'app"; DROP SCHEMA sf; --'

function object(name: string, table: string, fields: Record<string, ValueType>, lookups: Record<string, () => FormulaObject> = {}): FormulaObject {
  return {
    field: f => (fields[f.toLowerCase()] ? {column: f.toLowerCase(), sfType: fields[f.toLowerCase()], type: fields[f.toLowerCase()]} : undefined),
    lookup: r => (lookups[r.toLowerCase()] ? {column: `${r.toLowerCase()}id`, object: lookups[r.toLowerCase()]()} : undefined),
    name,
    table: qualified('sf', table),
  }
}

const account = object('Account', 'account', {isdeleted: 'boolean', name: 'text', rating: 'picklist'})
const opportunity = object('Opportunity', 'opportunity', {accountid: 'text', amount: 'number', isdeleted: 'boolean', stagename: 'picklist'}, {account: () => account})

const rollUp = (field: string, operation: string, summarizedField?: string, filter = false): ComputedField => ({
  field,
  source: `${operation} of Opportunity${summarizedField ? `.${summarizedField}` : ''}`,
  translation: translateRollUp({
    filterItems: filter ? [{field: 'Opportunity.StageName', operation: 'equals', value: 'Closed Won'}] : [], operation,
    summarizedField: summarizedField && `Opportunity.${summarizedField}`, summaryForeignKey: 'Opportunity.AccountId',
  }, opportunity),
})

interface Child {sfid: string; accountid: null | string; amount: null | number; stagename: string; isdeleted: boolean}

describe('generated roll-up and cross-object views', function () {
  let db: TestDatabase
  let client: pg.Client
  const children: Child[] = []
  const names: Record<string, string> = {a1: 'Acme', a2: 'Globex'}

  before(async function () {
    db = await createTestDatabase('scaffold_views')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(`CREATE SCHEMA sf; CREATE SCHEMA ${quoteIdent(HELPER)};
      CREATE TABLE sf.account (id serial, sfid varchar(18), name varchar(255), rating varchar(255), isdeleted boolean);
      CREATE TABLE sf.opportunity (id serial, sfid varchar(18), accountid varchar(18), amount double precision, stagename varchar(255), isdeleted boolean);
      INSERT INTO sf.account (sfid, name, isdeleted) VALUES ('a1', 'Acme', FALSE), ('a2', 'Globex', FALSE);`)
    const accountView = formulaViewSql(HELPER, viewName('account'), account, [
      rollUp('Won_Count__c', 'count', undefined, true), rollUp('Total_Amount__c', 'sum', 'Amount'),
      rollUp('Smallest__c', 'min', 'Amount'), rollUp('Largest__c', 'max', 'Amount'),
    ])
    const opportunityView = formulaViewSql(HELPER, viewName('opportunity'), opportunity, [
      {field: 'Label__c', source: 'Account.Name & " / " & TEXT(StageName)', translation: translateFormula('Account.Name & " / " & TEXT(StageName)', opportunity, {returnType: 'Text'})},
      {field: 'Link__c', source: 'HYPERLINK("/" & Id, Account.Name)', translation: translateFormula('HYPERLINK("/" & Id, Account.Name)', opportunity, {returnType: 'Text'})},
    ])
    expect(opportunityView.sql).to.match(/^-- Opportunity\.Link__c is not computed here \(unsupported-function\)/)
    await client.query(accountView.sql)
    await client.query(opportunityView.sql)
    // twice: the second run changes nothing
    for (let i = 0; i < 2; i++) for (const statement of materializeStatements(HELPER, viewName('account'))) await client.query(statement)
    // the view is the only thing created: no trigger lands on the Connect tables
    const {rows} = await client.query(`SELECT count(*)::int AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sf'`)
    expect(rows[0].n).to.equal(0)
  })

  after(async function () {
    await client?.end()
    await db?.drop()
  })

  async function expectViewsMatch() {
    await expectAccountsMatch('account_computed')
    await refreshConcurrently()
    await expectAccountsMatch('account_computed_mat')
    const labels = await client.query(`SELECT sfid, label__c FROM ${qualified(HELPER, 'opportunity_computed')} ORDER BY sfid`)
    expect(labels.rows).to.deep.equal([...children].sort((a, b) => a.sfid.localeCompare(b.sfid)).map(c => ({label__c: `${c.accountid ? names[c.accountid] : ''} / ${c.stagename}`, sfid: c.sfid})))
  }

  /** From another session, while this one holds a read of the copy open: CONCURRENTLY does not wait for readers. */
  async function refreshConcurrently() {
    const other = new pg.Client({connectionString: db.url})
    await other.connect()
    try {
      await client.query('BEGIN')
      await client.query(`SELECT count(*) FROM ${qualified(HELPER, 'account_computed_mat')}`)
      await other.query("SET lock_timeout = '5s'")
      await other.query(refreshStatement(HELPER, viewName('account')))
    } finally {
      await client.query('COMMIT')
      await other.end()
    }
  }

  async function expectAccountsMatch(relation: string) {
    const {rows} = await client.query(`SELECT sfid, won_count__c::float8 AS won, total_amount__c::float8 AS total, smallest__c AS min, largest__c AS max FROM ${qualified(HELPER, relation)} ORDER BY sfid`)
    const expected = ['a1', 'a2'].map(sfid => {
      const mine = children.filter(c => c.accountid === sfid && !c.isdeleted)
      const amounts = mine.map(c => c.amount).filter((a): a is number => a !== null)
      return {
        max: amounts.length > 0 ? Math.max(...amounts) : null, min: amounts.length > 0 ? Math.min(...amounts) : null, sfid,
        total: amounts.reduce((a, b) => a + b, 0), won: mine.filter(c => c.stagename === 'Closed Won').length,
      }
    })
    expect(rows, relation).to.deep.equal(expected)
  }

  async function insert(child: Child) {
    children.push(child)
    await client.query('INSERT INTO sf.opportunity (sfid, accountid, amount, stagename, isdeleted) VALUES ($1, $2, $3, $4, $5)', [child.sfid, child.accountid, child.amount, child.stagename, child.isdeleted])
  }

  async function update(sfid: string, change: Partial<Child>) {
    Object.assign(children.find(c => c.sfid === sfid)!, change)
    for (const [column, value] of Object.entries(change)) await client.query(`UPDATE sf.opportunity SET ${column} = $1 WHERE sfid = $2`, [value, sfid])
  }

  it('starts empty: COUNT and SUM are 0, MIN and MAX blank', async function () {
    await expectViewsMatch()
  })

  it('keeps the materialized copy with a unique index on sfid, re-created when the view gains a column', async function () {
    const indexes = await client.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'account_computed_mat'`, [HELPER])
    expect(indexes.rows.map(r => r.indexdef)).to.deep.equal([`CREATE UNIQUE INDEX account_computed_mat_sfid ON ${quoteIdent(HELPER)}.account_computed_mat USING btree (sfid)`])
    await client.query(`CREATE OR REPLACE VIEW ${qualified(HELPER, 'account_computed')} AS SELECT v.*, 1 AS extra FROM (${(await client.query(`SELECT pg_get_viewdef($1::regclass) AS d`, [qualified(HELPER, 'account_computed')])).rows[0].d.replace(/;\s*$/, '')}) v`)
    for (const statement of materializeStatements(HELPER, viewName('account'))) await client.query(statement)
    const columns = await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum DESC LIMIT 1`, [qualified(HELPER, 'account_computed_mat')])
    expect(columns.rows[0].attname).to.equal('extra')
  })

  it('follows inserts, updates and deletes of child rows', async function () {
    await insert({accountid: 'a1', amount: 100, isdeleted: false, sfid: 'o1', stagename: 'Closed Won'})
    await insert({accountid: 'a1', amount: 250.5, isdeleted: false, sfid: 'o2', stagename: 'Prospecting'})
    await insert({accountid: 'a2', amount: null, isdeleted: false, sfid: 'o3', stagename: 'Closed Won'})
    await expectViewsMatch()
    await update('o2', {amount: 40, stagename: 'Closed Won'})
    await expectViewsMatch()
    await client.query(`DELETE FROM sf.opportunity WHERE sfid = 'o1'`)
    children.splice(children.findIndex(c => c.sfid === 'o1'), 1)
    await expectViewsMatch()
    // Connect marks a record deleted in Salesforce with isdeleted before it goes
    await update('o3', {isdeleted: true})
    await expectViewsMatch()
  })

  it('follows a child re-parented to another account, and one with no account', async function () {
    await insert({accountid: 'a2', amount: 7, isdeleted: false, sfid: 'o4', stagename: 'Closed Won'})
    await update('o2', {accountid: 'a2'})
    await expectViewsMatch()
    await update('o4', {accountid: null})
    await expectViewsMatch()
  })

  it("follows the parent's own change: the cross-object formula shows the new name, the roll-ups stay", async function () {
    await client.query(`UPDATE sf.account SET name = 'Acme Corp', rating = 'Hot' WHERE sfid = 'a1'`)
    names.a1 = 'Acme Corp'
    await update('o4', {accountid: 'a1'})
    await expectViewsMatch()
  })
})

import {expect} from 'chai'

import {UsageError} from '../../../src/errors.js'
import type {MappingFacts} from '../../../src/snapshot/types.js'
import {appendRuns, parseCsvPlan, parseJsonPlan, planRuns} from '../../../src/workflows/write-mode/simulate.js'
import {healthySnapshot} from '../../rules/fixtures.js'

const mappings = (): MappingFacts[] => healthySnapshot().connection!.mappings

function failure(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError)
    return (error as Error).message
  }

  throw new Error('expected a UsageError')
}

describe('--simulate plan files', () => {
  it('reads CSV rows in write order, with an optional header and comments, into runs', () => {
    const plan = parseCsvPlan('object,operation,count\n# backfill first\nContact,INSERT,50000\ncontact,insert,1_000\n\nAccount,update,300\nContact,INSERT,10\n', 'plan.csv')
    expect(plan.map(p => [p.object, p.operation, p.count, p.line])).to.deep.equal([
      ['Contact', 'INSERT', 50_000, 3], ['contact', 'INSERT', 1000, 4], ['Account', 'UPDATE', 300, 6], ['Contact', 'INSERT', 10, 7],
    ])
    // consecutive rows of one object and operation are one run, as they would be in _trigger_log
    expect(planRuns(plan, mappings(), 'plan.csv')).to.deep.equal([
      {action: 'INSERT', count: 51_000, table: 'contact'}, {action: 'UPDATE', count: 300, table: 'account'}, {action: 'INSERT', count: 10, table: 'contact'},
    ])
  })

  it('reads a JSON array the same way', () => {
    const plan = parseJsonPlan('[\n  {"object": "Contact", "operation": "INSERT", "count": 2000},\n  {"object": "Account", "operation": "DELETE", "count": 5}\n]', 'plan.json')
    expect(plan.map(p => [p.object, p.operation, p.count, p.line])).to.deep.equal([['Contact', 'INSERT', 2000, 2], ['Account', 'DELETE', 5, 3]])
  })

  it('puts the plan after the pending backlog, extending a run the plan continues', () => {
    expect(appendRuns([{action: 'UPDATE', count: 5, table: 'account'}, {action: 'INSERT', count: 100, table: 'contact'}], [{action: 'INSERT', count: 1900, table: 'contact'}])).to.deep.equal([
      {action: 'UPDATE', count: 5, table: 'account'}, {action: 'INSERT', count: 2000, table: 'contact'},
    ])
  })

  it('names the line of an unknown object, a negative count, a bad operation or a broken row', () => {
    expect(failure(() => planRuns(parseCsvPlan('Contact,INSERT,10\nWidget__c,INSERT,10\n', 'p.csv'), mappings(), 'p.csv'))).to.equal('p.csv line 2: unknown object Widget__c: the connection maps Contact, Account, Opportunity')
    expect(failure(() => parseCsvPlan('object,operation,count\nContact,INSERT,-5\n', 'p.csv'))).to.equal('p.csv line 2: count "-5" must be a whole number, 0 or more')
    expect(failure(() => parseCsvPlan('Contact,UPSERT,5\n', 'p.csv'))).to.equal('p.csv line 1: operation "UPSERT" is not INSERT, UPDATE or DELETE')
    expect(failure(() => parseCsvPlan('Contact,INSERT,5\nContact;INSERT;5\n', 'p.csv'))).to.equal('p.csv line 2: expected 3 columns (object, operation, count), got 1')
    expect(failure(() => parseCsvPlan('Contact,INSERT,5,extra\n', 'p.csv'))).to.equal('p.csv line 1: expected 3 columns (object, operation, count), got 4')
    expect(failure(() => parseCsvPlan('Contact,INSERT,1.5\n', 'p.csv'))).to.equal('p.csv line 1: count "1.5" must be a whole number, 0 or more')
    expect(failure(() => parseJsonPlan('[\n {"object": "Contact", "operation": "INSERT", "count": 1},\n {"object": "Contact", "operation": "INSERT", "count": -1}\n]', 'p.json'))).to.equal('p.json line 3: count -1 must be a whole number, 0 or more')
    expect(failure(() => parseJsonPlan('[\n {"object": "Contact",\n  "count": }\n]', 'p.json'))).to.match(/^p\.json line 3: not valid JSON/)
  })

  it('keeps hostile text out of the object name', () => {
    expect(failure(() => parseCsvPlan('"Contact; DROP TABLE x",INSERT,5\n', 'p.csv'))).to.equal('p.csv line 1: object "Contact; DROP TABLE x" is not a Salesforce object API name')
  })
})

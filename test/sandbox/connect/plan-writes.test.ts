import {expect} from 'chai'

import {planWrites, type PlannedChange, type WritePlanConnection} from '../../../src/sandbox/connect/plan-writes.js'

const eligible: WritePlanConnection = {
  apiVersion: '60.0',
  features: {disable_bulk_writes: false, poll_db_no_merge: true},
  mappings: [{object: 'Contact', upsertField: 'External_Id__c'}, {object: 'Account', upsertField: 'Ext__c'}],
}

function changes(count: number, action = 'INSERT', table = 'contact', firstId = 1): PlannedChange[] {
  return Array.from({length: count}, (_, i) => ({action, recordId: firstId + i, table}))
}

describe('planWrites', () => {
  it('sends a run of 2,500 INSERTs on an eligible mapping as one Bulk job', () => {
    const plan = planWrites(changes(2500), eligible)
    expect(plan.algorithm).to.equal('ordered')
    expect(plan.runs).to.have.length(1)
    expect(plan.runs[0]).to.include({action: 'INSERT', count: 2500, table: 'contact', via: 'bulk'})
    expect(plan.runs[0].reasons).to.deep.equal([])
    expect(plan.bulkJobs).to.equal(1)
    expect(plan.soapCalls).to.equal(0)
    // create job, one batch (up to 5,000 records), close, fetch results
    expect(plan.runs[0].batches).to.deep.equal([2500])
    expect(plan.apiCalls).to.equal(4)
  })

  it('cuts a Bulk job into batches of 5,000 records', () => {
    const plan = planWrites(changes(12_001), eligible)
    expect(plan.runs[0].batches).to.deep.equal([5000, 5000, 2001])
    expect(plan.apiCalls).to.equal(6)
  })

  it('sends SOAP batches of the connection\'s soap_batch_size', () => {
    const plan = planWrites(changes(450), {...eligible, soapBatchSize: 100})
    expect(plan.runs[0].batches).to.deep.equal([100, 100, 100, 100, 50])
    expect(plan.soapCalls).to.equal(5)
  })

  it('takes a connection without poll_db_no_merge as Ordered Writes, Connect\'s default for new connections', () => {
    const plan = planWrites(changes(2000), {...eligible, features: {}})
    expect(plan.algorithm).to.equal('ordered')
    expect(plan.runs[0].via).to.equal('bulk')
    expect(plan.apiCalls).to.equal(4)
  })

  it('sends exactly 2,000 changes by Bulk and 1,999 by SOAP in 10 calls of 200', () => {
    expect(planWrites(changes(2000), eligible).runs[0].via).to.equal('bulk')
    const plan = planWrites(changes(1999), eligible)
    expect(plan.runs[0].via).to.equal('soap')
    expect(plan.soapCalls).to.equal(10)
    expect(plan.runs[0].batches).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 200, 199])
    expect(plan.runs[0].reasons.join()).to.match(/1,999 changes is below 2,000/)
  })

  it('uses SOAP below API version 39', () => {
    const plan = planWrites(changes(2500), {...eligible, apiVersion: '38.0'})
    expect(plan.runs[0].via).to.equal('soap')
    expect(plan.soapCalls).to.equal(13)
    expect(plan.runs[0].reasons.join()).to.match(/API version 38.0 is below 39/)
    expect(planWrites(changes(2500), {...eligible, apiVersion: 39}).runs[0].via).to.equal('bulk')
  })

  it('uses SOAP without a unique identifier, or with Bulk writes disabled', () => {
    const noUpsert = planWrites(changes(2500), {...eligible, mappings: [{object: 'Contact'}]})
    expect(noUpsert.runs[0].via).to.equal('soap')
    expect(noUpsert.runs[0].reasons.join()).to.match(/no unique identifier/)
    const disabled = planWrites(changes(2500), {...eligible, features: {disable_bulk_writes: true, poll_db_no_merge: true}})
    expect(disabled.runs[0].via).to.equal('soap')
    expect(disabled.runs[0].reasons.join()).to.match(/disable_bulk_writes/)
  })

  it('never uses Bulk with Merged Writes, and packs batches across interleaved changes', () => {
    const interleaved: PlannedChange[] = []
    for (let i = 0; i < 3000; i++) interleaved.push({action: i % 2 ? 'UPDATE' : 'INSERT', recordId: 10_000 + i, table: 'contact'})
    const plan = planWrites(interleaved, {...eligible, features: {poll_db_no_merge: false}})
    expect(plan.algorithm).to.equal('merged')
    expect(plan.runs.map(r => [r.action, r.count, r.via])).to.deep.equal([['INSERT', 1500, 'soap'], ['UPDATE', 1500, 'soap']])
    expect(plan.soapCalls).to.equal(16)
    expect(plan.runs[0].reasons.join()).to.match(/Merged Writes/)
    // the same backlog under Ordered Writes is 3,000 runs of one change each
    expect(planWrites(interleaved, eligible).soapCalls).to.equal(3000)
  })

  it('folds the changes of one record under Merged Writes', () => {
    const merged = {...eligible, features: {poll_db_no_merge: false}}
    const plan = planWrites([
      {action: 'INSERT', recordId: 1, table: 'contact'}, // 0
      {action: 'UPDATE', recordId: 1, table: 'contact'}, // 1 → folded into 0
      {action: 'UPDATE', recordId: 2, table: 'contact'}, // 2
      {action: 'UPDATE', recordId: 2, table: 'contact'}, // 3 → folded into 2
      {action: 'INSERT', recordId: 3, table: 'contact'}, // 4
      {action: 'DELETE', recordId: 3, table: 'contact'}, // 5 → 4 and 5 cancel out
      {action: 'UPDATE', recordId: 4, table: 'contact'}, // 6 → folded into 7
      {action: 'DELETE', recordId: 4, table: 'contact'}, // 7
    ], merged)
    expect(plan.records).to.equal(3)
    expect(plan.runs.map(r => [r.action, r.indexes])).to.deep.equal([['INSERT', [0]], ['UPDATE', [2]], ['DELETE', [7]]])
    expect([...plan.folded.entries()].sort((a, b) => a[0] - b[0])).to.deep.equal([[1, 0], [3, 2], [4, null], [5, null], [6, 7]])
  })

  it('splits interleaved INSERT / UPDATE runs in capture order under Ordered Writes', () => {
    const backlog = [
      ...changes(2100, 'INSERT'),
      ...changes(3, 'UPDATE'),
      ...changes(2000, 'INSERT', 'contact', 5000),
      ...changes(5, 'INSERT', 'account'),
      ...changes(1, 'INSERT'),
      ...changes(250, 'DELETE'),
    ]
    const plan = planWrites(backlog, eligible)
    expect(plan.runs.map(r => [r.table, r.action, r.count, r.via])).to.deep.equal([
      ['contact', 'INSERT', 2100, 'bulk'],
      ['contact', 'UPDATE', 3, 'soap'],
      ['contact', 'INSERT', 2000, 'bulk'],
      ['account', 'INSERT', 5, 'soap'],
      ['contact', 'INSERT', 1, 'soap'],
      ['contact', 'DELETE', 250, 'soap'],
    ])
    expect(plan.runs[1].indexes).to.deep.equal([2100, 2101, 2102])
    expect(plan.bulkJobs).to.equal(2)
    expect(plan.soapCalls).to.equal(1 + 1 + 1 + 2)
    expect(plan.records).to.equal(backlog.length)
  })

  it('reports unmapped tables as SOAP with the reason', () => {
    const plan = planWrites(changes(2500, 'INSERT', 'lead'), eligible)
    expect(plan.runs[0].via).to.equal('soap')
    expect(plan.runs[0].reasons.join()).to.match(/table lead is not mapped/)
  })

  it('handles an empty backlog', () => {
    const plan = planWrites([], eligible)
    expect(plan.runs).to.deep.equal([])
    expect(plan.apiCalls).to.equal(0)
  })
})

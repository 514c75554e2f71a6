import {expect} from 'chai'

import type {ConnectionFacts} from '../../src/snapshot/types.js'

import {predictWrites} from '../../src/analysis/write-prediction.js'
import {healthySnapshot} from '../rules/fixtures.js'

// healthy: API 62.0, Ordered Writes, Bulk allowed; Contact and Account read-write with an
// External ID, Opportunity read-only
function connection(): ConnectionFacts {
  return healthySnapshot().connection!
}

const run = (table: string, action: string, count: number) => ({action, count, table})

describe('predictWrites', () => {
  it('sends 2,500 contiguous inserts to an eligible mapping through Bulk', () => {
    expect(predictWrites([run('contact', 'INSERT', 2500)], connection())).to.deep.equal({
      algorithm: 'ordered',
      assumptions: [],
      runs: [{action: 'INSERT', apiCalls: 4, blockers: [], count: 2500, object: 'Contact', reasons: [], table: 'contact', unsent: false, via: 'bulk'}],
      totals: {apiCalls: 4, bulkJobs: 1, records: 2500, soapCalls: 0, unsent: 0},
    })
  })

  it('sends 1,999 contiguous inserts through SOAP in 10 calls', () => {
    const prediction = predictWrites([run('contact', 'INSERT', 1999)], connection())
    expect(prediction.runs).to.deep.equal([{
      action: 'INSERT', apiCalls: 10, blockers: ['short-run'], count: 1999, object: 'Contact',
      reasons: ['only 1,999 contiguous changes (Bulk needs 2,000)'], table: 'contact', unsent: false, via: 'soap',
    }])
    expect(prediction.totals).to.deep.equal({apiCalls: 10, bulkJobs: 0, records: 1999, soapCalls: 10, unsent: 0})
  })

  it('uses SOAP below API version 39, whatever the run length', () => {
    const conn = connection()
    conn.apiVersion = '38.0'
    const [only] = predictWrites([run('contact', 'INSERT', 2500)], conn).runs
    expect(only).to.include({apiCalls: 13, via: 'soap'})
    expect(only.reasons).to.deep.equal(['API version 38.0 is below 39'])
  })

  it('Merged Writes packs each table and action across the whole backlog into SOAP batches', () => {
    const conn = connection()
    conn.features.poll_db_no_merge = false
    const prediction = predictWrites([
      run('contact', 'INSERT', 1500), run('account', 'UPDATE', 300), run('contact', 'INSERT', 1500), run('contact', 'UPDATE', 10),
    ], conn)
    expect(prediction.algorithm).to.equal('merged')
    expect(prediction.runs.map(r => [r.table, r.action, r.count, r.via, r.apiCalls])).to.deep.equal([
      ['contact', 'INSERT', 3000, 'soap', 15],
      ['account', 'UPDATE', 300, 'soap', 2],
      ['contact', 'UPDATE', 10, 'soap', 1],
    ])
    // contiguity is irrelevant under Merged Writes: the only reason is the algorithm
    expect(prediction.runs[0].reasons).to.deep.equal(['Merged Writes is on (Ordered Writes is off)'])
    expect(prediction.totals).to.deep.equal({apiCalls: 18, bulkJobs: 0, records: 3310, soapCalls: 18, unsent: 0})
  })

  it('needs a unique identifier on the mapping', () => {
    const conn = connection()
    conn.mappings[1].upsertField = null
    const prediction = predictWrites([run('account', 'INSERT', 5000), run('contact', 'INSERT', 5000)], conn)
    expect(prediction.runs.map(r => [r.via, r.apiCalls, r.reasons])).to.deep.equal([
      ['soap', 25, ['mapping Account has no unique identifier']],
      ['bulk', 4, []],
    ])
    expect(prediction.totals).to.deep.equal({apiCalls: 29, bulkJobs: 1, records: 10_000, soapCalls: 25, unsent: 0})
  })

  it('honours disable_bulk_writes, listing every reason in order', () => {
    const conn = connection()
    conn.features.disable_bulk_writes = true
    conn.apiVersion = '38.0'
    conn.mappings[0].upsertField = null
    const [only] = predictWrites([run('contact', 'DELETE', 1000)], conn).runs
    expect(only.reasons).to.deep.equal([
      'API version 38.0 is below 39',
      'mapping Contact has no unique identifier',
      'Bulk writes are disabled for this connection',
      'only 1,000 contiguous changes (Bulk needs 2,000)',
    ])
    expect(only.blockers).to.deep.equal(['api-version', 'no-unique-id', 'bulk-disabled', 'short-run'])
  })

  it('alternating INSERT and UPDATE runs of 50 all go SOAP, one call each', () => {
    const runs = Array.from({length: 100}, (_, i) => run('contact', i % 2 ? 'UPDATE' : 'INSERT', 50))
    const prediction = predictWrites(runs, connection())
    expect(prediction.runs.every(r => r.via === 'soap' && r.apiCalls === 1)).to.equal(true)
    expect(prediction.totals).to.deep.equal({apiCalls: 100, bulkJobs: 0, records: 5000, soapCalls: 100, unsent: 0})
  })

  it('decides each run of a mixed backlog on its own length', () => {
    const prediction = predictWrites([
      run('contact', 'INSERT', 25_000), run('account', 'UPDATE', 150), run('contact', 'UPDATE', 2000), run('account', 'INSERT', 401),
    ], connection())
    expect(prediction.runs.map(r => [r.via, r.apiCalls])).to.deep.equal([['bulk', 6], ['soap', 1], ['bulk', 4], ['soap', 3]])
    expect(prediction.totals).to.deep.equal({apiCalls: 14, bulkJobs: 2, records: 27_551, soapCalls: 4, unsent: 0})
  })

  it('reports changes on tables without a read-write mapping as never sent', () => {
    const prediction = predictWrites([run('lead', 'INSERT', 3000), run('salesforce.opportunity', 'UPDATE', 5), run('contact', 'UPDATE', 1)], connection())
    expect(prediction.runs.slice(0, 2)).to.deep.equal([
      {action: 'INSERT', apiCalls: 0, blockers: ['not-mapped'], count: 3000, object: null, reasons: ['no read-write mapping'], table: 'lead', unsent: true, via: 'soap'},
      {action: 'UPDATE', apiCalls: 0, blockers: ['not-mapped'], count: 5, object: 'Opportunity', reasons: ['no read-write mapping'], table: 'salesforce.opportunity', unsent: true, via: 'soap'},
    ])
    expect(prediction.totals).to.deep.equal({apiCalls: 1, bulkJobs: 0, records: 1, soapCalls: 1, unsent: 3005})
  })

  it('states what it assumed when the configuration does not say', () => {
    const conn = connection()
    conn.apiVersion = null
    delete conn.features.poll_db_no_merge
    const prediction = predictWrites([run('contact', 'INSERT', 2000)], conn)
    expect(prediction.runs[0].via).to.equal('bulk')
    expect(prediction.assumptions).to.deep.equal(['API version unknown: assumed 39 or higher', 'write algorithm unknown: assumed Ordered Writes'])
  })

  it('predicts nothing for an empty backlog', () => {
    expect(predictWrites([], connection())).to.deep.equal({
      algorithm: 'ordered', assumptions: [], runs: [], totals: {apiCalls: 0, bulkJobs: 0, records: 0, soapCalls: 0, unsent: 0},
    })
  })

  it('does not mutate its input', () => {
    const conn = connection()
    conn.features.poll_db_no_merge = false
    const runs = [run('contact', 'INSERT', 10), run('contact', 'INSERT', 10)]
    predictWrites(runs, conn)
    expect(runs).to.deep.equal([run('contact', 'INSERT', 10), run('contact', 'INSERT', 10)])
  })
})

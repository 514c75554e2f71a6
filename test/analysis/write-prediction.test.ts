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
      apiVersion: '62.0',
      assumptions: [],
      outcomes: null,
      runs: [{action: 'INSERT', apiCalls: 4, blockers: [], bulkBatches: 1, count: 2500, object: 'Contact', reasons: [], table: 'contact', unsent: false, via: 'bulk'}],
      soapBatchSize: 200,
      totals: {apiCalls: 4, bulkBatches: 1, bulkJobs: 1, records: 2500, soapCalls: 0, unsent: 0},
      unknown: [],
    })
  })

  it('cuts a Bulk job into batches of 5,000 and SOAP into the connection\'s soap_batch_size', () => {
    const conn = {...connection(), soapBatchSize: 100}
    const prediction = predictWrites([run('contact', 'INSERT', 12_001), run('account', 'UPDATE', 250)], conn)
    // 12,001 → 3 batches: create, 3 uploads, close, results; 250 → 3 SOAP calls of 100
    expect(prediction.runs.map(r => [r.via, r.bulkBatches, r.apiCalls])).to.deep.equal([['bulk', 3, 6], ['soap', 0, 3]])
    expect(prediction.totals).to.deep.equal({apiCalls: 9, bulkBatches: 3, bulkJobs: 1, records: 12_251, soapCalls: 3, unsent: 0})
  })

  it('sends 1,999 contiguous inserts through SOAP in 10 calls', () => {
    const prediction = predictWrites([run('contact', 'INSERT', 1999)], connection())
    expect(prediction.runs).to.deep.equal([{
      action: 'INSERT', apiCalls: 10, blockers: ['short-run'], bulkBatches: 0, count: 1999, object: 'Contact',
      reasons: ['only 1,999 contiguous changes (Bulk needs 2,000)'], table: 'contact', unsent: false, via: 'soap',
    }])
    expect(prediction.totals).to.deep.equal({apiCalls: 10, bulkBatches: 0, bulkJobs: 0, records: 1999, soapCalls: 10, unsent: 0})
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
    expect(prediction.totals).to.deep.equal({apiCalls: 18, bulkBatches: 0, bulkJobs: 0, records: 3310, soapCalls: 18, unsent: 0})
  })

  it('needs a unique identifier on the mapping', () => {
    const conn = connection()
    conn.mappings[1].upsertField = null
    const prediction = predictWrites([run('account', 'INSERT', 5000), run('contact', 'INSERT', 5000)], conn)
    expect(prediction.runs.map(r => [r.via, r.apiCalls, r.reasons])).to.deep.equal([
      ['soap', 25, ['mapping Account has no unique identifier']],
      ['bulk', 4, []],
    ])
    expect(prediction.totals).to.deep.equal({apiCalls: 29, bulkBatches: 1, bulkJobs: 1, records: 10_000, soapCalls: 25, unsent: 0})
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
    expect(prediction.totals).to.deep.equal({apiCalls: 100, bulkBatches: 0, bulkJobs: 0, records: 5000, soapCalls: 100, unsent: 0})
  })

  it('decides each run of a mixed backlog on its own length', () => {
    const prediction = predictWrites([
      run('contact', 'INSERT', 25_000), run('account', 'UPDATE', 150), run('contact', 'UPDATE', 2000), run('account', 'INSERT', 401),
    ], connection())
    // 25,000 in 5 batches of 5,000: 3 + 5 calls
    expect(prediction.runs.map(r => [r.via, r.apiCalls])).to.deep.equal([['bulk', 8], ['soap', 1], ['bulk', 4], ['soap', 3]])
    expect(prediction.totals).to.deep.equal({apiCalls: 16, bulkBatches: 6, bulkJobs: 2, records: 27_551, soapCalls: 4, unsent: 0})
  })

  it('reports changes on tables without a read-write mapping as never sent', () => {
    const prediction = predictWrites([run('lead', 'INSERT', 3000), run('salesforce.opportunity', 'UPDATE', 5), run('contact', 'UPDATE', 1)], connection())
    expect(prediction.runs.slice(0, 2)).to.deep.equal([
      {action: 'INSERT', apiCalls: 0, blockers: ['not-mapped'], bulkBatches: 0, count: 3000, object: null, reasons: ['no read-write mapping'], table: 'lead', unsent: true, via: 'soap'},
      {action: 'UPDATE', apiCalls: 0, blockers: ['not-mapped'], bulkBatches: 0, count: 5, object: 'Opportunity', reasons: ['no read-write mapping'], table: 'salesforce.opportunity', unsent: true, via: 'soap'},
    ])
    expect(prediction.totals).to.deep.equal({apiCalls: 1, bulkBatches: 0, bulkJobs: 0, records: 1, soapCalls: 1, unsent: 3005})
  })

  it('says "unknown" and shows both outcomes when an old export gives no API version and no features', () => {
    const conn = connection()
    conn.apiVersion = null
    conn.features = {}
    const prediction = predictWrites([run('contact', 'INSERT', 2000), run('contact', 'UPDATE', 300), run('contact', 'INSERT', 2000)], conn)
    expect(prediction.algorithm).to.equal('unknown')
    expect(prediction.unknown).to.deep.equal(['API version', 'write algorithm'])
    const {bulkFriendly, notBulkFriendly} = prediction.outcomes!
    expect(bulkFriendly.label).to.equal('Ordered Writes, API version 39 or higher')
    // two Bulk jobs of one batch (4 calls each) and 2 SOAP calls for the 300 updates
    expect(bulkFriendly.totals).to.deep.equal({apiCalls: 10, bulkBatches: 2, bulkJobs: 2, records: 4300, soapCalls: 2, unsent: 0})
    expect(notBulkFriendly.label).to.equal('Merged Writes')
    // Merged Writes: 4,000 inserts in 20 calls, 300 updates in 2
    expect(notBulkFriendly.totals).to.deep.equal({apiCalls: 22, bulkBatches: 0, bulkJobs: 0, records: 4300, soapCalls: 22, unsent: 0})
    expect(notBulkFriendly.runs[0].reasons).to.deep.equal([
      'if the API version is below 39 (the configuration does not give it)',
      'if the connection uses Merged Writes (the configuration does not give the write algorithm)',
    ])
    // the totals to plan for are the costlier outcome, not the favourable one
    expect(prediction.totals).to.deep.equal(notBulkFriendly.totals)
  })

  it('with only the API version unknown, keeps the known algorithm in both outcomes', () => {
    const conn = connection()
    conn.apiVersion = null
    const prediction = predictWrites([run('contact', 'INSERT', 2000)], conn)
    expect(prediction.algorithm).to.equal('ordered')
    expect(prediction.outcomes!.bulkFriendly.totals.apiCalls).to.equal(4)
    expect(prediction.outcomes!.notBulkFriendly.label).to.equal('Ordered Writes, API version below 39')
    expect(prediction.outcomes!.notBulkFriendly.totals.apiCalls).to.equal(10)
    expect(prediction.totals.apiCalls).to.equal(10)
  })

  it('predicts nothing for an empty backlog', () => {
    const prediction = predictWrites([], connection())
    expect([prediction.runs, prediction.totals]).to.deep.equal([[], {apiCalls: 0, bulkBatches: 0, bulkJobs: 0, records: 0, soapCalls: 0, unsent: 0}])
  })

  it('does not mutate its input', () => {
    const conn = connection()
    conn.features.poll_db_no_merge = false
    const runs = [run('contact', 'INSERT', 10), run('contact', 'INSERT', 10)]
    predictWrites(runs, conn)
    expect(runs).to.deep.equal([run('contact', 'INSERT', 10), run('contact', 'INSERT', 10)])
  })
})

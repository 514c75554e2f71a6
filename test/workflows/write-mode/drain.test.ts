import {expect} from 'chai'

import type {RunPrediction} from '../../../src/analysis/write-prediction.js'
import {duration, estimateDrain} from '../../../src/workflows/write-mode/drain.js'

// The drain estimate: the calls the predictor gives, at the pace the connection's history gives.

const run = (via: 'bulk' | 'soap', count: number, apiCalls: number, unsent = false): RunPrediction => ({
  action: 'UPDATE', apiCalls, blockers: [], bulkBatches: via === 'bulk' ? Math.ceil(count / 5000) : 0, count, object: 'Contact', reasons: [], table: 'contact', unsent, via,
})

const pace = {perThousandRecords: {batches: 4, seconds: 6}, soapCall: {batches: 39, seconds: 2}, window: {from: '2026-11-30T10:00:00.000Z', to: '2026-11-30T10:02:00.000Z'}}

describe('estimateDrain', () => {
  it('adds the SOAP calls and the Bulk records at the measured pace, then the poll wait', () => {
    // 15 SOAP calls at 2 s = 30 s; 12,000 Bulk records at 6 s per 1,000 = 72 s
    const drain = estimateDrain([run('soap', 3000, 15), run('bulk', 12_000, 6)], pace)
    expect(drain).to.include({calls: 21, pollSeconds: 120, sendSeconds: 102, totalSeconds: 222})
    expect(drain.untimed).to.deep.equal([])
    expect(drain.note).to.match(/^about 2 min of sending, so drained within 4 min: 21 calls at this connection's recent pace \(2\.00 s per SOAP call, median of 39 batches; 6\.00 s per 1,000 records in large batches, median of 4 batches\)\. Connect sends them after its next poll/)
  })

  it('leaves out changes Connect never sends', () => {
    const drain = estimateDrain([run('soap', 200, 1), run('soap', 5000, 25, true)], pace)
    expect(drain).to.include({calls: 1, sendSeconds: 2})
  })

  it('is unknown for a mode the history does not time, and says which part', () => {
    const drain = estimateDrain([run('soap', 400, 2), run('bulk', 5000, 3)], {...pace, perThousandRecords: null})
    expect(drain).to.include({sendSeconds: null, totalSeconds: null})
    expect(drain.untimed).to.deep.equal(['1 Bulk job of 5,000 records'])
    expect(drain.note).to.include('times no 1 Bulk job of 5,000 records').and.include('the timed part takes about 4 s')
  })

  it('says there is no history without a database, and nothing to send for an empty backlog', () => {
    expect(estimateDrain([run('soap', 400, 2)], null).note).to.include('2 calls, not timed: no database was read')
    expect(estimateDrain([], pace)).to.include({calls: 0, note: 'nothing to send', sendSeconds: 0, totalSeconds: 120})
  })

  it('writes durations a person reads at a glance', () => {
    expect([duration(45), duration(89.4), duration(90), duration(7100), duration(7200), duration(12_000)]).to.deep.equal(['45 s', '89 s', '2 min', '118 min', '2 h', '3 h 20 min'])
  })
})

import {fmt, type RunPrediction} from '../../analysis/write-prediction.js'
import type {BatchPace, WritePace} from '../../snapshot/postgres/write-pace.js'

// How long the backlog takes to drain. Connect picks pending changes up at its next poll of
// `_trigger_log` (every 2 minutes, or 10 s after an insert notifies it), then sends its calls one
// after another across all mappings and does not poll again until they are done
// (heroku-connect-db.md §5.6). Connect publishes no time per call, so the sending time comes from
// this connection's own history (snapshot/postgres/write-pace.ts), and is unknown without one.

/** Connect polls `_trigger_log` every 2 minutes, sooner after a NOTIFY, at most every 10 s (heroku-connect-db.md §5.6). */
export const TRIGGER_LOG_POLL_SECONDS = 120
export const NOTIFY_MIN_SECONDS = 10

export interface DrainEstimate {
  pollSeconds: number
  notifyMinSeconds: number
  /** the calls, sent one after another */
  calls: number
  /** the pace measured on this connection; null when no database was read */
  pace: null | WritePace
  /** seconds from the poll that picks the backlog up until its last call returns; null when part of it has no measured pace */
  sendSeconds: null | number
  /** the whole drain at the latest: the next poll (at most pollSeconds away), then the sending */
  totalSeconds: null | number
  /** what no measured pace covers, e.g. "1 Bulk job of 5,000 records" */
  untimed: string[]
  note: string
}

export function estimateDrain(runs: readonly RunPrediction[], pace: null | WritePace): DrainEstimate {
  const sent = runs.filter(r => !r.unsent)
  const soap = sent.filter(r => r.via === 'soap')
  const bulk = sent.filter(r => r.via === 'bulk')
  const soapCalls = soap.reduce((n, r) => n + r.apiCalls, 0)
  const bulkRecords = bulk.reduce((n, r) => n + r.count, 0)
  const calls = sent.reduce((n, r) => n + r.apiCalls, 0)

  const untimed: string[] = []
  let sendSeconds = 0
  if (soapCalls > 0) {
    if (pace?.soapCall) sendSeconds += soapCalls * pace.soapCall.seconds
    else untimed.push(`${fmt(soapCalls)} SOAP calls`)
  }

  if (bulkRecords > 0) {
    if (pace?.perThousandRecords) sendSeconds += (bulkRecords / 1000) * pace.perThousandRecords.seconds
    else untimed.push(`${fmt(bulk.length)} Bulk job${bulk.length === 1 ? '' : 's'} of ${fmt(bulkRecords)} records`)
  }

  const known = untimed.length === 0
  const rounded = Math.round(sendSeconds)
  return {
    calls,
    note: drainNote({calls, known, pace, sendSeconds: rounded, untimed}),
    notifyMinSeconds: NOTIFY_MIN_SECONDS,
    pace,
    pollSeconds: TRIGGER_LOG_POLL_SECONDS,
    sendSeconds: known ? rounded : null,
    totalSeconds: known ? rounded + TRIGGER_LOG_POLL_SECONDS : null,
    untimed,
  }
}

function drainNote(d: {calls: number; known: boolean; pace: null | WritePace; sendSeconds: number; untimed: string[]}): string {
  if (d.calls === 0) return 'nothing to send'
  const polling = `Connect sends them after its next poll of _trigger_log (within ${TRIGGER_LOG_POLL_SECONDS / 60} minutes, or ${NOTIFY_MIN_SECONDS} s after an insert notifies it), one call after another across all mappings, and polls again only when they are done`
  if (!d.pace) return `${fmt(d.calls)} calls, not timed: no database was read, so there is no write history to time them with, and Connect publishes no time per call. ${polling}`
  const measured = [paceLine('SOAP call', d.pace.soapCall), paceLine('1,000 records in large batches', d.pace.perThousandRecords)].filter(Boolean).join('; ')
  if (!d.known) {
    const partial = d.sendSeconds > 0 ? `; the timed part takes about ${duration(d.sendSeconds)}` : ''
    return `${fmt(d.calls)} calls, not all timed: this connection's write history times no ${d.untimed.join(' or ')}${measured ? ` (it gives ${measured})` : ''}${partial}. ${polling}`
  }

  return `about ${duration(d.sendSeconds)} of sending, so drained within ${duration(d.sendSeconds + TRIGGER_LOG_POLL_SECONDS)}: ${fmt(d.calls)} calls at this connection's recent pace (${measured}). ${polling}`
}

const paceLine = (what: string, pace: BatchPace | null): string => (pace ? `${pace.seconds.toFixed(pace.seconds < 10 ? 2 : 0)} s per ${what}, median of ${fmt(pace.batches)} batches` : '')

/** 45 s, 12 min, 2 h, 3 h 20 min */
export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 120) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`
}

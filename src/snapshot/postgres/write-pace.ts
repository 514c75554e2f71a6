import {qualified} from '../../sql.js'
import type {Queryable} from './queryable.js'

// How fast this connection has been writing to Salesforce, read from its own history: Connect
// publishes no time per call, but it stamps every change it handles with `processed_at` and the
// id of the transaction that handled it (`processed_tx`). One transaction is taken here as one
// write batch (an inference, heroku-connect-db.md §1 marks both columns [I]). The time between
// one batch's stamp and the previous one's is the time the batch took to send, when Connect sent
// them back to back; the median over many batches keeps the poll waits between bursts out.
//
// Only the newest WRITE_PACE_SAMPLE_ROWS processed rows are read, from the archive's created_at
// index and the log's (state, id) index, so the cost stays flat however long the history is.

export const WRITE_PACE_SAMPLE_ROWS = 20_000
/** a longer gap between two batches is a pause between bursts, not the time a batch took */
export const WRITE_PACE_MAX_GAP_SECONDS = 600

export interface BatchPace {
  /** batches the median was taken over */
  batches: number
  /** median seconds per batch (SOAP: one call) or per 1,000 records (large batches) */
  seconds: number
}

export interface WritePace {
  /** batches of at most the SOAP batch size: one SOAP call each */
  soapCall: BatchPace | null
  /** larger batches (Bulk jobs, or runs marked at once): seconds per 1,000 records */
  perThousandRecords: BatchPace | null
  /** the oldest and newest processed_at sampled, ISO */
  window: null | {from: string; to: string}
}

export async function readWritePace(db: Queryable, schema: string, soapBatchSize: number): Promise<WritePace> {
  const log = qualified(schema, '_trigger_log')
  const archive = qualified(schema, '_trigger_log_archive')
  const {rows} = await db.query<{batches: number | string; kind: null | string; seconds: null | number | string; window_from: Date | null; window_to: Date | null}>(
    `WITH recent AS (
       (SELECT processed_tx, processed_at FROM ${archive}
         WHERE processed_tx IS NOT NULL AND processed_at IS NOT NULL ORDER BY created_at DESC LIMIT $1)
       UNION ALL
       (SELECT processed_tx, processed_at FROM ${log}
         WHERE state = 'SUCCESS' AND processed_tx IS NOT NULL AND processed_at IS NOT NULL ORDER BY id DESC LIMIT $1)
     ), batches AS (
       SELECT count(*) AS n, max(processed_at) AS at FROM recent GROUP BY processed_tx
     ), gaps AS (
       SELECT n, at, extract(epoch FROM at - lag(at) OVER (ORDER BY at)) AS gap FROM batches
     ), timed AS (
       SELECT CASE WHEN n <= $2 THEN 'soap' ELSE 'large' END AS kind,
              CASE WHEN n <= $2 THEN gap ELSE gap * 1000 / n END AS seconds
         FROM gaps WHERE gap > 0 AND gap <= $3
     )
     SELECT kind, count(*) AS batches, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS seconds,
            (SELECT min(at) FROM batches) AS window_from, (SELECT max(at) FROM batches) AS window_to
       FROM timed GROUP BY kind
     UNION ALL
     SELECT NULL, 0, NULL, (SELECT min(at) FROM batches), (SELECT max(at) FROM batches)`,
    [WRITE_PACE_SAMPLE_ROWS, soapBatchSize, WRITE_PACE_MAX_GAP_SECONDS],
  )
  const pace = (kind: string): BatchPace | null => {
    const row = rows.find(r => r.kind === kind)
    return row && row.seconds !== null ? {batches: Number(row.batches), seconds: Number(row.seconds)} : null
  }

  const last = rows.at(-1)!
  return {
    perThousandRecords: pace('large'),
    soapCall: pace('soap'),
    window: last.window_from && last.window_to ? {from: new Date(last.window_from).toISOString(), to: new Date(last.window_to).toISOString()} : null,
  }
}

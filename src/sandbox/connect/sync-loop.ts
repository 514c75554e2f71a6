import type {Client} from 'pg'

import {quoteIdent} from '../../sql.js'
import {type DrainSummary, drainOnce, type SyncTarget} from './sync.js'

// Connect's write scheduler: a poll of the trigger log every interval (2 minutes in production),
// plus an early poll when tlog_notify_trigger sends NOTIFY on "<schema>.hc_trigger_log", at most
// once per notifyMinIntervalMs (10 s in production). A poll never overlaps the previous one,
// and nothing is written while the connection is PAUSED.

export interface SyncLoopOptions {
  intervalMs: number
  notifyMinIntervalMs?: number
  onDrain?: (summary: DrainSummary) => void
  onError?: (error: unknown) => void
}

export interface SyncLoop {
  /** the LISTEN connection is up (or failed to come up; the interval still runs) */
  ready: Promise<void>
  stop(): Promise<void>
}

export function startSyncLoop(target: SyncTarget, options: SyncLoopOptions): SyncLoop {
  const minGap = options.notifyMinIntervalMs ?? 10_000
  let stopped = false
  let running: Promise<void> | undefined
  let lastStart = 0
  let early: NodeJS.Timeout | undefined
  let listener: Client | undefined

  const tick = async (): Promise<void> => {
    if (stopped || running || target.conn.state === 'PAUSED') return
    lastStart = Date.now()
    running = drainOnce(target)
      .then(summary => options.onDrain?.(summary))
      .catch(error => options.onError?.(error))
      .finally(() => {
        running = undefined
      })
    await running
  }

  const interval = setInterval(() => {
    void tick()
  }, options.intervalMs)
  interval.unref()

  const onNotify = () => {
    if (stopped || early) return
    const wait = Math.max(0, lastStart + minGap - Date.now())
    early = setTimeout(() => {
      early = undefined
      void tick()
    }, wait)
    early.unref()
  }

  const ready = (async () => {
    try {
      const {default: pg} = await import('pg')
      const client = new pg.Client({application_name: 'heroku-connect (sandbox listener)', connectionString: target.conn.databaseUrl, options: '-c xmlbinary=hex'})
      client.on('error', () => {})
      await client.connect()
      if (stopped) {
        await client.end()
        return
      }

      listener = client
      client.on('notification', onNotify)
      await client.query(`LISTEN ${quoteIdent(`${target.conn.spec.schema}.hc_trigger_log`)}`)
    } catch (error) {
      options.onError?.(error)
    }
  })()

  return {
    ready,
    async stop() {
      stopped = true
      clearInterval(interval)
      if (early) clearTimeout(early)
      await ready
      await listener?.end().catch(() => {})
      await running
    },
  }
}

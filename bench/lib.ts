import {spawnSync} from 'node:child_process'

import type {PgQueryable} from '../src/clients/postgres.js'
import {providePostgres, type PostgresServer} from '../src/sandbox/postgres/server.js'

// Shared helpers for the benchmarks: every number is a ratio against a baseline measured in the
// same run on the same machine, so results compare across machines and days.

export interface Timing {
  label: string
  medianMs: number
  samples: number[]
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Runs each command `rounds` times, interleaved so drift hits both sides equally. */
export function timeCommands(commands: Array<{args: string[]; label: string}>, rounds: number, env: NodeJS.ProcessEnv = process.env): Timing[] {
  const samples = commands.map(() => [] as number[])
  for (let round = 0; round < rounds; round++) {
    for (const [index, command] of commands.entries()) {
      const started = process.hrtime.bigint()
      const result = spawnSync(process.execPath, command.args, {encoding: 'utf8', env})
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6
      if (result.status !== 0) throw new Error(`${command.label} failed: ${result.stderr}`)
      samples[index].push(elapsed)
    }
  }

  return commands.map((command, index) => ({label: command.label, medianMs: median(samples[index]), samples: samples[index]}))
}

/**
 * Median time of each contender over `rounds` interleaved rounds (drift hits every side alike),
 * after one discarded round that warms the caches. In process: for commands, see timeCommands.
 */
export async function interleave(rounds: number, contenders: Array<() => Promise<unknown>>): Promise<number[]> {
  const samples = contenders.map(() => [] as number[])
  for (let round = 0; round <= rounds; round++) {
    for (const [index, run] of contenders.entries()) {
      const started = process.hrtime.bigint()
      await run()
      if (round > 0) samples[index].push(Number(process.hrtime.bigint() - started) / 1e6)
    }
  }

  return samples.map(list => median(list))
}

export function verdict(ratio: number, target: number): string {
  return ratio <= target ? `PASS (target <= ${target}x)` : `FAIL (target <= ${target}x)`
}

const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres'

/** BENCH_DATABASE_URL or TEST_DATABASE_URL, else the machine's Postgres, else an embedded one started for this run. */
export async function benchServer(log: (line: string) => void): Promise<PostgresServer> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? MACHINE_POSTGRES
  if (await reachable(url)) return providePostgres({databaseUrl: url})
  log(`no Postgres at ${new URL(url).host}; starting an embedded one`)
  return providePostgres({log})
}

async function reachable(url: string): Promise<boolean> {
  const {default: pg} = await import('pg')
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 3000})
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Measures locks instead of assuming them: a second session samples pg_locks joined to
 * pg_stat_activity every 20 ms and records the age of any transaction of the measured backend
 * (by application_name) holding a lock on `relation` stronger than ACCESS SHARE / SHARE UPDATE
 * EXCLUSIVE (which block no write). The longest such age is the longest lock-holding span seen.
 */
export function sampleLocks(sampler: PgQueryable, watched: {applicationName: string; relation: string}): {stop(): Promise<{longestMs: number; samples: number}>} {
  let running = true
  let longest = 0
  let samples = 0
  const loop = (async () => {
    while (running) {
      const {rows} = await sampler.query<{ms: null | number}>(
        `SELECT max(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::int AS ms FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE a.application_name = $1 AND l.granted AND l.relation = $2::regclass AND l.mode NOT IN ('AccessShareLock', 'ShareUpdateExclusiveLock')`,
        [watched.applicationName, watched.relation])
      samples++
      longest = Math.max(longest, rows[0].ms ?? 0)
      await new Promise(resolve => {
        setTimeout(resolve, 20)
      })
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return {longestMs: longest, samples}
    },
  }
}

export function sampleMemory(): {stop(): {peak: number; start: number}} {
  const start = process.memoryUsage().rss
  let peak = start
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  return {
    stop() {
      clearInterval(timer)
      return {peak: Math.max(peak, process.memoryUsage().rss), start}
    },
  }
}

export const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024)

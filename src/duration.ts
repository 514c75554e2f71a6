import {UsageError} from './errors.js'

// Durations on the command line: 500ms, 90s, 30m, 2h, or a bare number of seconds.

const UNITS: Record<string, number> = {h: 3_600_000, m: 60_000, ms: 1, s: 1000}

export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!match) throw new UsageError(`${flag} ${text}: not a duration`, 'use e.g. 90s, 30m or 2h')
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's'])
}

import {createHash} from 'node:crypto'

// Fake resources need ids that look like the real ones (UUIDs) and stay the same across runs, so
// snapshots and recorded outputs do not churn. A name-based UUID (v5 layout over SHA-1) does both.

export function stableUuid(seed: string): string {
  const hex = createHash('sha1').update(`heroku-connect-guard:${seed}`).digest('hex')
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

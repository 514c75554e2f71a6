import type {RuleSkip} from './types.js'

/** A table-data check that ran out of its --max-scan-seconds budget, and how to give it more time. */
export function scanSkip(what: string, seconds: number): RuleSkip {
  return {provide: `pass --max-scan-seconds ${seconds * 4}`, skip: `${what} did not finish within ${seconds} s`}
}

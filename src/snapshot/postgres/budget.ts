import type {Queryable} from './queryable.js'

// A scan of a big table may take longer than the audit can wait. Each such statement runs under
// its own statement_timeout (--max-scan-seconds) inside a savepoint, so running out of time
// cancels that statement alone: the audit's READ ONLY, REPEATABLE READ transaction goes on, with
// the same snapshot, and the check is reported as unfinished instead of ending the audit.

const QUERY_CANCELED = '57014'
const NO_ACTIVE_TRANSACTION = '25P01'

/** Default per-check budget of the audit's table scans (`--max-scan-seconds`). */
export const DEFAULT_MAX_SCAN_SECONDS = 30

export interface ScanSettings {
  /** SET LOCAL settings for the statement besides its timeout, e.g. enable_seqscan = off */
  settings?: Record<string, string>
}

/** The statement's rows, or null when it did not finish within `seconds`. Three round trips. */
export async function withinBudget<R extends object>(db: Queryable, seconds: number, sql: string, options: ScanSettings = {}): Promise<null | R[]> {
  const settings = {...options.settings, statement_timeout: String(Math.max(1, Math.round(seconds * 1000)))}
  // names and values are ours (never user input); SET LOCAL takes no parameters
  const setLocal = Object.entries(settings).map(([name, value]) => `SET LOCAL ${name} = ${value}`).join('; ')
  const own = await open(db, setLocal)
  let failed = false
  try {
    const {rows} = await db.query<R>(sql)
    return rows
  } catch (error) {
    failed = true
    if (codeOf(error) === QUERY_CANCELED) return null
    throw error
  } finally {
    // the transaction only reads, so rolling back to the savepoint loses nothing but the SET
    // LOCALs, which must not outlive this statement; after a lost connection there is nothing to undo
    const undo = own === 'savepoint' ? 'ROLLBACK TO SAVEPOINT connect_guard_scan; RELEASE SAVEPOINT connect_guard_scan' : 'ROLLBACK'
    await db.query(undo).catch(error => {
      if (!failed) throw error
    })
  }
}

/** A savepoint inside the caller's transaction, or a read-only transaction of its own when there is none. */
async function open(db: Queryable, setLocal: string): Promise<'savepoint' | 'transaction'> {
  try {
    await db.query(`SAVEPOINT connect_guard_scan; ${setLocal}`)
    return 'savepoint'
  } catch (error) {
    if (codeOf(error) !== NO_ACTIVE_TRANSACTION) throw error
    await db.query(`BEGIN TRANSACTION READ ONLY; ${setLocal}`)
    return 'transaction'
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as {code?: string})?.code
}

/**
 * One statement per table, joined by UNION ALL so the round trips do not grow with the number of
 * tables; each part must select its position as `i`. If the whole does not finish in time, each
 * part runs alone under its own budget, so one slow table does not cost the others their answer.
 * A part's rows, or null when it ran out of time.
 */
export async function partsWithinBudget<R extends {i: number}>(db: Queryable, seconds: number, parts: string[], options: ScanSettings = {}): Promise<Array<null | R[]>> {
  if (parts.length === 0) return []
  const answers: Array<null | R[]> = parts.map(() => [])
  const together = await withinBudget<R>(db, seconds, parts.join('\nUNION ALL\n'), options)
  if (together) {
    for (const row of together) answers[row.i]!.push(row)
    return answers
  }

  for (const [i, part] of parts.entries()) answers[i] = parts.length === 1 ? null : await withinBudget<R>(db, seconds, part, options)
  return answers
}

import type {PgSession, ReservedConnection} from '../../clients/postgres.js'

import {GuardError} from '../../errors.js'

// One run at a time per connection and kind of work: a session-level advisory lock on a reserved
// connection, held for the whole run. The journal says what a run did; the lock says whether it is
// still alive. A journal marked running whose lock is free belongs to a process that died.

export interface RunLock {
  release(): Promise<void>
}

const KEY_SQL = "hashtext('connect_guard'), hashtext($1 || ':' || $2)"

export async function tryRunLock(session: PgSession, kind: string, connectionId: string): Promise<null | RunLock> {
  const held: ReservedConnection = await session.reserve()
  try {
    const {rows} = await held.query<{ok: boolean}>(`SELECT pg_try_advisory_lock(${KEY_SQL}) AS ok`, [kind, connectionId])
    if (!rows[0]?.ok) {
      held.release()
      return null
    }
  } catch (error) {
    held.release()
    throw error
  }

  return {
    async release() {
      await held.query(`SELECT pg_advisory_unlock(${KEY_SQL})`, [kind, connectionId]).catch(() => {})
      held.release()
    },
  }
}

/** The refusal while another run of `kind` (a command name: reload, external-ids) holds the connection's lock. Exit 1. */
export function runningElsewhere(kind: string, connection: {id: string; name?: string}): GuardError {
  return new GuardError(`another connect:${kind} is running on connection ${connection.name ?? connection.id}`, 1,
    `wait for it to finish; \`heroku connect:${kind} --status\` shows its journal`)
}

/** Runs `work` holding the run lock of `kind` on the connection, released after; refuses with `busy()` when another run holds it. */
export async function withRunLock<T>(session: PgSession, kind: string, connection: {id: string; name?: string}, work: () => Promise<T>, busy = () => runningElsewhere(kind, connection)): Promise<T> {
  const lock = await tryRunLock(session, kind, connection.id)
  if (!lock) throw busy()
  try {
    return await work()
  } finally {
    await lock.release()
  }
}

/** Is a run of this kind on this connection alive right now (in any session)? */
export async function runLockHeld(session: PgSession, kind: string, connectionId: string): Promise<boolean> {
  const lock = await tryRunLock(session, kind, connectionId)
  if (!lock) return true
  await lock.release()
  return false
}

const LOCK_TIMEOUT = '55P03'
const LOCK_RETRIES = 5

/**
 * Runs a short transaction again when it gave up waiting for a lock the app holds (lock_timeout):
 * nothing of it was applied, so a retry is safe. Backs off 200 ms, 400 ms, … and rethrows after
 * the fifth try, or at once for any other error.
 */
export async function retryOnLockTimeout<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if ((error as {code?: string}).code !== LOCK_TIMEOUT || attempt >= LOCK_RETRIES) throw error
      await new Promise(resolve => {
        setTimeout(resolve, 200 * attempt)
      })
    }
  }
}

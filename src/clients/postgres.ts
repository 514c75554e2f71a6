import type {Pool, PoolClient, QueryResult, QueryResultRow} from 'pg'

import {CollectError, redactSecrets, UsageError} from '../errors.js'

// The plugin's only way into Postgres. pg is loaded on first use so `heroku --help` never pays for
// it. Every failure the user can act on becomes a one-line CollectError (exit 3) that names the
// server as host:port and never the URL, so a password cannot leak into output or --json.

export interface PgQueryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>
}

export interface PgSession extends PgQueryable {
  /** host:port/database, without credentials: safe to print */
  readonly target: string
  /** runs fn inside BEGIN TRANSACTION READ ONLY … COMMIT on one connection; ROLLBACK on error */
  readOnly<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T>
  transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T>
  /** one connection kept out of the pool until released: session state (advisory locks) lives on it */
  reserve(): Promise<ReservedConnection>
  close(): Promise<void>
}

export interface ReservedConnection extends PgQueryable {
  release(): void
}

export interface ConnectOptions {
  applicationName?: string
  statementTimeoutMs?: number
  lockTimeoutMs?: number
  connectTimeoutMs?: number
  /** session settings sent at connect time (`-c name=value`), e.g. xmlbinary */
  settings?: Record<string, string>
}

/** A database error the user can act on, with the SQLSTATE kept for callers that branch on it. The message names the fix. */
export class PostgresError extends CollectError {
  constructor(message: string, readonly code: string | undefined) {
    super(message)
    this.name = 'PostgresError'
  }
}

export interface Target {
  connectionString: string
  label: string
  password: string
  ssl: boolean | {rejectUnauthorized: boolean}
  statementTimeoutMs: number
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])
const SSL_PARAMS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'uselibpqcompat']

/** Where and how to connect; `label` is safe to print, `password` is kept only to redact it. */
export function resolveTarget(url: string, statementTimeoutMs = 60_000): Target {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError('the database URL is not a valid URL; use postgres://user:password@host:5432/database')
  }

  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UsageError(`the database URL must start with postgres:// (got ${parsed.protocol}//)`)
  }

  const sslmode = parsed.searchParams.get('sslmode')
  const ssl = sslmode === 'disable' || LOCAL_HOSTS.has(parsed.hostname)
    ? false
    // Heroku Postgres presents certificates Node cannot verify; verify only when asked to
    : {rejectUnauthorized: sslmode === 'verify-full'}
  // pg lets URL ssl settings override ours (and treats require as verify-full), so we decide alone
  for (const name of SSL_PARAMS) parsed.searchParams.delete(name)
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres'
  return {
    connectionString: parsed.toString(),
    label: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`,
    password: decodeURIComponent(parsed.password),
    ssl,
    statementTimeoutMs,
  }
}

const CONNECT_CODES: Record<string, string> = {
  EAI_AGAIN: 'the host name could not be resolved',
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
}

const LOST_CONNECTION = /Connection terminated|ECONNRESET|terminating connection|server closed the connection/i

/** Turns a pg or socket error into the error the user sees; unknown SQL errors pass through unchanged. */
export function mapPostgresError(error: unknown, target: Pick<Target, 'label' | 'password' | 'statementTimeoutMs'>, phase: 'connect' | 'query'): Error {
  const err = error as {code?: string; message?: string}
  const code = err.code
  const reason = redactSecrets(String(err.message ?? error), [target.password])
  const fail = (message: string, action: string) => new PostgresError(`${message}; ${action}`, code)
  const host = target.label.replace(/\/.*$/, '')
  if (code && CONNECT_CODES[code]) return fail(`could not connect to Postgres at ${host}: ${CONNECT_CODES[code]}`, 'check --database-url')
  if (phase === 'connect' && /timeout/i.test(reason)) return fail(`could not connect to Postgres at ${host}: timed out`, 'check --database-url')
  if (code === '28P01' || code === '28000') {
    return fail(`Postgres at ${host} rejected the login: ${reason}`, 'check the user and password in --database-url')
  }

  if (code === '3D000') return fail(`database ${target.label.replace(/^[^/]*\//, '')} does not exist on ${host}`, 'check the database name in --database-url')
  if (code === '57014') {
    return fail(`a query on ${host} was cancelled after the ${target.statementTimeoutMs} ms statement timeout`, 'run again when the database is less busy')
  }

  if (code === '55P03') return fail(`a query on ${host} waited too long for a lock another session holds (${reason})`, 'run again when that session has finished')
  if (code === '57P03') return fail(`could not connect to Postgres at ${host}: ${reason}`, 'wait for the server to finish starting, then run again')
  if (code === '57P01' || code === '57P02' || code === 'ECONNRESET' || code === 'EPIPE' || LOST_CONNECTION.test(reason)) {
    const when = phase === 'connect' ? 'while connecting' : 'in the middle of a command'
    return fail(`lost the connection to Postgres at ${host} ${when} (${reason})`, 'the server restarted or ended the session; run the command again')
  }

  if (code === '25006') return fail(`Postgres refused a write in a read-only transaction: ${reason}`, 'this is a bug in heroku-connect-guard; please report it')
  if (phase === 'connect') return fail(`could not connect to Postgres at ${host}: ${reason}`, 'check --database-url')
  if (error instanceof Error) error.message = redactSecrets(error.message, [target.password])
  return error as Error
}

export async function connectPostgres(url: string, options: ConnectOptions = {}): Promise<PgSession> {
  const target = resolveTarget(url, options.statementTimeoutMs ?? 60_000)
  const {default: pg} = await import('pg')
  const pool: Pool = new pg.Pool({
    application_name: options.applicationName ?? 'heroku-connect-guard',
    connectionString: target.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    lock_timeout: options.lockTimeoutMs ?? 5000,
    max: 4,
    options: Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value.replaceAll(/[\\ ]/g, c => `\\${c}`)}`).join(' ') || undefined,
    ssl: target.ssl,
    statement_timeout: target.statementTimeoutMs,
  })
  // an idle connection dropped by the server must not crash the CLI; the next query reconnects
  pool.on('error', () => {})
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => {})
    throw mapPostgresError(error, target, 'connect')
  }

  return new Session(pool, target)
}

class Session implements PgSession {
  readonly target: string

  constructor(private readonly pool: Pool, private readonly info: Target) {
    this.target = info.label
  }

  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params)
    } catch (error) {
      throw mapPostgresError(error, this.info, 'query')
    }
  }

  readOnly<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN TRANSACTION READ ONLY', fn)
  }

  transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', fn)
  }

  async reserve(): Promise<ReservedConnection> {
    let client: PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw mapPostgresError(error, this.info, 'connect')
    }

    client.on('error', () => {})
    return {
      query: async <R extends QueryResultRow>(sql: string, params?: unknown[]) => {
        try {
          return await client.query<R>(sql, params)
        } catch (error) {
          throw mapPostgresError(error, this.info, 'query')
        }
      },
      // destroyed, not returned: a reused connection would keep the caller's session locks
      release: () => client.release(true),
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }

  private async inTransaction<T>(begin: string, fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    let client: PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw mapPostgresError(error, this.info, 'connect')
    }

    // a checked-out client whose connection dies emits 'error' as well as failing its queries;
    // the pool only listens on idle clients, so without this Node crashes on an unhandled event
    const ignoreError = () => {}
    client.on('error', ignoreError)
    const tx: PgQueryable = {
      query: async <R extends QueryResultRow>(sql: string, params?: unknown[]) => {
        try {
          return await client.query<R>(sql, params)
        } catch (error) {
          throw mapPostgresError(error, this.info, 'query')
        }
      },
    }
    let broken = false
    try {
      await tx.query(begin)
      const result = await fn(tx)
      await tx.query('COMMIT')
      return result
    } catch (error) {
      broken = await client.query('ROLLBACK').then(() => false, () => true)
      throw error
    } finally {
      // a connection that could not roll back is discarded rather than reused mid-transaction
      // a discarded client keeps the listener: ending a dead connection can still emit
      if (!broken) client.off('error', ignoreError)
      client.release(broken)
    }
  }
}

import {UsageError} from '../../errors.js'
import {quoteIdent} from '../../sql.js'

// Where the sandbox's Postgres comes from: a server the caller names (TEST_DATABASE_URL,
// --database-url), or an embedded Postgres 15 started for this process and removed on stop.
// Either way the sandbox works in databases it creates itself and drops afterwards, so it
// never touches the caller's own data.

export interface PostgresServer {
  /** URL of a database on the server that the sandbox may connect to for CREATE/DROP DATABASE */
  adminUrl: string
  embedded: boolean
  stop(): Promise<void>
}

export async function providePostgres(options: {databaseUrl?: string; log?: (line: string) => void}): Promise<PostgresServer> {
  if (options.databaseUrl) {
    return {adminUrl: validatePostgresUrl(options.databaseUrl), embedded: false, async stop() {}}
  }

  return startEmbedded(options.log)
}

export function validatePostgresUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError('the database URL is not a URL', 'use the form postgres://user:password@host:5432/database')
  }

  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`the database URL must start with postgres:// (got ${url.protocol}//)`)
  }

  return raw
}

async function startEmbedded(log?: (line: string) => void): Promise<PostgresServer> {
  const {startEmbeddedPostgres} = await import('./embedded.js')
  const server = await startEmbeddedPostgres({log})
  return {
    adminUrl: `postgres://postgres:${server.password}@127.0.0.1:${server.port}/postgres`,
    embedded: true,
    stop: () => server.stop(),
  }
}

/** Runs one statement on the server's admin database (CREATE/DROP DATABASE cannot run in a transaction). */
async function adminStatement(adminUrl: string, sql: string): Promise<void> {
  const {default: pg} = await import('pg')
  const client = new pg.Client({application_name: 'heroku-connect-guard-sandbox', connectionString: adminUrl})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Creates a fresh database next to `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await adminStatement(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING 'UTF8'`)
  const url = new URL(adminUrl)
  url.pathname = `/${encodeURIComponent(name)}`
  return url.toString()
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await adminStatement(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
}

/** Roles are cluster-wide, so the per-app role the sandbox creates is dropped with its database. */
export async function dropRole(adminUrl: string, name: string): Promise<void> {
  await adminStatement(adminUrl, `DROP ROLE IF EXISTS ${quoteIdent(name)}`)
}

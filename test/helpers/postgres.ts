import {randomBytes} from 'node:crypto'
import pg from 'pg'

import {createDatabase, dropDatabase, providePostgres, type PostgresServer} from '../../src/sandbox/postgres/server.js'

// One Postgres server for the whole run: TEST_DATABASE_URL when set (CI uses the machine's
// PostgreSQL 15), otherwise an embedded Postgres 15 started once. Each suite works in its own
// throwaway database so suites never see each other's objects.

// tsx may load this file twice (once as CommonJS for .mocharc's require, once as ESM for a spec
// that imports an ESM-only package), so the server lives on globalThis, not in a module variable.
const state = globalThis as typeof globalThis & {hcgTestPostgres?: PostgresServer}

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await state.hcgTestPostgres?.stop()
    state.hcgTestPostgres = undefined
  },
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000)
    state.hcgTestPostgres = await providePostgres({databaseUrl: process.env.TEST_DATABASE_URL})
  },
}

export function testServerUrl(): string {
  if (!state.hcgTestPostgres) throw new Error('the test Postgres server is not running')
  return state.hcgTestPostgres.adminUrl
}

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `hcg_${label.replaceAll(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`
  const adminUrl = testServerUrl()
  const url = await createDatabase(adminUrl, name)
  return {
    async drop() {
      await dropDatabase(adminUrl, name)
    },
    name,
    url,
  }
}

/** Runs `work` on a fresh client of `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** The rows of one statement, run on a fresh client of `url`. */
export async function queryRows<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  return withClient(url, async client => (await client.query<R>(sql, values)).rows)
}

import pg from 'pg'

import type {AppSpec, OrgSpec} from '../../../src/sandbox/model.js'
import {buildAppDatabase, type BuildOptions} from '../../../src/sandbox/postgres/build.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'
import {app as fixtureApp, ORG} from './fixtures.js'

export interface BuiltDatabase {
  db: TestDatabase
  pool: pg.Pool
  roleName: string
  /** a session as an app would open one: default settings, so xmlbinary is base64 */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>
  close(): Promise<void>
}

export async function buildFixture(label: string, options: {app?: AppSpec; org?: OrgSpec; build?: Partial<BuildOptions>} = {}): Promise<BuiltDatabase> {
  const db = await createTestDatabase(label)
  const roleName = `${db.name}_role`
  try {
    await buildAppDatabase(db.url, options.app ?? fixtureApp(), options.org ?? ORG, {logRows: 0, roleName, ...options.build})
  } catch (error) {
    await db.drop()
    await dropRole(roleName)
    throw error
  }

  const pool = new pg.Pool({connectionString: db.url, max: 3})
  pool.on('error', () => {})
  return {
    async close() {
      await pool.end()
      await db.drop()
      await dropRole(roleName)
    },
    db,
    pool,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows
    },
    roleName,
  }
}

export async function dropRole(role: string): Promise<void> {
  const {testServerUrl} = await import('../../helpers/postgres.js')
  const client = new pg.Client({connectionString: testServerUrl()})
  await client.connect()
  try {
    await client.query(`DROP ROLE IF EXISTS "${role.replaceAll('"', '""')}"`)
  } finally {
    await client.end()
  }
}

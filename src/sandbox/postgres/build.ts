import type {Pool} from 'pg'

import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import type {AppSpec, OrgSpec} from '../model.js'
import {ConnectNames, connectSystemSql, getXmlbinarySql, HSTORE_EXTENSION_SQL, HSTORE_SCHEMA_SQL, mappedTableSql} from './connect-schema.js'
import {dollarQuote} from './ddl.js'
import {orgColumns} from './field-types.js'
import {orgStorePrimaryKeySql, orgStoreSequenceSql, orgStoreSql} from './org-store.js'
import {chunkRuns, logRowsSql, mappedRowsSql, orgRowsSql, planLogRuns} from './seed.js'
import type {SeedWorld} from './seed-values.js'

// Builds one app's database the way Connect leaves it after its first sync, plus the fake org's
// records and a pending backlog:
//   1. hstore, and where it lives            2. every table, empty, in one transaction
//   3. set-based loads side by side (each mapped table with its org records and indexes; the log
//      in chunks, then its indexes)          4. functions, triggers and the app role, in one transaction
// then the app's own SQL (userSql, damageSql) and ANALYZE. The work is WAL-bound, so it is spread
// over a few sessions. Triggers are created after the load, so the seed is never logged, just as
// Connect's own loads are not.

export interface BuildOptions {
  /** rows of the app's first mapping, replacing its spec */
  rowsOverride?: number
  /** pending `_trigger_log` rows spread over the read-write mappings */
  logRows?: number
  roleName: string
  /** progress lines with timings, for the sandbox's log */
  log?: (line: string) => void
}

/** Rows per parallel log insert; 2M rows split into a few statements the two-core server runs side by side. */
const LOG_CHUNK_ROWS = 500_000
const PARALLEL_SESSIONS = 3

export async function buildAppDatabase(databaseUrl: string, app: AppSpec, org: OrgSpec, options: BuildOptions): Promise<void> {
  const {default: pg} = await import('pg')
  const pool: Pool = new pg.Pool({application_name: 'hcg-sandbox-build', connectionString: databaseUrl, max: PARALLEL_SESSIONS})
  pool.on('error', () => {})
  try {
    const [, hstore, db] = (await pool.query(`${HSTORE_EXTENSION_SQL}; ${HSTORE_SCHEMA_SQL}; SELECT current_database() AS name`)) as unknown as Array<{rows: Array<Record<string, string>>}>
    await buildInto(pool, app, org, options, {database: db.rows[0].name, hstoreSchema: hstore.rows[0].schema})
  } finally {
    await pool.end()
  }
}

interface Job {
  label: string
  sql: string
}

async function buildInto(pool: Pool, app: AppSpec, org: OrgSpec, options: BuildOptions, env: {database: string; hstoreSchema: string}): Promise<void> {
  const {schema} = app.connection
  const log = options.log ?? (() => {})
  const run = (jobs: Job[]) => Promise.all(jobs.map((job) => timed(log, job.label, script(pool, job.sql))))
  const names = new ConnectNames()
  const mappings = app.connection.mappings.map((mapping, index) => {
    const object = org.objects.find((o) => o.name.toLowerCase() === mapping.object.toLowerCase())
    if (!object) throw new Error(`app ${app.name} maps ${mapping.object}, which the org spec does not define`)
    const rows = index === 0 && options.rowsOverride !== undefined ? options.rowsOverride : mapping.rows
    const ddl = mappedTableSql(schema, object, mapping, {hstoreSchema: env.hstoreSchema, names, ucsBasicCollation: app.connection.features.ucs_basic_collation_index})
    return {ddl, mapping, object, rows, target: {columns: ddl.columns, object, schema, table: ddl.table}}
  })
  const world: SeedWorld = {org, rows: new Map(mappings.map((m) => [m.object.name.toLowerCase(), m.rows]))}
  const system = connectSystemSql(schema, {
    details: JSON.stringify({app: app.name, connection: app.connection.id}),
    hstoreSchema: env.hstoreSchema,
    orgId: org.organizationId,
  })
  const orgStore = orgStoreSql(org)
  await script(pool, transaction([getXmlbinarySql(), ...system.tables, ...orgStore.tables, ...mappings.flatMap((m) => m.ddl.tables)]))

  const logRows = options.logRows ?? 0
  const plan = planLogRuns(logRows, mappings.filter((m) => m.mapping.access === 'read_write').map((m) => ({rows: m.rows, table: m.ddl.table})))
  const startedAt = new Date(Date.now() - logRows * 10)
  const logJobs = mappings.flatMap((m) => chunkRuns(plan.get(m.ddl.table) ?? [], LOG_CHUNK_ROWS).map((chunk) => ({
    label: `_trigger_log: ${chunk.reduce((sum, r) => sum + r.count, 0)} rows for ${m.ddl.table}`,
    sql: loadJob(logRowsSql(m.target, chunk, {rows: m.rows, startedAt, world})),
  })))
  const tableJobs = mappings.map((m) => {
    const taken = m.rows + (plan.get(m.ddl.table) ?? []).filter((r) => r.action === 'INSERT').reduce((sum, r) => sum + r.count, 0)
    return {
      label: `${m.ddl.table} and the org's ${m.object.name} records: ${m.rows} rows`,
      sql: loadJob([
        ...(m.rows > 0 ? [mappedRowsSql(m.target, m.rows, world), orgRowsSql(m.object, orgColumns(m.object), m.rows, world, m.target)] : []),
        // the ids of the log's pending inserts are taken: the app's next insert comes after them
        `SELECT setval(pg_get_serial_sequence(${quoteLiteral(qualified(schema, m.ddl.table))}, 'id'), ${Math.max(1, taken)}, ${taken > 0})`,
        orgStoreSequenceSql(m.object.name, m.rows),
        ...m.ddl.indexes,
        orgStorePrimaryKeySql(m.object.name),
      ]),
    }
  })
  const mapped = new Set(mappings.map((m) => m.object.name))
  const emptyOrgTables = org.objects.filter((o) => !mapped.has(o.name)).map((o) => orgStorePrimaryKeySql(o.name))
  // the biggest table load first, so the sessions finish together; log indexes as soon as the log is in
  await Promise.all([
    run([...tableJobs, {label: 'org tables without records', sql: loadJob(emptyOrgTables)}]),
    run(logJobs).then(() => run(system.indexes.map((sql) => ({label: sql.replace(/ ON .*/, ''), sql: loadJob([sql])})))),
  ])

  await timed(log, 'functions, triggers and role', script(pool, transaction([
    `SELECT setval(${quoteLiteral(qualified(schema, '_trigger_log_id_seq'))}, ${Math.max(1, logRows)}, ${logRows > 0})`,
    ...system.triggers,
    ...mappings.flatMap((m) => m.ddl.triggers),
    createRoleSql(options.roleName),
  ])))
  const placeholders = {'{{db}}': quoteIdent(env.database), '{{role}}': quoteIdent(options.roleName), '{{schema}}': quoteIdent(schema)}
  await timed(log, 'userSql and damageSql', runAppSql(pool, app, placeholders))
  await timed(log, 'ANALYZE', pool.query('ANALYZE'))
}

/**
 * The app's own objects and mistakes, then the damage: in order, in one session (a scenario may
 * SET something for the statements after it), one statement at a time so a failure names its statement.
 */
async function runAppSql(pool: Pool, app: AppSpec, placeholders: Record<string, string>): Promise<void> {
  const client = await pool.connect()
  try {
    for (const [kind, list] of [['userSql', app.userSql], ['damageSql', app.damageSql ?? []]] as const) {
      for (const [index, statement] of list.entries()) {
        const sql = Object.entries(placeholders).reduce((text, [key, value]) => text.replaceAll(key, value), statement)
        try {
          await client.query(sql)
        } catch (error) {
          throw new Error(`app ${app.name}: ${kind}[${index}] failed: ${(error as Error).message}`)
        }
      }
    }
  } finally {
    client.release(true) // its session settings must not leak into later work
  }
}

async function timed<T>(log: (line: string) => void, label: string, work: Promise<T>): Promise<T> {
  const started = Date.now()
  const result = await work
  log(`${label}: done after ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result
}

/** Runs a multi-statement script on one connection; a failed script's open transaction is rolled back, not handed to the next job. */
async function script(pool: Pool, sql: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query(sql)
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

const transaction = (statements: string[]) => `BEGIN;\n${statements.join(';\n')};\nCOMMIT`

/** One load: its own transaction, no logging even if triggers existed, room to sort for the index builds. */
const loadJob = (statements: string[]) =>
  transaction(["SET LOCAL xmlbinary = 'hex'", "SET LOCAL maintenance_work_mem = '256MB'", 'SET LOCAL synchronous_commit = off', ...statements])

/** NOLOGIN, created once: the sandbox drops it on stop, and a leftover from a crashed run is reused. */
function createRoleSql(role: string): string {
  return `DO ${dollarQuote(`
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(role)}) THEN
    CREATE ROLE ${quoteIdent(role)} NOLOGIN;
  END IF;
END
`)}`
}

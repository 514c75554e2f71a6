import {buildAppDatabase} from '../src/sandbox/postgres/build.js'
import {createDatabase, dropDatabase, dropRole} from '../src/sandbox/postgres/server.js'
import type {AppSpec, OrgSpec} from '../src/sandbox/model.js'
import {loadScenario} from '../src/sandbox/scenarios/index.js'
import {qualified, quoteIdent, quoteLiteral} from '../src/sql.js'
import {benchServer} from './lib.js'

// The database audit-postgres and write-mode both measure: the messy scenario's main app with
// `logRows` pending `_trigger_log` rows. It is named after what it holds, so a run with
// HCG_BENCH_KEEP_DB=1 leaves it for the next run (of either bench) to reuse; otherwise the
// database and its role are dropped at the end.

/** bump when the scenario or the builder changes what the database holds (2: messy's write history) */
const LAYOUT_VERSION = 2
const READY = (key: string) => `hcg-bench ready ${key}`

export interface MessyBenchDatabase {
  url: string
  name: string
  app: AppSpec
  org: OrgSpec
  /** false when a kept database was reused */
  built: boolean
  buildMs: number
  keep: boolean
}

export async function withMessyBenchDatabase<T>(
  options: {logRows: number; keep?: boolean; log: (line: string) => void},
  work: (db: MessyBenchDatabase) => Promise<T>,
): Promise<T> {
  const {log, logRows} = options
  const keep = options.keep ?? process.env.HCG_BENCH_KEEP_DB === '1'
  const scenario = loadScenario('messy', {logRows})
  const app = scenario.apps[0]
  const key = `messy_${logRows}_v${LAYOUT_VERSION}`
  const name = `hcg_bench_audit_${key}`
  const roleName = `${name}_etl`
  const server = await benchServer(log)
  try {
    const {built, buildMs, url} = await provideDatabase(server.adminUrl, name, key, databaseUrl => buildAppDatabase(databaseUrl, app, scenario.org, {log, logRows, roleName}), log)
    // autovacuum would otherwise set the visibility map at some random point during the rounds
    await runOnce(url, `VACUUM (ANALYZE) ${qualified(app.connection.schema, '_trigger_log')}`)
    return await work({app, buildMs, built, keep, name, org: scenario.org, url})
  } finally {
    if (!keep) {
      await dropDatabase(server.adminUrl, name).catch(error => log(`could not drop ${name}: ${(error as Error).message}`))
      await dropRole(server.adminUrl, roleName).catch(error => log(`could not drop role ${roleName}: ${(error as Error).message}`))
    }

    await server.stop()
  }
}

async function runOnce(url: string, sql: string): Promise<void> {
  const {default: pg} = await import('pg')
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** The database named `name`, reused when a previous run finished building it, else (re)built now. */
async function provideDatabase(
  adminUrl: string, name: string, key: string, build: (url: string) => Promise<void>, log: (line: string) => void,
): Promise<{built: boolean; buildMs: number; url: string}> {
  const {default: pg} = await import('pg')
  const admin = new pg.Client({connectionString: adminUrl})
  await admin.connect()
  let ready = false
  try {
    const {rows} = await admin.query<{comment: null | string}>(
      'SELECT shobj_description(oid, \'pg_database\') AS comment FROM pg_database WHERE datname = $1', [name],
    )
    ready = rows[0]?.comment === READY(key)
    if (rows.length > 0 && !ready) await admin.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`) // a build that did not finish
  } finally {
    await admin.end()
  }

  const url = new URL(adminUrl)
  url.pathname = `/${encodeURIComponent(name)}`
  if (ready) {
    log(`reusing ${name}`)
    return {buildMs: 0, built: false, url: url.toString()}
  }

  log(`building ${name}`)
  await createDatabase(adminUrl, name)
  const started = Date.now()
  await build(url.toString())
  const buildMs = Date.now() - started
  await runOnce(url.toString(), `COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(READY(key))}`)
  return {buildMs, built: true, url: url.toString()}
}

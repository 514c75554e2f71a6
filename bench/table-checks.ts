import {randomBytes} from 'node:crypto'

import {connectPostgres, type PgSession} from '../src/clients/postgres.js'
import {createDatabase, dropDatabase} from '../src/sandbox/postgres/server.js'
import {DEFAULT_MAX_SCAN_SECONDS} from '../src/snapshot/postgres/budget.js'
import {readRelations} from '../src/snapshot/postgres/catalog.js'
import {readUniqueIds} from '../src/snapshot/postgres/table-data.js'
import type {UniqueIdFacts} from '../src/snapshot/types.js'
import {benchServer, interleave, verdict} from './lib.js'

// DESIGN.md §9, the audit's table-data checks (HC002's NULL and duplicate counts) on a
// 5,000,000-row read-write table, as the audit runs them (READ ONLY, REPEATABLE READ):
//   with Connect's unique index hcu_idx_<t>_<column>   <= 0.05x  count(*) of the table
//   without it                                          <= 1.5x   SELECT col ... GROUP BY col HAVING count(*) > 1
//   and a check never runs past --max-scan-seconds (measured with a 1 s budget)
// One table, measured first without the index and then with it, in the same run. Warm: one
// discarded round, then the median of interleaved rounds. The database is dropped at the end.

const SCHEMA = 'salesforce'
const TABLE = 'account'
const COLUMN = 'external_id__c'
const INDEX = `hcu_idx_${TABLE}_${COLUMN}`
const INDEXED_TARGET = 0.05
const SCAN_TARGET = 1.5
const UNBOUNDED_SECONDS = 900

export interface TableChecksBenchOptions {
  rows?: number
  rounds?: number
  log?: (line: string) => void
}

export async function benchTableChecks(options: TableChecksBenchOptions = {}): Promise<{lines: string[]}> {
  const rows = options.rows ?? 5_000_000
  const rounds = options.rounds ?? 3
  const log = options.log ?? ((line: string) => console.error(`  … ${line}`))
  const server = await benchServer(log)
  const databaseName = `hcg_bench_table_checks_${randomBytes(3).toString('hex')}`
  let session: PgSession | undefined
  try {
    const url = await createDatabase(server.adminUrl, databaseName)
    session = await connectPostgres(url, {applicationName: 'hcg-bench table-checks', statementTimeoutMs: 900_000})
    const db = session
    const buildMs = await build(db, rows, log)
    const table = `${SCHEMA}.${TABLE}`
    const audit = (maxScanSeconds = DEFAULT_MAX_SCAN_SECONDS) => db.readOnly(async tx => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      return readUniqueIds(tx, SCHEMA, [{column: COLUMN, table: TABLE}], await readRelations(tx, SCHEMA), maxScanSeconds)
    })
    const count = () => db.query(`SELECT count(*) FROM ${table}`)

    log('measuring without a unique index')
    const groupBy = () => db.query(`SELECT ${COLUMN} FROM ${table} GROUP BY ${COLUMN} HAVING count(*) > 1`)
    // the speed of the exact scan is measured with a budget it cannot reach; the budget itself just after
    const unbounded = () => audit(UNBOUNDED_SECONDS)
    const [countPlain, groupByMs, scanMs] = await interleave(rounds, [count, groupBy, unbounded])
    const scanFacts = await unbounded()
    const budgeted = Date.now()
    const tight = await audit(1)
    const tightMs = Date.now() - budgeted

    log(`creating ${INDEX}`)
    await db.query(`CREATE UNIQUE INDEX ${INDEX} ON ${table} USING btree (${COLUMN})`)
    await db.query(`VACUUM (ANALYZE) ${table}`)
    const [countIndexed, indexedMs] = await interleave(rounds, [count, audit])
    const indexedFacts = await audit()

    if (scanFacts[0].unfinished) throw new Error(`the exact scan did not finish within ${UNBOUNDED_SECONDS} s`)
    const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`
    const indexedRatio = indexedMs / countIndexed
    const scanRatio = scanMs / groupByMs
    return {
      lines: [
        `table-checks (${rows.toLocaleString('en-US')}-row read-write table, ${rounds} interleaved warm runs, median)`,
        `  database   built in ${(buildMs / 1000).toFixed(1)} s (${databaseName}, dropped)`,
        `  no index   count(*): ${ms(countPlain)}; baseline GROUP BY … HAVING count(*) > 1: ${ms(groupByMs)} (${(groupByMs / countPlain).toFixed(1)}x count(*))`,
        `             HC002 exact scan (GROUP BY … HAVING, count(*)): ${ms(scanMs)}  ratio ${scanRatio.toFixed(2)}x  ${verdict(scanRatio, SCAN_TARGET)}  ${facts(scanFacts)}`,
        `             with --max-scan-seconds 1: ${ms(tightMs)}, ${tight[0].unfinished ? 'reported unfinished' : 'finished'}  ${tightMs <= 1500 ? 'PASS' : 'FAIL'} (target: stops at the budget)`,
        `  index      count(*): ${ms(countIndexed)}`,
        `             HC002 through ${INDEX}: ${ms(indexedMs)}  ratio ${indexedRatio.toFixed(3)}x  ${verdict(indexedRatio, INDEXED_TARGET)}  ${facts(indexedFacts)}`,
      ],
    }
  } finally {
    await session?.close().catch(() => {})
    await dropDatabase(server.adminUrl, databaseName).catch(error => log(`could not drop ${databaseName}: ${(error as Error).message}`))
    await server.stop()
  }
}

/** A Connect-shaped read-write table: random UUID identifiers, one in 10,000 NULL, no duplicates (so the unique index can be built). */
async function build(db: PgSession, rows: number, log: (line: string) => void): Promise<number> {
  log(`building ${rows.toLocaleString('en-US')} rows`)
  const started = Date.now()
  // unlogged: the build skips the WAL; reading it costs the same as reading a logged table
  await db.query(`CREATE SCHEMA ${SCHEMA}`)
  await db.query(`CREATE UNLOGGED TABLE ${SCHEMA}.${TABLE} (
    name character varying(255), ${COLUMN} character varying(255), systemmodstamp timestamp without time zone,
    sfid character varying(18), id serial NOT NULL, _hc_lastop character varying(32), _hc_err text)`)
  await db.query(`INSERT INTO ${SCHEMA}.${TABLE} (name, ${COLUMN}, systemmodstamp, sfid, _hc_lastop)
    SELECT 'Account ' || g, CASE WHEN g % 10000 <> 0 THEN gen_random_uuid()::text END, now() - g * interval '1 second',
           '001' || lpad(to_hex(g), 15, '0'), 'SYNCED'
      FROM generate_series(1, ${rows}) AS g`)
  await db.query(`ALTER TABLE ${SCHEMA}.${TABLE} ADD PRIMARY KEY (id)`)
  await db.query(`VACUUM (ANALYZE) ${SCHEMA}.${TABLE}`)
  return Date.now() - started
}

function facts(ids: UniqueIdFacts[]): string {
  const [id] = ids
  if (id.unfinished) return '(unfinished)'
  return `(${id.nulls.toLocaleString('en-US')} NULL, ${id.duplicates} duplicates, ${id.rowsEstimated ? 'about ' : ''}${id.rows.toLocaleString('en-US')} rows)`
}

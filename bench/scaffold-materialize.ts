import {randomBytes} from 'node:crypto'

import type {FormulaObject, ValueType} from '../src/analysis/formula/schema.js'

import {translateRollUp} from '../src/analysis/formula/rollup.js'
import {connectPostgres} from '../src/clients/postgres.js'
import {createDatabase, dropDatabase} from '../src/sandbox/postgres/server.js'
import {qualified} from '../src/sql.js'
import {formulaViewSql, viewName} from '../src/workflows/scaffold/formula-view.js'
import {MATERIALIZE_CHILD_ROWS, materializeStatements, refreshStatement} from '../src/workflows/scaffold/materialize.js'
import {benchServer, median} from './lib.js'

// connect:schema:scaffold's materialize criterion (src/workflows/scaffold/materialize.ts): what a
// generated roll-up view costs to read whole, against its materialized copy, at the threshold
// (MATERIALIZE_CHILD_ROWS child rows) and ten times it, over 10,000 parents, with the child's
// lookup indexed as the plan suggests. Also one parent by sfid, and the REFRESH … CONCURRENTLY.
// Informational: DESIGN.md §9 sets no target; the ratio is what the threshold rests on.

const PARENTS = 10_000

const object = (name: string, table: string, fields: Record<string, ValueType>): FormulaObject => ({
  field: f => (fields[f.toLowerCase()] ? {column: f.toLowerCase(), sfType: fields[f.toLowerCase()], type: fields[f.toLowerCase()]} : undefined),
  lookup: () => undefined,
  name,
  table: qualified('salesforce', table),
})

export async function benchScaffoldMaterialize(options: {rounds?: number; log?: (line: string) => void} = {}): Promise<{lines: string[]}> {
  const rounds = options.rounds ?? 5
  const log = options.log ?? ((line: string) => console.error(`  … ${line}`))
  const server = await benchServer(log)
  try {
    return {lines: await measure(server.adminUrl, rounds, log)}
  } finally {
    await server.stop()
  }
}

async function measure(adminUrl: string, rounds: number, log: (line: string) => void): Promise<string[]> {
  const lines = [`scaffold-materialize: a SUM and a filtered COUNT roll-up over ${PARENTS} accounts (median of ${rounds})`]
  for (const children of [MATERIALIZE_CHILD_ROWS, MATERIALIZE_CHILD_ROWS * 10]) {
    const name = `hcg_bench_scaffold_${randomBytes(3).toString('hex')}`
    const url = await createDatabase(adminUrl, name)
    const db = await connectPostgres(url, {applicationName: 'hcg-bench scaffold-materialize', statementTimeoutMs: 900_000})
    try {
      log(`${children} opportunities`)
      await db.query(`CREATE SCHEMA salesforce; CREATE SCHEMA app;
        CREATE TABLE salesforce.account (id serial PRIMARY KEY, sfid varchar(18) UNIQUE, name text);
        CREATE TABLE salesforce.opportunity (id serial PRIMARY KEY, sfid varchar(18) UNIQUE, accountid varchar(18), amount float8, stagename text, isdeleted boolean);
        INSERT INTO salesforce.account (sfid, name) SELECT 'a' || g, 'n' || g FROM generate_series(1, ${PARENTS}) g;
        INSERT INTO salesforce.opportunity (sfid, accountid, amount, stagename, isdeleted)
          SELECT 'o' || g, 'a' || (1 + g % ${PARENTS}), g % 1000, CASE WHEN g % 3 = 0 THEN 'Closed Won' ELSE 'Open' END, FALSE FROM generate_series(1, ${children}) g;
        CREATE INDEX ON salesforce.opportunity (accountid); ANALYZE`)
      const child = object('Opportunity', 'opportunity', {accountid: 'text', amount: 'number', isdeleted: 'boolean', stagename: 'picklist'})
      const fields = ['count', 'sum'].map(operation => ({
        field: `${operation}__c`, source: operation,
        translation: translateRollUp({filterItems: [{field: 'Opportunity.StageName', operation: 'equals', value: 'Closed Won'}], operation, summarizedField: operation === 'sum' ? 'Opportunity.Amount' : undefined, summaryForeignKey: 'Opportunity.AccountId'}, child),
      }))
      await db.query(formulaViewSql('app', viewName('account'), object('Account', 'account', {name: 'text'}), fields).sql)
      for (const statement of materializeStatements('app', viewName('account'))) await db.query(statement)
      const time = async (sql: string, n = rounds) => {
        await db.query(sql)
        const samples: number[] = []
        for (let i = 0; i < n; i++) {
          const started = performance.now()
          await db.query(sql)
          samples.push(performance.now() - started)
        }

        return median(samples)
      }

      const [plain, copy] = [await time('SELECT * FROM app.account_computed'), await time('SELECT * FROM app.account_computed_mat')]
      const [onePlain, oneCopy] = [await time("SELECT * FROM app.account_computed WHERE sfid = 'a77'", 21), await time("SELECT * FROM app.account_computed_mat WHERE sfid = 'a77'", 21)]
      const refresh = await time(refreshStatement('app', viewName('account')), 3)
      lines.push(
        `  ${children} children: whole view ${plain.toFixed(0)} ms, copy ${copy.toFixed(1)} ms (${(plain / copy).toFixed(0)}x);`
        + ` one parent ${onePlain.toFixed(2)} ms vs ${oneCopy.toFixed(2)} ms; REFRESH … CONCURRENTLY ${refresh.toFixed(0)} ms`,
      )
    } finally {
      await db.close()
      await dropDatabase(adminUrl, name)
    }
  }

  return lines
}

import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {connectPostgres} from '../src/clients/postgres.js'
import type {PhaseRunner} from '../src/progress.js'
import {qualified} from '../src/sql.js'
import {readRuns} from '../src/snapshot/postgres/trigger-log.js'
import {runWriteMode} from '../src/workflows/write-mode/index.js'
import {interleave, verdict} from './lib.js'
import {withMessyBenchDatabase} from './messy-database.js'

// DESIGN.md §9: connect:write-mode over 2,000,000 pending `_trigger_log` rows (the messy
// scenario's main app, the same database as audit-postgres, from messy-database.ts) <= 4x the plain per-table,
// per-action GROUP BY of the pending rows, in the same run. The command's whole workflow runs in
// process, offline (an export file and the database URL, no Salesforce): reading the export, run
// detection, the size sample, the prediction, the changes and their savings. Warm: one discarded
// round, then the median of interleaved rounds.

const TARGET = 4
const quiet: PhaseRunner = async phases => {
  for (const phase of phases) await Promise.all(phase.tasks.map(task => task.run(() => {})))
}

export async function benchWriteMode(options: {logRows?: number; rounds?: number; keep?: boolean; log?: (line: string) => void} = {}): Promise<{lines: string[]; ratio: number}> {
  const logRows = options.logRows ?? 2_000_000
  const rounds = options.rounds ?? 5
  const log = options.log ?? ((line: string) => console.error(`  … ${line}`))
  return withMessyBenchDatabase({keep: options.keep, log, logRows}, async ({app, url}) => {
    const {connection} = app
    const work = await mkdtemp(join(tmpdir(), 'hcg-bench-write-mode-'))
    const db = await connectPostgres(url, {applicationName: 'hcg-bench write-mode', statementTimeoutMs: 600_000})
    try {
      const configFile = join(work, 'export.json')
      await writeFile(configFile, JSON.stringify({
        connection: {api_version: connection.apiVersion, features: connection.features, name: connection.name},
        mappings: connection.mappings.map(m => ({
          config: {access: m.access, fields: Object.fromEntries(m.fields.map(f => [f, {}])), sf_polling_seconds: m.pollingSeconds, ...(m.upsertField ? {upsert_field: m.upsertField} : {})},
          object_name: m.object,
        })),
        version: 1,
      }))
      const logTable = qualified(connection.schema, '_trigger_log')
      let objects = 0
      const contenders = [
        {label: 'baseline GROUP BY', run: () => db.query(`SELECT table_name, action, count(*) FROM ${logTable} WHERE state IN ('NEW','PENDING') GROUP BY 1,2`)},
        {label: 'run detection alone (readRuns)', run: () => db.readOnly(tx => readRuns(tx, connection.schema))},
        {label: 'connect:write-mode workflow', run: async () => {
          const report = await runWriteMode({configFile, databaseUrl: url, env: {}, runPhases: quiet})
          objects = report.objects.length
        }},
      ]
      const pending = await db.query<{n: string}>(`SELECT count(*) AS n FROM ${logTable} WHERE state IN ('NEW','PENDING')`)
      const [baseline, runs, command] = await interleave(rounds, contenders.map(c => c.run))
      const ratio = command / baseline
      return {
        lines: [
          `write-mode (${Number(pending.rows[0].n).toLocaleString('en-US')} pending _trigger_log rows, ${objects} objects, ${rounds} interleaved warm runs, median)`,
          `  baseline  ${contenders[0].label}: ${baseline.toFixed(0)} ms`,
          `  runs      ${contenders[1].label}: ${runs.toFixed(0)} ms  ratio ${(runs / baseline).toFixed(2)}x`,
          `  command   ${contenders[2].label}: ${command.toFixed(0)} ms  ratio ${ratio.toFixed(2)}x  ${verdict(ratio, TARGET)}`,
        ],
        ratio,
      }
    } finally {
      await db.close().catch(() => {})
      await rm(work, {force: true, recursive: true})
    }
  })
}

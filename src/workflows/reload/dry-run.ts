import {stateSchemaDdl, stateTable} from '../state/schema.js'
import {addForeignKeySql, backupSql, dropForeignKeySql, idMapSql, remapBatchSql, validateForeignKeySql, verifySql} from './sql.js'
import type {Preflight} from './types.js'

// What --dry-run prints: the exact statements and API calls of a run, in order, built by the
// same functions the steps execute.

export function dryRunStatements(preflight: Preflight, journalId: number, apiBase: string): string[] {
  const {plan} = preflight
  const out: string[] = []
  if (preflight.createsStateSchema) out.push(...stateSchemaDdl())
  out.push(`INSERT INTO ${stateTable('journal')} (kind, app, connection_id, target, status, step, plan) VALUES ('reload', …) -- journal ${journalId}`)
  out.push('BEGIN', ...backupSql(plan, journalId), 'COMMIT')
  out.push('BEGIN', "SET LOCAL lock_timeout = '2s'", ...plan.dependants.foreignKeysIn.map(fk => dropForeignKeySql(fk)), 'COMMIT')
  out.push(`POST ${apiBase}/mappings/${plan.mappingId}/actions/reload`, `GET ${apiBase}/mappings/${plan.mappingId} -- every few seconds until DATA_SYNCED`)
  out.push(verifySql(plan, journalId), ...idMapSql(plan, journalId))
  for (const target of plan.remap) {
    out.push(`-- in key-range batches sized to take about 0.5 s (two at a time), each its own transaction with lock_timeout 1s and statement_timeout 1.5s:\n${remapBatchSql(target, journalId)}`)
  }

  for (const fk of plan.dependants.foreignKeysIn) out.push(addForeignKeySql(fk), validateForeignKeySql(fk))
  return out
}

import {fmt} from '../../analysis/write-prediction.js'
import {stateSchemaDdl} from '../state/schema.js'
import {newFieldMetadata} from './salesforce-steps.js'
import {backfillBatchText, PGCRYPTO_SQL, setDefaultSql} from './sql.js'
import type {ExternalIdPlan} from './types.js'

// --dry-run: the exact Salesforce, Connect and SQL calls a run would make, in order. Nothing is
// sent; the batch bounds of the backfill are read when it runs, so the first batch is shown.

export function dryRunCalls(plan: ExternalIdPlan, apiVersion: string, connectBase: string): string[] {
  const calls: string[] = []
  if (plan.createsStateSchema) calls.push(...stateSchemaDdl().map(sql => `SQL  ${sql.split('\n')[0]}${sql.includes('\n') ? ' …' : ''}`))
  const tooling = `/services/data/v${apiVersion}/tooling/sobjects/CustomField`
  for (const m of plan.mappings.filter(p => !plan.blocked.includes(p.object))) {
    calls.push(`# ${m.object}`)
    if (m.actions.field && !m.fieldState.exists) calls.push(`POST ${tooling} ${JSON.stringify({FullName: `${m.object}.${m.field}`, Metadata: newFieldMetadata(m.field)})}`)
    else if (m.actions.field) calls.push(`PATCH ${tooling}/<Id of ${m.object}.${m.fieldState.name}> {"Metadata": {…its Metadata…, "externalId": true, "unique": true}}`)
    if (m.actions.access) {
      calls.push(
        `GET  query: SELECT Id FROM PermissionSet WHERE Name = '${plan.permissionSet}' (POST /sobjects/PermissionSet when missing)`,
        `POST /sobjects/FieldPermissions {Field: ${m.object}.${m.field}, PermissionsRead: true, PermissionsEdit: true} (or PATCH the existing row)`,
        `POST /sobjects/PermissionSetAssignment {AssigneeId: ${plan.assignee?.id ?? '?'} (${plan.assignee?.username ?? '?'})} (when not assigned yet)`,
      )
    }

    if (m.actions.mapping) calls.push(`PUT  ${connectBase}/mappings/${m.mappingId} {"config": …} with ${m.configDiff.join(', ')}`, `GET  ${connectBase}/mappings/${m.mappingId} until Connect has added ${m.column}`)
    if (m.actions.default) {
      if (plan.needsPgcrypto) calls.push(`SQL  ${PGCRYPTO_SQL}`)
      calls.push(`SQL  ${setDefaultSql(m)}`)
    }

    if (m.actions.backfill) {
      calls.push(`SQL  ${backfillBatchText(m, '$1', '$2')} (one transaction per ${fmt(plan.batchRows)} keys, $2 = $1 + ${plan.batchRows}; ${fmt(m.cost.rows)} rows to fill)`)
    }
  }

  return calls
}

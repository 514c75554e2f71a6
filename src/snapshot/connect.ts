import type {ConnectionDetails, MappingDetails, ValidationGroups, ValidationReport} from '../clients/connect-types.js'
import type {ConnectionFacts, MappingFacts, ValidationCheck} from './types.js'

// Connect API payloads → the facts rules read. The export-file path produces the same shape
// (export-file.ts), so every Connect rule works both live and offline.

export function connectionFacts(details: ConnectionDetails, validations: null | ValidationReport): ConnectionFacts {
  return {
    apiVersion: details.api_version ?? details.sf_info?.api_version ?? null,
    features: Object.fromEntries(Object.entries(details.features ?? {}).map(([key, value]) => [key, value === true])),
    logDrain: typeof details.logplex_log_enabled === 'boolean' ? details.logplex_log_enabled : null,
    mappings: (details.mappings ?? []).map(mapping => mappingFacts(mapping)),
    name: details.name ?? details.resource_name ?? null,
    origin: 'api',
    salesforceUser: {organizationId: details.sf_info?.organization_id ?? details.organization_id ?? null, username: details.sf_info?.username ?? null},
    schema: details.schema_name,
    soapBatchSize: typeof details.soap_batch_size === 'number' ? details.soap_batch_size : null,
    state: details.state,
    stateSince: stringOr(details.updated_at) ?? (details.state === 'NEW' ? stringOr(details.created_at) : null),
    validations: validations ? validationChecks(validations) : null,
  }
}

function mappingFacts(mapping: MappingDetails): MappingFacts {
  const config = mapping.config ?? {access: mapping.access ?? 'read_only', fields: {}}
  return {
    access: config.access ?? mapping.access ?? 'read_only',
    fields: Object.keys(config.fields ?? {}),
    indexes: config.indexes ?? {},
    maxDailyApiCalls: config.sf_max_daily_api_calls ?? null,
    notify: config.sf_notify_enabled ?? mapping.sf_notify_enabled ?? null,
    object: mapping.object_name,
    pollingSeconds: config.sf_polling_seconds ?? mapping.sf_polling_seconds ?? null,
    state: mapping.state ?? null,
    stateDescription: mapping.state_description ?? null,
    stateSince: stringOr(mapping.updated_at),
    table: mapping.object_name.toLowerCase(),
    upsertField: config.upsert_field ?? mapping.upsert_field ?? null,
  }
}

const stringOr = (value: unknown): null | string => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null)

function validationChecks(report: ValidationReport): ValidationCheck[] {
  const checks: ValidationCheck[] = []
  const add = (groups: ValidationGroups, object: null | string) => {
    for (const [level, list] of [['error', groups.errors], ['warning', groups.warnings]] as const) {
      for (const check of list ?? []) {
        checks.push({displayName: check.display_name, docUrl: check.doc_url ?? null, level, message: check.message, object, ruleId: check.rule_id ?? null})
      }
    }
  }

  add(report, null)
  for (const [object, groups] of Object.entries(report.mappings ?? {})) add(groups, object)
  return checks
}

import type {ValidationCheck, ValidationGroups, ValidationReport} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'
import type {SfFieldSpec} from '../model.js'
import {stableUuid} from '../heroku/ids.js'
import {LATEST_API_VERSION} from './api-version.js'
import {connectionRoute, fail, mappingRoute, ok} from './guard.js'
import type {ConnectContext, ConnectionRuntime, MappingRuntime} from './state.js'

// connect:diagnose. Connect's checks run server-side: the connection-wide job is asynchronous
// (POST → result_url, 202 while running, 200 with the report), the per-mapping one synchronous.
// The checks below are the documented ones (Dev Center "Heroku Connect Diagnostics"), computed
// from the live mapping configs and the org's describe, so an import or a fix shows up at once.

const DOC = 'https://devcenter.heroku.com/articles/heroku-connect-diagnose#check-'

type Outcome = 'error' | 'pass' | 'skip' | 'warning'

interface Check {
  outcome: Outcome
  display_name: string
  rule_id: string
  message: string
  slug: string
}

const STATUS: Record<Outcome, string> = {error: 'FAILED', pass: 'PASSED', skip: 'SKIPPED', warning: 'FAILED'}

function group(checks: Check[]): ValidationGroups {
  const out: Required<ValidationGroups> = {errors: [], passes: [], skips: [], warnings: []}
  const key: Record<Outcome, keyof ValidationGroups> = {error: 'errors', pass: 'passes', skip: 'skips', warning: 'warnings'}
  for (const c of checks) {
    const check: ValidationCheck = {display_name: c.display_name, doc_url: DOC + c.slug, message: c.message, rule_id: c.rule_id, status: STATUS[c.outcome]}
    out[key[c.outcome]].push(check)
  }

  return out
}

export const MIN_RECOMMENDED_API_VERSION = 50
const MAX_MAPPINGS = 30
const MAX_FIELDS = 100
const MAX_LARGE_TEXT_AREAS = 5
const LARGE_TEXT_AREA_LENGTH = 32_768

function connectionChecks(ctx: ConnectContext, conn: ConnectionRuntime): Check[] {
  const checks: Check[] = []
  const version = Number.parseFloat(conn.apiVersion)
  const apiVersion = {display_name: 'Salesforce API Version', rule_id: 'MUST_USE_RECENT_API_VERSION', slug: 'salesforce-api-version'}
  checks.push(version < MIN_RECOMMENDED_API_VERSION
    ? {...apiVersion, message: `The latest available Salesforce API version is ${LATEST_API_VERSION}. Your connection is using version ${conn.apiVersion}. You should re-create your connection to use the latest version.`, outcome: 'warning'}
    : {...apiVersion, message: `Your connection is using Salesforce API version ${conn.apiVersion}; the latest available is ${LATEST_API_VERSION}.`, outcome: 'pass'})
  const logging = {display_name: 'Configured Logging', rule_id: 'SHOULD_HAVE_LOG_DRAIN', slug: 'configured-log-drain'}
  checks.push(conn.spec.logDrain
    ? {...logging, message: 'App has logging configured.', outcome: 'pass'}
    : {...logging, message: 'App does not have logging configured.', outcome: 'warning'})
  const n = conn.mappings.length
  checks.push({
    display_name: 'Number of Mappings',
    message: n > MAX_MAPPINGS ? `${n} mappings on one connection slow every sync cycle; keep it at ${MAX_MAPPINGS} or fewer.` : `${n} mappings.`,
    outcome: n > MAX_MAPPINGS ? 'warning' : 'pass',
    rule_id: 'SHOULD_HAVE_FEW_MAPPINGS',
    slug: 'number-of-mappings',
  })
  const {org} = ctx
  const user = org.spec.users.find(u => u.id === org.spec.integrationUserId)
  const profile = org.spec.profiles.find(p => p.id === user?.profileId)
  const viaPermSet = org.spec.permissionSets.some(ps => ps.assignees.includes(org.spec.integrationUserId) && ps.viewAllData)
  if (!user) {
    checks.push({display_name: 'View/Modify All Data', message: 'The connection is not authenticated; the integration user is unknown.', outcome: 'skip', rule_id: 'SHOULD_HAVE_VIEW_ALL_DATA', slug: 'view-modify-all-data'})
  } else {
    const ok = Boolean(profile?.viewAllData) || viaPermSet
    checks.push({
      display_name: 'View/Modify All Data',
      message: ok ? `${user.username} can view all data.` : `${user.username} lacks View All Data; records it cannot see are silently not synced.`,
      outcome: ok ? 'pass' : 'warning',
      rule_id: 'SHOULD_HAVE_VIEW_ALL_DATA',
      slug: 'view-modify-all-data',
    })
  }

  checks.push({display_name: 'Database Plan', message: 'Not checked by the sandbox.', outcome: 'skip', rule_id: 'SHOULD_USE_PRODUCTION_DATABASE', slug: 'database-plan'})
  return checks
}

function isRequired(field: SfFieldSpec): boolean {
  return field.nillable === false && field.createable !== false && !field.defaultedOnCreate && field.type !== 'id' && field.type !== 'boolean'
}

function mappingChecks(ctx: ConnectContext, mapping: MappingRuntime): Check[] {
  const checks: Check[] = []
  const {config} = mapping
  const described = ctx.org.describeObject(mapping.object)
  const mapped = Object.keys(config.fields)
  const byName = new Map((described?.fields ?? []).map(f => [f.name.toLowerCase(), f]))
  const readWrite = config.access === 'read_write'

  if (!readWrite) {
    checks.push({display_name: 'Upsert Field / Unique Identifier', message: 'Read-only mapping; no unique identifier needed.', outcome: 'skip', rule_id: 'MUST_HAVE_UNIQUE_IDENTIFIER', slug: 'upsert-field-unique-identifier'})
  } else if (config.upsert_field) {
    const field = byName.get(config.upsert_field.toLowerCase())
    const external = !field || field.externalId
    checks.push({
      display_name: 'Upsert Field / Unique Identifier',
      message: external ? `${config.upsert_field} is the unique identifier.` : `${config.upsert_field} is not an External ID field; Connect cannot upsert on it.`,
      outcome: external ? 'pass' : 'error',
      rule_id: 'MUST_HAVE_UNIQUE_IDENTIFIER',
      slug: 'upsert-field-unique-identifier',
    })
  } else {
    checks.push({display_name: 'Upsert Field / Unique Identifier', message: `Read-write mapping ${mapping.object} has no unique identifier (External ID); writes from Postgres can create duplicates in Salesforce.`, outcome: 'error', rule_id: 'MUST_HAVE_UNIQUE_IDENTIFIER', slug: 'upsert-field-unique-identifier'})
  }

  if (described) {
    const calculated = mapped.filter(name => {
      const f = byName.get(name.toLowerCase())
      return Boolean(f?.formula || f?.rollup)
    })
    checks.push({
      display_name: 'Calculated Fields',
      message: calculated.length > 0
        ? `Calculated fields ${calculated.join(', ')} are mapped; Salesforce does not change their SystemModstamp, so Postgres can hold stale values.`
        : 'No calculated fields are mapped.',
      outcome: calculated.length > 0 ? 'warning' : 'pass',
      rule_id: 'SHOULD_NOT_MAP_CALCULATED_FIELDS',
      slug: 'calculated-fields',
    })
    if (readWrite) {
      const mappedSet = new Set(mapped.map(m => m.toLowerCase()))
      const missing = described.fields.filter(f => isRequired(f) && !mappedSet.has(f.name.toLowerCase())).map(f => f.name)
      checks.push({
        display_name: 'Required Fields',
        message: missing.length > 0 ? `Required fields ${missing.join(', ')} are not mapped; inserts from Postgres will fail.` : 'All required fields are mapped.',
        outcome: missing.length > 0 ? 'error' : 'pass',
        rule_id: 'MUST_MAP_REQUIRED_FIELDS',
        slug: 'required-fields',
      })
    } else {
      checks.push({display_name: 'Required Fields', message: 'Read-only mapping.', outcome: 'skip', rule_id: 'MUST_MAP_REQUIRED_FIELDS', slug: 'required-fields'})
    }

    const large = mapped.filter(name => {
      const f = byName.get(name.toLowerCase())
      return f?.type === 'textarea' && (f.length ?? 0) >= LARGE_TEXT_AREA_LENGTH
    })
    checks.push({
      display_name: 'Number of Large Text Area Fields',
      message: `${large.length} large text area fields are mapped.`,
      outcome: large.length > MAX_LARGE_TEXT_AREAS ? 'warning' : 'pass',
      rule_id: 'SHOULD_HAVE_FEW_LARGE_TEXT_AREAS',
      slug: 'number-of-large-text-area-fields',
    })
  } else {
    checks.push({display_name: 'Calculated Fields', message: `${mapping.object} could not be described.`, outcome: 'skip', rule_id: 'SHOULD_NOT_MAP_CALCULATED_FIELDS', slug: 'calculated-fields'})
  }

  checks.push({
    display_name: 'Number of Fields',
    message: `${mapped.length} fields are mapped.`,
    outcome: mapped.length > MAX_FIELDS ? 'warning' : 'pass',
    rule_id: 'SHOULD_HAVE_FEW_FIELDS',
    slug: 'number-of-fields',
  })
  return checks
}

export function validateMapping(ctx: ConnectContext, mapping: MappingRuntime): ValidationGroups {
  return group(mappingChecks(ctx, mapping))
}

export function validateConnection(ctx: ConnectContext, conn: ConnectionRuntime): ValidationReport {
  return {
    ...group(connectionChecks(ctx, conn)),
    mappings: Object.fromEntries(conn.mappings.map(m => [m.object, validateMapping(ctx, m)])),
  }
}

export function registerValidations(server: FakeHttpServer, ctx: ConnectContext): void {
  server
    .route('POST', '/api/v3/connections/:id/validations', connectionRoute(ctx, conn => {
      const jobId = stableUuid(`validation:${conn.id}:${conn.validationJobs.size}:${Date.now()}`)
      conn.validationJobs.set(jobId, {pendingPolls: ctx.validationPendingPolls, report: validateConnection(ctx, conn)})
      return ok({result_url: `${ctx.url()}/api/v3/connections/${conn.id}/validations/${jobId}`}, 202)
    }))
    .route('GET', '/api/v3/connections/:id/validations/:job', connectionRoute(ctx, (conn, req) => {
      const job = conn.validationJobs.get(req.params.job)
      if (!job) return fail(404, `Validation ${req.params.job} not found`)
      if (job.pendingPolls > 0) {
        job.pendingPolls--
        return ok({message: 'Validation in progress'}, 202)
      }

      return ok(job.report)
    }))
    .route('GET', '/api/v3/mappings/:id/validations', mappingRoute(ctx, (_conn, mapping) => ok(validateMapping(ctx, mapping))))
}

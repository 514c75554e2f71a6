import type {ConnectionDetails, MappingDetails} from '../../clients/connect-types.js'
import type {PgQueryable} from '../../clients/postgres.js'
import {connectIdDependants} from '../../analysis/connect-id-dependants.js'
import {CONNECTION_FIX, HEALTHY_CONNECTION} from '../../analysis/connect-states.js'
import {GuardError, UsageError} from '../../errors.js'
import {connectionFacts} from '../../snapshot/connect.js'
import {collectPostgres} from '../../snapshot/postgres/collect.js'
import {STATE_SCHEMA, stateSchemaExists} from '../state/schema.js'
import {countForeignValues, readForeignKeyDdl, readMissingPrivileges, readTableCounts, readTableDependants, readWritability, resolveRemapTarget} from './catalog.js'
import {estimateReload} from './estimate.js'
import {type CheckName, type Preflight, type PreflightCheck, type RemapTarget, UNFORCEABLE} from './types.js'

// The preflight: everything that would lose data or break the app if the reload ran now, as
// named checks (waivable one by one with --force), plus what depends on the table. It only reads,
// in one READ ONLY transaction; the audit's collector and HC040's detection provide the catalog.

export interface PreflightRequest {
  app: null | string
  connection: ConnectionDetails
  mapping: MappingDetails
  remap: string[]
  force: CheckName[]
  timeoutMs: number
}

const RELOADABLE_MAPPING = new Set(['DATA_SYNCED', 'POLLING_SF_CHANGES', 'POLLING_SF_BULK', 'POLLING_SF_FOR_DELETES'])

export async function runPreflight(db: PgQueryable, request: PreflightRequest, host: string): Promise<Preflight> {
  const {connection, mapping} = request
  const schema = connection.schema_name
  const table = mapping.object_name.toLowerCase()
  const writable = await readWritability(db)
  if (writable.standby) throw new GuardError(`the database at ${host} is a read-only hot standby (a follower)`, 2, 'pass the primary database with --database-url')
  if (writable.readOnly) throw new GuardError(`the database at ${host} is read-only (default_transaction_read_only = on)`, 2, 'use a role and database that accept writes')

  const facts = await collectPostgres(db, schema, connectionFacts(connection, null))
  const relation = facts.relations.find(r => r.name === table && (r.kind === 'r' || r.kind === 'p'))
  if (!relation) throw new UsageError(`mapping ${mapping.object_name} has no table ${schema}.${table} in this database`, 'check --database-url, or run `heroku connect:audit` to see what is wrong')
  const columnNames = new Set(relation.columns.map(c => c.name))
  const hasStatus = columnNames.has('_hc_lastop') && columnNames.has('_hc_err')

  const remap: RemapTarget[] = []
  for (const spec of request.remap) remap.push(await resolveRemapTarget(db, spec, schema))
  const [counts, fks, others, stateExists] = [
    await readTableCounts(db, schema, table, hasStatus, facts.systemTables._trigger_log !== null),
    await readForeignKeyDdl(db, schema, table),
    await readTableDependants(db, schema, table),
    await stateSchemaExists(db),
  ]
  const privileges = await readMissingPrivileges(db, schema, table, fks.in, remap, STATE_SCHEMA)

  // HC040's detection, one implementation: the app's columns that look like they hold this table's ids
  const hc040 = connectIdDependants({
    app: request.app, collectedAt: new Date().toISOString(), connection: connectionFacts(connection, null), postgres: facts, salesforce: null,
    sources: {connect: {ok: true}, postgres: {ok: true}, salesforce: {ok: false}},
  })
  const ref = (s: string, t: string, c: string) => `${s}.${t}.${c}`
  const remapped = new Set(remap.map(r => ref(r.schema, r.table, r.column)))
  const holders = [
    ...hc040.foreignKeys.filter(fk => fk.toTable === table).flatMap(fk => fk.fromColumns.map(c => ref(fk.fromSchema, fk.fromTable, c))),
    ...hc040.likelyColumns.filter(c => c.mappedTable === table).map(c => ref(c.schema, c.table, c.column)),
  ]
  const candidates = [...new Set(holders)].filter(h => !h.startsWith(`${schema}.`)).sort()

  const checks: PreflightCheck[] = []
  const check = (name: CheckName, ok: boolean, summary: string, details: string[] = [], fix: null | string = null) => {
    const forced = !ok && request.force.includes(name) && !UNFORCEABLE.has(name)
    checks.push({details, fix: ok ? null : fix, forced, name, ok, summary})
  }

  const app = request.app ?? '<app>'
  check('connection-state', HEALTHY_CONNECTION.has(connection.state), `connection ${connection.name ?? connection.id} is ${connection.state}`, [],
    (CONNECTION_FIX[connection.state] ?? 'heroku connect:recover {app}').replaceAll('{app}', `-a ${app}`))
  check('mapping-state', RELOADABLE_MAPPING.has(mapping.state), `mapping ${mapping.object_name} is ${mapping.state}${mapping.state_description ? ` (${mapping.state_description})` : ''}`, [],
    `wait for ${mapping.object_name} to reach DATA_SYNCED; heroku connect:diagnose -a ${app}`)
  check('unsynced-rows', counts.unsynced === 0, counts.unsynced === 0 ? 'every row has an sfid' : `${counts.unsynced} rows have no sfid: never synced to Salesforce, the reload would delete them`,
    counts.unsyncedSamples.length > 0 ? [`ids ${counts.unsyncedSamples.join(', ')}${counts.unsynced > counts.unsyncedSamples.length ? ', …' : ''}`] : [],
    `let Connect send them first (heroku connect:write-mode -a ${app} shows the backlog), or --force unsynced-rows: they stay in the backup`)
  check('pending-changes', counts.pending === 0, counts.pending === 0 ? 'no pending _trigger_log changes' : `${counts.pending} changes to ${table} wait in _trigger_log; the reload would discard them`, [],
    'wait for Connect to send them: add --wait-drain 10m')
  check('failed-rows', counts.failed === 0, counts.failed === 0 ? 'no FAILED rows' : `${counts.failed} rows are FAILED: their changes never reached Salesforce and the reload would overwrite them`,
    counts.failedSamples.map(s => `_hc_err: ${s}`), `fix the errors and let Connect retry them (heroku connect:audit -a ${app} --only HC070), or --force failed-rows`)
  const uncovered = candidates.filter(c => !remapped.has(c))
  check('id-columns', uncovered.length === 0, uncovered.length === 0 ? `${remap.length} id column(s) to remap` : `${uncovered.length} app column(s) may hold ${table} ids and are not remapped`,
    uncovered, `add --remap ${uncovered[0] ?? 'SCHEMA.TABLE.COLUMN'} for each, or --force id-columns if they hold something else`)
  const foreign: string[] = []
  for (const target of remap) {
    const values = await countForeignValues(db, target, schema, table)
    if (values.foreign > 0) foreign.push(`${ref(target.schema, target.table, target.column)}: ${values.foreign} of ${values.distinct} values are not ids of ${schema}.${table} (e.g. ${values.samples.join(', ')})`)
  }

  check('remap-values', foreign.length === 0, foreign.length === 0 ? `every --remap value is an id of ${schema}.${table}` : 'some --remap columns hold values that are not ids of this table', foreign,
    'check the column really refers to this table, or --force remap-values (those values are left as they are)')
  check('privileges', privileges.length === 0, privileges.length === 0 ? 'the database role may do every step' : 'the database role lacks privileges the run needs', privileges,
    'run with the database owner role (Heroku: the default credential)')

  const columns = relation.columns.map(c => c.name).filter(c => !['id', '_hc_lastop', '_hc_err'].includes(c))
  const rows = mapping.counts?.sf ?? counts.rows
  return {
    checks,
    connectionState: connection.state,
    createsStateSchema: !stateExists,
    mappingState: mapping.state,
    plan: {
      app: request.app,
      columns,
      connectionId: connection.id,
      dependants: {candidates, foreignKeysIn: fks.in, foreignKeysOut: fks.out, functions: others.functions, triggers: others.triggers, views: others.views},
      estimate: estimateReload(rows, counts.rows, remap.length),
      mappingId: mapping.id,
      object: mapping.object_name,
      remap,
      schema,
      table,
      timeoutMs: request.timeoutMs,
    },
    refused: checks.some(c => !c.ok && !c.forced),
    rows: counts.rows,
  }
}

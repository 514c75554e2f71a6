import {
  appFlag, connectObjectsOf, isLegacyTriggerLog, layoutDifferences, layoutRepair, mappedTableNames, mappingOf, TRIGGER_LOG_LAYOUT,
} from '../analysis/connect-objects.js'
import {CAUSES} from './causes.js'
import {truncateIdentifier} from '../sql.js'
import type {Rule, RuleHit} from './types.js'

const REQUIRED = ['_hcmeta', '_trigger_log', '_trigger_log_archive']

export const hc075: Rule = {
  check(snapshot) {
    const pg = snapshot.postgres!
    const s = pg.schema
    const recover = `heroku connect:recover ${appFlag(snapshot)}`
    if (!pg.schemaExists) {
      return [{fix: `heroku connect:state ${appFlag(snapshot)} (check db_key and schema_name), then ${recover}`, message: `schema ${s} does not exist in this database: Connect has nowhere to sync (is this the connection's database?)`}]
    }

    // a legacy layout explains what is missing or different here: HC078 reports it as one finding
    const legacy = isLegacyTriggerLog(pg.systemTables._trigger_log ?? null) ? {foldInto: CAUSES.legacyLayout(s)} : {}
    const hits: RuleHit[] = []
    const missing = REQUIRED.filter(t => !pg.systemTables[t])
    const tables = mappedTableNames(snapshot).tables
    if (missing.length === REQUIRED.length) {
      // one cause: Connect never built this schema, so no table has its triggers either
      const mapped = tables.length > 0 ? `, and none of its ${tables.length} mapped ${tables.length === 1 ? 'table has' : 'tables have'} Connect's triggers` : ''
      return [{
        ...legacy,
        fix: `point --database-url at the database the connection syncs (heroku connect:info ${appFlag(snapshot)}); if it is this one, ${recover} so Connect rebuilds its tables`,
        message: `schema ${s} has none of Connect's system tables (${REQUIRED.join(', ')})${mapped}: Connect did not build it (a hand-made, ORM or dumped copy?), and a connection using it goes DB_UNAVAILABLE`,
        table: s,
      }]
    }

    for (const table of missing) {
      const consequence = table === '_trigger_log' ? ': the connection goes DB_UNAVAILABLE, and no change to a mapped table can be logged' : ': the connection goes DB_UNAVAILABLE'
      hits.push({...legacy, fix: recover, message: `Connect system table ${s}.${table} is missing${consequence}`, table: `${s}.${table}`})
    }

    for (const table of ['_trigger_log', '_trigger_log_archive']) {
      const columns = pg.systemTables[table] ?? null
      const differences = layoutDifferences(columns)
      if (differences.length === 0) continue
      hits.push({
        ...legacy,
        fix: layoutRepair(s, table, columns!) ?? `heroku connect:pause ${appFlag(snapshot)}; recreate ${s}.${table} with Connect's 15 columns in order (docs/rules.md#hc075-connect-system-tables) and copy its rows; heroku connect:resume ${appFlag(snapshot)}`,
        message: `${s}.${table} is not Connect's layout: ${differences.join('; ')}`,
        table: `${s}.${table}`,
      })
    }

    // without _trigger_log, its finding above already says no table can log changes
    if (!pg.systemTables._trigger_log) return hits
    const connect = connectObjectsOf(snapshot)
    for (const table of tables) {
      const relation = pg.relations.find(r => r.name === table && (r.kind === 'r' || r.kind === 'p'))
      const roles = new Set(relation?.triggers.map(t => connect.connectTriggerRole(table, t)))
      const lacking = [roles.has('log') ? null : `hc_${table}_logtrigger`, roles.has('status') ? null : `hc_${table}_status_trigger`]
        .filter(name => name !== null).map(name => truncateIdentifier(name))
      const mapping = snapshot.connection?.mappings.find(m => m.table === table)
      if ((relation && lacking.length === 0) || (!relation && mapping?.state === 'INITIAL')) continue
      const object = mappingOf(snapshot, table)
      const where = {object, table: `${s}.${table}`}
      if (!relation) {
        hits.push({...legacy, ...where, fix: recover, message: `mapped table ${s}.${table} does not exist: Connect cannot sync ${object ?? table}`})
        continue
      }

      // a read-only mapping sends nothing to Salesforce: its logger only records local edits (as READONLY)
      const readOnly = mapping?.access === 'read_only'
      const lost = readOnly
        ? `edits made in Postgres to this read-only mapping are no longer recorded in ${s}._trigger_log (as READONLY), so nothing shows that Connect will overwrite them`
        : 'changes to it are not captured for Salesforce'
      hits.push({
        ...legacy, ...where,
        fix: recover,
        message: `mapped table ${s}.${table} lacks Connect's trigger ${lacking.join(' and ')}: ${roles.has('log') ? 'its _hc_lastop and _hc_err are not kept up to date' : lost}`,
        severity: readOnly || roles.has('log') ? 'warning' : undefined,
      })
    }

    return hits
  },
  id: 'HC075',
  name: 'connect-system-tables',
  needs: ['postgres'],
  practice: null,
  remedy: 'Never alter Connect\'s tables or triggers; keep your own columns and logs in your own schema. Where the finding gives an `ALTER TABLE`, run it: it drops added columns, restores types and re-adds trailing columns. When a column has to move, pause the connection (`heroku connect:pause`), recreate the table with the documented columns in this order and copy its rows back: ' +
    TRIGGER_LOG_LAYOUT.map(([name, type]) => `\`${name} ${type}\``).join(', ') +
    ' (in `_trigger_log`, `id` defaults to `nextval(\'_trigger_log_id_seq\')` and `created_at`/`updated_at` to `now()`; keep its indexes and `tlog_insert_trigger`), then resume. For a missing table or trigger, `heroku connect:recover` restarts the connection so Connect checks its schema again; restoring the objects from a backup or from a dump of a healthy Connect schema also works.',
  severity: 'error',
  summary: 'Connect\'s system tables or per-table triggers are missing or altered',
  why: 'Connect keeps its state in `_hcmeta`, captures every write in `_trigger_log` through the `hc_<table>_logtrigger` trigger on each mapped table (its logger builds a whole log row and inserts it positionally), records the outcome of each send in that row (`state`, `sf_result`, `sf_message`) and moves processed rows into `_trigger_log_archive`. It relies on both log tables having exactly the documented columns in the documented order: a dropped or retyped column breaks capture or the writer, and an added or reordered column leaves rows that no longer line up between the two tables. Without the triggers a table\'s writes are never captured; without the tables the connection goes DB_UNAVAILABLE.',
}

import {appFlag, connectObjectsOf, isLegacyTriggerLog, mappedTableNames, mappingOf, matchesConnectName, sqlIdent, sqlName} from '../analysis/connect-objects.js'
import type {RelationFacts} from '../snapshot/types.js'
import {CAUSES} from './causes.js'
import type {Rule, RuleHit} from './types.js'

// Tables Connect did not shape the way it shapes them (reference/heroku-connect-db.md §2): made by
// hand, by an ORM or a migration tool before the mapping, or left from the 2014 layout. Connect
// does not replace a table that exists, so it syncs into whatever shape it finds.

const TIMESTAMP = 'timestamp without time zone'

/** Why a NOT NULL on one of Connect's columns breaks writes. */
const NOT_NULL: Record<string, string> = {
  _hc_err: 'Connect\'s status trigger clears it on every change, so every write to the table fails',
  _hc_lastop: 'Connect\'s status trigger may leave it NULL, so writes can fail',
  sfid: 'a row inserted in Postgres has no sfid until Salesforce returns one, so every insert from the app fails',
}

function shapeProblems(schema: string, relation: RelationFacts, sfidIndexName: (t: string) => string, isConnectSfidIndex: (i: RelationFacts['indexes'][number]) => boolean): {problems: string[]; sql: string[]; foreignIndex: null | string} {
  const problems: string[] = []
  const sql: string[] = []
  const table = sqlName(schema, relation.name)
  for (const column of relation.columns.filter(c => c.notNull && NOT_NULL[c.name])) {
    problems.push(`${column.name} is NOT NULL: ${NOT_NULL[column.name]}`)
    sql.push(`ALTER TABLE ${table} ALTER COLUMN ${sqlIdent(column.name)} DROP NOT NULL;`)
  }

  let foreignIndex: null | string = null
  if (relation.columns.some(c => c.name === 'sfid') && !relation.indexes.some(i => isConnectSfidIndex(i))) {
    const other = relation.indexes.find(i => i.unique && i.columns.length === 1 && i.columns[0] === 'sfid')
    const name = sfidIndexName(relation.name)
    if (other) {
      foreignIndex = other.name
      problems.push(`sfid is unique through ${other.name}, not Connect's ${name}: a rebuild or import adds Connect's index beside it, and an index made by hand is not part of the configuration`)
    } else {
      problems.push(`there is no unique index ${name} on sfid: each record Connect reads back is looked up by scanning the table, and nothing stops the same sfid arriving twice`)
      sql.push(`CREATE UNIQUE INDEX ${sqlIdent(name)} ON ${table} (sfid);`)
    }
  }

  const stamp = relation.columns.find(c => c.name === 'systemmodstamp')
  if (stamp && stamp.type !== TIMESTAMP) {
    problems.push(`systemmodstamp is ${stamp.type}, not ${TIMESTAMP}: Connect writes Salesforce's UTC time into it and polls by comparing it, which a different type shifts or breaks`)
    sql.push(`ALTER TABLE ${table} ALTER COLUMN systemmodstamp TYPE ${TIMESTAMP} USING systemmodstamp::${TIMESTAMP};`)
  }

  return {foreignIndex, problems, sql}
}

export const hc078: Rule = {
  check(snapshot) {
    const pg = snapshot.postgres!
    const s = pg.schema
    const app = appFlag(snapshot)
    const hits: RuleHit[] = []
    const log = pg.systemTables._trigger_log ?? null
    const legacyTables = new Set(pg.relations.filter(r => r.name !== '_trigger_log' && r.columns.some(c => c.name === '_c5_source')).map(r => r.name))
    if (isLegacyTriggerLog(log)) {
      const mapped = [...legacyTables].sort()
      const absent = ['_hcmeta', '_trigger_log_archive'].filter(t => !pg.systemTables[t])
      hits.push({
        cause: CAUSES.legacyLayout(s),
        fix: `heroku connect:export ${app} to keep the mappings, then have Connect rebuild the schema: recreate the connection on an empty schema (heroku addons:open herokuconnect ${app}) and heroku connect:import FILE ${app}; move your own tables out first`,
        message: `${s}._trigger_log has the legacy (2014) layout${log!.some(c => c.name === '_c5_source') ? ' with _c5_source' : ''}, without Connect's current columns${absent.length > 0 ? ` and without ${absent.join(' and ')}` : ''}${mapped.length > 0 ? `; tables in that layout: ${mapped.join(', ')}` : ''}: today's Connect neither reads nor writes this layout, so nothing written here reaches Salesforce`,
        table: `${s}._trigger_log`,
      })
    }

    const connect = connectObjectsOf(snapshot)
    const sfidIndexName = (t: string) => `hcu_idx_${t}_sfid`
    for (const name of mappedTableNames(snapshot).tables) {
      const relation = pg.relations.find(r => r.name === name && (r.kind === 'r' || r.kind === 'p'))
      // tables of the legacy layout are part of the finding above
      if (!relation || legacyTables.has(name)) continue
      const isConnectSfidIndex = (i: RelationFacts['indexes'][number]) => i.unique && i.columns.length === 1 && i.columns[0] === 'sfid'
        && (connect.isConnectIndex(name, i) || matchesConnectName(i.name, ['hcu_idx_', {part: name}, '_sfid']))
      const {foreignIndex, problems, sql} = shapeProblems(s, relation, t => sfidIndexName(t), i => isConnectSfidIndex(i))
      if (problems.length === 0) continue
      const notNull = problems.some(p => p.includes('NOT NULL'))
      hits.push({
        // HC020 reports the hand-made sfid index as a user index: this finding says why
        cause: foreignIndex ? CAUSES.sfidIndex(s, name, foreignIndex) : undefined,
        fix: sql.length > 0 ? sql.join(' ') : `keep the index until Connect's ${sfidIndexName(name)} exists, then drop it: heroku connect:recover ${app}`,
        message: `mapped table ${s}.${name} is not shaped like Connect's: ${problems.join('; ')}`,
        object: mappingOf(snapshot, name),
        severity: notNull ? 'error' : 'warning',
        table: `${s}.${name}`,
      })
    }

    return hits
  },
  id: 'HC078',
  name: 'mapped-table-shape',
  needs: ['postgres'],
  practice: null,
  remedy: 'Let Connect shape its tables: drop the NOT NULL constraints on `sfid`, `_hc_lastop` and `_hc_err`, give `sfid` its unique index `hcu_idx_<table>_sfid`, and keep `systemmodstamp` a `timestamp without time zone` (each finding carries the SQL). A database in the legacy 2014 layout cannot be repaired in place: export the mappings (`heroku connect:export`), let Connect build a new schema, import them (`heroku connect:import`), and move your own tables to a helper schema first.',
  severity: 'warning',
  summary: 'a mapped table shaped unlike Connect\'s (`sfid`/`_hc_lastop`/`_hc_err` NOT NULL, no `hcu_idx_<t>_sfid`, wrong `systemmodstamp` type), or a legacy `_trigger_log` layout',
  why: 'Connect does not replace a table that already exists when a mapping is created: it syncs into the shape it finds. Tables made by hand, by an ORM or by a migration tool often carry constraints Connect breaks: `sfid` is empty until Salesforce returns an Id, and Connect\'s status trigger clears `_hc_err` on every change, so a NOT NULL there makes writes fail. Without the unique index on `sfid`, every record Connect reads back is found by a scan and duplicates can slip in; a `systemmodstamp` of another type shifts the times Connect polls by. A schema still in the 2014 layout is not read by today\'s Connect at all.',
}

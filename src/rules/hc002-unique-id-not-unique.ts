import {CAUSES} from './causes.js'
import {externalIdsFix} from './commands.js'
import {scanSkip} from './scan-skip.js'
import type {Rule, RuleHit} from './types.js'

import {appFlag, sqlIdent, sqlName} from '../analysis/connect-objects.js'
import {identifierCounts, identifierField, isReadWrite, missingFieldFlags} from '../analysis/unique-ids.js'

export const hc002: Rule = {
  check(snapshot) {
    const {sources} = snapshot
    const postgres = sources.postgres.ok ? snapshot.postgres : null
    const salesforce = sources.salesforce.ok ? snapshot.salesforce : null
    if (!postgres && !salesforce) {
      return {
        provide: [sources.postgres.provide, sources.salesforce.provide].filter(Boolean).join('; or '),
        skip: `neither side of the unique identifiers can be read (${sources.postgres.reason}; ${sources.salesforce.reason})`,
      }
    }

    const {mappings, schema} = snapshot.connection!
    return mappings.filter(mapping => isReadWrite(mapping) && mapping.upsertField).flatMap(mapping => {
      const upsert = mapping.upsertField!
      const column = upsert.toLowerCase()
      const where = {field: upsert, object: mapping.object, table: `${schema}.${mapping.table}`}
      const [table, col] = [sqlName(schema, mapping.table), sqlIdent(column)]
      const hits: RuleHit[] = []

      const ids = postgres ? identifierCounts(postgres, mapping) : undefined
      if (ids && ids.nulls > 0) {
        hits.push({
          ...where,
          fix: externalIdsFix(appFlag(snapshot), mapping.object, `UPDATE ${table} SET ${col} = gen_random_uuid()::text WHERE ${col} IS NULL`),
          message: `${where.table}.${column} is NULL in ${ids.nulls} of ${ids.rowsEstimated ? 'about ' : ''}${ids.rows} rows: Connect cannot match them to the records it reads back from Salesforce, so each can come back as a duplicate`,
        })
      }

      if (ids && ids.duplicates > 0) {
        hits.push({
          ...where,
          // Salesforce already holds the value of every synced row (sfid set): only unsynced rows get a
          // new one, and of a group with no synced row, the first keeps its value
          fix: `UPDATE ${table} SET ${col} = gen_random_uuid()::text FROM (SELECT id, row_number() OVER (PARTITION BY ${col} ORDER BY sfid NULLS LAST, id) AS n FROM ${table} WHERE ${col} IS NOT NULL) AS d WHERE ${table}.id = d.id AND d.n > 1 AND ${table}.sfid IS NULL`,
          message: `${where.table}.${column} has ${ids.duplicates} duplicates in ${ids.rows} rows: Connect matches the record Salesforce returns to the wrong row, or Salesforce rejects the write (the fix renumbers only rows not yet in Salesforce; synced rows sharing a value need a decision in Salesforce)`,
        })
      }

      const field = identifierField(snapshot, mapping)
      const missing = missingFieldFlags(field)
      if (missing.length > 0) {
        hits.push({
          ...where,
          cause: CAUSES.uniqueIdField(mapping.object),
          fix: externalIdsFix(appFlag(snapshot), mapping.object, `in Salesforce Setup > Object Manager > ${mapping.object} > Fields & Relationships > ${field!.name} > Edit, tick ${missing.join(' and ')} (Salesforce refuses Unique while duplicate values exist)`),
          message: `Salesforce field ${mapping.object}.${field!.name}, the unique identifier of ${mapping.object}, is not marked ${missing.join(' or ')}: Salesforce does not keep it unique, so Connect can match the wrong record`,
        })
      }

      return hits
    })
  },
  id: 'HC002',
  partlySkipped(snapshot) {
    const postgres = snapshot.sources.postgres.ok ? snapshot.postgres : null
    return (postgres?.uniqueIds ?? []).filter(ids => ids.unfinished).map(ids => scanSkip(
      ids.uniqueIndex
        ? `the NULL count of ${postgres!.schema}.${ids.table}.${ids.column} through its unique index ${ids.uniqueIndex}`
        : `the NULL and duplicate count of ${postgres!.schema}.${ids.table}.${ids.column} (a full scan: no unique index on it)`,
      ids.unfinished!.seconds,
    ))
  },
  name: 'unique-id-not-unique',
  needs: ['connect'],
  practice: 1,
  remedy: 'Give every Postgres row its own value (`UPDATE … SET col = gen_random_uuid()::text WHERE col IS NULL`, and renumber duplicates among the rows that have no `sfid` yet: Salesforce already holds the value of every synced row, so it must not change). In Salesforce, mark the field both **External ID** and **Unique**. `heroku connect:external-ids -a APP --mapping OBJECT` does all of it except the duplicates, which it reports with their rows; each finding also carries the exact SQL or Setup step by hand.',
  severity: 'error',
  summary: 'unique identifier is NULL or duplicated in Postgres, or its Salesforce field is not External ID + Unique',
  why: 'Connect matches a record coming from Salesforce first by `sfid`, then by the unique identifier. A row whose identifier is NULL cannot be matched before its `sfid` comes back, so the record is inserted a second time; a duplicated identifier, or a Salesforce field that does not enforce uniqueness, matches the wrong row or makes Salesforce reject the write.',
}

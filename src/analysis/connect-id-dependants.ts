import type {ForeignKeyFacts, IdDependentFacts, IdLikeColumnFacts, Snapshot} from '../snapshot/types.js'
import {connectObjectsOf} from './connect-objects.js'

// What of the app depends on the `id` column of a Connect table, which Connect renumbers on
// reload and on configuration import (practice 5). HC040 reports these; `connect:reload --safe`
// lists them in its preflight and remaps the columns it is told to. One detection for both.

export interface ConnectIdDependants {
  /** foreign keys whose target columns include `id` of a mapped table */
  foreignKeys: ForeignKeyFacts[]
  /** views, materialized views and functions that read `id` of a mapped table */
  readers: IdDependentFacts[]
  /** integer columns whose name suggests they hold a mapped table's ids, not already under a foreign key */
  likelyColumns: IdLikeColumnFacts[]
}

export function connectIdDependants(snapshot: Snapshot): ConnectIdDependants {
  const pg = snapshot.postgres!
  const connect = connectObjectsOf(snapshot)
  const foreignKeys = pg.foreignKeys.filter(fk => fk.toSchema === pg.schema && connect.isConnectTable(fk.toTable) && fk.toColumns.includes('id'))
  const underForeignKey = new Set(foreignKeys.flatMap(fk => fk.fromColumns.map(column => `${fk.fromSchema}.${fk.fromTable}.${column}`)))
  return {
    foreignKeys,
    likelyColumns: pg.idLikeColumns.filter(c => !underForeignKey.has(`${c.schema}.${c.table}.${c.column}`)),
    readers: pg.idDependents,
  }
}

import type {FunctionFacts, IndexFacts, RelationFacts, Snapshot, TriggerFacts} from '../snapshot/types.js'
import {connectObjectsOf, looksLikeMappedTable, sequenceOwnedBy} from './connect-objects.js'
import {isSaved} from './saved-ddl.js'

// What inside the Connect schema is not Connect's: the objects a rebuild of the schema loses
// (practice 3). HC020 reports them and `connect:schema:scaffold --move` moves them; both read
// this one list, so what the audit reports is exactly what the scaffold acts on. Members of an
// extension (hstore, uuid-ossp, pg_stat_statements, …, common when the Connect schema is `public`)
// are never foreign objects: the extension owns them, and moving one would break it and Connect.

export interface ForeignRelation {
  relation: RelationFacts
  /** its name and columns look like the table of a mapping that was removed */
  leftoverMapping: boolean
}

export interface ForeignFunction {
  fn: FunctionFacts
  /** it looks like the trigger function of a mapping that was removed */
  leftoverMapping: boolean
}

/** A trigger or index someone added to one of Connect's own tables: it cannot move. */
export interface ForeignAttachment<T> {
  table: RelationFacts
  item: T
}

export interface ForeignObjects {
  /** tables, views, materialized views, foreign tables and free-standing sequences */
  relations: ForeignRelation[]
  functions: ForeignFunction[]
  triggers: Array<ForeignAttachment<TriggerFacts>>
  indexes: Array<ForeignAttachment<IndexFacts>>
}

/** `sfid` with Connect's status columns (`_hc_lastop`, or `_c5_source` in the 2014 layout): shaped by or for Connect. */
function hasConnectColumns(relation: RelationFacts): boolean {
  const names = new Set(relation.columns.map(c => c.name))
  return (relation.kind === 'r' || relation.kind === 'p') && names.has('sfid') && (names.has('_hc_lastop') || names.has('_c5_source'))
}

export function foreignObjects(snapshot: Snapshot): ForeignObjects {
  const pg = snapshot.postgres!
  const s = pg.schema
  const connect = connectObjectsOf(snapshot)
  const userTables = pg.relations.filter(r => ['f', 'p', 'r'].includes(r.kind) && !r.extension && !connect.isConnectRelation(r)).map(r => r.name)
  const relations = pg.relations
    // a sequence owned by one of the user's tables here moves with that table
    .filter(r => !r.extension && !connect.isConnectRelation(r) && !userTables.some(t => sequenceOwnedBy(r, s, t)))
    .map(relation => ({leftoverMapping: looksLikeMappedTable(relation) || hasConnectColumns(relation), relation}))
  const functions = pg.functions
    .filter(f => !f.extension && !connect.isConnectFunction(f))
    .map(fn => ({fn, leftoverMapping: /^hc_.+_(logger|status)$/.test(fn.name)}))
  const connectTables = pg.relations.filter(r => connect.isConnectRelation(r) && r.kind !== 'S')
  return {
    functions,
    // a trigger or index whose DDL the scaffold saved in the helper schema is re-created after a rebuild
    indexes: connectTables.flatMap(table => table.indexes.filter(i => !connect.isConnectIndex(table.name, i) && !isSaved(pg.savedDdl, 'index', s, table.name, i.name)).map(item => ({item, table}))),
    relations,
    triggers: connectTables.flatMap(table => table.triggers.filter(t => !connect.isConnectTrigger(table.name, t) && !isSaved(pg.savedDdl, 'trigger', s, table.name, t.name)).map(item => ({item, table}))),
  }
}

import type {SavedDdlFacts} from '../snapshot/types.js'

// Triggers and indexes someone added on Connect's own tables cannot leave the Connect schema.
// `connect:schema:scaffold --move` saves their DDL into a table in the helper schema (its name and
// the restore function's are in snapshot/postgres/saved-ddl.ts, which reads it back). HC020 reads
// this list: a saved object is taken care of, so the audit no longer reports it.

export function isSaved(saved: SavedDdlFacts[] | undefined, kind: SavedDdlFacts['kind'], schema: string, table: string, name: string): boolean {
  return (saved ?? []).some(s => s.kind === kind && s.schema === schema && s.table === table && s.name === name)
}

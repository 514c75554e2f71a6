// Triggers and indexes someone added on Connect's own tables cannot leave the Connect schema.
// `connect:schema:scaffold --move` saves their DDL into a table in the helper schema, with a
// function that re-creates them after Connect rebuilds a table. HC020 reads this list: a saved
// object is taken care of, so the audit no longer reports it.

export const SAVED_DDL_TABLE = 'connect_guard_saved_ddl'
export const RESTORE_FUNCTION = 'connect_guard_restore'

export interface SavedDdlFacts {
  /** the helper schema holding the saved copy */
  helperSchema: string
  kind: 'index' | 'trigger'
  /** the Connect schema and table it belongs to */
  schema: string
  table: string
  name: string
}

export function isSaved(saved: SavedDdlFacts[] | undefined, kind: SavedDdlFacts['kind'], schema: string, table: string, name: string): boolean {
  return (saved ?? []).some(s => s.kind === kind && s.schema === schema && s.table === table && s.name === name)
}

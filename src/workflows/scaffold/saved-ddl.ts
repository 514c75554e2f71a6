import type {ForeignObjects} from '../../analysis/foreign-objects.js'

import {RESTORE_FUNCTION, SAVED_DDL_TABLE} from '../../snapshot/postgres/saved-ddl.js'
import {qualified, quoteLiteral} from '../../sql.js'

// A trigger or index on a Connect table stays where it is; its DDL is saved, as Postgres prints it
// at apply time (after the moves, so it names the functions where they now live), in a table in
// the helper schema, with a function that re-creates whatever a rebuild of the table dropped.

const FN_TAG = '$restore$'

export function savedDdlStatements(found: ForeignObjects, schema: string, helper: string): string[] {
  if (found.triggers.length === 0 && found.indexes.length === 0) return []
  if (helper.includes(FN_TAG)) throw new Error(`the helper schema's name contains ${FN_TAG}`)
  const table = qualified(helper, SAVED_DDL_TABLE)
  const upsert = `ON CONFLICT (kind, schema_name, table_name, object_name) DO UPDATE SET ddl = EXCLUDED.ddl, saved_at = now();`
  const where = (tableName: string) => `n.nspname = ${quoteLiteral(schema)} AND c.relname = ${quoteLiteral(tableName)}`
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (kind text NOT NULL CHECK (kind IN ('index', 'trigger')), schema_name text NOT NULL, table_name text NOT NULL, object_name text NOT NULL, ddl text NOT NULL, saved_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (kind, schema_name, table_name, object_name));`,
    ...found.triggers.map(({item, table: t}) => `INSERT INTO ${table} (kind, schema_name, table_name, object_name, ddl) SELECT 'trigger', n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${where(t.name)} AND t.tgname = ${quoteLiteral(item.name)} ${upsert}`),
    ...found.indexes.map(({item, table: t}) => `INSERT INTO ${table} (kind, schema_name, table_name, object_name, ddl) SELECT 'index', n.nspname, c.relname, ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${where(t.name)} AND ic.relname = ${quoteLiteral(item.name)} ${upsert}`),
    `CREATE OR REPLACE FUNCTION ${qualified(helper, RESTORE_FUNCTION)}() RETURNS TABLE (kind text, object_name text, restored boolean) LANGUAGE plpgsql AS ${FN_TAG}
DECLARE r record; present boolean;
BEGIN
  FOR r IN SELECT s.kind, s.schema_name, s.table_name, s.object_name, s.ddl FROM ${table} s ORDER BY s.kind, s.object_name LOOP
    -- a table Connect has not re-created yet: nothing to attach to
    CONTINUE WHEN to_regclass(format('%I.%I', r.schema_name, r.table_name)) IS NULL;
    IF r.kind = 'index' THEN
      present := to_regclass(format('%I.%I', r.schema_name, r.object_name)) IS NOT NULL;
    ELSE
      present := EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = to_regclass(format('%I.%I', r.schema_name, r.table_name)) AND t.tgname = r.object_name);
    END IF;
    IF NOT present THEN EXECUTE r.ddl; END IF;
    kind := r.kind; object_name := r.object_name; restored := NOT present;
    RETURN NEXT;
  END LOOP;
END ${FN_TAG};`,
  ]
}

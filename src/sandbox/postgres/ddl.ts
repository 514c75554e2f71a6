import {qualified, quoteIdent} from '../../sql.js'
import {NameAllocator} from './names.js'

// Small pieces shared by the Connect schema builders.

/**
 * DDL split by when it should run: indexes and triggers go after a bulk load, because building an
 * index once is far cheaper than maintaining it per row, and a trigger that is not there yet
 * cannot log the load (Connect's own loads are never logged either).
 */
export interface DdlPhases {
  tables: string[]
  indexes: string[]
  triggers: string[]
}

export const allStatements = (ddl: DdlPhases): string[] => [...ddl.tables, ...ddl.indexes, ...ddl.triggers]

/** Dollar-quotes a function body with a tag the body cannot contain (schema names may hold `$`). */
export function dollarQuote(body: string): string {
  let tag = 'hc'
  for (let n = 1; body.includes(`$${tag}$`); n++) tag = `hc${n}`
  return `$${tag}$${body}$${tag}$`
}

/**
 * hstore functions called through their extension's schema: Connect's own bodies call them
 * unqualified and so depend on the session's search_path; the extension may live in `heroku_ext`.
 */
export function hstoreFns(hstoreSchema: string) {
  const fn = (name: string) => `${quoteIdent(hstoreSchema)}.${name}`
  return {
    /** type name */
    type: fn('hstore'),
    /** hstore(record) */
    ofRow: (row: string) => `${fn('hstore')}(${row})`,
    /** hstore - text[] and hstore - hstore */
    minus: (left: string, right: string) => `${fn('delete')}(${left}, ${right})`,
    /** hstore -> text */
    get: (store: string, key: string) => `${fn('fetchval')}(${store}, ${key})`,
    keys: (store: string) => `${fn('skeys')}(${store})`,
  }
}

export const HC_COLUMNS = "ARRAY['_hc_lastop', '_hc_err']::text[]"

export function plpgsqlFunction(schema: string, name: string, signature: string, returns: string, body: string): string {
  return `CREATE OR REPLACE FUNCTION ${qualified(schema, name)}(${signature}) RETURNS ${returns} LANGUAGE plpgsql AS ${dollarQuote(body)}`
}

/** Names already used in a Connect schema, so mapped tables get distinct, ≤ 63-byte names. */
export class ConnectNames {
  readonly relations = new NameAllocator([
    '_trigger_log', '_trigger_log_id_seq', '_trigger_log_pkey', '_trigger_log_idx_created_at', '_trigger_log_idx_state_id',
    '_trigger_log_idx_state_table_name', '_trigger_log_archive', '_trigger_log_archive_pkey', '_trigger_log_archive_idx_created_at',
    '_trigger_log_archive_idx_record_id', '_trigger_log_archive_idx_state_table_name', '_hcmeta', '_hcmeta_id_seq', '_hcmeta_pkey',
    '_sf_event_log', '_sf_event_log_id_seq', '_sf_event_log_pkey', 'idx__sf_event_log_comp_key', 'idx__sf_event_log_sfid',
  ])

  readonly functions = new NameAllocator(['hc_capture_insert_from_row', 'hc_capture_update_from_row', 'tlog_notify_trigger'])
}

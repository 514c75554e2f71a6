import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import {HC_COLUMNS, hstoreFns, plpgsqlFunction, type DdlPhases} from './ddl.js'
import {truncateIdentifier} from './names.js'

// The objects Heroku Connect keeps in its schema, as reference/heroku-connect-db.md §1 records
// them from real dumps: column order and types matter (the loggers insert positionally), index
// and trigger names are what audits look for. SQL is our own; behaviour follows the reference.

export {mappedTableSql, type MappedTableDdl, type MappedTableOptions} from './mapped-table.js'
export {allStatements, ConnectNames, type DdlPhases} from './ddl.js'

export const HSTORE_EXTENSION_SQL = 'CREATE EXTENSION IF NOT EXISTS hstore'

/** Where hstore lives: `public` in most dumps, `heroku_ext` on newer Heroku Postgres. */
export const HSTORE_SCHEMA_SQL =
  "SELECT n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hstore'"

/** public.get_xmlbinary(): every Connect trigger asks it whether the session is a user (base64) or Connect (hex). */
export function getXmlbinarySql(): string {
  return plpgsqlFunction('public', 'get_xmlbinary', '', 'varchar', `
DECLARE
  xmlbin varchar;
BEGIN
  SELECT setting INTO xmlbin FROM pg_catalog.pg_settings WHERE name = 'xmlbinary';
  RETURN xmlbin;
END;
`)
}

const LOG_COLUMNS = `
  txid bigint,
  created_at timestamp with time zone{{default}},
  updated_at timestamp with time zone{{default}},
  processed_at timestamp with time zone,
  processed_tx bigint,
  state character varying(8),
  action character varying(7),
  table_name character varying(128),
  record_id integer,
  sfid character varying(18),
  old text,
  "values" text,
  sf_result integer,
  sf_message text`

/** LISTEN parses its channel as an identifier (cut to 63 bytes), so that is the channel Connect would hear. */
export const notifyChannel = (schema: string): string => truncateIdentifier(`${schema}.hc_trigger_log`)

export interface ConnectSystemOptions {
  hstoreSchema: string
  orgId: string
  hcver?: number
  details?: string
}

export function connectSystemSql(schema: string, options: ConnectSystemOptions): DdlPhases {
  const q = (name: string) => qualified(schema, name)
  const log = q('_trigger_log')
  const archive = q('_trigger_log_archive')
  return {
    tables: [
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
      `CREATE TABLE ${log} (\n  id serial NOT NULL,${LOG_COLUMNS.replaceAll('{{default}}', ' DEFAULT now()')}\n)`,
      // the archive keeps the ids rows had in the live log: no sequence, no defaults
      `CREATE TABLE ${archive} (\n  id integer NOT NULL,${LOG_COLUMNS.replaceAll('{{default}}', '')},\n  CONSTRAINT _trigger_log_archive_pkey PRIMARY KEY (id)\n)`,
      `CREATE INDEX _trigger_log_archive_idx_created_at ON ${archive} USING btree (created_at)`,
      `CREATE INDEX _trigger_log_archive_idx_record_id ON ${archive} USING btree (record_id)`,
      `CREATE INDEX _trigger_log_archive_idx_state_table_name ON ${archive} USING btree (state, table_name) WHERE state = 'FAILED'`,
      `CREATE TABLE ${q('_hcmeta')} (\n  id serial NOT NULL,\n  hcver integer,\n  org_id character varying(50),\n  details text,\n  CONSTRAINT _hcmeta_pkey PRIMARY KEY (id)\n)`,
      `INSERT INTO ${q('_hcmeta')} (hcver, org_id, details) VALUES (${options.hcver ?? 1}, ${quoteLiteral(options.orgId)}, ${options.details === undefined ? 'NULL' : quoteLiteral(options.details)})`,
      `CREATE TABLE ${q('_sf_event_log')} (
  id serial NOT NULL,
  table_name character varying(128),
  action character varying(7),
  synced_at timestamp with time zone DEFAULT now(),
  sf_timestamp timestamp with time zone,
  sfid character varying(20),
  record text,
  processed boolean,
  CONSTRAINT _sf_event_log_pkey PRIMARY KEY (id)
)`,
      `CREATE INDEX idx__sf_event_log_comp_key ON ${q('_sf_event_log')} USING btree (table_name, synced_at)`,
      `CREATE INDEX idx__sf_event_log_sfid ON ${q('_sf_event_log')} USING btree (sfid)`,
      ...captureFunctionsSql(schema, options.hstoreSchema),
    ],
    // independent statements, so a loader may build them side by side; the primary key is attached after
    indexes: [
      `CREATE UNIQUE INDEX _trigger_log_pkey ON ${log} USING btree (id)`,
      `CREATE INDEX _trigger_log_idx_created_at ON ${log} USING btree (created_at)`,
      `CREATE INDEX _trigger_log_idx_state_id ON ${log} USING btree (state, id)`,
      `CREATE INDEX _trigger_log_idx_state_table_name ON ${log} USING btree (state, table_name) WHERE state = 'NEW' OR state = 'PENDING'`,
    ],
    triggers: [
      `ALTER TABLE ${log} ADD CONSTRAINT _trigger_log_pkey PRIMARY KEY USING INDEX _trigger_log_pkey`,
      plpgsqlFunction(schema, 'tlog_notify_trigger', '', 'trigger', `
BEGIN
  -- VERSION 1 --
  PERFORM pg_notify(${quoteLiteral(notifyChannel(schema))}, 'ping');
  RETURN NEW;
END;
`),
      `CREATE TRIGGER tlog_insert_trigger AFTER INSERT ON ${log} FOR EACH ROW EXECUTE FUNCTION ${q('tlog_notify_trigger')}()`,
    ],
  }
}

/** The functions operators call by hand to put a failed or missed change back in the queue. */
function captureFunctionsSql(schema: string, hstoreSchema: string): string[] {
  const hs = hstoreFns(hstoreSchema)
  const log = qualified(schema, '_trigger_log')
  const id = hs.get('source_row', "'id'")
  const noId = `
  IF ${id} IS NULL THEN
    RETURN NULL; -- only rows that carry Connect's integer id can be logged
  END IF;`
  return [
    plpgsqlFunction(schema, 'hc_capture_insert_from_row', `source_row ${hs.type}, table_name character varying, excluded_cols text[] DEFAULT ARRAY[]::text[]`, 'integer', `
DECLARE
  dropped text[];
  log_id integer;
BEGIN
  -- VERSION 1 --${noId}
  -- id and sfid always travel; Connect's bookkeeping columns never do
  dropped := array_remove(array_remove(excluded_cols, 'id'), 'sfid') || ${HC_COLUMNS};
  INSERT INTO ${log} (action, table_name, txid, created_at, state, record_id, "values")
  VALUES ('INSERT', table_name, txid_current(), clock_timestamp(), 'NEW', ${id}::integer, ${hs.minus('source_row', 'dropped')}::text)
  RETURNING id INTO log_id;
  RETURN log_id;
END;
`),
    plpgsqlFunction(schema, 'hc_capture_update_from_row', `source_row ${hs.type}, table_name character varying, columns_to_include text[] DEFAULT ARRAY[]::text[]`, 'integer', `
DECLARE
  dropped text[] := ARRAY[]::text[];
  log_id integer;
BEGIN
  -- VERSION 1 --${noId}
  IF cardinality(columns_to_include) > 0 THEN
    dropped := ARRAY(SELECT ${hs.keys('source_row')} EXCEPT SELECT unnest(columns_to_include));
  END IF;
  dropped := dropped || ${HC_COLUMNS};
  INSERT INTO ${log} (action, table_name, txid, created_at, state, record_id, sfid, "values", old)
  VALUES ('UPDATE', table_name, txid_current(), clock_timestamp(), 'NEW', ${id}::integer, ${hs.get('source_row', "'sfid'")},
          ${hs.minus('source_row', 'dropped')}::text, NULL)
  RETURNING id INTO log_id;
  RETURN log_id;
END;
`),
  ]
}

import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import type {MappingSpec, SfObjectSpec} from '../model.js'
import {ConnectNames, HC_COLUMNS, hstoreFns, plpgsqlFunction, type DdlPhases} from './ddl.js'
import {columnName, mappedColumns, type ColumnSpec} from './field-types.js'
import {NameAllocator, truncateIdentifier} from './names.js'

// One mapped table as Connect creates it (reference §2 and §3.1): the table, its hc_/hcu_
// indexes, and the logger/status function pair with their triggers.

export interface MappedTableOptions {
  hstoreSchema: string
  /** connection feature `ucs_basic_collation_index` */
  ucsBasicCollation?: boolean
  /** shared across the mappings of one schema so names never collide */
  names?: ConnectNames
}

export interface MappedTableDdl extends DdlPhases {
  table: string
  /** data columns in table order; `id`, `_hc_lastop`, `_hc_err` follow them */
  columns: ColumnSpec[]
  objectNames: {logger: string; status: string; logTrigger: string; statusTrigger: string; indexes: string[]}
}

export function mappedTableSql(schema: string, object: SfObjectSpec, mapping: MappingSpec, options: MappedTableOptions): MappedTableDdl {
  const names = options.names ?? new ConnectNames()
  const table = names.relations.take([{part: truncateIdentifier(object.name.toLowerCase())}])
  const t = qualified(schema, table)
  const columns = mappedColumns(object, mapping)
  const columnDefs = columns.map((c) => {
    const collate = c.column === 'sfid' && options.ucsBasicCollation ? ' COLLATE "ucs_basic"' : ''
    return `  ${quoteIdent(c.column)} ${c.pgType}${collate}`
  })

  const index = (unique: boolean, column: string) => {
    const name = names.relations.take([unique ? 'hcu_idx_' : 'hc_idx_', {part: table}, '_', {part: column}])
    return {name, sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${t} USING btree (${quoteIdent(column)})`}
  }

  const upsert = mapping.upsertField ? columnName(mapping.upsertField) : undefined
  const indexes = [index(true, 'sfid'), index(false, 'systemmodstamp')]
  if (upsert && upsert !== 'sfid') indexes.push(index(true, upsert))
  for (const field of mapping.indexedFields ?? []) {
    const column = columnName(field)
    if (column !== upsert && column !== 'sfid' && column !== 'systemmodstamp') indexes.push(index(false, column))
  }

  const logger = names.functions.take(['hc_', {part: table}, '_logger'])
  const status = names.functions.take(['hc_', {part: table}, '_status'])
  const triggerNames = new NameAllocator() // trigger names are per table
  const logTrigger = triggerNames.take(['hc_', {part: table}, '_logtrigger'])
  const statusTrigger = triggerNames.take(['hc_', {part: table}, '_status_trigger'])

  return {
    columns,
    indexes: [`ALTER TABLE ${t} ADD PRIMARY KEY (id)`, ...indexes.map((i) => i.sql)],
    objectNames: {indexes: indexes.map((i) => i.name), logTrigger, logger, status, statusTrigger},
    table,
    tables: [`CREATE TABLE ${t} (\n${columnDefs.join(',\n')},\n  id serial NOT NULL,\n  _hc_lastop character varying(32),\n  _hc_err text\n)`],
    triggers: [
      loggerFunctionSql(schema, logger, mapping.access === 'read_write', options.hstoreSchema),
      statusFunctionSql(schema, status),
      `CREATE TRIGGER ${quoteIdent(logTrigger)} AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH ROW ` +
        `WHEN (public.get_xmlbinary()::text = 'base64') EXECUTE FUNCTION ${qualified(schema, logger)}()`,
      `CREATE TRIGGER ${quoteIdent(statusTrigger)} BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${qualified(schema, status)}()`,
    ],
  }
}

/**
 * One `_trigger_log` row per changed row, built whole and inserted positionally as Connect does.
 * Read-only mappings log everything as READONLY; read-write ones log NEW, or IGNORE when there is
 * nothing to send (an update that changed nothing, a delete of a row Salesforce never had).
 */
function loggerFunctionSql(schema: string, name: string, readWrite: boolean, hstoreSchema: string): string {
  const hs = hstoreFns(hstoreSchema)
  const log = qualified(schema, '_trigger_log')
  const ignore = (condition: string) => (readWrite ? `\n    IF ${condition} THEN\n      entry.state := 'IGNORE';\n    END IF;` : '')
  return plpgsqlFunction(schema, name, '', 'trigger', `
DECLARE
  entry ${log};
  old_row ${hs.type};
  changes ${hs.type};
BEGIN
  -- VERSION 4 --
  entry.id := nextval(${quoteLiteral(qualified(schema, '_trigger_log_id_seq'))});
  entry.txid := txid_current();
  entry.created_at := clock_timestamp();
  entry.state := '${readWrite ? 'NEW' : 'READONLY'}';
  entry.action := TG_OP;
  entry.table_name := TG_TABLE_NAME;
  IF TG_OP = 'INSERT' THEN
    entry.record_id := NEW.id;
    entry."values" := ${hs.minus(hs.ofRow('NEW'), HC_COLUMNS)}::text;
  ELSIF TG_OP = 'UPDATE' THEN
    old_row := ${hs.minus(hs.ofRow('OLD'), HC_COLUMNS)};
    changes := ${hs.minus(hs.minus(hs.ofRow('NEW'), HC_COLUMNS), 'old_row')};
    entry.record_id := NEW.id;
    entry.sfid := OLD.sfid;
    entry.old := old_row::text;
    entry."values" := changes::text;${ignore("changes::text = ''")}
  ELSE
    entry.record_id := OLD.id;
    entry.sfid := OLD.sfid;
    entry.old := ${hs.minus(hs.ofRow('OLD'), HC_COLUMNS)}::text;${ignore('OLD.sfid IS NULL')}
  END IF;
  INSERT INTO ${log} VALUES (entry.*);
  RETURN NULL;
END;
`)
}

/** `_hc_lastop`/`_hc_err` bookkeeping: user writes go PENDING; Connect writes go SYNCED unless Connect set an outcome itself. */
function statusFunctionSql(schema: string, name: string): string {
  return plpgsqlFunction(schema, name, '', 'trigger', `
BEGIN
  IF public.get_xmlbinary() = 'base64' THEN
    NEW._hc_lastop := 'PENDING';
    NEW._hc_err := NULL;
  ELSIF TG_OP = 'UPDATE' AND NEW._hc_lastop IS NOT NULL AND NEW._hc_lastop <> OLD._hc_lastop THEN
    -- Connect recorded the outcome of a write (INSERTED, UPDATED, FAILED): keep it
    RETURN NEW;
  ELSE
    NEW._hc_lastop := 'SYNCED';
    NEW._hc_err := NULL;
  END IF;
  RETURN NEW;
END;
`)
}

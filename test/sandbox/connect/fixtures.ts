import pg from 'pg'

import type {AppSpec, OrgSpec, SfObjectSpec} from '../../../src/sandbox/model.js'
import type {ApiCallCounter, ApiCallKind, FakeOrg, RecordStore, SaveResult, SfRecord} from '../../../src/sandbox/org-runtime.js'

// A Connect-shaped database cut down to what the fake Connect service touches (one mapped table,
// contact, with Connect's logger / status / notify triggers), an org store beside it, and a
// FakeOrg stub that writes there. Tests only; the sandbox's real builder lives elsewhere.

export const SCHEMA = 'salesforce'

export const CONTACT: SfObjectSpec = {
  fields: [
    {name: 'Id', type: 'id'},
    {name: 'IsDeleted', type: 'boolean'},
    {name: 'SystemModstamp', type: 'datetime', createable: false, updateable: false},
    {name: 'CreatedDate', type: 'datetime', createable: false, updateable: false},
    {name: 'LastName', nillable: false, type: 'string', length: 80},
    {name: 'Email', type: 'email'},
    {name: 'External_Id__c', externalId: true, type: 'string', unique: true, length: 255},
    {name: 'Full_Name__c', formula: 'FirstName & " " & LastName', type: 'string'},
    {name: 'Department', nillable: false, type: 'string'},
  ],
  name: 'Contact',
}

export function testOrgSpec(): OrgSpec {
  return {
    dailyApiRequests: {max: 100_000, used: 0},
    instanceName: 'CS42',
    integrationUserId: '005000000000001AAA',
    logins: [],
    objects: [CONTACT],
    organizationId: '00D000000000001EAA',
    permissionSets: [],
    profiles: [{apiEnabled: true, apiUserOnly: true, id: '00e000000000001AAA', modifyAllData: false, name: 'Integration', passwordNeverExpires: true, userLicense: 'Salesforce', viewAllData: false, viewEncryptedData: false, viewSetup: false}],
    users: [{id: '005000000000001AAA', name: 'Integration', profileId: '00e000000000001AAA', username: 'integration@example.com'}],
  }
}

export function testAppSpec(overrides: {apiVersion?: string; ordered?: boolean; upsert?: boolean; disableBulk?: boolean; name?: string} = {}): AppSpec {
  const name = overrides.name ?? 'hcg-test-app'
  return {
    connection: {
      apiVersion: overrides.apiVersion ?? '60.0',
      dbKey: 'DATABASE_URL',
      features: {
        cdc_for_accelerated_polling: false,
        disable_bulk_writes: overrides.disableBulk ?? false,
        poll_db_no_merge: overrides.ordered ?? true,
        poll_external_ids: false,
        rest_count_only: false,
        ucs_basic_collation_index: false,
      },
      id: `c0ffee00-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
      logDrain: false,
      mappings: [{access: 'read_write', fields: ['LastName', 'Email', 'External_Id__c'], object: 'Contact', rows: 0, ...(overrides.upsert === false ? {} : {upsertField: 'External_Id__c'})}],
      name: `${name}:DATABASE_URL:${SCHEMA}`,
      plan: 'enterprise',
      resourceName: `herokuconnect-${name}`,
      schema: SCHEMA,
      state: 'IDLE',
    },
    id: `a99a0000-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
    name,
    region: 'us',
    userSql: [],
  }
}

const DDL = `
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE OR REPLACE FUNCTION public.get_xmlbinary() RETURNS varchar LANGUAGE plpgsql AS $$
DECLARE xmlbin varchar;
BEGIN xmlbin := current_setting('xmlbinary'); RETURN xmlbin; END $$;
CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${SCHEMA}._trigger_log (
  id serial PRIMARY KEY, txid bigint, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  processed_at timestamptz, processed_tx bigint, state varchar(8), action varchar(7), table_name varchar(128),
  record_id integer, sfid varchar(18), old text, "values" text, sf_result integer, sf_message text);
CREATE TABLE ${SCHEMA}._trigger_log_archive (
  id integer PRIMARY KEY, txid bigint, created_at timestamptz, updated_at timestamptz,
  processed_at timestamptz, processed_tx bigint, state varchar(8), action varchar(7), table_name varchar(128),
  record_id integer, sfid varchar(18), old text, "values" text, sf_result integer, sf_message text);
CREATE TABLE ${SCHEMA}._hcmeta (id serial PRIMARY KEY, hcver integer, org_id varchar(50), details text);
CREATE FUNCTION ${SCHEMA}.tlog_notify_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('${SCHEMA}.hc_trigger_log', 'ping'); RETURN NEW; END $$;
CREATE TRIGGER tlog_insert_trigger AFTER INSERT ON ${SCHEMA}._trigger_log FOR EACH ROW EXECUTE PROCEDURE ${SCHEMA}.tlog_notify_trigger();
CREATE TABLE ${SCHEMA}.contact (
  createddate timestamp, isdeleted boolean, systemmodstamp timestamp, lastname varchar(80), email varchar(80),
  external_id__c varchar(255), sfid varchar(18), id serial PRIMARY KEY, _hc_lastop varchar(32), _hc_err text);
CREATE UNIQUE INDEX hcu_idx_contact_sfid ON ${SCHEMA}.contact (sfid);
CREATE UNIQUE INDEX hcu_idx_contact_external_id__c ON ${SCHEMA}.contact (external_id__c);
CREATE FUNCTION ${SCHEMA}.hc_contact_logger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE excluded text[] := ARRAY['_hc_lastop', '_hc_err']; diff hstore;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ${SCHEMA}._trigger_log (txid, created_at, updated_at, state, action, table_name, record_id, "values")
    VALUES (txid_current(), clock_timestamp(), NULL, 'NEW', 'INSERT', TG_TABLE_NAME, NEW.id, (hstore(NEW.*) - excluded)::text);
  ELSIF TG_OP = 'UPDATE' THEN
    diff := (hstore(NEW.*) - hstore(OLD.*)) - excluded;
    INSERT INTO ${SCHEMA}._trigger_log (txid, created_at, updated_at, state, action, table_name, record_id, sfid, old, "values")
    VALUES (txid_current(), clock_timestamp(), NULL, CASE WHEN diff = ''::hstore THEN 'IGNORE' ELSE 'NEW' END, 'UPDATE', TG_TABLE_NAME, NEW.id, OLD.sfid, (hstore(OLD.*) - excluded)::text, diff::text);
  ELSE
    INSERT INTO ${SCHEMA}._trigger_log (txid, created_at, updated_at, state, action, table_name, record_id, sfid, old)
    VALUES (txid_current(), clock_timestamp(), NULL, CASE WHEN OLD.sfid IS NULL THEN 'IGNORE' ELSE 'NEW' END, 'DELETE', TG_TABLE_NAME, OLD.id, OLD.sfid, (hstore(OLD.*) - excluded)::text);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER hc_contact_logtrigger AFTER INSERT OR UPDATE OR DELETE ON ${SCHEMA}.contact FOR EACH ROW
  WHEN (public.get_xmlbinary()::text = 'base64') EXECUTE PROCEDURE ${SCHEMA}.hc_contact_logger();
CREATE FUNCTION ${SCHEMA}.hc_contact_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF public.get_xmlbinary()::text = 'base64' THEN NEW._hc_lastop = 'PENDING'; NEW._hc_err = NULL; RETURN NEW; END IF;
  IF TG_OP = 'UPDATE' AND NEW._hc_lastop IS NOT NULL AND NEW._hc_lastop IS DISTINCT FROM OLD._hc_lastop THEN RETURN NEW; END IF;
  NEW._hc_lastop = 'SYNCED'; NEW._hc_err = NULL; RETURN NEW;
END $$;
CREATE TRIGGER hc_contact_status_trigger BEFORE INSERT OR UPDATE ON ${SCHEMA}.contact FOR EACH ROW EXECUTE PROCEDURE ${SCHEMA}.hc_contact_status();
CREATE SCHEMA hcg_fake_salesforce;
CREATE TABLE hcg_fake_salesforce.contact (
  sfid varchar(18) PRIMARY KEY, createddate timestamp DEFAULT (now() AT TIME ZONE 'UTC'), isdeleted boolean DEFAULT false,
  systemmodstamp timestamp DEFAULT (now() AT TIME ZONE 'UTC'), lastname varchar(80), email varchar(80), external_id__c varchar(255));
`

/** Builds the database and seeds `rows` synced contacts (present in both the org and Postgres). */
export async function buildMiniConnectDb(url: string, rows = 0): Promise<void> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    await client.query(DDL)
    await client.query(
      `INSERT INTO hcg_fake_salesforce.contact (sfid, lastname, email, external_id__c)
       SELECT '003S' || lpad(n::text, 14, '0'), 'Seed ' || n, 'seed' || n || '@example.com', 'ext-seed-' || n FROM generate_series(1, $1) n`,
      [rows],
    )
    await client.query("SET xmlbinary = 'hex'")
    await client.query(`INSERT INTO ${SCHEMA}.contact (sfid, lastname, email, external_id__c, systemmodstamp, isdeleted, createddate)
      SELECT sfid, lastname, email, external_id__c, systemmodstamp, isdeleted, createddate FROM hcg_fake_salesforce.contact ORDER BY sfid`)
  } finally {
    await client.end()
  }
}

/** A client in an application session (xmlbinary base64), whose writes Connect's triggers log. */
export async function appClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  return client
}

class Counter implements ApiCallCounter {
  byKind: Record<ApiCallKind, number> = {bulk: 0, composite: 0, oauth: 0, rest: 0, soap: 0, tooling: 0}
  get total(): number {
    return Object.values(this.byKind).reduce((a, b) => a + b, 0)
  }

  record(kind: ApiCallKind, count = 1): void {
    this.byKind[kind] += count
  }

  reset(): void {
    for (const k of Object.keys(this.byKind) as ApiCallKind[]) this.byKind[k] = 0
  }
}

/**
 * Writes Contact records into hcg_fake_salesforce.contact. Rejects a missing LastName
 * (REQUIRED_FIELD_MISSING) and LastName 'REJECT' (a validation rule), like an org would.
 */
export class StubOrg implements FakeOrg {
  readonly calls = new Counter()
  readonly records: RecordStore
  readonly spec = testOrgSpec()
  readonly pool: pg.Pool
  readonly writes: Array<{api: 'bulk' | 'soap'; operation: string; size: number; externalIdField?: string}> = []
  private next = 1

  constructor(url: string) {
    this.pool = new pg.Pool({connectionString: url, max: 2})
    const pool = this.pool
    this.records = {
      async count() {
        const {rows} = await pool.query<{n: number}>('SELECT count(*)::int AS n FROM hcg_fake_salesforce.contact WHERE isdeleted IS NOT TRUE')
        return rows[0].n
      },
      async insert() {
        throw new Error('not used')
      },
      async remove() {
        throw new Error('not used')
      },
      async select(_object, fields, options) {
        const cols = fields.map(f => (f === 'Id' ? 'sfid' : f.toLowerCase()))
        const {rows} = await pool.query(`SELECT ${cols.join(', ')} FROM hcg_fake_salesforce.contact ORDER BY sfid LIMIT $1 OFFSET $2`, [options?.limit ?? 1e9, options?.offset ?? 0])
        return rows.map(r => Object.fromEntries(fields.map((f, i) => [f, r[cols[i]]])))
      },
      async update() {
        throw new Error('not used')
      },
    }
  }

  describeObject(name: string): SfObjectSpec | undefined {
    return this.spec.objects.find(o => o.name.toLowerCase() === name.toLowerCase())
  }

  async soapWrite(object: string, operation: 'delete' | 'insert' | 'update' | 'upsert', records: SfRecord[], externalIdField?: string): Promise<SaveResult[]> {
    if (records.length > 200) throw new Error('EXCEEDED_ID_LIMIT: more than 200 records')
    this.calls.record('soap')
    this.writes.push({api: 'soap', externalIdField, operation, size: records.length})
    return this.apply(operation, records, externalIdField)
  }

  async bulkWrite(object: string, operation: 'delete' | 'insert' | 'update' | 'upsert', records: SfRecord[], externalIdField?: string, batchSize = 10_000): Promise<SaveResult[]> {
    this.calls.record('bulk', 3 + Math.ceil(records.length / batchSize))
    this.writes.push({api: 'bulk', externalIdField, operation, size: records.length})
    return this.apply(operation, records, externalIdField)
  }

  async close(): Promise<void> {
    await this.pool.end()
  }

  private async apply(operation: string, records: SfRecord[], externalIdField?: string): Promise<SaveResult[]> {
    // look up every upsert key at once and insert new records in one statement, so a 2,000-record
    // Bulk job costs a few queries, not thousands
    const known = new Map<string, string>()
    if (operation === 'upsert') {
      const keys = records.map(r => r[externalIdField!])
      const {rows} = await this.pool.query<{sfid: string; key: string}>('SELECT sfid, external_id__c AS key FROM hcg_fake_salesforce.contact WHERE external_id__c = ANY($1)', [keys])
      for (const row of rows) known.set(row.key, row.sfid)
    }

    const inserts: Array<{sfid: string; record: SfRecord}> = []
    const results: SaveResult[] = []
    for (const record of records) {
      results.push(await this.applyOne(operation, record, externalIdField, known, inserts))
    }

    if (inserts.length > 0) {
      const col = (f: string) => inserts.map(i => (f in i.record ? i.record[f] : null))
      await this.pool.query(
        `INSERT INTO hcg_fake_salesforce.contact (sfid, lastname, email, external_id__c)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
        [inserts.map(i => i.sfid), col('LastName'), col('Email'), col('External_Id__c')],
      )
    }

    return results
  }

  private async applyOne(operation: string, record: SfRecord, externalIdField: string | undefined, known: Map<string, string>, inserts: Array<{sfid: string; record: SfRecord}>): Promise<SaveResult> {
    const fail = (statusCode: string, message: string, fields: string[] = []): SaveResult => ({errors: [{fields, message, statusCode}], success: false})
    if (operation === 'delete') {
      const {rowCount} = await this.pool.query('UPDATE hcg_fake_salesforce.contact SET isdeleted = true WHERE sfid = $1', [record.Id])
      return rowCount ? {errors: [], id: String(record.Id), success: true} : fail('ENTITY_IS_DELETED', 'entity is deleted')
    }

    if (record.LastName === 'REJECT') return fail('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Contacts named REJECT are not allowed', ['LastName'])
    let existing: string | undefined
    if (operation === 'upsert') {
      existing = known.get(String(record[externalIdField!]))
    } else if (operation === 'update') {
      existing = String(record.Id)
    }

    if (!existing && (record.LastName === null || record.LastName === undefined || record.LastName === '')) {
      return fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName'])
    }

    const columns = ['LastName', 'Email', 'External_Id__c'].filter(f => f in record)
    if (existing) {
      if (columns.length > 0) {
        const sets = columns.map((c, i) => `${c.toLowerCase()} = $${i + 2}`).join(', ')
        await this.pool.query(`UPDATE hcg_fake_salesforce.contact SET ${sets}, systemmodstamp = now() AT TIME ZONE 'UTC' WHERE sfid = $1`, [existing, ...columns.map(c => record[c])])
      }

      return {created: false, errors: [], id: existing, success: true}
    }

    const sfid = `003W${String(this.next++).padStart(14, '0')}`
    inserts.push({record, sfid})
    if (operation === 'upsert') known.set(String(record[externalIdField!]), sfid)
    return {created: true, errors: [], id: sfid, success: true}
  }
}

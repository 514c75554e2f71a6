import type {
  ColumnFacts, MappingFacts, PostgresFacts, RelationFacts, SalesforceFacts, SfFieldFacts, SfIntegrationUserFacts, Snapshot,
} from '../../src/snapshot/types.js'

// A snapshot of a setup that follows every practice (the healthy scenario, by hand). Rule tests
// start from it, break one thing, and expect exactly their rule to notice. Each call returns a
// fresh deep copy, so tests may mutate it freely.

export function sfField(name: string, overrides: Partial<SfFieldFacts> = {}): SfFieldFacts {
  return {
    autoNumber: false,
    calculated: false,
    calculatedFormula: null,
    createable: name !== 'Id',
    defaultedOnCreate: name === 'Id',
    encrypted: false,
    externalId: false,
    name,
    nillable: name !== 'Id',
    referenceTo: [],
    type: name === 'Id' ? 'id' : 'string',
    unique: false,
    updateable: name !== 'Id',
    ...overrides,
  }
}

export function column(name: string, type = 'character varying(255)', extra: Partial<ColumnFacts> = {}): ColumnFacts {
  return {default: null, name, notNull: false, type, ...extra}
}

export function mappedTable(table: string, fieldColumns: string[]): RelationFacts {
  return {
    columns: [
      column('id', 'integer', {default: `nextval('salesforce.${table}_id_seq'::regclass)`, notNull: true}),
      column('sfid', 'character varying(18)'),
      column('systemmodstamp', 'timestamp without time zone'),
      column('isdeleted', 'boolean'),
      ...fieldColumns.map(name => column(name)),
      column('_hc_lastop', 'character varying(32)'),
      column('_hc_err', 'text'),
    ],
    indexes: [
      {columns: ['id'], definition: `CREATE UNIQUE INDEX ${table}_pkey ON salesforce.${table} USING btree (id)`, name: `${table}_pkey`, unique: true},
      {columns: ['sfid'], definition: `CREATE UNIQUE INDEX hcu_idx_${table}_sfid ON salesforce.${table} USING btree (sfid)`, name: `hcu_idx_${table}_sfid`, unique: true},
      {columns: ['systemmodstamp'], definition: `CREATE INDEX hc_idx_${table}_systemmodstamp ON salesforce.${table} USING btree (systemmodstamp)`, name: `hc_idx_${table}_systemmodstamp`, unique: false},
    ],
    kind: 'r',
    name: table,
    ownedBy: null,
    triggers: [
      {definition: '', functionName: `hc_${table}_logger`, functionSchema: 'salesforce', name: `hc_${table}_logtrigger`},
      {definition: '', functionName: `hc_${table}_status`, functionSchema: 'salesforce', name: `hc_${table}_status_trigger`},
    ],
  }
}

function mapping(object: string, access: MappingFacts['access'], fields: string[], upsertField: null | string): MappingFacts {
  return {
    access,
    fields,
    indexes: {Id: {unique: true}, SystemModstamp: {unique: false}, ...(upsertField ? {[upsertField]: {unique: true}} : {})},
    maxDailyApiCalls: 30_000,
    notify: false,
    object,
    pollingSeconds: 600,
    state: 'DATA_SYNCED',
    stateDescription: 'OK',
    table: object.toLowerCase(),
    upsertField,
  }
}

const TRIGGER_LOG_COLUMNS: ColumnFacts[] = [
  column('id', 'integer', {default: "nextval('salesforce._trigger_log_id_seq'::regclass)", notNull: true}),
  column('txid', 'bigint'),
  column('created_at', 'timestamp with time zone', {default: 'now()'}),
  column('updated_at', 'timestamp with time zone', {default: 'now()'}),
  column('processed_at', 'timestamp with time zone'),
  column('processed_tx', 'bigint'),
  column('state', 'character varying(8)'),
  column('action', 'character varying(7)'),
  column('table_name', 'character varying(128)'),
  column('record_id', 'integer'),
  column('sfid', 'character varying(18)'),
  column('old', 'text'),
  column('values', 'text'),
  column('sf_result', 'integer'),
  column('sf_message', 'text'),
]

function postgres(): PostgresFacts {
  return {
    foreignKeys: [],
    functions: [
      {name: 'hc_capture_insert_from_row', signature: 'source_row hstore, table_name character varying, excluded_cols text[]'},
      {name: 'hc_capture_update_from_row', signature: 'source_row hstore, table_name character varying, columns_to_include text[]'},
      {name: 'tlog_notify_trigger', signature: ''},
      ...['contact', 'account', 'opportunity'].flatMap(t => [
        {name: `hc_${t}_logger`, signature: ''},
        {name: `hc_${t}_status`, signature: ''},
      ]),
    ],
    idDependents: [],
    idLikeColumns: [],
    lastopFailed: [],
    relations: [
      mappedTable('contact', ['firstname', 'lastname', 'email', 'phone', 'birthdate', 'accountid', 'external_id__c', 'createddate']),
      mappedTable('account', ['name', 'accountnumber', 'industry', 'phone', 'website', 'external_id__c', 'ownerid', 'createddate']),
      mappedTable('opportunity', ['name', 'stagename', 'closedate', 'amount', 'accountid', 'createddate']),
      {columns: TRIGGER_LOG_COLUMNS, indexes: [], kind: 'r', name: '_trigger_log', ownedBy: null, triggers: [{definition: '', functionName: 'tlog_notify_trigger', functionSchema: 'salesforce', name: 'tlog_insert_trigger'}]},
      {columns: TRIGGER_LOG_COLUMNS, indexes: [], kind: 'r', name: '_trigger_log_archive', ownedBy: null, triggers: []},
      {columns: [column('id', 'integer'), column('hcver', 'integer'), column('org_id', 'character varying(50)'), column('details', 'text')], indexes: [], kind: 'r', name: '_hcmeta', ownedBy: null, triggers: []},
      {columns: [column('id', 'integer')], indexes: [], kind: 'r', name: '_sf_event_log', ownedBy: null, triggers: []},
      ...['contact', 'account', 'opportunity', '_trigger_log', '_hcmeta', '_sf_event_log'].map(t => ({columns: [], indexes: [], kind: 'S', name: `${t}_id_seq`, ownedBy: `${t}.id`, triggers: []})),
    ],
    runtime: {
      database: 'acme',
      extensions: [{name: 'hstore', schema: 'public', version: '1.8'}, {name: 'plpgsql', schema: 'pg_catalog', version: '1.0'}],
      searchPath: {database: '"$user", public', roles: []},
      xmlbinaryFunction: ['public'],
    },
    schema: 'salesforce',
    schemaExists: true,
    serverVersion: 150_020,
    systemTables: {
      _hcmeta: [column('id', 'integer'), column('hcver', 'integer'), column('org_id', 'character varying(50)'), column('details', 'text')],
      _sf_event_log: [column('id', 'integer')],
      _trigger_log: TRIGGER_LOG_COLUMNS,
      _trigger_log_archive: TRIGGER_LOG_COLUMNS,
    },
    triggerLog: {archiveOldestAt: null, archiveRows: 0, failed: [], oldestPendingAt: null, pending: [], runs: []},
    uniqueIds: [
      {column: 'external_id__c', default: 'gen_random_uuid()::text', duplicates: 0, exists: true, nulls: 0, rows: 2000, table: 'contact'},
      {column: 'external_id__c', default: 'gen_random_uuid()::text', duplicates: 0, exists: true, nulls: 0, rows: 500, table: 'account'},
    ],
    xmlbinary: {database: null, roles: []},
  }
}

const PROFILE_SET = '0PSHs000000IntgAAA'
const NONE = {ApiEnabled: false, ApiUserOnly: false, ModifyAllData: false, PasswordNeverExpires: false, ViewAllData: false, ViewEncryptedData: false}

/** The healthy sandbox's integration user, as the collector reads it with an admin's token. */
export function healthyIntegrationUser(): SfIntegrationUserFacts {
  const mapped: Record<string, string[]> = {
    Account: ['AccountNumber', 'Industry', 'Phone', 'Website', 'External_Id__c'],
    Contact: ['FirstName', 'LastName', 'Email', 'Phone', 'Birthdate', 'AccountId', 'External_Id__c'],
    Opportunity: ['Name', 'StageName', 'CloseDate', 'Amount', 'AccountId'],
  }
  return {
    fieldPermissions: Object.entries(mapped).flatMap(([object, fields]) => fields.map(field => ({edit: true, field: `${object}.${field}`, parentId: PROFILE_SET, read: true}))),
    logins: {byType: {'Remote Access 2.0': 2}, total: 2, ui: []},
    objectPermissions: Object.keys(mapped).map(object => ({create: true, delete: true, edit: true, modifyAll: false, object, parentId: PROFILE_SET, read: true, viewAll: true})),
    ownToken: false,
    permissionSets: [
      {group: null, id: PROFILE_SET, name: 'X00eHs000000IntgAAA', permissions: {...NONE, ApiEnabled: true, ApiUserOnly: true, PasswordNeverExpires: true, ViewAllData: true}, type: 'Profile'},
      {group: 'Heroku_Connect_Access', id: '0PSHs00000SyncGAAA', name: 'Heroku_Connect_Access', permissions: {...NONE, ApiEnabled: true, PasswordNeverExpires: true, ViewAllData: true}, type: 'Group'},
    ],
    tokenUser: 'avery.admin@acme.example',
    unavailable: {},
    user: {
      email: 'heroku.connect@acme.example', firstName: 'Heroku', id: '005Hs00000IntgSyAA', isActive: true, lastName: 'Connect Integration', managerId: null,
      name: 'Heroku Connect Integration', profileName: 'Minimum Access - API Only Integrations', userLicense: 'Salesforce Integration', userType: 'Standard',
    },
    username: 'heroku.connect@acme.example',
  }
}

function salesforce(): SalesforceFacts {
  const externalId = {externalId: true, unique: true}
  return {
    apiVersion: '62.0',
    newestApiVersion: '64.0',
    dailyApiRequests: {max: 100_000, remaining: 91_800},
    fieldDataTypes: {},
    gaps: [],
    integrationUser: healthyIntegrationUser(),
    objects: {
      Account: {fields: ['Id', 'Name', 'AccountNumber', 'Industry', 'Phone', 'Website', 'OwnerId', 'CreatedDate', 'SystemModstamp', 'IsDeleted'].map(n => sfField(n, n === 'Name' ? {nillable: false, permissionable: false} : n === 'OwnerId' ? {permissionable: false} : {})).concat([sfField('External_Id__c', externalId)]), name: 'Account'},
      Contact: {fields: ['Id', 'FirstName', 'Email', 'Phone', 'Birthdate', 'AccountId', 'CreatedDate', 'SystemModstamp', 'IsDeleted'].map(n => sfField(n)).concat([sfField('LastName', {nillable: false}), sfField('External_Id__c', externalId)]), name: 'Contact'},
      Opportunity: {fields: ['Id', 'Name', 'StageName', 'CloseDate', 'Amount', 'AccountId', 'CreatedDate', 'SystemModstamp', 'IsDeleted'].map(n => sfField(n)), name: 'Opportunity'},
    },
  }
}

export function healthySnapshot(): Snapshot {
  return {
    app: 'acme-crm',
    collectedAt: '2026-11-25T12:00:00.000Z',
    connection: {
      apiVersion: '62.0',
      features: {disable_bulk_writes: false, poll_db_no_merge: true},
      logDrain: true,
      mappings: [
        mapping('Contact', 'read_write', ['FirstName', 'LastName', 'Email', 'Phone', 'Birthdate', 'AccountId', 'External_Id__c', 'CreatedDate'], 'External_Id__c'),
        mapping('Account', 'read_write', ['Name', 'AccountNumber', 'Industry', 'Phone', 'Website', 'External_Id__c', 'OwnerId', 'CreatedDate'], 'External_Id__c'),
        mapping('Opportunity', 'read_only', ['Name', 'StageName', 'CloseDate', 'Amount', 'AccountId', 'CreatedDate'], null),
      ],
      name: 'acme-crm:DATABASE_URL:salesforce',
      origin: 'api',
      schema: 'salesforce',
      state: 'IDLE',
      validations: [],
    },
    postgres: postgres(),
    salesforce: salesforce(),
    sources: {connect: {ok: true}, postgres: {ok: true}, salesforce: {ok: true}},
  }
}

/** The snapshot with one source missing, as the collector reports it. */
export function withoutSource(snapshot: Snapshot, source: keyof Snapshot['sources']): Snapshot {
  const reasons = {
    connect: {provide: 'pass --app, or --config-file with a connect:export file', reason: 'no Connect configuration'},
    postgres: {provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database'},
    salesforce: {provide: 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials'},
  }
  const copy: Snapshot = {...snapshot, sources: {...snapshot.sources, [source]: {ok: false, ...reasons[source]}}}
  if (source === 'postgres') copy.postgres = null
  if (source === 'salesforce') copy.salesforce = null
  if (source === 'connect') copy.connection = null
  return copy
}

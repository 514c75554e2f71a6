import type {AppSpec, ScenarioSpec} from '../model.js'

import {HEALTHY_FEATURES} from './healthy.js'
import {ORG_OBJECTS} from './objects.js'
import {ADMIN_USER_ID, adminProfile, INTEGRATION_USER_ID, SALES_USER_ID, standardProfile, syncProfile, users} from './people.js'

// Every mistake the audit knows, planted once or more on app `acme-crm`; the Connect schema damage
// of HC075 sits on a second app, `acme-crm-legacy`, whose connection is DB_UNAVAILABLE.
// Each planted problem names the rule it is for, so the scenario doubles as the rule catalog's
// acceptance fixture.

const mainApp: AppSpec = {
  connection: {
    // HC031 + HC080: API version below 39 disables Bulk writes and fails Connect's own diagnose
    apiVersion: '38.0',
    dbKey: 'DATABASE_URL',
    // HC031: Merged Writes (poll_db_no_merge false) never uses the Bulk API
    features: {...HEALTHY_FEATURES, poll_db_no_merge: false, ucs_basic_collation_index: false},
    id: '2d6e4c8a-9b1f-4e3d-a7c5-6f8e9d0c1b2a',
    logDrain: false,
    mappings: [
      {
        access: 'read_write',
        // HC010 cross-object formula, HC060 encrypted fields, HC050 a field the sync user cannot read
        fields: ['FirstName', 'LastName', 'Email', 'Phone', 'AccountId', 'External_Id__c', 'Account_Name__c', 'Display_Name__c', 'SSN__c', 'Tax_Id__c', 'Loyalty_Tier__c', 'CreatedDate'],
        object: 'Contact',
        // HC074: polling every 2 minutes on every mapping
        pollingSeconds: 120,
        rows: 3000,
        upsertField: 'External_Id__c',
      },
      {
        access: 'read_write',
        // HC011 roll-up summary fields
        fields: ['Name', 'AccountNumber', 'Industry', 'Phone', 'External_Id__c', 'Open_Amount__c', 'Open_Opportunities__c', 'CreatedDate'],
        object: 'Account',
        pollingSeconds: 120,
        rows: 600,
        upsertField: 'External_Id__c',
      },
      {
        access: 'read_write',
        // HC001 no unique identifier; HC076 Company is required in Salesforce but not mapped
        fields: ['FirstName', 'LastName', 'Email', 'Status', 'CreatedDate'],
        object: 'Lead',
        pollingSeconds: 120,
        rows: 400,
        // HC073: a mapping stuck in an error state
        state: 'SYSTEM_ERROR',
        stateDescription: 'Unexpected error while writing to Salesforce',
      },
      {
        access: 'read_write',
        fields: ['Name', 'StageName', 'CloseDate', 'Amount', 'AccountId', 'Legacy_Key__c', 'CreatedDate'],
        object: 'Opportunity',
        pollingSeconds: 120,
        rows: 900,
        // HC002: the chosen identifier is not an External ID in Salesforce
        upsertField: 'Legacy_Key__c',
      },
    ],
    name: 'acme-crm:DATABASE_URL:salesforce',
    plan: 'enterprise',
    resourceName: 'herokuconnect-acme-crm-20931',
    schema: 'salesforce',
    // HC073: paused during an incident and never resumed, so writes pile up in _trigger_log
    state: 'PAUSED',
  },
  id: '9c4a1e77-2f0b-4b8e-9d6a-3e5f7a9b2002',
  name: 'acme-crm',
  region: 'us',
  userSql: [
    // HC002: rows without the unique identifier
    'UPDATE {{schema}}.account SET external_id__c = NULL WHERE id % 25 = 0',
    // HC003: the identifier comes from a sequence
    'CREATE SEQUENCE public.contact_external_seq',
    "ALTER TABLE {{schema}}.contact ALTER COLUMN external_id__c SET DEFAULT nextval('public.contact_external_seq')::text",
    // HC003: the identifier is copied from Connect's id
    "ALTER TABLE {{schema}}.opportunity ALTER COLUMN legacy_key__c SET DEFAULT 'opp-' || currval(pg_get_serial_sequence('{{schema}}.opportunity', 'id'))",
    // HC020: the app's own objects inside the Connect schema
    `CREATE TABLE {{schema}}.contact_notes (
       note_id serial PRIMARY KEY,
       contact_id integer NOT NULL,
       body text NOT NULL)`,
    'CREATE VIEW {{schema}}.active_contacts AS SELECT id, sfid, lastname, email FROM {{schema}}.contact WHERE NOT isdeleted',
    'CREATE SEQUENCE {{schema}}.invoice_number_seq',
    `CREATE FUNCTION {{schema}}.stamp_contact_note() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN NEW.body := trim(NEW.body); RETURN NEW; END $$`,
    `CREATE TRIGGER stamp_contact_note BEFORE INSERT ON {{schema}}.contact_notes
       FOR EACH ROW EXECUTE FUNCTION {{schema}}.stamp_contact_note()`,
    `CREATE FUNCTION {{schema}}.contact_touched() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RETURN NEW; END $$`,
    `CREATE TRIGGER contact_touched AFTER UPDATE ON {{schema}}.contact
       FOR EACH ROW EXECUTE FUNCTION {{schema}}.contact_touched()`,
    'CREATE INDEX contact_lower_email ON {{schema}}.contact (lower(email))',
    // HC040 + HC041: app tables keyed by Connect's id, which changes on every reload
    `CREATE TABLE public.orders (
       order_id serial PRIMARY KEY,
       contact_id integer REFERENCES {{schema}}.contact (id),
       account_id integer,
       total numeric(12,2) NOT NULL)`,
    'CREATE INDEX orders_contact_id ON public.orders (contact_id)',
    `INSERT INTO public.orders (contact_id, account_id, total)
       SELECT c.id, (c.id % 600) + 1, (c.id % 97) * 10.5 FROM {{schema}}.contact c WHERE c.id % 3 = 0`,
    `CREATE VIEW public.order_report AS
       SELECT o.order_id, c.id AS contact_id, c.lastname, o.total
       FROM public.orders o JOIN {{schema}}.contact c ON c.id = o.contact_id`,
    'ALTER TABLE {{schema}}.contact_notes ADD CONSTRAINT contact_notes_contact FOREIGN KEY (contact_id) REFERENCES {{schema}}.contact (id)',
    // HC070: writes Salesforce rejected, as Connect leaves them (Connect's own session, so nothing is re-logged)
    "SET xmlbinary = 'hex'",
    `UPDATE {{schema}}.contact SET _hc_lastop = 'FAILED',
       _hc_err = '{"op":"UPDATE","src":"SF","msg":"FIELD_CUSTOM_VALIDATION_EXCEPTION: Email domain is blocked"}'
       WHERE id IN (7, 19, 23)`,
    `INSERT INTO {{schema}}._trigger_log_archive
       (id, txid, created_at, updated_at, processed_at, processed_tx, state, action, table_name, record_id, sfid, old, "values", sf_result, sf_message)
       SELECT 900000000 + g, 1, now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours', 1,
              'FAILED', 'INSERT', 'lead', g, NULL, NULL, '"lastname"=>"Lee' || g || '"', 0,
              'REQUIRED_FIELD_MISSING: Required fields are missing: [Company]'
       FROM generate_series(1, 12) g`,
    // HC071: an archive that is not being purged (rows older than the 31-day retention)
    `INSERT INTO {{schema}}._trigger_log_archive
       (id, txid, created_at, updated_at, processed_at, processed_tx, state, action, table_name, record_id, sfid, old, "values", sf_result, sf_message)
       SELECT 800000000 + g, 1, now() - interval '45 days', now() - interval '45 days', now() - interval '45 days', 1,
              'SUCCESS', 'UPDATE', 'contact', (g % 3000) + 1, NULL, NULL, '"phone"=>"555-0100"', 0, NULL
       FROM generate_series(1, 20000) g`,
    // a write history three hours old, for write-mode's drain time: 40 SOAP calls of 200 contact
    // updates 2 s apart, then one Bulk job of 10,000 in two batches of 5,000, 30 s each.
    // Each batch is one processed_tx, as Connect marks a written batch in one transaction.
    `INSERT INTO {{schema}}._trigger_log_archive
       (id, txid, created_at, updated_at, processed_at, processed_tx, state, action, table_name, record_id, sfid, old, "values", sf_result, sf_message)
       SELECT 700000000 + g, 2, base, base, base + (g / 200) * interval '2 seconds', 1000 + g / 200,
              'SUCCESS', 'UPDATE', 'contact', (g % 3000) + 1, NULL, NULL, '"title"=>"Buyer"', 0, NULL
         FROM generate_series(0, 7999) g, (SELECT now() - interval '3 hours' AS base) b
       UNION ALL
       SELECT 710000000 + g, 3, base, base, base + interval '78 seconds' + (1 + g / 5000) * interval '30 seconds', 2000 + g / 5000,
              'SUCCESS', 'UPDATE', 'contact', (g % 3000) + 1, NULL, NULL, '"title"=>"Buyer"', 0, NULL
         FROM generate_series(0, 9999) g, (SELECT now() - interval '3 hours' AS base) b`,
    'RESET xmlbinary',
    // HC071: the oldest pending writes have been waiting for days
    "UPDATE {{schema}}._trigger_log SET created_at = now() - interval '3 days' WHERE id IN (SELECT id FROM {{schema}}._trigger_log ORDER BY id LIMIT 500)",
    // HC072: a role whose sessions never record changes
    "ALTER ROLE {{role}} IN DATABASE {{db}} SET xmlbinary = 'hex'",
  ],
}

const legacyApp: AppSpec = {
  connection: {
    apiVersion: '58.0',
    dbKey: 'DATABASE_URL',
    features: HEALTHY_FEATURES,
    id: 'e1b2c3d4-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    logDrain: true,
    mappings: [
      {
        access: 'read_only',
        fields: ['Name', 'Industry', 'CreatedDate'],
        object: 'Account',
        pollingSeconds: 600,
        rows: 100,
      },
    ],
    name: 'acme-crm-legacy:DATABASE_URL:org',
    plan: 'demo',
    resourceName: 'herokuconnect-acme-crm-legacy-3321',
    schema: 'org',
    state: 'DB_UNAVAILABLE',
  },
  // HC075: someone "cleaned up" Connect's bookkeeping tables
  damageSql: ['DROP TABLE {{schema}}._hcmeta', 'ALTER TABLE {{schema}}._trigger_log DROP COLUMN sf_result'],
  id: '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b3003',
  name: 'acme-crm-legacy',
  region: 'us',
  userSql: [],
}

export function messyScenario(): ScenarioSpec {
  return {
    apps: [mainApp, legacyApp],
    description: 'one instance of every problem the audit knows',
    // HC030: a large backlog that Merged Writes will send through SOAP, 200 records a call
    logRows: 50_000,
    name: 'messy',
    org: {
      // HC074: Connect's polling (2,880 a day) and other integrations use nearly all of the daily
      // API budget, so the SOAP backlog (about 250 calls) needs more than half of what is left
      dailyApiRequests: {max: 15_000, used: 14_600},
      instanceName: 'NA224',
      adminUserId: ADMIN_USER_ID,
      integrationUserId: INTEGRATION_USER_ID,
      logins: [
        // Connect's own OAuth logins: more than one 2,000-row page of LoginHistory
        {application: 'Heroku Connect', count: 2400, daysAgo: 0, loginType: 'Remote Access 2.0', userId: INTEGRATION_USER_ID},
        // HC050: people log in to the UI as the integration user
        {application: 'Browser', daysAgo: 2, loginType: 'Application', userId: INTEGRATION_USER_ID},
        {application: 'Browser', daysAgo: 9, loginType: 'Application', userId: INTEGRATION_USER_ID},
        {application: 'Browser', daysAgo: 1, loginType: 'Application', userId: ADMIN_USER_ID},
        {application: 'Browser', daysAgo: 1, loginType: 'Application', userId: SALES_USER_ID},
      ],
      objects: ORG_OBJECTS,
      organizationId: '00DHs000000AcmeMAA',
      permissionSets: [],
      // HC050: the sync user's profile is on a full licence, not API-only, its password expires, it
      // lacks View All Data and Create on Lead, and it cannot read Contact.Loyalty_Tier__c
      profiles: [adminProfile, standardProfile, syncProfile],
      users: users(syncProfile.id),
    },
  }
}

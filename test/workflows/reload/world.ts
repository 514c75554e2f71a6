import pg from 'pg'

import {type Sandbox, startSandbox} from '../../../src/sandbox/index.js'
import {testServerUrl} from '../../helpers/postgres.js'

// The world the reload tests run in: the healthy sandbox, plus what makes a real reload
// dangerous. Contact gets a view, a user trigger, a foreign key from an app table, an app
// column that holds its ids with no foreign key (and no primary key on its table), and changes
// waiting in _trigger_log. `references()` records which Contact (by sfid) every app row points
// at, so a test can prove each reference still points at the same record afterwards.

export const APP = 'acme-crm'

export const WORLD_SQL = [
  `CREATE TABLE app.tickets (id serial PRIMARY KEY, contact_id integer REFERENCES salesforce.contact (id), note text)`,
  `INSERT INTO app.tickets (contact_id, note) SELECT id, 'ticket for ' || sfid FROM salesforce.contact WHERE id % 3 = 0`,
  `CREATE INDEX ON app.tickets (contact_id)`,
  `CREATE TABLE app.visits (visit_no bigint, contactid integer, seen_at timestamptz DEFAULT now())`,
  `INSERT INTO app.visits (visit_no, contactid) SELECT g, c.id FROM salesforce.contact c, generate_series(1, 2) g WHERE c.id % 5 = 0`,
  `CREATE VIEW app.contact_names AS SELECT id, sfid, lastname FROM salesforce.contact`,
  `CREATE FUNCTION app.contact_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
  `CREATE TRIGGER contact_touch BEFORE UPDATE ON salesforce.contact FOR EACH ROW EXECUTE FUNCTION app.contact_touch()`,
]

/** A change the app makes through Connect's logging triggers (a session with xmlbinary base64). */
export const PENDING_SQL = `UPDATE salesforce.contact SET lastname = lastname || ' (edited)' WHERE id IN (SELECT id FROM salesforce.contact ORDER BY id LIMIT 3)`

export const REMAP = ['app.tickets.contact_id', 'app.visits.contactid']

export async function startWorld(options: {pending?: boolean; stepMs?: number} = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({databaseUrl: testServerUrl(), reloadPacing: {stepMs: options.stepMs ?? 150, steps: 4}, scenario: 'healthy', syncIntervalMs: 0})
  const client = new pg.Client({connectionString: sandbox.apps[0].databaseUrl})
  await client.connect()
  try {
    for (const statement of WORLD_SQL) await client.query(statement)
    if (options.pending) await client.query(PENDING_SQL)
  } finally {
    await client.end()
  }

  return sandbox
}

export interface References {
  tickets: Array<[number, string]>
  visits: Array<[number, string]>
}

/** Every app reference as (row, sfid of the Contact it points at). */
export async function references(url: string): Promise<References> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    const tickets = await client.query<{id: number; sfid: string}>(
      'SELECT t.id, c.sfid FROM app.tickets t LEFT JOIN salesforce.contact c ON c.id = t.contact_id ORDER BY t.id')
    const visits = await client.query<{sfid: string; visit_no: string}>(
      'SELECT v.visit_no, c.sfid FROM app.visits v LEFT JOIN salesforce.contact c ON c.id = v.contactid ORDER BY v.visit_no, c.sfid')
    return {tickets: tickets.rows.map(r => [r.id, r.sfid]), visits: visits.rows.map(r => [Number(r.visit_no), r.sfid])}
  } finally {
    await client.end()
  }
}

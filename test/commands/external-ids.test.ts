import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {type Sandbox, startSandbox} from '../../src/sandbox/index.js'
import {testServerUrl} from '../helpers/postgres.js'
import {APP, asConnect, columnDefault, externalIds, journals, lastLogId, logRows, mappingPuts, query, toolingWrites} from './external-ids-world.js'
import {type AuditJson, expectNoSecrets, logicalLines, parseJson, runAudit, secretsOf, show, tempDir} from './helpers.js'

// `heroku connect:external-ids` end to end on the messy sandbox, whose four read-write mappings
// each lack a sound identifier in another way: Lead has none (HC001), Account has NULLs (HC002),
// Contact defaults from a sequence (HC003), Opportunity's field is not External ID / Unique
// (HC002) and defaults from Connect's id (HC003). One run must fix all four, so the audit finds
// none of HC001-HC003 afterwards, and only the backfill may add rows to _trigger_log.

const IDS_RULES = ['--json', '--only', 'HC001,HC002,HC003']

const audit = async (sandbox: Sandbox) => parseJson<AuditJson>(await runAudit(['--app', APP, ...IDS_RULES], {env: sandbox.env})).findings.map(f => `${f.rule} ${f.object}`).sort()

describe('connect:external-ids on the messy sandbox', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let url: string
  let logBefore: number

  before(async function () {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'messy', syncIntervalMs: 0})
    url = sandbox.apps[0].databaseUrl
    logBefore = await lastLogId(url)
  })

  after(async () => {
    await sandbox?.stop()
  })

  it('the audit reports the planted identifier problems first', async () => {
    expect(await audit(sandbox)).to.deep.equal(['HC001 Lead', 'HC002 Account', 'HC002 Opportunity', 'HC003 Contact', 'HC003 Opportunity'])
  })

  it('--dry-run shows the plan and the exact calls, and touches nothing', async () => {
    const run = await externalIds(sandbox, ['--dry-run'])
    expect(run.code, show(run)).to.equal(0)
    expect(run.stdout).to.match(/Lead\s+External_Id__c\s+no unique identifier \(HC001\)\s+mapping, default, backfill/)
    expect(run.stdout).to.match(/Account\s+External_Id__c\s+24 NULLs \(HC002\)\s+default, backfill/)
    expect(run.stdout).to.match(/Contact\s+External_Id__c\s+default from a sequence \(HC003\)\s+default/)
    expect(run.stdout).to.include('mark Opportunity.Legacy_Key__c External ID and Unique through the Tooling API')
    expect(run.stdout).to.include('    + fields.External_Id__c\n    ~ upsert_field: none -> "External_Id__c"')
    expect(run.stdout).to.include('Connect does not carry a column default through a configuration import')
    // the backfill's cost, from the write-mode predictor: messy's API 38 and Merged Writes keep it SOAP
    expect(run.stdout).to.match(/fill the NULLs Connect leaves once it has loaded the values Salesforce holds \(at most 400\).*up to 400 synced rows become UPDATEs Connect sends through SOAP \(API version 38\.0 is below 39; Merged Writes is on.*about 2 API calls/)
    expect(run.stdout).to.include('Bulk-friendly sizes, whole Bulk chunks of 5,000: 5,000, 10,000, 25,000, 50,000')
    expect(run.stdout).to.include('SQL  ALTER TABLE "salesforce"."contact" ALTER COLUMN "external_id__c" SET DEFAULT gen_random_uuid()::text')
    expect(run.stdout).to.match(/PUT {2}http:\/\/127\.0\.0\.1:\d+\/api\/v3\/mappings\/[\w-]+ \{"config": …\} with \+ fields\.External_Id__c/)
    expectNoSecrets(run, secretsOf(sandbox.env))

    expect(toolingWrites(sandbox)).to.deep.equal([])
    expect(mappingPuts(sandbox)).to.equal(0)
    expect(await query(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'connect_guard'")).to.deep.equal([])
    expect(await query(url, "SELECT 1 FROM information_schema.columns WHERE table_schema = 'salesforce' AND table_name = 'lead' AND column_name = 'external_id__c'")).to.deep.equal([])
    expect(await columnDefault(url, 'contact', 'external_id__c')).to.match(/nextval/)
    expect(await logRows(url, logBefore)).to.deep.equal([])
  })

  it('--dry-run --json returns the plan and the calls, and no secret', async () => {
    const run = await externalIds(sandbox, ['--dry-run', '--json'])
    expect(run.code, show(run)).to.equal(0)
    const result = parseJson<{dryRun: string[]; exitCode: number; plan: {blocked: string[]; mappings: Array<{actions: Record<string, null | string>; object: string}>; untouched: unknown[]}}>(run)
    expect(result.exitCode).to.equal(0)
    expect(result.plan.mappings.map(m => [m.object, Object.entries(m.actions).filter(([, a]) => a).map(([step]) => step).sort()])).to.deep.equal([
      ['Contact', ['default']], ['Account', ['backfill', 'default']], ['Lead', ['backfill', 'default', 'mapping']], ['Opportunity', ['default', 'field']],
    ])
    expect(result.plan.blocked).to.deep.equal([])
    expect(result.dryRun.filter(c => c.startsWith('SQL  ALTER TABLE'))).to.have.length(4)
    expectNoSecrets(run, secretsOf(sandbox.env))
  })

  it('--out writes the Postgres part as a migration and changes nothing', async () => {
    const dir = await tempDir('external-ids')
    try {
      const file = join(dir.path, 'ids.sql')
      const run = await externalIds(sandbox, ['--out', file])
      expect(run.code, show(run)).to.equal(0)
      const sql = await readFile(file, 'utf8')
      expect(sql).to.include('ALTER TABLE "salesforce"."lead" ALTER COLUMN "external_id__c" SET DEFAULT gen_random_uuid()::text;')
      // the first key holding a NULL: every 25th Account lacks one
      expect(sql).to.match(/^UPDATE "salesforce"\."account" SET "external_id__c" = gen_random_uuid\(\)::text WHERE "id" >= 25 AND "id" < 10025 AND "external_id__c" IS NULL;$/m)
      expect(sql).to.include('--   Connect: add External_Id__c to the Lead mapping and make it the unique identifier')
      expect(sql).to.include('-- Connect does not carry a column default through a configuration import')
      expect(mappingPuts(sandbox)).to.equal(0)
      expect(await columnDefault(url, 'contact', 'external_id__c')).to.match(/nextval/)
      expect(await journals(url)).to.deep.equal([])
    } finally {
      await dir.remove()
    }
  })

  it('refuses to change anything without --confirm when there is no terminal', async () => {
    const run = await externalIds(sandbox, [])
    expect(run.code, show(run)).to.equal(2)
    expect(logicalLines(run.stderr).filter(line => line.startsWith('Error:'))).to.deep.equal(['Error: this changes Salesforce, the Connect mapping and the database: pass --confirm with the app name'])
    expect(mappingPuts(sandbox)).to.equal(0)
    expect(await journals(url)).to.deep.equal([])
  })

  it('refuses a --confirm for another app', async () => {
    const run = await externalIds(sandbox, ['--confirm', 'other-app'])
    expect(run.code, show(run)).to.equal(2)
    expect(logicalLines(run.stderr).filter(line => line.startsWith('Error:'))).to.deep.equal(['Error: --confirm other-app does not match the app acme-crm'])
    expect(mappingPuts(sandbox)).to.equal(0)
  })

  it('fixes every mapping that needs it, keeping the values Salesforce already holds', async () => {
    // Lead.External_Id__c exists in Salesforce with a value on every record. Once the field is
    // mapped, Connect loads those values into the new column (RESYNC), and the command waits for
    // that before it backfills anything.
    const run = await externalIds(sandbox, ['--confirm', APP])
    expect(run.code, show(run)).to.equal(0)
    const kept = await query<{n: number}>(url, 'SELECT count(*)::int AS n FROM salesforce.lead l JOIN hcg_fake_salesforce.lead s ON s.sfid = l.sfid WHERE s.external_id__c = l.external_id__c')
    expect(kept[0].n, 'every synced Lead keeps the value Salesforce holds').to.equal(400)
    expect(run.stdout).to.match(/connect:external-ids run \d+ complete/)
    expect(await journals(url)).to.deep.equal([{error: null, status: 'complete', step: 'complete'}])
    // Salesforce: only Opportunity's field changed (Lead's External_Id__c already exists in the org)
    expect(toolingWrites(sandbox)).to.deep.equal(['PATCH 204'])
    for (const [table, column] of [['contact', 'external_id__c'], ['account', 'external_id__c'], ['lead', 'external_id__c'], ['opportunity', 'legacy_key__c']]) {
      expect(await columnDefault(url, table, column), table).to.match(/^\(?gen_random_uuid\(\)\)?::text$/)
      const [counts] = await query<{dupes: number; nulls: number}>(url, `SELECT count(*) FILTER (WHERE ${column} IS NULL)::int AS nulls, (count(${column}) - count(DISTINCT ${column}))::int AS dupes FROM salesforce.${table}`)
      expect(counts, table).to.deep.equal({dupes: 0, nulls: 0})
    }
  })

  it('wrote only the backfill through Connect\'s tables: one UPDATE per filled row, nothing for the DDL', async () => {
    // Account: its 24 NULLs; Lead took Salesforce's values; Contact and Opportunity only got a default
    expect(await logRows(url, logBefore)).to.deep.equal([{action: 'UPDATE', n: 24, table_name: 'account'}])
  })

  it('--status shows the journal of the run', async () => {
    const run = await externalIds(sandbox, ['--status'])
    expect(run.code, show(run)).to.equal(0)
    expect(run.stdout).to.match(/^1\s+Contact, Account, Lead, Opportunity\s+complete\s+complete/m)
    expect(run.stdout).to.include('Lead: backfill done')
  })

  it('then the audit no longer reports HC001, HC002 or HC003', async () => {
    expect(await audit(sandbox)).to.deep.equal([])
  })

  it('leaves mappings with a sound identifier alone on a rerun', async () => {
    const puts = mappingPuts(sandbox)
    const run = await externalIds(sandbox, ['--confirm', APP])
    expect(run.code, show(run)).to.equal(0)
    for (const object of ['Contact', 'Account', 'Lead', 'Opportunity']) expect(run.stdout).to.include(`${object}: left alone, already has a sound unique identifier`)
    expect(run.stdout).not.to.match(/run \d+ complete/)
    expect(mappingPuts(sandbox)).to.equal(puts)
    expect(await journals(url)).to.have.length(1)
  })

  it('reports duplicated values with their rows, and leaves that mapping to be resolved by hand', async () => {
    // values can repeat only where Connect's unique index on the column is gone (dropped by hand, or an old mapping)
    await query(url, 'DROP INDEX salesforce.hcu_idx_opportunity_legacy_key__c')
    const rows = await query<{id: number; sfid: string}>(url, 'SELECT id, sfid FROM salesforce.opportunity ORDER BY id LIMIT 3')
    await asConnect(url, `UPDATE salesforce.opportunity SET legacy_key__c = 'shared-value' WHERE id IN (${rows.map(r => r.id).join(', ')})`)
    const run = await externalIds(sandbox, ['--mapping', 'Opportunity', '--confirm', APP])
    expect(run.code, show(run)).to.equal(1)
    expect(run.stdout).to.match(/Opportunity\s+Legacy_Key__c\s+\d duplicates \(HC002\)\s+BLOCKED: duplicates/)
    expect(run.stdout).to.include(`duplicate shared-value: rows ${rows.map(r => `id ${r.id} (sfid ${r.sfid})`).join(', ')}`)
    expect(run.stdout).to.include('a synced row keeps the value Salesforce holds')
    expect(await journals(url)).to.have.length(1)
    const [{n}] = await query<{n: number}>(url, "SELECT count(*)::int AS n FROM salesforce.opportunity WHERE legacy_key__c = 'shared-value'")
    expect(n).to.equal(3)
  })
})

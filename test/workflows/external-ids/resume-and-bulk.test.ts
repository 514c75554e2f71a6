import {expect} from 'chai'

import {type Sandbox, startSandbox} from '../../../src/sandbox/index.js'
import {APP, columnDefault, externalIds, journals, lastLogId, logRows, mappingPuts, query, toolingWrites} from '../../commands/external-ids-world.js'
import {logicalLines, show} from '../../commands/helpers.js'
import {testServerUrl} from '../../helpers/postgres.js'

// A mapping that needs every step: the healthy sandbox's Contact (3,000 rows) with its unique
// identifier taken out of the mapping, fixed with a new field Guard_Uid__c. The run is made to
// fail right after each step in turn (the HCG_TEST_FAIL_AFTER hook), and each --resume must go on
// from there without doing any step twice. Afterwards the sandbox's sync sends the backfill to
// Salesforce, which must go through the Bulk API: the connection has API 62 and Ordered Writes,
// and the mapping now has a unique identifier.

const FIELD = 'Guard_Uid__c'
const COLUMN = 'guard_uid__c'
const START = ['--mapping', 'Contact', '--field', FIELD, '--batch-rows', '5000', '--confirm', APP]
const RESUME = ['--resume', '--confirm', APP]

describe('connect:external-ids: a rerun after a failure at each step, then Bulk writes', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let url: string
  let logBefore: number

  before(async function () {
    sandbox = await startSandbox({databaseUrl: testServerUrl(), rows: 3000, scenario: 'healthy', syncIntervalMs: 0})
    url = sandbox.apps[0].databaseUrl
    const contact = sandbox.connect.connection(APP).mappings.find(m => m.object === 'Contact')!
    contact.config.upsert_field = undefined
    contact.config.indexes = {}
    logBefore = await lastLogId(url)
  })

  after(async () => {
    await sandbox?.stop()
  })

  const failAfter = (step: string) => ({HCG_TEST_FAIL_AFTER: `Contact:${step}`})
  const errorLines = (stderr: string) => logicalLines(stderr).filter(line => line.startsWith('Error:'))

  it('plans all five steps, and the cost of the backfill through Bulk', async () => {
    const run = await externalIds(sandbox, [...START, '--dry-run'])
    expect(run.code, show(run)).to.equal(0)
    expect(run.stdout).to.match(/Contact\s+Guard_Uid__c\s+no unique identifier \(HC001\)\s+field, access, mapping, default, backfill/)
    // one contiguous run of 3,000 UPDATEs: one Bulk job (create, 1 upload, close, results)
    expect(run.stdout).to.include('fill 3,000 NULL values (every row: the column is new)')
    expect(run.stdout).to.include('up to 3,000 synced rows become UPDATEs Connect sends through the Bulk API: about 4 API calls')
    expect(run.stdout).to.include('POST /services/data/v62.0/tooling/sobjects/CustomField {"FullName":"Contact.Guard_Uid__c","Metadata":{"caseSensitive":false,"externalId":true,"label":"Guard Uid","length":36,"required":false,"type":"Text","unique":true}}')
  })

  it('fails after the field, and a resume fails after the access grant', async () => {
    const first = await externalIds(sandbox, START, failAfter('field'))
    expect(first.code, show(first)).to.equal(3)
    expect(errorLines(first.stderr)).to.deep.equal(['Error: test hook: failing after Contact:field'])
    expect(await journals(url)).to.deep.equal([{error: 'test hook: failing after Contact:field', status: 'failed', step: 'Contact:field'}])
    expect(toolingWrites(sandbox)).to.deep.equal(['POST 201'])

    const second = await externalIds(sandbox, RESUME, failAfter('access'))
    expect(second.code, show(second)).to.equal(3)
    expect(await journals(url)).to.deep.equal([{error: 'test hook: failing after Contact:access', status: 'failed', step: 'Contact:access'}])
    expect(toolingWrites(sandbox), 'the field is not created twice').to.deep.equal(['POST 201'])
    expect(mappingPuts(sandbox)).to.equal(0)
  })

  it('a resume fails after the mapping, another after the default', async () => {
    const third = await externalIds(sandbox, RESUME, failAfter('mapping'))
    expect(third.code, show(third)).to.equal(3)
    expect(mappingPuts(sandbox)).to.equal(1)
    expect(await query(url, "SELECT 1 FROM information_schema.columns WHERE table_schema = 'salesforce' AND table_name = 'contact' AND column_name = $1", [COLUMN])).to.have.length(1)
    expect(await columnDefault(url, 'contact', COLUMN)).to.equal(null)

    const fourth = await externalIds(sandbox, RESUME, failAfter('default'))
    expect(fourth.code, show(fourth)).to.equal(3)
    expect(mappingPuts(sandbox), 'the mapping is not saved twice').to.equal(1)
    expect(await columnDefault(url, 'contact', COLUMN)).to.match(/gen_random_uuid\(\)\)?::text$/)
    const [{nulls}] = await query<{nulls: number}>(url, `SELECT count(*)::int AS nulls FROM salesforce.contact WHERE ${COLUMN} IS NULL`)
    expect(nulls).to.equal(3000)
    expect(await logRows(url, logBefore), 'neither the mapping nor the default wrote through the table').to.deep.equal([])
  })

  it('a resume after a failure at the end of the backfill does not fill anything twice', async () => {
    const fifth = await externalIds(sandbox, RESUME, failAfter('backfill'))
    expect(fifth.code, show(fifth)).to.equal(3)
    const sixth = await externalIds(sandbox, RESUME)
    expect(sixth.code, show(sixth)).to.equal(0)
    expect(sixth.stdout).to.match(/run \d+ complete/)
    expect(await journals(url)).to.deep.equal([{error: null, status: 'complete', step: 'complete'}])
    const [counts] = await query<{distinct: number; nulls: number}>(url, `SELECT count(*) FILTER (WHERE ${COLUMN} IS NULL)::int AS nulls, count(DISTINCT ${COLUMN})::int AS distinct FROM salesforce.contact`)
    expect(counts).to.deep.equal({distinct: 3000, nulls: 0})
    expect(await logRows(url, logBefore), 'one UPDATE per row, once').to.deep.equal([{action: 'UPDATE', n: 3000, table_name: 'contact'}])
    expect(toolingWrites(sandbox)).to.deep.equal(['POST 201'])
    expect(mappingPuts(sandbox)).to.equal(1)
  })

  it('the sandbox\'s sync then writes the backfill through Bulk', async () => {
    sandbox.org.calls.reset()
    const summary = await sandbox.connect.drainOnce(APP, {force: true, maxRows: 1_000_000})
    expect(summary.failed, 'every value reaches Salesforce').to.equal(0)
    expect(summary.runs).to.deep.equal([{action: 'UPDATE', count: 3000, table: 'contact', via: 'bulk'}])
    expect(sandbox.org.calls.byKind.bulk).to.equal(4)
    expect(sandbox.org.calls.byKind.soap).to.equal(0)
  })
})

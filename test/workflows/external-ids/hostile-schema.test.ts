import {expect} from 'chai'

import {type Sandbox, startSandbox} from '../../../src/sandbox/index.js'
import {SCENARIOS} from '../../../src/sandbox/scenarios/index.js'
import type {ScenarioSpec} from '../../../src/sandbox/model.js'
import {APP, externalIds, query} from '../../commands/external-ids-world.js'
import {show} from '../../commands/helpers.js'
import {testServerUrl} from '../../helpers/postgres.js'

// The whole command on a Connect schema whose name tries to break out of its quotes: the healthy
// sandbox with its schema renamed and Account's identifier taken out of the mapping.

const SCHEMA = 'sales"force; DROP TABLE victim; --'
const qi = (name: string) => `"${name.replaceAll('"', '""')}"`

describe('connect:external-ids on a hostile schema name', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let url: string
  const registry = SCENARIOS as unknown as Record<string, () => ScenarioSpec>

  before(async function () {
    registry.hostileExternalIds = () => {
      const scenario = SCENARIOS.healthy()
      scenario.apps[0].connection.schema = SCHEMA
      return scenario
    }

    sandbox = await startSandbox({databaseUrl: testServerUrl(), scenario: 'hostileExternalIds', syncIntervalMs: 0})
    url = sandbox.apps[0].databaseUrl
    await query(url, 'CREATE TABLE public.victim (x int)')
    const account = sandbox.connect.connection(APP).mappings.find(m => m.object === 'Account')!
    account.config.upsert_field = undefined
    account.config.indexes = {}
  })

  after(async () => {
    delete registry.hostileExternalIds
    await sandbox?.stop()
  })

  it('plans, runs and fills the identifier with every name quoted', async () => {
    const dry = await externalIds(sandbox, ['--mapping', 'Account', '--field', 'Guard_Uid__c', '--dry-run'])
    expect(dry.code, show(dry)).to.equal(0)
    expect(dry.stdout).to.include(`SQL  ALTER TABLE ${qi(SCHEMA)}."account" ALTER COLUMN "guard_uid__c" SET DEFAULT gen_random_uuid()::text`)
    const run = await externalIds(sandbox, ['--mapping', 'Account', '--field', 'Guard_Uid__c', '--confirm', APP])
    expect(run.code, show(run)).to.equal(0)
    const [counts] = await query<{distinct: number; nulls: number}>(url, `SELECT count(*) FILTER (WHERE guard_uid__c IS NULL)::int AS nulls, count(DISTINCT guard_uid__c)::int AS distinct FROM ${qi(SCHEMA)}.account`)
    expect(counts).to.deep.equal({distinct: 500, nulls: 0})
    expect(await query(url, "SELECT 1 FROM pg_class WHERE relname = 'victim'")).to.have.length(1)
  })
})

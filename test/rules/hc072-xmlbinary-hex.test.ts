import {expect} from 'chai'

import {hc072} from '../../src/rules/hc072-xmlbinary-hex.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const LOST = 'Connect\'s log triggers record nothing while xmlbinary is hex, so these writes never reach Salesforce and nothing reports it'

describe('HC072 xmlbinary-hex', () => {
  it('fires for a database default and role settings of hex, with the RESET where it was set', () => {
    const snapshot = healthySnapshot()
    snapshot.postgres!.xmlbinary = {
      database: 'hex',
      roles: [
        {database: 'd8abc', role: 'app_user', value: 'hex'},
        {database: null, role: 'Report"er', value: 'HEX'},
        {database: null, role: 'etl', value: 'base64'},
      ],
    }
    expect(runRules([hc072], snapshot).findings).to.deep.equal([
      {
        field: null,
        fix: 'DO $$ BEGIN EXECUTE format(\'ALTER DATABASE %I RESET xmlbinary\', current_database()); END $$;',
        message: `the database sets xmlbinary = hex for every session: ${LOST}`,
        object: null, practice: null, rule: 'HC072', severity: 'error', table: null,
      },
      {
        field: 'app_user',
        fix: 'ALTER ROLE app_user IN DATABASE d8abc RESET xmlbinary;',
        message: `role app_user sets xmlbinary = hex in database d8abc: ${LOST}`,
        object: null, practice: null, rule: 'HC072', severity: 'error', table: null,
      },
      {
        field: 'Report"er',
        fix: 'ALTER ROLE "Report""er" RESET xmlbinary;',
        message: `role Report"er sets xmlbinary = hex: ${LOST}`,
        object: null, practice: null, rule: 'HC072', severity: 'error', table: null,
      },
    ])
  })

  it('does not fire when xmlbinary is left at base64', () => {
    const snapshot = healthySnapshot()
    expect(runRules([hc072], snapshot).findings).to.deep.equal([])
    snapshot.postgres!.xmlbinary = {database: 'base64', roles: [{database: null, role: 'app_user', value: 'base64'}]}
    expect(runRules([hc072], snapshot).findings).to.deep.equal([])
  })

  it('is skipped without a database', () => {
    const {findings, skipped} = runRules([hc072], withoutSource(healthySnapshot(), 'postgres'))
    expect(findings).to.deep.equal([])
    expect(skipped).to.deep.equal([{name: 'xmlbinary-hex', provide: 'pass --database-url or make the connection\'s db_key config var readable', reason: 'no database', rule: 'HC072'}])
  })
})

import {expect} from 'chai'

import {hc077, searchPathSchemas} from '../../src/rules/hc077-connect-runtime-missing.js'
import {runRules} from '../../src/rules/runner.js'
import {healthySnapshot, withoutSource} from './fixtures.js'

const finding = (fields: Record<string, unknown>) => ({field: null, object: null, practice: null, rule: 'HC077', severity: 'error', table: null, ...fields})

describe('HC077 connect-runtime-missing', () => {
  it('fires when hstore is not installed and get_xmlbinary() is missing', () => {
    const snapshot = healthySnapshot()
    const runtime = snapshot.postgres!.runtime!
    runtime.extensions = runtime.extensions.filter(e => e.name !== 'hstore')
    runtime.xmlbinaryFunction = []
    const findings = runRules([hc077], snapshot).findings
    expect(findings.map(f => f.fix)).to.deep.equal([
      'CREATE EXTENSION IF NOT EXISTS hstore;',
      'CREATE OR REPLACE FUNCTION public.get_xmlbinary() RETURNS varchar LANGUAGE plpgsql AS $fn$ DECLARE xmlbin varchar; BEGIN SELECT setting INTO xmlbin FROM pg_catalog.pg_settings WHERE name = \'xmlbinary\'; RETURN xmlbin; END; $fn$;',
    ])
    expect(findings[0].message).to.match(/^the hstore extension is not installed: every Connect logger calls hstore\(NEW\.\*\)/)
    expect(findings[1].message).to.match(/^get_xmlbinary\(\) is missing \(a dump taken with --schema leaves it out\)/)
  })

  it('fires when hstore lives in a schema the database\'s or a role\'s search_path does not reach', () => {
    const snapshot = healthySnapshot()
    const runtime = snapshot.postgres!.runtime!
    runtime.extensions[0].schema = 'heroku_ext'
    runtime.searchPath.roles = [{role: 'etl', value: 'app, "Odd Schema"'}, {role: 'web', value: '"$user", public, heroku_ext'}]
    expect(runRules([hc077], snapshot).findings).to.deep.equal([
      finding({
        fix: 'ALTER DATABASE acme SET search_path TO "$user", public, heroku_ext;',
        message: 'the database\'s search_path ("$user", public) does not reach hstore (in heroku_ext): Connect\'s loggers call it without a schema, so writes from sessions with the default path to a mapped table fail',
      }),
      finding({
        field: 'etl',
        fix: 'ALTER ROLE etl SET search_path TO app, "Odd Schema", heroku_ext, public;',
        message: 'role etl\'s search_path (app, "Odd Schema") does not reach hstore (in heroku_ext) or get_xmlbinary() (in public): Connect\'s loggers call it without a schema, so writes from that role to a mapped table fail',
      }),
    ])
  })

  it('reads search paths the way Postgres does', () => {
    expect(searchPathSchemas('"$user", public, "We""ird", Heroku_Ext', 'web')).to.deep.equal(['web', 'public', 'We"ird', 'heroku_ext'])
    expect(searchPathSchemas('"$user",public', null)).to.deep.equal(['public'])
  })

  it('does not fire on the healthy setup, nor when a role\'s own schema is where hstore lives', () => {
    expect(runRules([hc077], healthySnapshot()).findings).to.deep.equal([])
    const snapshot = healthySnapshot()
    snapshot.postgres!.runtime!.searchPath.roles = [{role: 'public', value: '"$user"'}]
    expect(runRules([hc077], snapshot).findings).to.deep.equal([])
  })

  it('is skipped without a database, without Connect\'s trigger functions, or without the runtime facts', () => {
    expect(runRules([hc077], withoutSource(healthySnapshot(), 'postgres')).skipped.map(s => s.reason)).to.deep.equal(['no database'])
    const bare = healthySnapshot()
    bare.postgres!.functions = []
    bare.postgres!.runtime!.extensions = []
    expect(runRules([hc077], bare).skipped.map(s => s.reason)).to.deep.equal(['schema salesforce has none of Connect\'s trigger functions, so nothing needs hstore or get_xmlbinary()'])
    const old = healthySnapshot()
    old.postgres!.runtime = null
    expect(runRules([hc077], old).skipped.map(s => s.reason)).to.deep.equal(['the database\'s extensions and search_path were not collected'])
  })
})

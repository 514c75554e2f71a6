import {expect} from 'chai'
import pg from 'pg'

import type {ScaffoldFacts} from '../../../src/workflows/scaffold/read.js'

import {quoteIdent} from '../../../src/sql.js'
import {helperSchemaGrants, viewGrants} from '../../../src/workflows/scaffold/grants.js'
import {createTestDatabase, type TestDatabase, testServerUrl, withClient} from '../../helpers/postgres.js'

// A view runs with its owner's rights, so the helper schema's views are granted only to the roles
// that can already read every table they read; default privileges are mirrored only where the
// current user may set them.

const HELPER = 'app"; --'
const suffix = `${process.pid}`
const BOTH = `reads "both" ${suffix}`
const ONE = `reads one ${suffix}`

const facts = (defaults: ScaffoldFacts['defaultPrivileges']): ScaffoldFacts => ({currentUser: 'app_user', defaultPrivileges: defaults, functionBodies: [], helperViewColumns: {}, schemaGrants: [{grantee: 'PUBLIC', privilege: 'USAGE'}], tableRows: {}})

describe('helper schema grants', function () {
  it('mirrors default privileges per owner, kind and grantee, and says which it cannot set', function () {
    const {notes, statements} = helperSchemaGrants(facts([
      {grantable: false, grantee: 'reader', kind: 'r', mine: true, owner: 'app_user', privilege: 'SELECT'},
      {grantable: false, grantee: 'reader', kind: 'r', mine: true, owner: 'app_user', privilege: 'UPDATE'},
      {grantable: true, grantee: 'PUBLIC', kind: 'S', mine: true, owner: 'app_user', privilege: 'USAGE'},
      {grantable: false, grantee: 'reader', kind: 'r', mine: false, owner: 'other "owner"', privilege: 'SELECT'},
    ]), HELPER)
    expect(statements).to.deep.equal([
      'GRANT USAGE ON SCHEMA "app""; --" TO PUBLIC;',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app_user" IN SCHEMA "app""; --" GRANT SELECT, UPDATE ON TABLES TO "reader";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app_user" IN SCHEMA "app""; --" GRANT USAGE ON SEQUENCES TO PUBLIC WITH GRANT OPTION;',
    ])
    expect(notes).to.deep.equal(['the Connect schema\'s default privileges for objects other "owner" creates could not be mirrored (app_user is not a member of other "owner"); as other "owner", run: ALTER DEFAULT PRIVILEGES FOR ROLE "other ""owner""" IN SCHEMA "app""; --" GRANT SELECT ON TABLES TO "reader";'])
  })

  describe('on a view', function () {
    let db: TestDatabase
    let client: pg.Client

    before(async function () {
      db = await createTestDatabase('scaffold_grants')
      await withClient(testServerUrl(), c => c.query(`CREATE ROLE ${quoteIdent(BOTH)}; CREATE ROLE ${quoteIdent(ONE)}`))
      client = new pg.Client({connectionString: db.url})
      await client.connect()
      await client.query(`CREATE SCHEMA sf; CREATE SCHEMA ${quoteIdent(HELPER)};
        CREATE TABLE sf.account (sfid text, name text); CREATE TABLE sf.opportunity (sfid text, accountid text, amount numeric);
        GRANT SELECT ON sf.account, sf.opportunity TO ${quoteIdent(BOTH)}; GRANT SELECT ON sf.account TO ${quoteIdent(ONE)};
        CREATE VIEW ${quoteIdent(HELPER)}.account_computed AS SELECT a.sfid, (SELECT sum(o.amount) FROM sf.opportunity o WHERE o.accountid = a.sfid) AS total FROM sf.account a;`)
    })

    after(async function () {
      await client?.end()
      await db?.drop()
      await withClient(testServerUrl(), c => c.query(`DROP ROLE IF EXISTS ${quoteIdent(BOTH)}; DROP ROLE IF EXISTS ${quoteIdent(ONE)}`))
    })

    const canRead = async (role: string) => (await client.query(`SELECT has_table_privilege($1, $2::regclass, 'SELECT') AS ok`, [role, `${quoteIdent(HELPER)}.account_computed`])).rows[0].ok

    it('grants SELECT to the role that reads every table the view reads, not to the one that reads only some', async function () {
      expect(await canRead(BOTH)).to.equal(false)
      await client.query(viewGrants(HELPER, 'account_computed'))
      await client.query(viewGrants(HELPER, 'account_computed'))
      expect(await canRead(BOTH)).to.equal(true)
      expect(await canRead(ONE)).to.equal(false)
    })

    it('grants PUBLIC when PUBLIC reads every table', async function () {
      await client.query('GRANT SELECT ON sf.account, sf.opportunity TO PUBLIC')
      await client.query(viewGrants(HELPER, 'account_computed'))
      expect(await canRead(ONE)).to.equal(true)
      const {rows} = await client.query(`SELECT a.grantee FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::regclass AND a.privilege_type = 'SELECT' AND a.grantee = 0`, [`${quoteIdent(HELPER)}.account_computed`])
      expect(rows).to.have.length(1)
    })
  })
})

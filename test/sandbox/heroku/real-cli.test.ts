import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {type FakeHeroku, startFakeHeroku} from '../../../src/sandbox/heroku/server.js'
import {HEROKU_BIN, herokuEnv} from '../../helpers/heroku-cli.js'

const run = promisify(execFile)

// The commands a person trying the sandbox types first, from the real heroku CLI with
// HEROKU_HOST pointed at the fake Platform API, in a throwaway HOME.
describe('the real heroku CLI against the fake Platform API', function () {
  this.timeout(120_000)
  let fake: FakeHeroku
  let home: string
  let env: NodeJS.ProcessEnv
  const heroku = async (...args: string[]) => (await run(HEROKU_BIN, args, {env})).stdout

  before(async () => {
    fake = await startFakeHeroku({
      apiKey: 'sandbox-k3y',
      apps: [
        {
          addons: [
            {name: 'herokuconnect-cubed-12345', plan: 'herokuconnect:enterprise', service: 'herokuconnect'},
            {name: 'postgresql-round-67890', plan: 'standard-0', service: 'heroku-postgresql'},
          ],
          configVars: {DATABASE_URL: 'postgres://u:p@h:5432/d'},
          id: '11111111-2222-4333-8444-555555555555',
          name: 'acme-prod',
          region: 'eu',
        },
        {addons: [], configVars: {}, id: '11111111-2222-4333-8444-666666666666', name: 'acme-staging', region: 'us'},
      ],
    })
    home = mkdtempSync(path.join(tmpdir(), 'hcg-heroku-home-'))
    env = herokuEnv(home, {HEROKU_API_KEY: 'sandbox-k3y', HEROKU_HOST: fake.url})
  })

  after(async () => {
    await fake?.close()
    rmSync(home, {force: true, recursive: true})
  })

  it('lists the apps (heroku apps)', async () => {
    const mine = await heroku('apps')
    expect(mine).to.match(/acme-prod \(eu\)/)
    expect(mine).to.match(/acme-staging/)
    expect(fake.server.log.some(e => e.path === '/users/~/apps' && e.status === 200)).to.equal(true)
  })

  it('lists an app\'s add-ons with their attachments (heroku addons -a APP)', async () => {
    const table = await heroku('addons', '-a', 'acme-prod')
    expect(table).to.match(/herokuconnect \(herokuconnect-cubed-12345\)/)
    expect(table).to.match(/heroku-postgresql \(postgresql-round-67890\)/)
    expect(table).to.match(/as DATABASE/)
    expect(table).to.match(/standard-0/)
    const json = JSON.parse(await heroku('addons', '-a', 'acme-prod', '--json')) as Array<{attachments: Array<{name: string}>; name: string}>
    expect(json.map(a => [a.name, a.attachments.map(att => att.name)])).to.deep.equal([
      ['herokuconnect-cubed-12345', ['HEROKUCONNECT']],
      ['postgresql-round-67890', ['DATABASE']],
    ])
  })
})

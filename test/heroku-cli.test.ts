import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {HEROKU_BIN, herokuEnv} from './helpers/heroku-cli.js'

const run = promisify(execFile)

// The plugin inside the real `heroku` CLI (npm package heroku@11), linked the way a developer
// would, in a throwaway HOME so the user's own CLI config is never touched.
describe('inside the real heroku CLI', function () {
  this.timeout(180_000)
  const heroku = HEROKU_BIN
  let home: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'hcg-heroku-home-'))
    env = herokuEnv(home)
    await run(heroku, ['plugins:link', '--no-install', path.resolve('.')], {env})
  })

  after(() => rmSync(home, {force: true, recursive: true}))

  it('lists the linked plugin and its commands', async () => {
    const plugins = await run(heroku, ['plugins'], {env})
    expect(plugins.stdout).to.match(/heroku-connect-guard/)
    const commands = await run(heroku, ['commands'], {env})
    expect(commands.stdout).to.match(/connect:sandbox/)
  })

  it('shows help for connect:sandbox', async () => {
    const {stdout} = await run(heroku, ['connect:sandbox', '--help'], {env})
    expect(stdout).to.match(/start a local stand-in for Heroku, Heroku Connect and Salesforce/)
    expect(stdout).to.match(/--scenario/)
    expect(stdout).to.match(/\$ heroku connect:sandbox --scenario messy/)
  })
})

import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {HEROKU_BIN, herokuEnv} from './helpers/heroku-cli.js'

const run = promisify(execFile)

// What `npm publish` would ship: the project packed as npm packs it (prepack builds dist/ and
// the oclif manifest, postpack removes the manifest again), then installed into the real heroku
// CLI the way a user installs a plugin, in a throwaway HOME, and run from there. The project is
// packed from a copy so postpack never removes the manifest the other tests read. npm installs
// the plugin's dependencies from the registry through the machine's npm cache (offline first),
// which `npm ci` has just filled.
describe('the packed plugin installed into the real heroku CLI', function () {
  this.timeout(300_000)
  const root = path.resolve('.')
  const heroku = HEROKU_BIN
  const fixture = path.join(root, 'test/fixtures/acme-crm-export.json')
  let work: string
  let tarball: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'hcg-pack-'))
    const copy = path.join(work, 'project')
    mkdirSync(copy)
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'bin', 'src']) {
      cpSync(path.join(root, entry), path.join(copy, entry), {recursive: true})
    }

    symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'))
    const {stdout: cache} = await run('npm', ['config', 'get', 'cache'])
    await run('npm', ['pack', '--pack-destination', work], {cwd: copy})
    tarball = path.join(work, readdirSync(work).find(name => name.endsWith('.tgz'))!)
    expect(existsSync(path.join(copy, 'oclif.manifest.json')), 'postpack removes the manifest').to.equal(false)

    env = herokuEnv(path.join(work, 'home'), {
      npm_config_audit: 'false',
      npm_config_cache: cache.trim(),
      npm_config_fund: 'false',
      npm_config_prefer_offline: 'true',
    })
  })

  // the CLI may still be writing its caches for a moment after a command returns
  after(() => rmSync(work, {force: true, maxRetries: 5, recursive: true, retryDelay: 200}))

  it('ships dist/ and oclif.manifest.json, not the sources', async () => {
    const {stdout} = await run('tar', ['-tzf', tarball])
    const files = stdout.split('\n').filter(Boolean)
    for (const file of ['package/oclif.manifest.json', 'package/bin/run.js', 'package/dist/commands/connect/audit.js', 'package/dist/commands/connect/sandbox.js', 'package/package.json']) {
      expect(files).to.include(file)
    }

    expect(files.filter(f => f.startsWith('package/src/') || f.startsWith('package/test/'))).to.deep.equal([])
  })

  it('installs with heroku plugins:install and runs its commands from the installed copy', async () => {
    await run(heroku, ['plugins:install', `file:${tarball}`], {cwd: work, env})
    const {stdout: plugins} = await run(heroku, ['plugins'], {cwd: work, env})
    expect(plugins).to.match(/^heroku-connect-guard 0\.1\.0$/m)

    const {stdout: which} = await run(heroku, ['which', 'connect:audit'], {cwd: work, env})
    expect(which).to.match(/plugin: heroku-connect-guard/)
    expect(existsSync(path.join(work, 'home/.local/share/heroku/node_modules/heroku-connect-guard/dist/commands/connect/audit.js'))).to.equal(true)

    const {stdout: help} = await run(heroku, ['connect:audit', '--help'], {cwd: work, env})
    expect(help).to.match(/audit a Heroku Connect setup against every practice/)
    expect(help).to.match(/\$ heroku connect:audit/)

    // an offline audit of a Connect export: findings, so exit 1, and the report on stdout alone
    const audit = await run(heroku, ['connect:audit', '--config-file', fixture, '--format', 'json'], {cwd: work, env}).then(
      () => expect.fail('an audit with findings exits 1'),
      (error: {code: number; stderr: string; stdout: string}) => error,
    )
    expect(audit.code).to.equal(1)
    expect(audit.stderr).not.to.match(/EEXIT/)
    const report = JSON.parse(audit.stdout) as {schema: string; summary: {error: number}}
    expect(report.schema).to.equal('crm_sync')
    expect(report.summary.error).to.be.greaterThan(0)
  })
})

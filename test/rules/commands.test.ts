import {expect} from 'chai'

import {PLUGIN_COMMANDS} from '../../src/rules/commands.js'
import {knownCommands, manifestIds, namedCommands} from '../helpers/commands.js'

// The commands fixes may name: this plugin's (PLUGIN_COMMANDS follows the manifest, so a fix
// switches from manual steps to the command the moment the command ships), the official Connect
// plugin's and the Heroku CLI's (test/commands/official-commands.txt).

describe('commands a fix may name', () => {
  it('PLUGIN_COMMANDS is exactly the plugin\'s manifest', () => {
    expect([...PLUGIN_COMMANDS].sort()).to.deep.equal(manifestIds('oclif.manifest.json').sort())
  })

  it('the Heroku CLI commands on the checked list exist in the Heroku CLI', () => {
    const heroku = new Set(manifestIds('node_modules/heroku/oclif.manifest.json'))
    const listed = [...knownCommands()].filter(id => !id.startsWith('connect:'))
    expect(listed.filter(id => !heroku.has(id))).to.deep.equal([])
  })

  it('finds the commands a fix names', () => {
    expect(namedCommands('heroku connect:pause -a x; recreate it; heroku connect:resume -a x')).to.deep.equal(['connect:pause', 'connect:resume'])
    expect(namedCommands('the heroku CLI (heroku addons:open herokuconnect -a x)')).to.deep.equal(['addons:open'])
  })
})

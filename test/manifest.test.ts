import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

// The build generates oclif.manifest.json; a command missing from it is invisible to `heroku help`
// and slow to load, so every file under src/commands must appear there by id.
function commandIds(dir: string, prefix: string[] = []): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    if (entry.isDirectory()) return commandIds(path.join(dir, entry.name), [...prefix, entry.name])
    if (!entry.name.endsWith('.ts')) return []
    const name = entry.name.replace(/\.ts$/, '')
    return [[...prefix, ...(name === 'index' ? [] : [name])].join(':')]
  })
}

describe('oclif manifest', () => {
  it('lists every command in src/commands with its description and examples', () => {
    const manifest = JSON.parse(readFileSync('oclif.manifest.json', 'utf8')) as {commands: Record<string, {description?: string; examples?: unknown[]}>}
    const readme = readFileSync('README.md', 'utf8')
    const ids = commandIds('src/commands')
    expect(ids).to.include('connect:sandbox')
    for (const id of ids) {
      expect(manifest.commands, `manifest lacks ${id}; run npm run build`).to.have.property(id)
      expect(manifest.commands[id].description, `${id} has no description`).to.be.a('string').with.length.greaterThan(0)
      expect(manifest.commands[id].examples, `${id} has no examples`).to.be.an('array').with.length.greaterThan(0)
      // oclif readme writes optional arguments into the heading: ## `heroku connect:reload [MAPPING]`
      expect(readme.split('\n').some(line => line === `## \`heroku ${id}\`` || line.startsWith(`## \`heroku ${id} `)), `README command reference lacks ${id}; run npm run readme`).to.equal(true)
    }
  })
})

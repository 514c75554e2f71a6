import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const DIR = fileURLToPath(new URL('__snapshots__/', import.meta.url))

/**
 * Compares with test/render/__snapshots__/<name> exactly. `UPDATE_SNAPSHOTS=1` rewrites the file
 * instead; a missing file fails, so CI never passes by writing its own expectation.
 */
export function expectSnapshot(name: string, actual: string): void {
  const file = DIR + name
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(DIR, {recursive: true})
    writeFileSync(file, actual)
    return
  }

  if (!existsSync(file)) throw new Error(`no snapshot ${name}; run with UPDATE_SNAPSHOTS=1 to write it, then review it`)
  expect(actual, `snapshot ${name} (UPDATE_SNAPSHOTS=1 to accept the new output)`).to.equal(readFileSync(file, 'utf8'))
}

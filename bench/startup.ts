import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {timeCommands, verdict} from './lib.js'

// DESIGN.md §9: `connect:sandbox --help` against an empty oclif command's help, target <= 1.3x.
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

export function benchStartup(rounds = 15): {lines: string[]; ratio: number} {
  const env = {...process.env, HEROKU_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'}
  const [baseline, plugin] = timeCommands(
    [
      {args: [path.join(root, 'bench/empty-cli/bin/run.js'), 'noop', '--help'], label: 'empty oclif command --help'},
      {args: [path.join(root, 'bin/run.js'), 'connect:sandbox', '--help'], label: 'bin/run.js connect:sandbox --help'},
    ],
    rounds,
    env,
  )
  const ratio = plugin.medianMs / baseline.medianMs
  return {
    lines: [
      `startup (${rounds} interleaved runs, median)`,
      `  baseline  ${baseline.label}: ${baseline.medianMs.toFixed(0)} ms`,
      `  plugin    ${plugin.label}: ${plugin.medianMs.toFixed(0)} ms`,
      `  ratio     ${ratio.toFixed(2)}x  ${verdict(ratio, 1.3)}`,
    ],
    ratio,
  }
}

import {benchAuditPostgres} from './audit-postgres.js'
import {benchStartup} from './startup.js'
import {benchWriteMode} from './write-mode.js'

// `npm run bench`: runs every benchmark and prints ratios against same-run baselines.
// Record the printed block in bench/RESULTS.md when it changes.
const only = process.argv[2]
const benches: Record<string, () => Promise<{lines: string[]}> | {lines: string[]}> = {
  startup: () => benchStartup(),
  'audit-postgres': () => benchAuditPostgres(),
  'write-mode': () => benchWriteMode(),
}

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue
  console.log((await run()).lines.join('\n'))
  console.log()
}

import {benchAuditPostgres} from './audit-postgres.js'
import {benchReloadRemap} from './reload-remap.js'
import {benchStartup} from './startup.js'

// `npm run bench`: runs every benchmark and prints ratios against same-run baselines.
// Record the printed block in bench/RESULTS.md when it changes.
const only = process.argv[2]
const benches: Record<string, () => Promise<{lines: string[]}> | {lines: string[]}> = {
  startup: () => benchStartup(),
  'audit-postgres': () => benchAuditPostgres(),
  'reload-remap': () => benchReloadRemap(),
}

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue
  console.log((await run()).lines.join('\n'))
  console.log()
}

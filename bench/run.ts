import {benchAuditPostgres} from './audit-postgres.js'
import {benchBackfill} from './backfill.js'
import {benchReloadRemap} from './reload-remap.js'
import {benchScaffoldMaterialize} from './scaffold-materialize.js'
import {benchStartup} from './startup.js'
import {benchWriteMode} from './write-mode.js'
import {benchTableChecks} from './table-checks.js'

// `npm run bench`: runs every benchmark and prints ratios against same-run baselines;
// `npm run bench -- table-checks` runs one.
// Record the printed block in bench/RESULTS.md when it changes.
const only = process.argv[2]
const benches: Record<string, () => Promise<{lines: string[]}> | {lines: string[]}> = {
  startup: () => benchStartup(),
  'audit-postgres': () => benchAuditPostgres(),
  'write-mode': () => benchWriteMode(),
  'reload-remap': () => benchReloadRemap(),
  'table-checks': () => benchTableChecks(),
  backfill: () => benchBackfill(),
  'scaffold-materialize': () => benchScaffoldMaterialize(),
}
if (only && !(only in benches)) throw new Error(`no bench named ${only}; the benches are ${Object.keys(benches).join(', ')}`)

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue
  console.log((await run()).lines.join('\n'))
  console.log()
}

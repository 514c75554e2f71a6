import {benchStartup} from './startup.js'

// `npm run bench`: runs every benchmark and prints ratios against same-run baselines.
// Record the printed block in bench/RESULTS.md when it changes.
const only = process.argv[2]
const benches: Record<string, () => {lines: string[]}> = {
  startup: () => benchStartup(),
}

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue
  console.log(run().lines.join('\n'))
  console.log()
}

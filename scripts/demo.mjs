// `npm run demo`: start the sandbox (messy scenario by default) and audit it through the real
// command, exactly as a user would after exporting the sandbox's variables.
//   npm run demo                      # messy scenario, embedded Postgres
//   npm run demo -- healthy           # the scenario that follows every practice
//   npm run demo -- messy --database-url postgres://postgres@127.0.0.1:5432/postgres   # use a running server
//   (DEMO_DATABASE_URL=… does the same)
import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startSandbox} from '../dist/sandbox/index.js'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const args = process.argv.slice(2)
const urlAt = args.indexOf('--database-url')
const databaseUrl = urlAt === -1 ? process.env.DEMO_DATABASE_URL : args.splice(urlAt, 2)[1]
const scenario = args[0] && !args[0].startsWith('-') ? args.shift() : 'messy'
const extra = args

process.stderr.write(`demo: starting the ${scenario} sandbox (fake Heroku, Connect and Salesforce on a real Postgres)\n`)
let sandbox
try {
  sandbox = await startSandbox({
    databaseUrl,
    log: line => process.stderr.write(`demo: ${line}\n`),
    scenario,
    syncIntervalMs: 0,
  })
} catch (error) {
  // a GuardError is written for the user: one line, with its exit code
  if (typeof error?.exitCode !== 'number') throw error
  process.stderr.write(`demo: ${error.message}\n`)
  process.exit(error.exitCode)
}

let code = 0
try {
  const argv = [path.join(root, 'bin/run.js'), 'connect:audit', '--app', sandbox.env.HEROKU_APP, ...extra]
  process.stderr.write(`demo: $ heroku connect:audit --app ${sandbox.env.HEROKU_APP} ${extra.join(' ')}\n\n`)
  code = await new Promise(resolve => {
    const child = spawn(process.execPath, argv, {env: {...process.env, ...sandbox.env}, stdio: 'inherit'})
    child.on('exit', status => resolve(status ?? 1))
  })
  process.stderr.write(`\ndemo: connect:audit exited with ${code} (0 clean, 1 findings at or above --fail-on, 2 usage, 3 could not collect)\n`)
} finally {
  await sandbox.stop()
}

// findings are the point of the demo; only a failure to run is a failure
process.exit(code >= 2 ? code : 0)

import {Flags} from '@oclif/core'

import {GuardCommand} from '../../base-command.js'

export default class ConnectSandbox extends GuardCommand {
  static override description = `start a local stand-in for Heroku, Heroku Connect and Salesforce on a real Postgres
The sandbox builds one Connect-shaped database per app (mapped tables, _trigger_log, Connect's triggers) and serves the
Heroku Platform API, the Connect API and a Salesforce org on 127.0.0.1, so every connect:* command can be tried with no
accounts. It prints the variables to export, then serves until Ctrl-C, when it drops everything it created.

Postgres comes from --database-url (the sandbox creates and drops its own databases there) or, when absent, from an
embedded Postgres 15 that it starts and removes.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --scenario messy', description: 'start the scenario that plants every problem the audit knows'},
    {command: '<%= config.bin %> <%= command.id %> --scenario healthy --database-url postgres://postgres@127.0.0.1:5432/postgres', description: 'use an existing Postgres server instead of the embedded one'},
    {command: '<%= config.bin %> <%= command.id %> --scenario messy --rows 1000000 --log-rows 2000000', description: 'size the data for benchmarks'},
  ]

  static override flags = {
    'database-url': Flags.string({description: 'Postgres server to create the sandbox databases on (default: embedded Postgres)'}),
    json: Flags.boolean({description: 'print the variables as one JSON object instead of export lines'}),
    'log-rows': Flags.integer({description: 'pending _trigger_log rows to seed on the main app', min: 0}),
    rows: Flags.integer({description: "rows in the main app's first mapped table (and in the fake org)", min: 0}),
    scenario: Flags.string({default: 'messy', description: 'which world to build', options: ['healthy', 'messy']}),
    'sync-interval': Flags.integer({default: 10, description: 'seconds between fake Connect write cycles; 0 turns the sync loop off', min: 0}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConnectSandbox)
    const {startSandbox} = await import('../../sandbox/index.js')
    const {formatEnv, shellQuote} = await import('../../sandbox/env.js')
    const started = Date.now()
    const sandbox = await startSandbox({
      databaseUrl: flags['database-url'],
      log: line => this.logToStderr(`sandbox: ${line}`),
      logRows: flags['log-rows'],
      rows: flags.rows,
      scenario: flags.scenario,
      syncIntervalMs: flags['sync-interval'] * 1000,
    })
    this.log(formatEnv(sandbox.env, flags.json ? 'json' : 'shell'))
    // SF_ACCESS_TOKEN is an administrator's, as in a real audit; this one is Connect's own user's
    this.logToStderr(`sandbox: SF_ACCESS_TOKEN belongs to an administrator; to act as the integration user instead: export SF_ACCESS_TOKEN=${shellQuote(sandbox.tokens.integration)}`)
    const apps = sandbox.apps.map(app => app.spec.name).join(', ')
    this.logToStderr(`sandbox: scenario ${sandbox.scenario.name} ready in ${((Date.now() - started) / 1000).toFixed(1)}s (apps: ${apps}); press Ctrl-C to stop`)

    await new Promise<void>(resolve => {
      // The sandbox owns this process until it is stopped. Other SIGINT listeners (the heroku CLI's
      // telemetry) would exit before the databases are dropped, so they are replaced: the first
      // Ctrl-C cleans up, a second one quits at once.
      let stopping = false
      const shutdown = () => {
        if (stopping) process.exit(130)
        stopping = true
        resolve()
      }

      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(signal)
        process.on(signal, shutdown)
      }
    })
    this.logToStderr('sandbox: stopping and removing its databases')
    await sandbox.stop()
  }
}

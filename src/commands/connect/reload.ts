import {Args, Flags} from '@oclif/core'

import {GuardCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {appFlags, outputFlags} from '../../flags.js'
import type {ReloadResult} from '../../workflows/reload/command.js'
import {CHECKS} from '../../workflows/reload/types.js'

export default class ConnectReload extends GuardCommand {
  static override description = `reload a mapping without losing a row or breaking the app
Connect's own reload empties the table and loads it again from Salesforce: every id changes, rows never synced are
lost, and a foreign key to the table makes it fail. With --safe this command runs a preflight (refusing, with the fix,
whenever data would be lost), backs the table up into schema connect_guard, drops the foreign keys that block the
reload, asks Connect to reload and follows it, compares the result with the backup by sfid, remaps old ids to new ids in
every --remap column (in short batches), and restores the foreign keys (NOT VALID, then VALIDATE). Every step is
journaled: Ctrl-C stops at the next step boundary, and --resume continues a run that was stopped or killed.
Nothing is written through a Connect table, so nothing reaches _trigger_log. Backups and id maps stay in connect_guard
until --prune drops them (finished reloads only); --status shows their sizes.

Exit codes: 0 done, 1 refused by the preflight, 2 usage or configuration error, 3 could not call Connect or Postgres,
4 interrupted or timed out (the journal is kept: --resume).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Contact -a example-app', description: 'show the preflight only'},
    {command: '<%= config.bin %> <%= command.id %> Contact --safe -a example-app --remap public.orders.contact_id --dry-run', description: 'print the exact SQL and API calls'},
    {command: '<%= config.bin %> <%= command.id %> Contact --safe -a example-app --remap public.orders.contact_id --confirm example-app', description: 'reload, remapping an app column'},
    {command: '<%= config.bin %> <%= command.id %> Contact --safe -a example-app --wait-drain 10m --confirm example-app', description: 'let Connect send pending changes first'},
    {command: '<%= config.bin %> <%= command.id %> --resume -a example-app --confirm example-app', description: 'continue an interrupted reload'},
    {command: '<%= config.bin %> <%= command.id %> --resume --abort -a example-app --confirm example-app', description: 'stop an interrupted run before the reload, restoring its foreign keys'},
    {command: '<%= config.bin %> <%= command.id %> --status -a example-app', description: 'show the journal of the last reloads and what their backups take'},
    {command: '<%= config.bin %> <%= command.id %> --prune -a example-app --dry-run', description: 'show which backups and id maps a prune would drop'},
    {command: '<%= config.bin %> <%= command.id %> --prune --keep 0 -a example-app --confirm example-app', description: 'drop the backups and id maps of every finished reload'},
    {command: '<%= config.bin %> <%= command.id %> --prune --journal 3 -a example-app --confirm example-app', description: 'drop those of reload 3 only'},
  ]

  static override args = {
    mapping: Args.string({description: 'object name (Contact) or mapping id', required: false}),
  }

  static override flags = {
    ...appFlags,
    ...outputFlags,
    abort: Flags.boolean({dependsOn: ['resume'], description: 'with --resume: restore what an interrupted run dropped and close it, if Connect was not asked to reload yet'}),
    confirm: Flags.string({description: 'the app name, to run without a prompt'}),
    'database-url': Flags.string({description: "Postgres URL (default: the app's config var named by the connection's db_key)"}),
    'dry-run': Flags.boolean({description: 'print the preflight and the exact SQL and API calls, change nothing'}),
    journal: Flags.integer({dependsOn: ['prune'], description: 'with --prune: prune this one reload (an id from --status)', exclusive: ['keep'], min: 1}),
    keep: Flags.integer({dependsOn: ['prune'], description: 'with --prune: keep the backups of the N most recent finished reloads [default: 1]', min: 0}),
    force: Flags.string({description: 'waive one named preflight check (repeatable)', multiple: true, options: [...CHECKS]}),
    prune: Flags.boolean({description: 'drop the backups and id maps of finished reloads (never of an open one); journals stay', exclusive: ['status', 'resume', 'safe']}),
    'poll-interval': Flags.integer({default: 2000, description: 'ms between mapping state polls', hidden: true}),
    remap: Flags.string({description: 'SCHEMA.TABLE.COLUMN holding ids of the table: remapped old id → new id (repeatable)', multiple: true}),
    resume: Flags.boolean({description: 'continue the interrupted reload of this connection', exclusive: ['status']}),
    safe: Flags.boolean({description: 'run the safe reload (without it, only the preflight is shown)'}),
    status: Flags.boolean({description: 'show the journal of the last reloads'}),
    timeout: Flags.string({default: '30m', description: 'how long to wait for Connect to finish (e.g. 90s, 30m, 2h)'}),
    'wait-drain': Flags.string({description: 'wait up to this long for pending _trigger_log changes to be sent first (e.g. 10m)'}),
  }

  async run(): Promise<ReloadResult> {
    const {args, flags} = await this.parse(ConnectReload)
    if (!flags.app) throw new UsageError('pass --app APP', 'connect:reload works on the Heroku Connect add-on of an app')
    if (!args.mapping && !flags.resume && !flags.status && !flags.prune) throw new UsageError('name the mapping to reload', 'for example: heroku connect:reload Contact --safe -a APP')
    const [{runReloadCommand}, {phaseRunner, progressMode}, render] = await Promise.all([
      import('../../workflows/reload/command.js'), import('../../render/progress.js'), import('../../render/reload.js'),
    ])
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)
    const show = (text: string) => {
      if (!flags.json) this.log(text)
    }

    const result = await runReloadCommand({
      abort: flags.abort,
      app: flags.app,
      databaseUrl: flags['database-url'],
      dryRun: flags['dry-run'],
      force: (flags.force ?? []) as never,
      heroku: this.heroku,
      mapping: args.mapping,
      journal: flags.journal,
      keep: flags.keep,
      mode: flags.status ? 'status' : flags.prune ? 'prune' : flags.resume ? 'resume' : flags.safe ? 'safe' : 'preflight',
      pollMs: flags['poll-interval'],
      present: {
        async confirm(app) {
          if (flags.confirm === app) return
          if (flags.confirm !== undefined) throw new UsageError(`--confirm ${flags.confirm} does not match the app ${app}`)
          if (!interactive) throw new UsageError('this reload changes the database: pass --confirm with the app name', `--confirm ${app}`)
          const {hux} = await import('@heroku/heroku-cli-util')
          await hux.confirmCommand({comparison: app, warningMessage: `This reloads a mapping of ${app}: the table is emptied and loaded again from Salesforce.`})
        },
        note: text => this.logToStderr(text),
        preflight: preflight => show(render.renderPreflight(preflight)),
        statements: statements => show(render.renderStatements(statements)),
        prune: (plan, dryRun) => show(render.renderPrune(plan, dryRun)),
        status: (journals, events, storage) => show(render.renderStatus(journals, events, storage)),
      },
      remap: flags.remap ?? [],
      resource: flags.resource,
      runPhases: phaseRunner({mode: progressMode({json: flags.json})}),
      testCrashAfter: process.env.HCG_TEST_CRASH_AFTER,
      timeout: flags.timeout,
      waitDrain: flags['wait-drain'],
    })
    if (result.outcome && !flags.json) show(render.renderOutcome(result.outcome, flags.app))
    if (flags.json) this.log(JSON.stringify(result, null, 2))
    if (result.exitCode !== 0) this.exit(result.exitCode)
    return result
  }
}

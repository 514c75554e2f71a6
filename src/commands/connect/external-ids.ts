import {Flags} from '@oclif/core'

import {EXTERNAL_ID_FIELD} from '../../analysis/write-fixes.js'
import {GuardCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {appFlags, inputFlags, outputFlags} from '../../flags.js'
import type {ExternalIdsResult} from '../../workflows/external-ids/command.js'

export default class ConnectExternalIds extends GuardCommand {
  static override description = `give every read-write mapping a sound unique identifier, end to end
Without a unique identifier (an External ID field Connect upserts by), a row written from Postgres can come back from
Salesforce as a second record, and no write of the mapping can go through the Bulk API. The mappings that need one are
those the audit reports under HC001, HC002 and HC003 (the same analysis); a mapping with a sound identifier is left
alone. For each, every step checks before it acts:
  1. Salesforce: a Text(36) field, External ID and Unique, created through the Tooling API (or the mapping's own
     identifier field marked External ID and Unique; duplicated values are reported first, Salesforce refuses Unique)
  2. Salesforce: Edit on the field for Connect's user, through a permission set (as connect:user:check --apply)
  3. Connect: the field added to the mapping as its unique identifier (upsert_field); then a wait for the column
  4. Postgres: the column's default set to gen_random_uuid()::text (plain DDL: nothing reaches _trigger_log)
  5. Postgres: NULLs filled in short key-range batches; synced rows become UPDATEs Connect sends to Salesforce
The plan shows what the backfill costs in Salesforce API calls (SOAP or Bulk). Connect does not carry a column default
through a configuration import: keep the default in the app's migrations (--out writes them), or set the identifier
at INSERT. Every step is journaled in schema connect_guard: Ctrl-C stops at a batch boundary and --resume continues.

Exit codes: 0 done, 1 a mapping is blocked by duplicated values or another run is open, 2 usage or configuration
error, 3 could not call Salesforce, Connect or Postgres (also a read-only database), 4 interrupted or timed out
(the journal is kept: --resume).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -a example-app --dry-run', description: 'show the plan and the exact calls and SQL, change nothing'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --confirm example-app', description: 'fix every read-write mapping that needs it'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --mapping Lead --field Guard_Uid__c --confirm example-app', description: 'one mapping, with a field name of your own'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --out external-ids.sql', description: 'write the Postgres part as a migration (the other steps as comments)'},
    {command: '<%= config.bin %> <%= command.id %> --resume -a example-app --confirm example-app', description: 'continue an interrupted run'},
    {command: '<%= config.bin %> <%= command.id %> --status -a example-app', description: 'show the journal of the last runs'},
  ]

  static override flags = {
    ...appFlags,
    ...outputFlags,
    'batch-rows': Flags.integer({default: 10_000, description: 'most rows per backfill batch, fewer when a batch would hold its locks long (multiples of 5,000 fill Connect\'s Bulk chunks)'}),
    confirm: Flags.string({description: 'the app name, to run without a prompt'}),
    'database-url': inputFlags['database-url'],
    'dry-run': Flags.boolean({description: 'print the plan and the exact API calls and SQL, change nothing'}),
    field: Flags.string({description: 'API name of the field to create where a mapping has no identifier (default: External_Id__c)'}),
    mapping: Flags.string({description: 'object of a mapping to fix (repeatable; default: every read-write mapping that needs it)', multiple: true}),
    out: Flags.file({description: 'write the Postgres part as a migration file (the Salesforce and Connect steps as comments), change nothing'}),
    'permission-set': Flags.string({default: 'Heroku_Connect_Sync_Access', description: 'API name of the permission set that grants the field to Connect\'s user'}),
    'poll-interval': Flags.integer({default: 2000, description: 'ms between mapping state polls', hidden: true}),
    resume: Flags.boolean({description: 'continue the interrupted run of this connection', exclusive: ['status', 'mapping', 'dry-run', 'out']}),
    status: Flags.boolean({description: 'show the journal of the last runs'}),
    'target-org': inputFlags['target-org'],
    timeout: Flags.string({default: '10m', description: 'how long to wait for Connect to apply a mapping change (e.g. 90s, 10m)'}),
  }

  async run(): Promise<ExternalIdsResult> {
    const {flags} = await this.parse(ConnectExternalIds)
    if (!flags.app) throw new UsageError('pass --app APP', 'connect:external-ids works on the Heroku Connect add-on of an app')
    if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(flags['permission-set']) || flags['permission-set'].endsWith('_')) {
      throw new UsageError(`--permission-set "${flags['permission-set']}" is not a valid API name`, 'use letters, digits and single underscores, starting with a letter')
    }

    const [{runExternalIds}, {phaseRunner, progressMode}, render] = await Promise.all([
      import('../../workflows/external-ids/command.js'), import('../../render/progress.js'), import('../../render/external-ids.js'),
    ])
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)
    const width = Math.max(80, Math.min(process.stdout.columns ?? 120, 160))
    const show = (text: string) => {
      if (!flags.json) this.log(text)
    }

    const result = await runExternalIds({
      app: flags.app,
      batchRows: flags['batch-rows'],
      databaseUrl: flags['database-url'],
      dryRun: flags['dry-run'],
      env: process.env,
      field: flags.field ?? EXTERNAL_ID_FIELD,
      fieldGiven: flags.field !== undefined,
      heroku: this.heroku,
      mappings: flags.mapping ?? [],
      mode: flags.status ? 'status' : flags.resume ? 'resume' : 'run',
      out: flags.out,
      permissionSet: flags['permission-set'],
      pollMs: flags['poll-interval'],
      present: {
        calls: calls => show(render.renderCalls(calls)),
        async confirm(app) {
          if (flags.confirm === app) return
          if (flags.confirm !== undefined) throw new UsageError(`--confirm ${flags.confirm} does not match the app ${app}`)
          if (!interactive) throw new UsageError('this changes Salesforce, the Connect mapping and the database: pass --confirm with the app name', `--confirm ${app}`)
          const {hux} = await import('@heroku/heroku-cli-util')
          await hux.confirmCommand({comparison: app, warningMessage: `This creates Salesforce fields, changes Connect mappings and fills identifiers in the database of ${app}.`})
        },
        note: text => this.logToStderr(text),
        plan: async plan => {
          if (!flags.json) await render.renderPlan(plan, line => this.log(line), width)
        },
        status: (journals, events) => show(render.renderStatus(journals, events)),
      },
      resource: flags.resource,
      runPhases: phaseRunner({mode: progressMode({json: flags.json})}),
      targetOrg: flags['target-org'],
      testFailAfter: process.env.HCG_TEST_FAIL_AFTER,
      timeout: flags.timeout,
    })
    if (result.outcome) show(render.renderOutcome(result.outcome, flags.app))
    if (flags.json) this.log(JSON.stringify(result, null, 2))
    if (result.exitCode !== 0) this.exit(result.exitCode)
    return result
  }
}

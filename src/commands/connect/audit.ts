import {Flags} from '@oclif/core'

import {GuardCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {appFlags, inputFlags, integrationUserFlags, outputFlags} from '../../flags.js'
import {DEFAULT_MAX_SCAN_SECONDS} from '../../snapshot/postgres/budget.js'

export default class ConnectAudit extends GuardCommand {
  static override description = `audit a Heroku Connect setup against every practice, in one pass
Collects the Connect configuration (API or export file), the Postgres catalog and _trigger_log, and Salesforce metadata
once, then runs every rule (docs/rules.md).

What the audit sends. Postgres: reads only, in one READ ONLY, REPEATABLE READ transaction. Salesforce: GET requests,
and POST /composite batches whose every subrequest is a GET (describes and SOQL queries). Heroku Platform API: GET of
the app and its config vars. Connect API: GETs, plus two POSTs with --app: POST /auth/<app> (an access request, as
connect:info sends, only when you are not yet on the add-on's access list, which it then adds you to) and POST
/connections/<id>/validations (starts Connect's own validation run, as connect:diagnose does, read for HC080).

With --app the database is the one in the app's config var named by the connection's db_key, or --database-url; when
the config vars cannot be read the audit stops (exit 3) rather than read a local DATABASE_URL, which may be another
database. A table-data check (NULL or duplicate unique identifiers, FAILED rows) that does not finish within
--max-scan-seconds is reported as skipped and the audit goes on.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or configuration error, 3 could not
collect (auth, network, database). Rules whose input is missing are reported as skipped, with how to provide it.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --app example-app', description: 'audit an app, live'},
    {command: '<%= config.bin %> <%= command.id %> --app example-app --target-org my-org --fail-on warning', description: 'include Salesforce checks and fail CI on warnings'},
    {command: '<%= config.bin %> <%= command.id %> --config-file example-app.json --database-url "$DATABASE_URL"', description: 'lint an export file and a database offline, before importing'},
    {command: '<%= config.bin %> <%= command.id %> --app example-app --format sarif --output connect.sarif', description: 'write SARIF for GitHub code scanning'},
    {command: '<%= config.bin %> <%= command.id %> --app example-app --only HC001,HC030 --json', description: 'run two rules and print JSON'},
    {command: '<%= config.bin %> <%= command.id %> --app example-app --summary', description: 'one screen: each rule that found something, how often and where'},
    {command: '<%= config.bin %> <%= command.id %> --app example-app --max-scan-seconds 300', description: 'give each scan of a big table without Connect\'s unique index up to 5 minutes'},
  ]

  static override flags = {
    ...appFlags,
    ...inputFlags,
    ...integrationUserFlags,
    ...outputFlags,
    'database-url': Flags.string({description: 'Postgres URL (default: with --app, the app\'s config var named by the connection\'s db_key; without --app, DATABASE_URL)'}),
    'fail-on': Flags.string({default: 'error', description: 'lowest severity that makes the command exit 1', options: ['error', 'warning', 'info', 'never']}),
    'max-scan-seconds': Flags.integer({default: DEFAULT_MAX_SCAN_SECONDS, description: 'time each table-data check may take (a scan of a table without a unique index on its identifier); past it the check is skipped', min: 1}),
    'max-validation-seconds': Flags.integer({default: 300, description: 'how long to wait for Connect\'s validation run (HC080); past it HC080 is skipped', min: 1}),
    format: Flags.string({char: 'f', default: 'table', description: 'output format', options: ['table', 'json', 'markdown', 'sarif', 'junit']}),
    only: Flags.string({delimiter: ',', description: 'run only these rules (ids or names, comma-separated)', multiple: true}),
    output: Flags.file({char: 'o', description: 'write the report to this file instead of stdout'}),
    summary: Flags.boolean({default: false, description: 'print only the summary table: rule, severity, count and objects (table format)'}),
    skip: Flags.string({delimiter: ',', description: 'skip these rules (ids or names, comma-separated)', multiple: true}),
    waivers: Flags.file({default: '.connect-guard.json', description: 'waiver file: findings accepted with a reason and an expiry date'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConnectAudit)
    const format = flags.json ? 'json' : flags.format
    if (!flags.app && !flags['config-file'] && !flags['database-url'] && !process.env.DATABASE_URL) {
      throw new UsageError('nothing to audit', 'pass --app APP, or --config-file FILE and/or --database-url URL')
    }

    const [{RULES}, {analyse, exitCodeFor, selectRules}, {readWaivers}, {collectSnapshot}, {phaseRunner, progressMode}, {renderReport}] = await Promise.all([
      import('../../rules/index.js'),
      import('../../workflows/audit/analyse.js'),
      import('../../workflows/audit/waivers.js'),
      import('../../snapshot/collect.js'),
      import('../../render/progress.js'),
      import('../../render/index.js'),
    ])
    const rules = selectRules(RULES, flags.only, flags.skip)
    const waivers = await readWaivers(flags.waivers, RULES)
    const snapshot = await collectSnapshot({
      app: flags.app,
      configFile: flags['config-file'],
      databaseUrl: flags['database-url'],
      env: process.env,
      heroku: flags.app ? this.heroku : undefined,
      maxScanSeconds: flags['max-scan-seconds'],
      maxValidationSeconds: flags['max-validation-seconds'],
      resource: flags.resource,
      runPhases: phaseRunner({mode: progressMode({json: format !== 'table' || Boolean(flags.output)})}),
      schema: flags.schema,
      targetOrg: flags['target-org'],
      username: flags.username,
    })
    const report = analyse(snapshot, rules, waivers, snapshot.collectedAt.slice(0, 10))
    const text = renderReport(report, format as 'table', {
      artifactPath: flags['config-file'],
      summary: flags.summary,
      color: !flags.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      toolVersion: this.config.pjson.version,
      width: Math.max(80, Math.min(process.stdout.columns ?? 80, 120)),
    })
    if (flags.output) {
      const {writeFile} = await import('node:fs/promises')
      await writeFile(flags.output, `${text}\n`)
      this.logToStderr(`wrote ${format} report to ${flags.output}`)
    } else {
      this.log(text)
    }

    const code = exitCodeFor(report, flags['fail-on'] as 'error')
    if (code !== 0) this.exit(code)
  }
}

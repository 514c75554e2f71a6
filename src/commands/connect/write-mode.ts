import {Flags} from '@oclif/core'

import type {WriteModeReport} from '../../workflows/write-mode/report.js'

import {GuardCommand} from '../../base-command.js'
import {appFlags, inputFlags, outputFlags} from '../../flags.js'

export default class ConnectWriteMode extends GuardCommand {
  static override description = `predict how Connect will write the pending backlog to Salesforce: SOAP or Bulk, and what it costs
Reads the contiguous runs of _trigger_log (in SQL, in a READ ONLY transaction), the connection's settings and the org's
daily API allowance (GET /limits), then shows per object: each run's mode and every reason a Bulk-sized run falls back to
SOAP, the SOAP calls and Bulk jobs, the share of what the org has left today, and what to change with the calls it saves.
--simulate FILE predicts planned writes (CSV or JSON rows of object, operation, count, in write order) without a
database, or after the pending backlog with --with-backlog. It only reads.

Exit codes: 0 done, 2 usage or configuration error (a bad --simulate file names its line), 3 could not collect.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -a example-app', description: 'explain the pending backlog'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --mapping Contact --target-org my-org', description: 'one object, with the share of the daily API allowance'},
    {command: '<%= config.bin %> <%= command.id %> --config-file example-app.json --database-url "$DATABASE_URL" --json', description: 'offline, from an export file, as JSON'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --simulate backfill.csv', description: 'predict a planned backfill (rows: Contact,INSERT,50000)'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --simulate backfill.csv --with-backlog', description: 'the same, after what is already pending'},
  ]

  static override flags = {
    ...appFlags,
    ...inputFlags,
    ...outputFlags,
    mapping: Flags.string({description: 'only this mapped object (e.g. Contact)'}),
    simulate: Flags.file({description: 'predict planned writes: a CSV or JSON of object, operation, count rows in write order'}),
    'with-backlog': Flags.boolean({dependsOn: ['simulate'], description: 'with --simulate: the plan runs after the pending _trigger_log backlog'}),
  }

  async run(): Promise<WriteModeReport> {
    const {flags} = await this.parse(ConnectWriteMode)
    const [{runWriteMode}, {phaseRunner, progressMode}, {printWriteMode}] = await Promise.all([
      import('../../workflows/write-mode/index.js'),
      import('../../render/progress.js'),
      import('../../render/write-mode.js'),
    ])
    const report = await runWriteMode({
      app: flags.app,
      configFile: flags['config-file'],
      databaseUrl: flags['database-url'],
      env: process.env,
      heroku: flags.app && !flags['config-file'] ? this.heroku : undefined,
      mapping: flags.mapping,
      resource: flags.resource,
      runPhases: phaseRunner({mode: progressMode({json: Boolean(flags.json)})}),
      schema: flags.schema,
      simulate: flags.simulate,
      targetOrg: flags['target-org'],
      withBacklog: flags['with-backlog'],
    })
    if (flags.json) this.log(JSON.stringify(report, (_key, value) => (value === Number.POSITIVE_INFINITY ? null : value), 2))
    else printWriteMode(report, line => this.log(line))
    return report
  }
}

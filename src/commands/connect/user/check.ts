import {Flags} from '@oclif/core'

import {GuardCommand} from '../../../base-command.js'
import {UsageError} from '../../../errors.js'
import {appFlags, inputFlags, integrationUserFlags} from '../../../flags.js'

export default class ConnectUserCheck extends GuardCommand {
  static override description = `check the Salesforce user Heroku Connect syncs as, and grant what it lacks
Connect's user is the one the connection is authorized as (its sf_info), whoever owns the Salesforce token: an admin's
token reads that user by username. Checks: active and API Enabled, API-only, no interactive logins in the last 30 days
(every page of LoginHistory, by login type), a password that never expires, not a person's account (the signs are
listed), View All, object permissions on every mapped object, field permissions on every mapped field (a deleted field
is reported as deleted), and what View Encrypted Data means for mapped encrypted fields. Permissions count from the
profile, every permission set and every permission set group.

The fix is one permission set: --out DIR writes it as metadata for \`sf project deploy start\`, the sf commands are
printed, and --apply --confirm APP creates and assigns it through the REST API (the plan is shown first; --dry-run
stops there). Reads only, unless --apply.

Exit codes: 0 no check fails, 1 a check fails, 2 usage or configuration error (also a token for another org than
Connect's), 3 nothing could be checked (session expired, Salesforce unreachable).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -a example-app', description: 'check the user of the app\'s connection with SF_INSTANCE_URL / SF_ACCESS_TOKEN'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --target-org my-admin --out connect-access', description: 'as an admin through the sf CLI; write the fix as a deployable permission set'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --apply --confirm example-app', description: 'create and assign the permission set through the REST API'},
    {command: '<%= config.bin %> <%= command.id %> --config-file example-app.json --username connect@acme.example --json', description: 'offline: mapped objects from an export file, the user by name'},
  ]

  static override flags = {
    ...appFlags,
    ...integrationUserFlags,
    apply: Flags.boolean({description: 'create and assign the permission set through the Salesforce REST API'}),
    'config-file': Flags.file({description: 'a `heroku connect:export` file to use instead of the Connect API (needs --username)'}),
    confirm: Flags.string({description: 'the app name, to --apply without a prompt'}),
    'dry-run': Flags.boolean({description: 'with --apply: show the plan and the REST calls, write nothing'}),
    json: Flags.boolean({description: 'print the result (every check, the fix, what was applied) as JSON'}),
    out: Flags.directory({description: 'write the permission set as an sf project (metadata) to this directory'}),
    'permission-set': Flags.string({default: 'Heroku_Connect_Sync_Access', description: 'API name of the permission set to write or create'}),
    'target-org': inputFlags['target-org'],
  }

  async run(): Promise<import('../../../workflows/user-check/index.js').UserCheckResult> {
    const {flags} = await this.parse(ConnectUserCheck)
    if (!flags.app && !flags['config-file']) throw new UsageError('nothing to check', 'pass --app APP, or --config-file FILE with --username USER')
    if (flags['dry-run'] && !flags.apply) throw new UsageError('--dry-run goes with --apply')
    if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(flags['permission-set']) || flags['permission-set'].endsWith('_')) {
      throw new UsageError(`--permission-set "${flags['permission-set']}" is not a valid API name`, 'use letters, digits and single underscores, starting with a letter')
    }

    const [workflow, {phaseRunner, progressMode}, {renderUserCheck}] = await Promise.all([
      import('../../../workflows/user-check/index.js'),
      import('../../../render/progress.js'),
      import('../../../render/user-check.js'),
    ])
    const app = flags.app ?? null
    const request = {
      app: flags.app, configFile: flags['config-file'], env: process.env, heroku: flags.app ? this.heroku : undefined,
      resource: flags.resource, runPhases: phaseRunner({mode: progressMode({json: flags.json})}), targetOrg: flags['target-org'], username: flags.username,
    }
    let checked = await workflow.checkIntegrationUser(request)
    const fix = workflow.planFix(checked, {metadataDir: flags.out, name: flags['permission-set'], targetOrg: flags['target-org']})
    if (fix && flags.out) await workflow.writeMetadata(fix.permissionSet, flags.out, checked.client.apiVersion)
    let result = workflow.userCheckResult(app, checked, fix)
    if (flags.apply && fix) {
      if (!flags.json) {
        this.log('Plan:')
        for (const line of fix.plan) this.log(`  ${line}`)
      }

      if (flags['dry-run']) {
        if (!flags.json) for (const call of workflow.restCalls(fix.permissionSet)) this.log(`  would ${call}`)
      } else {
        await this.confirmApply(app, flags.confirm)
        const applied = await workflow.applyFix(checked, fix)
        // show the user as it is now: the same checks, read again
        checked = await workflow.checkIntegrationUser({...request, runPhases: phaseRunner({mode: 'quiet'})})
        result = workflow.userCheckResult(app, checked, {...fix, applied})
      }
    } else if (flags.apply && !flags.json) {
      this.log('Nothing to apply: no permission gap to close.')
    }

    if (!flags.json) await renderUserCheck(result, line => this.log(line), Math.max(80, Math.min(process.stdout.columns ?? 120, 160)))
    const code = workflow.exitCodeOf(result)
    if (flags.json) this.log(JSON.stringify(result, null, 2))
    if (code !== 0) this.exit(code)
    return result
  }

  private async confirmApply(app: null | string, confirm?: string): Promise<void> {
    const expected = app ?? 'APP'
    if (confirm !== undefined) {
      if (confirm !== expected) throw new UsageError(`--confirm ${confirm} does not match ${expected}`, `pass --confirm ${expected}`)
      return
    }

    if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError('--apply changes Salesforce permissions and needs confirmation', `pass --confirm ${expected} (or run it in a terminal)`)
    const {hux} = await import('@heroku/heroku-cli-util')
    await hux.confirmCommand({comparison: expected, warningMessage: `This creates a permission set in Salesforce and assigns it to Connect's user. To proceed, type ${expected}`})
  }
}

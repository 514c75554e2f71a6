import {Flags} from '@oclif/core'

import {GuardCommand} from '../../../base-command.js'
import {CollectError, UsageError} from '../../../errors.js'
import {appFlags, inputFlags, outputFlags} from '../../../flags.js'
import type {MappingChange} from '../../../workflows/scaffold/index.js'

export default class ConnectSchemaScaffold extends GuardCommand {
  static override description = `create a helper schema next to the Connect schema, move your objects into it, compute formulas there
Plans first. --move moves the tables, views, materialized views, sequences and functions HC020 finds in the Connect schema
into the helper schema with ALTER … SET SCHEMA (views, foreign keys and triggers keep working), and saves the DDL of
triggers and indexes you added on Connect's own tables, with a function that re-creates them after a rebuild.
--formulas adds a view per object computing its cross-object formula and roll-up fields from the mapped columns
(HC010, HC011); where a roll-up reads a child table of 100,000 rows or more (pg_class.reltuples), or with --materialize,
also a materialized copy with a unique index, and prints its REFRESH … CONCURRENTLY and how to schedule it.
Nothing is written through a Connect table. Every statement checks before it acts, so a rerun changes nothing twice.

Without --confirm it asks in a terminal and proceeds only when you type the app name (offline: the database name);
without a terminal it refuses.

Exit codes: 0 done (or planned with --dry-run/--out), 2 usage or configuration error, or refused (no --confirm and no
terminal, a --confirm or answer that does not match), 3 could not collect or write.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -a example-app --move', description: 'show the plan'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --move --formulas --confirm example-app', description: 'apply it'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --move --out db/migrate/connect_helper.sql', description: 'write it as a migration for your own tool'},
    {command: '<%= config.bin %> <%= command.id %> -a example-app --formulas --materialize --confirm example-app', description: 'also keep materialized copies of the views, refreshed on a schedule'},
    {command: '<%= config.bin %> <%= command.id %> --config-file example-app.json --database-url "$DATABASE_URL" --move --dry-run', description: 'offline, print the SQL'},
    {command: '<%= config.bin %> <%= command.id %> --config-file example-app.json --database-url "$DATABASE_URL" --formulas --confirm mydb', description: 'offline, apply it and write the mapping change to example-app.scaffold.json for heroku connect:import'},
  ]

  static override flags = {
    ...appFlags,
    ...inputFlags,
    ...outputFlags,
    'config-out': Flags.file({dependsOn: ['config-file'], description: 'offline: where to write the export without the fields the views replace (default: next to --config-file, as NAME.scaffold.json)'}),
    confirm: Flags.string({description: 'apply without asking: the app name (offline: the database name)'}),
    'dry-run': Flags.boolean({description: 'print the exact SQL and change nothing'}),
    formulas: Flags.boolean({description: 'compute cross-object formula and roll-up summary fields in views in the helper schema (needs Salesforce)'}),
    'helper-schema': Flags.string({default: 'app', description: 'schema for your own objects, next to the Connect schema'}),
    materialize: Flags.boolean({dependsOn: ['formulas'], description: 'also keep every formula view as a materialized copy refreshed on a schedule (without it: only views whose roll-ups read a child table of 100,000 rows or more)'}),
    move: Flags.boolean({description: 'move your objects out of the Connect schema'}),
    out: Flags.file({description: 'write the plan as a SQL migration file and change nothing'}),
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(ConnectSchemaScaffold)
    if (!flags.app && !(flags['config-file'] && (flags['database-url'] || process.env.DATABASE_URL))) {
      throw new UsageError('nothing to scaffold', 'pass --app APP, or --config-file FILE with --database-url URL')
    }

    const [{collectSnapshot}, {phaseRunner, progressMode}, {connectPostgres}, scaffold] = await Promise.all([
      import('../../../snapshot/collect.js'),
      import('../../../render/progress.js'),
      import('../../../clients/postgres.js'),
      import('../../../workflows/scaffold/index.js'),
    ])
    let databaseUrl: string | undefined
    const snapshot = await collectSnapshot({
      app: flags.app, configFile: flags['config-file'], databaseUrl: flags['database-url'], env: process.env,
      heroku: flags.app ? this.heroku : undefined, onDatabaseUrl(url) { databaseUrl = url },
      resource: flags.resource, runPhases: phaseRunner({mode: progressMode({json: Boolean(flags.json) || !process.stderr.isTTY})}),
      schema: flags.schema, targetOrg: flags['target-org'],
    })
    if (!snapshot.postgres || !databaseUrl) throw new CollectError(`could not read Postgres: ${snapshot.sources.postgres.reason ?? 'no database'}`, snapshot.sources.postgres.provide)
    if (flags.formulas && !snapshot.salesforce) throw new UsageError(`--formulas needs Salesforce: ${snapshot.sources.salesforce.reason ?? 'not available'}`, snapshot.sources.salesforce.provide ?? 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN')
    const session = await connectPostgres(databaseUrl, {applicationName: 'heroku-connect-guard scaffold'})
    try {
      const facts = await scaffold.readFacts(session, snapshot, flags['helper-schema'])
      const metadata = flags.formulas ? await this.customFieldMetadata(scaffold.replaceableFields(snapshot, facts.helperViewColumns), flags['target-org']) : {}
      const plan = scaffold.planFor(snapshot, facts, {formulas: flags.formulas, helperSchema: flags['helper-schema'], materialize: flags.materialize, metadata, move: flags.move})
      const sql = scaffold.migrationSql(plan)
      const offline = flags['config-file'] ? {configFile: flags['config-file'], target: flags['config-out'] ?? scaffold.changedExportPath(flags['config-file'])} : undefined
      if (flags.out) {
        const {writeFile} = await import('node:fs/promises')
        await writeFile(flags.out, sql)
        const exported = await this.writeChangedExport(offline, plan.mappingChanges, `after running ${flags.out}`)
        return this.finish(flags.json, {applied: false, mappingFile: exported.file, out: flags.out, plan}, [...scaffold.describePlan(plan), `wrote the migration to ${flags.out}`, ...exported.lines])
      }

      if (flags['dry-run']) {
        const would = offline && plan.mappingChanges.length > 0 ? [`offline: --confirm or --out would write the mapping change to ${offline.target}, for heroku connect:import`] : []
        return this.finish(flags.json, {applied: false, plan}, [...scaffold.describePlan(plan), '', sql, ...would])
      }

      const target = flags.app ?? session.target.split('/').at(-1)!
      this.logToStderr(scaffold.describePlan(plan).join('\n'))
      await this.confirmed(target, flags.confirm)
      const applied = await scaffold.applyScaffold(session, plan, title => this.logToStderr(`applying: ${title}`))
      const lines = [`done: ${applied.statements} statements in one transaction`]
      let mappings: string[] = []
      let mappingFile: null | string = null
      if (offline) {
        const exported = await this.writeChangedExport(offline, plan.mappingChanges, 'now that the views exist')
        mappingFile = exported.file
        lines.push(...exported.lines)
      } else if (plan.mappingChanges.length > 0 && flags.app) {
        mappings = await this.removeReplacedFields(flags.app, flags.resource, plan.mappingChanges)
        lines.push(...mappings.map(m => `mapping ${m}`))
      }

      return this.finish(flags.json, {applied: true, mappingFile, mappings, plan, statements: applied.statements}, [...lines, ...plan.notes.map(n => `note: ${n}`)])
    } finally {
      await session.close().catch(() => {})
    }
  }

  /** --confirm must name the target; without it, only a terminal may be asked, and only the target's name proceeds. */
  private async confirmed(target: string, confirmation: string | undefined): Promise<void> {
    if (confirmation !== undefined) {
      if (confirmation !== target) throw new UsageError(`refused: --confirm ${confirmation} does not match ${target}, so nothing was changed`, `pass --confirm ${target}`)
      return
    }

    if (!(process.stdin.isTTY && process.stdout.isTTY)) {
      throw new UsageError(`refused: pass --confirm ${target} to apply this plan (or --dry-run / --out FILE to keep it)`)
    }

    const {hux} = await import('@heroku/heroku-cli-util')
    try {
      await hux.confirmCommand({comparison: target, warningMessage: `This applies the plan above to ${target}, in one transaction.`})
    } catch (error) {
      throw new UsageError(`refused: ${(error as Error).message.split('\n')[0]}`, `nothing was changed; type ${target} at the prompt, or pass --confirm ${target}`)
    }
  }

  private async customFieldMetadata(fields: Array<{object: string; field: string}>, targetOrg: string | undefined) {
    if (fields.length === 0) return {}
    const [{resolveSalesforceCredentials, SalesforceClient}, {readCustomFieldMetadata}] = await Promise.all([import('../../../clients/salesforce.js'), import('../../../snapshot/custom-fields.js')])
    const credentials = await resolveSalesforceCredentials({env: process.env, targetOrg})
    if (!credentials) return {}
    return readCustomFieldMetadata(await SalesforceClient.connect(credentials), fields)
  }

  private async removeReplacedFields(app: string, resource: string | undefined, changes: MappingChange[]): Promise<string[]> {
    const [{ConnectApi}, {removeReplacedFields}] = await Promise.all([import('../../../clients/connect-api.js'), import('../../../workflows/scaffold/index.js')])
    const api = await ConnectApi.fromHeroku(this.heroku)
    return removeReplacedFields(api, await api.findConnection(app, {resource}), changes)
  }

  /** Offline, the mapping change as an export to import: nothing in Connect changes until then. */
  private async writeChangedExport(offline: undefined | {configFile: string; target: string}, changes: MappingChange[], when: string): Promise<{file: null | string; lines: string[]}> {
    if (!offline || changes.length === 0) return {file: null, lines: []}
    const {writeChangedExport} = await import('../../../workflows/scaffold/export-change.js')
    const removed = await writeChangedExport(offline.configFile, offline.target, changes)
    return {
      file: offline.target,
      lines: [
        `wrote the mapping configuration without the replaced fields to ${offline.target} (${removed.join('; ')})`,
        `offline, so the mappings in Connect are NOT changed: ${when}, import it with heroku connect:import ${offline.target} -a APP, and Connect drops the columns`,
      ],
    }
  }

  private finish(json: boolean, result: object, lines: string[]): object {
    this.log(json ? JSON.stringify(result, null, 2) : lines.join('\n'))
    return result
  }
}

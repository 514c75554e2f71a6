import {flags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

// Flags every connect:* command shares, defined once so names, help text and behaviour agree.

export const appFlags = {
  app: flags.app({description: 'app whose Heroku Connect add-on to use'}),
  remote: flags.remote(),
  resource: Flags.string({description: 'Connect add-on resource name, when the app has several connections'}),
}

export const inputFlags = {
  'config-file': Flags.file({description: 'a `heroku connect:export` file to use instead of the Connect API', exists: false}),
  'database-url': Flags.string({description: "Postgres URL (default: the app's config var named by the connection's db_key, then DATABASE_URL)"}),
  schema: Flags.string({description: 'Connect schema in Postgres (default: from the connection, else salesforce)'}),
  'target-org': Flags.string({description: 'sf CLI org alias or username for Salesforce checks (default: SF_INSTANCE_URL + SF_ACCESS_TOKEN)'}),
}

/** For commands that read Connect's integration user. */
export const integrationUserFlags = {
  username: Flags.string({description: "the Salesforce user Connect syncs as (default: the connection's sf_info; needed with --config-file)"}),
}

export const outputFlags = {
  json: Flags.boolean({description: 'output JSON (same as --format json)'}),
}

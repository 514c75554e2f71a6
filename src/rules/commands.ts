import {sqlName} from '../analysis/connect-objects.js'

// The commands fixes may tell people to run. A fix names a command only when it exists: Heroku's
// own CLI and Connect plugin, or one of this plugin's commands listed here (a test keeps this list
// equal to the plugin's manifest). For a command still being built, the fix gives the manual steps.

/** This plugin's commands, as in oclif.manifest.json. */
export const PLUGIN_COMMANDS: readonly string[] = ['connect:audit', 'connect:external-ids', 'connect:reload', 'connect:sandbox', 'connect:schema:scaffold', 'connect:user:check', 'connect:write-mode']

/** `heroku <id> <args>` when the plugin has the command, else the manual steps. */
export function pluginCommand(id: string, args: string, manual: string): string {
  return PLUGIN_COMMANDS.includes(id) ? `heroku ${id} ${args}` : manual
}

/** See how the pending backlog will be written. */
export function writeModeFix(schema: string, app: string): string {
  return pluginCommand('connect:write-mode', app,
    `see what is waiting: SELECT table_name, action, count(*) FROM ${sqlName(schema, '_trigger_log')} WHERE state IN ('NEW', 'PENDING') GROUP BY 1, 2 ORDER BY 3 DESC`)
}

/** Replace a formula or roll-up field with a computation in Postgres. */
export function formulasFix(app: string): string {
  return pluginCommand('connect:schema:scaffold', `--formulas ${app}`, 'a view in a helper schema that computes it from the mapped columns, joined on sfid')
}

/** Move the user's objects out of the Connect schema. */
export function moveFix(app: string, manual: string): string {
  return pluginCommand('connect:schema:scaffold', `--move ${app}`, manual)
}

/** Keep a trigger or index on a Connect table across rebuilds: the scaffold saves its DDL with a restore function. */
export function savedFix(app: string, manual: string): string {
  return pluginCommand('connect:schema:scaffold', `--move ${app} saves it and re-creates it after a rebuild; or ${manual}`, manual)
}

/** Reload a mapping that app rows reference by id. */
export function safeReloadFix(object: string, app: string): string {
  return pluginCommand('connect:reload', `${object} --safe ${app} (it remaps ids)`,
    `before reloading ${object}, store each referenced row's sfid next to its id, and after the reload set the ids again from sfid`)
}


/** Give a mapping a sound unique identifier (field, access, mapping, default, backfill); `manual` is the one step by hand. */
export function externalIdsFix(app: string, object: string, manual: string): string {
  return pluginCommand('connect:external-ids', `${app} --mapping ${object}, or by hand: ${manual}`, manual)
}

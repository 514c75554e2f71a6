import {Command} from '@heroku-cli/command'

import {GuardError, redactSecrets} from './errors.js'

// The base of every connect:* command in this plugin: errors the user can act on are printed as
// one line plus a hint, with the documented exit code and no stack trace (unless DEBUG is set),
// and nothing that looks like a secret survives into the message.
export abstract class GuardCommand extends Command {
  static override baseFlags = Command.baseFlagsWithoutPrompt()
  static override promptFlagActive = false

  protected override async catch(error: Error & {code?: string; exitCode?: number; oclif?: {exit?: number}; skipOclifErrorHandling?: boolean}): Promise<unknown> {
    // this.exit(1) after findings is a plain exit code. Inside the heroku CLI, whose @oclif/core
    // is another copy, `instanceof ExitError` fails and it would print "Error: EEXIT: 1".
    if (error.code === 'EEXIT') error.skipOclifErrorHandling = true
    if (error instanceof GuardError) {
      this.error(error.message, {exit: error.exitCode, suggestions: error.hint ? [error.hint] : undefined})
    }

    error.message = redactSecrets(error.message ?? String(error))
    return super.catch(error)
  }
}

import {GuardError} from '../../errors.js'

// How a journaled run (reload, external-ids) stops short of the end. Either way the journal stays
// open, so `--resume` continues from the last committed step or batch.

/** Ctrl-C or a timeout: the journal stays open and --resume continues. Exit 4. */
export class InterruptedError extends GuardError {
  constructor(message: string, hint: string) {
    super(message, 4, hint)
    this.name = 'InterruptedError'
  }
}

/** A step that --resume retries once the cause is fixed; the journal says failed. `backTo` names an earlier step to redo first. */
export class StepFailedError<Step extends string = string> extends GuardError {
  constructor(message: string, exitCode: number, hint: string, readonly backTo?: Step) {
    super(message, exitCode, hint)
    this.name = 'StepFailedError'
  }
}

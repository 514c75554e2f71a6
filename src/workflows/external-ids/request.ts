import type {APIClient} from '@heroku-cli/command'

import type {PhaseRunner} from '../../progress.js'
import type {Journal, JournalEvent} from '../state/journal.js'
import type {ExternalIdPlan, ExternalIdProgress} from './types.js'

// What the command hands the workflow: the parsed flags, the Heroku client, and how to show
// progress, the plan and the prompt (the command renders; the workflow decides).

export interface ExternalIdsRequest {
  app: string
  resource?: string
  mode: 'resume' | 'run' | 'status'
  mappings: string[]
  field: string
  fieldGiven: boolean
  permissionSet: string
  batchRows: number
  dryRun: boolean
  out?: string
  databaseUrl?: string
  targetOrg?: string
  timeout: string
  pollMs: number
  heroku: APIClient
  env: NodeJS.ProcessEnv
  runPhases: PhaseRunner
  present: Presenter
  /** the tests' failure hook: fail right after this commit point (`Lead:mapping`) */
  testFailAfter?: string
}

export interface Presenter {
  plan(plan: ExternalIdPlan): Promise<void> | void
  calls(calls: string[]): void
  status(journals: Array<Journal<ExternalIdPlan, ExternalIdProgress>>, events: JournalEvent[]): void
  note(text: string): void
  confirm(app: string): Promise<void>
}

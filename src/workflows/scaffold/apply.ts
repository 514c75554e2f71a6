import type {PgSession} from '../../clients/postgres.js'
import type {ScaffoldPlan} from './plan.js'

import {CollectError, GuardError} from '../../errors.js'

// --confirm: the plan's statements in one transaction. A failure rolls all of it back, and as each
// statement checks before it acts, the rerun after fixing the cause picks up where nothing was done.

export interface AppliedScaffold {
  statements: number
}

export async function applyScaffold(session: PgSession, plan: ScaffoldPlan, onStep: (title: string) => void = () => {}): Promise<AppliedScaffold> {
  let statements = 0
  let current = ''
  try {
    await session.transaction(async tx => {
      for (const step of plan.steps) {
        onStep(step.title)
        current = step.title
        for (const statement of step.statements) {
          await tx.query(statement)
          statements++
        }
      }
    })
  } catch (error) {
    if (error instanceof GuardError) throw error
    const message = (error as Error).message.replaceAll(/\s+/g, ' ')
    throw new CollectError(`could not apply the plan at "${current}", so nothing was changed (rolled back): ${message}`, 'fix the cause and run the same command again: every statement checks before it acts')
  }

  return {statements}
}

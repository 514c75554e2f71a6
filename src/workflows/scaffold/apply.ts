import type {PgSession} from '../../clients/postgres.js'
import type {ScaffoldPlan} from './plan.js'

// --confirm: the plan's statements in one transaction. A failure rolls all of it back, and as each
// statement checks before it acts, the rerun after fixing the cause picks up where nothing was done.

export interface AppliedScaffold {
  statements: number
  /** what the restore function re-created right away (normally nothing: the objects are in place) */
  restored: string[]
}

export async function applyScaffold(session: PgSession, plan: ScaffoldPlan, onStep: (title: string) => void = () => {}): Promise<AppliedScaffold> {
  let statements = 0
  await session.transaction(async tx => {
    for (const step of plan.steps) {
      onStep(step.title)
      for (const statement of step.statements) {
        await tx.query(statement)
        statements++
      }
    }
  })
  return {restored: [], statements}
}

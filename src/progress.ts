// The shape of long work, as the layers below the commands describe it. Collectors and workflows
// hand their phases to a runner they are given; how progress is shown (listr2 on a terminal,
// plain lines, nothing) is the command's choice, made in src/render/progress.ts.

export interface ProgressTask {
  title: string
  run(report: (detail: string) => void): Promise<void>
}

export interface ProgressPhase {
  /** shown above the phase's tasks when it has more than one */
  title: string
  tasks: ProgressTask[]
}

/** Runs phases in order, the tasks inside one phase concurrently, showing progress as it likes. */
export type PhaseRunner = (phases: ProgressPhase[]) => Promise<void>

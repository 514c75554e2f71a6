import type {ListrTask} from 'listr2'

import type {PhaseRunner, ProgressPhase, ProgressTask} from '../progress.js'

// Progress for multi-step work, on stderr so stdout stays clean for data. On a terminal it is a
// listr2 task list; elsewhere (CI, pipes) plain lines; with `quiet` nothing at all. Phases run in
// order; the tasks inside one phase run concurrently.

export type {PhaseRunner, ProgressPhase, ProgressTask} from '../progress.js'

export interface ProgressOptions {
  mode: 'lines' | 'quiet' | 'tty'
  write?: (line: string) => void
}

export function progressMode(options: {json: boolean; quiet?: boolean}): ProgressOptions['mode'] {
  if (options.quiet) return 'quiet'
  if (process.stderr.isTTY && !process.env.CI && process.env.TERM !== 'dumb') return 'tty'
  return options.json ? 'quiet' : 'lines'
}

/** A runner bound to one output mode, for the collectors and workflows that take one. */
export function phaseRunner(options: ProgressOptions): PhaseRunner {
  return phases => runPhases(phases, options)
}

export async function runPhases(phases: ProgressPhase[], options: ProgressOptions): Promise<void> {
  if (options.mode === 'tty') return runWithListr(phases)
  const write = options.mode === 'lines' ? options.write ?? ((line: string) => process.stderr.write(`${line}\n`)) : () => {}
  for (const phase of phases) {
    await Promise.all(
      phase.tasks.map(async task => {
        const started = Date.now()
        await task.run(detail => write(`  ${task.title}: ${detail}`))
        write(`${task.title}... done (${((Date.now() - started) / 1000).toFixed(1)}s)`)
      }),
    )
  }
}

async function runWithListr(phases: ProgressPhase[]): Promise<void> {
  const {Listr, ProcessOutput} = await import('listr2')
  const asTask = (task: ProgressTask): ListrTask => ({
    async task(_ctx, self) {
      await task.run(detail => {
        self.output = detail
      })
    },
    title: task.title,
  })
  const tasks: ListrTask[] = phases.map(phase =>
    phase.tasks.length === 1
      ? asTask(phase.tasks[0])
      : {task: (_ctx, parent) => parent.newListr(phase.tasks.map(task => asTask(task)), {concurrent: true, exitOnError: true}), title: phase.title},
  )
  await new Listr(tasks, {
    exitOnError: true,
    rendererOptions: {processOutput: new ProcessOutput(process.stderr, process.stderr)},
  }).run()
}

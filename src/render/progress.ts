// Progress for multi-step work, on stderr so stdout stays clean for data. On a terminal it is a
// listr2 task list; elsewhere (CI, pipes) plain lines; with `quiet` nothing at all. Phases run in
// order; the tasks inside one phase run concurrently.

export interface ProgressTask {
  title: string
  run(report: (detail: string) => void): Promise<void>
}

export interface ProgressOptions {
  mode: 'lines' | 'quiet' | 'tty'
  write?: (line: string) => void
}

export function progressMode(options: {json: boolean; quiet?: boolean}): ProgressOptions['mode'] {
  if (options.quiet) return 'quiet'
  if (process.stderr.isTTY && !process.env.CI && process.env.TERM !== 'dumb') return 'tty'
  return options.json ? 'quiet' : 'lines'
}

export async function runPhases(phases: ProgressTask[][], options: ProgressOptions): Promise<void> {
  if (options.mode === 'tty') return runWithListr(phases)
  const write = options.mode === 'lines' ? options.write ?? ((line: string) => process.stderr.write(`${line}\n`)) : () => {}
  for (const phase of phases) {
    await Promise.all(
      phase.map(async task => {
        const started = Date.now()
        await task.run(detail => write(`  ${task.title}: ${detail}`))
        write(`${task.title}... done (${((Date.now() - started) / 1000).toFixed(1)}s)`)
      }),
    )
  }
}

async function runWithListr(phases: ProgressTask[][]): Promise<void> {
  const {Listr, ProcessOutput} = await import('listr2')
  const processOutput = new ProcessOutput(process.stderr, process.stderr)
  const list = new Listr(
    phases.map(phase => ({
      task: (_ctx: unknown, parent: {newListr: (tasks: unknown[], options: object) => unknown}) =>
        parent.newListr(
          phase.map(task => ({
            task: async (_c: unknown, self: {output: string}) => task.run(detail => {
              self.output = detail
            }),
            title: task.title,
          })),
          {concurrent: true, exitOnError: true},
        ),
      title: phase.map(task => task.title).join(', '),
    })) as never,
    {
      collectErrors: false,
      exitOnError: true,
      registerSignalListeners: true,
      rendererOptions: {collapseSubtasks: false, processOutput},
    } as never,
  )
  await list.run()
}

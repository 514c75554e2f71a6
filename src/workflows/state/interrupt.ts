// Ctrl-C during a journaled run (reload, external-ids): the first asks the run to stop at its next
// boundary, where everything done so far is committed and journaled, so --resume continues; a
// second quits at once (exit 130), which the journal survives as it survives kill -9.

export class StopOnInterrupt {
  private stop = false

  constructor(
    /** where the run stops, e.g. "batch boundary" */
    private readonly boundary: string,
    private readonly note: (text: string) => void,
  ) {}

  readonly stopRequested = (): boolean => this.stop

  /** Runs `work` with Ctrl-C turned into a stop request. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    process.on('SIGINT', this.onSigint)
    try {
      return await work()
    } finally {
      process.off('SIGINT', this.onSigint)
    }
  }

  private readonly onSigint = (): void => {
    if (this.stop) process.exit(130)
    this.stop = true
    this.note(`Stopping at the next ${this.boundary} (Ctrl-C again to quit at once)…`)
  }
}

import {spawnSync} from 'node:child_process'

// Shared helpers for the benchmarks: every number is a ratio against a baseline measured in the
// same run on the same machine, so results compare across machines and days.

export interface Timing {
  label: string
  medianMs: number
  samples: number[]
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Runs each command `rounds` times, interleaved so drift hits both sides equally. */
export function timeCommands(commands: Array<{args: string[]; label: string}>, rounds: number, env: NodeJS.ProcessEnv = process.env): Timing[] {
  const samples = commands.map(() => [] as number[])
  for (let round = 0; round < rounds; round++) {
    for (const [index, command] of commands.entries()) {
      const started = process.hrtime.bigint()
      const result = spawnSync(process.execPath, command.args, {encoding: 'utf8', env})
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6
      if (result.status !== 0) throw new Error(`${command.label} failed: ${result.stderr}`)
      samples[index].push(elapsed)
    }
  }

  return commands.map((command, index) => ({label: command.label, medianMs: median(samples[index]), samples: samples[index]}))
}

export function verdict(ratio: number, target: number): string {
  return ratio <= target ? `PASS (target <= ${target}x)` : `FAIL (target <= ${target}x)`
}

import {readFile} from 'node:fs/promises'

import {UsageError} from '../../errors.js'
import type {LogRunFacts, MappingFacts} from '../../snapshot/types.js'

// `--simulate FILE`: the writes a team plans, as rows of object, operation and count in the order
// the app will make them. CSV (a header line is optional; blank lines and # comments are skipped)
// or JSON (an array of {object, operation, count}). Each row becomes the contiguous run it would
// leave in `_trigger_log`; consecutive rows of one object and operation are one run, as they
// would be in the log.

export interface PlannedWrite {
  object: string
  operation: string
  count: number
  /** line of the file it came from */
  line: number
}

const OPERATIONS = new Set(['DELETE', 'INSERT', 'UPDATE'])

export async function readPlanFile(file: string): Promise<PlannedWrite[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}`)
  }

  return /^\s*\[/.test(text) ? parseJsonPlan(text, file) : parseCsvPlan(text, file)
}

export function parseCsvPlan(text: string, file: string): PlannedWrite[] {
  const rows: PlannedWrite[] = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1
    const content = raw.trim()
    if (content === '' || content.startsWith('#')) continue
    const cells = content.split(',').map(cell => cell.trim().replace(/^"(.*)"$/, '$1'))
    if (rows.length === 0 && cells[0]?.toLowerCase() === 'object' && cells[1]?.toLowerCase() === 'operation') continue
    if (cells.length !== 3) fail(file, line, `expected 3 columns (object, operation, count), got ${cells.length}`)
    rows.push(plannedWrite({count: cells[2], object: cells[0], operation: cells[1]}, file, line, true))
  }

  return rows
}

export function parseJsonPlan(text: string, file: string): PlannedWrite[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    fail(file, errorLine(text, message), `not valid JSON (${message.split(/,|\n| in JSON/)[0]})`)
  }

  if (!Array.isArray(json)) fail(file, 1, 'must be a JSON array of {object, operation, count}')
  const lines = elementLines(text)
  return (json as unknown[]).map((entry, index) => {
    const line = lines[index] ?? 1
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(file, line, 'each entry must be an object {object, operation, count}')
    return plannedWrite(entry as Record<string, unknown>, file, line, false)
  })
}

function plannedWrite(entry: Record<string, unknown>, file: string, line: number, fromText: boolean): PlannedWrite {
  const {count, object, operation} = entry
  if (typeof object !== 'string' || !/^[A-Za-z]\w*$/.test(object)) fail(file, line, `object ${JSON.stringify(object ?? null)} is not a Salesforce object API name`)
  const op = typeof operation === 'string' ? operation.toUpperCase() : ''
  if (!OPERATIONS.has(op)) fail(file, line, `operation ${JSON.stringify(operation ?? null)} is not INSERT, UPDATE or DELETE`)
  const number = fromText && typeof count === 'string' && /^-?\d+$/.test(count.replaceAll('_', '')) ? Number(count.replaceAll('_', '')) : count
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) fail(file, line, `count ${JSON.stringify(count ?? null)} must be a whole number, 0 or more`)
  return {count: number as number, line, object: object as string, operation: op}
}

/** The plan as `_trigger_log` runs, checked against the connection's mappings. */
export function planRuns(plan: readonly PlannedWrite[], mappings: readonly MappingFacts[], file: string): LogRunFacts[] {
  const runs: LogRunFacts[] = []
  for (const write of plan) {
    const mapping = mappings.find(m => m.object.toLowerCase() === write.object.toLowerCase())
    if (!mapping) fail(file, write.line, `unknown object ${write.object}: the connection maps ${mappings.map(m => m.object).join(', ') || 'nothing'}`)
    if (write.count === 0) continue
    const last = runs.at(-1)
    if (last && last.table === mapping!.table && last.action === write.operation) last.count += write.count
    else runs.push({action: write.operation, count: write.count, table: mapping!.table})
  }

  return runs
}

/** The backlog, then the plan after it: a plan that starts like the backlog ends extends its last run. */
export function appendRuns(backlog: readonly LogRunFacts[], plan: readonly LogRunFacts[]): LogRunFacts[] {
  const runs = backlog.map(run => ({...run}))
  for (const run of plan) {
    const last = runs.at(-1)
    if (last && last.table === run.table && last.action === run.action) last.count += run.count
    else runs.push({...run})
  }

  return runs
}

function fail(file: string, line: number, problem: string): never {
  throw new UsageError(`${file} line ${line}: ${problem}`, 'rows are object, operation, count, e.g. Contact,INSERT,50000')
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}

/** Where JSON.parse stopped: its "position N", or the excerpt it quotes (Node 20 gives one or the other). */
function errorLine(text: string, message: string): number {
  const position = /position (\d+)/.exec(message)
  if (position) return lineAt(text, Number(position[1]))
  const excerpt = /"(?:\.\.\.)?([\s\S]*?)(?:\.\.\.)?" is not valid JSON/.exec(message)?.[1]
  const at = excerpt ? text.indexOf(excerpt) : -1
  if (at < 0) return 1
  const token = /Unexpected token '(.)'/.exec(message)?.[1]
  const inside = token ? excerpt!.indexOf(token) : 0
  return lineAt(text, at + Math.max(0, inside))
}

/** The line each element of a top-level JSON array starts on. */
function elementLines(text: string): number[] {
  const lines: number[] = []
  let depth = 0
  let inString = false
  let line = 1
  let expectElement = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\n') line++
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }

    if (/\s/.test(ch)) continue
    if (depth === 1 && expectElement && ch !== ']') {
      lines.push(line)
      expectElement = false
    }

    if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') {
      depth++
      if (depth === 1) expectElement = true
    } else if (ch === ']' || ch === '}') depth--
    else if (ch === ',' && depth === 1) expectElement = true
  }

  return lines
}

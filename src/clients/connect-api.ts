import type {APIClient} from '@heroku-cli/command'

import {CollectError, redactSecrets, UsageError} from '../errors.js'
import type {
  AppDatabasesResponse, AuthorizeUrlRequest, ConnectExport, ConnectionDetails, DatabaseSettings, DiscoveredConnection,
  DiscoverySearchResponse, MappingDetails, NotificationFilter, NotificationsResponse, RequestAppAccessResponse,
  SchemaDiffResponse, ValidationGroups, ValidationJob, ValidationReport, WriteErrorsResponse,
} from './connect-types.js'

// The Heroku Connect API, found the way the official plugin finds it: the discovery service
// (CONNECT_DISCOVERY_SERVER or hc-central) lists the app's connections with their regional
// `region_url`, and everything else lives under `<region_url>/api/v3`. Requests carry the
// Heroku token and the plugin's three headers. GETs are retried on 429/502/503/504 and dropped
// connections; POSTs only on 429 (the server did nothing), because a retried reload or import
// could run twice. Every failure is a one-line GuardError that never contains the token.

export const DEFAULT_DISCOVERY_URL = 'https://hc-central.heroku.com'

export function discoveryBaseUrl(): string {
  return (process.env.CONNECT_DISCOVERY_SERVER || DEFAULT_DISCOVERY_URL).replace(/\/+$/, '')
}

export class ConnectUsageError extends UsageError {
  constructor(message: string, hint: string | undefined, readonly status?: number) {
    super(message, hint)
    this.name = 'ConnectUsageError'
  }
}

export class ConnectCollectError extends CollectError {
  constructor(message: string, hint: string | undefined, readonly status?: number) {
    super(message, hint)
    this.name = 'ConnectCollectError'
  }
}

export interface ConnectApiOptions {
  /** defaults to discoveryBaseUrl() */
  discoveryUrl?: string
  fetch?: typeof fetch
  /** injectable clock for retries and polling (tests) */
  sleep?: (ms: number) => Promise<void>
  /** attempts per request, the first included (3) */
  maxTries?: number
  backoffMs?: number
  maxBackoffMs?: number
  /** longest Retry-After honoured (60 s) */
  maxRetryAfterMs?: number
  requestTimeoutMs?: number
  /** validation result polling, as connect:diagnose: every 500 ms for up to 300 s */
  pollIntervalMs?: number
  validationTimeoutMs?: number
}

/** What the client needs to address a connection: a discovery result or a ConnectionDetails. */
export type ConnectionRef = Pick<ConnectionDetails, 'id'> & Partial<Pick<ConnectionDetails, 'app_name' | 'detail_url' | 'mappings' | 'name' | 'region_url' | 'resource_name'>>

interface RequestSpec {
  method: 'DELETE' | 'GET' | 'PATCH' | 'POST'
  url: string
  body?: unknown
  /** success statuses; default any 2xx */
  expect?: number[]
  app?: string
}

interface ConnectResponse<T> {
  status: number
  body: T
}

const RETRYABLE_GET = new Set([429, 502, 503, 504])
const realSleep = (ms: number) => new Promise<void>(resolve => {
  setTimeout(resolve, ms)
})

export class ConnectApi {
  readonly discoveryUrl: string
  private readonly fetch: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>
  private readonly maxTries: number
  private readonly backoffMs: number
  private readonly maxBackoffMs: number
  private readonly maxRetryAfterMs: number
  private readonly timeoutMs: number
  private readonly pollIntervalMs: number
  private readonly validationTimeoutMs: number

  constructor(private readonly token: string, options: ConnectApiOptions = {}) {
    this.discoveryUrl = (options.discoveryUrl ?? discoveryBaseUrl()).replace(/\/+$/, '')
    this.fetch = options.fetch ?? globalThis.fetch
    this.sleep = options.sleep ?? realSleep
    this.maxTries = Math.max(1, options.maxTries ?? 3)
    this.backoffMs = options.backoffMs ?? 500
    this.maxBackoffMs = options.maxBackoffMs ?? 8000
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
    this.timeoutMs = options.requestTimeoutMs ?? 60_000
    this.pollIntervalMs = options.pollIntervalMs ?? 500
    this.validationTimeoutMs = options.validationTimeoutMs ?? 300_000
  }

  /** A client authenticated as the CLI user (`this.heroku` in a command). */
  static async fromHeroku(heroku: APIClient, options?: ConnectApiOptions): Promise<ConnectApi> {
    const token = heroku.auth ?? await heroku.getAuth().catch(() => undefined)
    if (!token) throw new UsageError('not logged in to Heroku', 'run `heroku login` or set HEROKU_API_KEY')
    return new ConnectApi(token, options)
  }

  // ---- discovery ------------------------------------------------------------------------------

  async searchConnections(app: string, resource?: string): Promise<DiscoveredConnection[]> {
    const url = new URL(`${this.discoveryUrl}/connections`)
    url.searchParams.set('app', app)
    if (resource) url.searchParams.set('resource_name', resource)
    const {body} = await this.request<DiscoverySearchResponse>({app, method: 'GET', url: url.toString()})
    return Array.isArray(body?.results) ? body.results : []
  }

  /** Puts the user on the access list of the app's Connect add-ons (connect:info --check-for-new). */
  async requestAppAccess(app: string): Promise<RequestAppAccessResponse> {
    const {body} = await this.request<RequestAppAccessResponse>({app, method: 'POST', url: `${this.discoveryUrl}/auth/${encodeURIComponent(app)}`})
    return body ?? {connections: []}
  }

  /** The app's single connection, deep (with mappings), merged over its discovery record. */
  async findConnection(app: string, options: {resource?: string} = {}): Promise<ConnectionDetails> {
    let found = await this.searchConnections(app, options.resource)
    if (found.length === 0) {
      // a user is on no add-on's access list by default; asking for access is what connect:info does
      try {
        await this.requestAppAccess(app)
      } catch (error) {
        if (!(error instanceof ConnectUsageError && error.status === 404)) throw error
      }

      found = await this.searchConnections(app, options.resource)
    }

    if (found.length === 0) {
      const named = options.resource ? ` named ${options.resource}` : ''
      throw new UsageError(
        `no Heroku Connect add-on${named} found on app ${app}`,
        `check --app${options.resource ? ' and --resource' : ''}; add one with \`heroku addons:create herokuconnect -a ${app}\`, or open it once with \`heroku addons:open herokuconnect -a ${app}\``,
      )
    }

    if (found.length > 1) {
      const names = found.map(c => c.resource_name).join(', ')
      throw new UsageError(`app ${app} has several Heroku Connect connections (${names}); pass --resource`, `for example --resource ${found[0].resource_name}`)
    }

    return this.getConnection(found[0], {deep: true})
  }

  // ---- connections ----------------------------------------------------------------------------

  async getConnection(conn: ConnectionRef, options: {deep?: boolean} = {}): Promise<ConnectionDetails> {
    const url = new URL(conn.detail_url ?? `${this.base(conn)}/connections/${conn.id}`)
    if (options.deep ?? true) url.searchParams.set('deep', 'true')
    const {body} = await this.request<ConnectionDetails>({app: conn.app_name, method: 'GET', url: url.toString()})
    const {mappings: _stale, ...known} = conn
    return {...known, ...body} as ConnectionDetails
  }

  async listMappings(conn: ConnectionRef): Promise<MappingDetails[]> {
    const fresh = await this.getConnection(conn, {deep: true})
    return fresh.mappings ?? []
  }

  /** Case-insensitive exact match on the object name, as the official plugin. */
  async findMapping(conn: ConnectionRef, name: string): Promise<MappingDetails> {
    const mappings = conn.mappings ?? await this.listMappings(conn)
    const found = mappings.find(m => m.object_name.toLowerCase() === name.toLowerCase())
    if (!found) {
      const known = mappings.map(m => m.object_name).sort().join(', ') || 'none'
      throw new UsageError(`no mapping configured for ${name} on ${conn.resource_name ?? conn.name ?? `connection ${conn.id}`}`, `mapped objects: ${known}`)
    }

    return found
  }

  async getMapping(conn: ConnectionRef, mappingId: string): Promise<MappingDetails> {
    const {body} = await this.request<MappingDetails>({app: conn.app_name, method: 'GET', url: `${this.base(conn)}/mappings/${mappingId}`})
    return body
  }

  async exportConfig(conn: ConnectionRef): Promise<ConnectExport> {
    const {body} = await this.request<ConnectExport>({app: conn.app_name, method: 'GET', url: `${this.base(conn)}/connections/${conn.id}/actions/export`})
    return body
  }

  async importConfig(conn: ConnectionRef, config: unknown): Promise<unknown> {
    const {body} = await this.request<unknown>({app: conn.app_name, body: config, method: 'POST', url: `${this.base(conn)}/connections/${conn.id}/actions/import`})
    return body
  }

  /** Starts a reload; Connect answers 202 and does the work in the background. */
  async reloadMapping(conn: ConnectionRef, mapping: MappingDetails | string): Promise<void> {
    const target = typeof mapping === 'string' ? await this.findMapping(conn, mapping) : mapping
    await this.request({app: conn.app_name, expect: [202], method: 'POST', url: `${this.base(conn)}/mappings/${target.id}/actions/reload`})
  }

  /** Deletes a mapping; Connect answers exactly 204. */
  async deleteMapping(conn: ConnectionRef, mapping: MappingDetails | string): Promise<void> {
    const target = typeof mapping === 'string' ? await this.findMapping(conn, mapping) : mapping
    await this.request({app: conn.app_name, expect: [204], method: 'DELETE', url: `${this.base(conn)}/mappings/${target.id}`})
  }

  // ---- database settings, Salesforce authorization, API version -------------------------------

  /** The app's Postgres config vars a connection can use (what connect:db:set offers). */
  async appDatabases(conn: ConnectionRef & {app_name: string}): Promise<AppDatabasesResponse> {
    const {body} = await this.request<AppDatabasesResponse>({app: conn.app_name, method: 'GET', url: `${this.base(conn)}/apps/${encodeURIComponent(conn.app_name)}`})
    return {...body, db_keys: body?.db_keys ?? []}
  }

  async setDatabase(conn: ConnectionRef, settings: DatabaseSettings): Promise<ConnectionDetails> {
    const {body} = await this.request<ConnectionDetails>({app: conn.app_name, body: settings, method: 'PATCH', url: `${this.base(conn)}/connections/${conn.id}`})
    return body
  }

  /** The URL that starts Salesforce authorization in a browser (connect:sf:auth). */
  async authorizeUrl(conn: ConnectionRef, request: AuthorizeUrlRequest): Promise<string> {
    const {body} = await this.request<{redirect?: string}>({app: conn.app_name, body: request, method: 'POST', url: `${this.base(conn)}/connections/${conn.id}/authorize_url`})
    if (!body?.redirect) throw new ConnectCollectError('Heroku Connect gave no authorization URL', 'retry; if it persists, run `heroku connect:sf:auth`')
    return body.redirect
  }

  /** Per-mapping field changes between the connection's Salesforce API version and `version` ("61.0"). */
  async schemaDiff(conn: ConnectionRef, version: string): Promise<SchemaDiffResponse> {
    const url = new URL(`${this.base(conn)}/connections/${conn.id}/schema-diff`)
    url.searchParams.set('target_version', version)
    const {body} = await this.request<SchemaDiffResponse>({app: conn.app_name, method: 'GET', url: url.toString()})
    return body ?? {}
  }

  /** Moves a paused connection to another Salesforce API version; Connect answers 409 while it syncs. */
  async changeApiVersion(conn: ConnectionRef, version: string): Promise<SchemaDiffResponse> {
    const url = `${this.base(conn)}/connections/${conn.id}/actions/change-sf-api-version`
    const {body} = await this.request<SchemaDiffResponse>({app: conn.app_name, body: {target_version: version}, method: 'POST', url})
    return body ?? {}
  }

  async pause(conn: ConnectionRef): Promise<void> {
    await this.action(conn, 'pause')
  }

  async resume(conn: ConnectionRef): Promise<void> {
    await this.action(conn, 'resume')
  }

  async restart(conn: ConnectionRef): Promise<void> {
    await this.action(conn, 'restart')
  }

  // ---- diagnose, errors, notifications --------------------------------------------------------

  /** Connect's connection-wide validations: an async job polled until it answers 200. */
  async runValidations(conn: ConnectionRef, options: {timeoutMs?: number; onPending?: (polls: number) => void} = {}): Promise<ValidationReport> {
    const {body: job} = await this.request<ValidationJob>({app: conn.app_name, method: 'POST', url: `${this.base(conn)}/connections/${conn.id}/validations`})
    if (!job?.result_url) throw new ConnectCollectError('Heroku Connect started validations but gave no result_url', 'retry; if it persists, run `heroku connect:diagnose`')
    const resultUrl = new URL(job.result_url, this.base(conn)).toString()
    const maxPolls = Math.max(1, Math.ceil((options.timeoutMs ?? this.validationTimeoutMs) / this.pollIntervalMs))
    for (let poll = 1; poll <= maxPolls; poll++) {
      const result = await this.request<ValidationReport>({app: conn.app_name, expect: [200, 202], method: 'GET', url: resultUrl})
      if (result.status === 200) return result.body ?? {}
      options.onPending?.(poll)
      await this.sleep(this.pollIntervalMs)
    }

    const seconds = Math.round((options.timeoutMs ?? this.validationTimeoutMs) / 1000)
    throw new ConnectCollectError(`Heroku Connect validations did not finish within ${seconds} s`, 'retry later, or run `heroku connect:diagnose` to watch them')
  }

  async mappingValidations(conn: ConnectionRef, mapping: MappingDetails | string): Promise<ValidationGroups> {
    const target = typeof mapping === 'string' ? await this.findMapping(conn, mapping) : mapping
    const {body} = await this.request<ValidationGroups>({app: conn.app_name, method: 'GET', url: `${this.base(conn)}/mappings/${target.id}/validations`})
    return body ?? {}
  }

  /** Write errors of the last 24 hours, for the connection or one mapping. */
  async writeErrors(conn: ConnectionRef, options: {mapping?: MappingDetails | string} = {}): Promise<WriteErrorsResponse> {
    let url = `${this.base(conn)}/connections/${conn.id}/errors`
    if (options.mapping) {
      const target = typeof options.mapping === 'string' ? await this.findMapping(conn, options.mapping) : options.mapping
      url = `${this.base(conn)}/mappings/${target.id}/errors`
    }

    const {body} = await this.request<WriteErrorsResponse>({app: conn.app_name, method: 'GET', url})
    return {count: body?.count ?? body?.results?.length ?? 0, results: body?.results ?? []}
  }

  async notifications(conn: ConnectionRef, filter: NotificationFilter = {}): Promise<NotificationsResponse> {
    const url = this.notificationsUrl(conn, '', filter)
    url.searchParams.set('page_size', '1000')
    const {body} = await this.request<NotificationsResponse>({app: conn.app_name, method: 'GET', url: url.toString()})
    return {...body, results: body?.results ?? []}
  }

  async acknowledgeNotifications(conn: ConnectionRef, filter: NotificationFilter = {}): Promise<void> {
    const url = this.notificationsUrl(conn, '/acknowledge', filter)
    await this.request({app: conn.app_name, expect: [204], method: 'POST', url: url.toString()})
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private async action(conn: ConnectionRef, name: 'pause' | 'restart' | 'resume'): Promise<void> {
    await this.request({app: conn.app_name, method: 'POST', url: `${this.base(conn)}/connections/${conn.id}/actions/${name}`})
  }

  private notificationsUrl(conn: ConnectionRef, suffix: string, filter: NotificationFilter): URL {
    const url = new URL(`${this.base(conn)}/connections/${conn.id}/notifications${suffix}`)
    if (filter.after) url.searchParams.set('after', filter.after)
    if (filter.before) url.searchParams.set('before', filter.before)
    if (filter.eventType) url.searchParams.set('event_type', filter.eventType)
    return url
  }

  /** `<region_url>/api/v3`; without a region_url, the origin of detail_url. */
  private base(conn: ConnectionRef): string {
    const origin = conn.region_url ?? (conn.detail_url ? new URL(conn.detail_url).origin : undefined)
    if (!origin) throw new UsageError(`connection ${conn.id} has no region_url; look it up with findConnection first`)
    return `${origin.replace(/\/+$/, '')}/api/v3`
  }

  private async request<T>(spec: RequestSpec): Promise<ConnectResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.maxTries
      let response: Response
      try {
        response = await this.fetch(spec.url, {
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          headers: {Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json', 'Heroku-Client': 'cli'},
          method: spec.method,
          signal: AbortSignal.timeout(this.timeoutMs),
        })
      } catch (error) {
        if (spec.method === 'GET' && !last) {
          await this.sleep(this.backoff(attempt))
          continue
        }

        throw this.networkError(error, spec, attempt)
      }

      if ((response.status === 429 || (spec.method === 'GET' && RETRYABLE_GET.has(response.status))) && !last) {
        await response.body?.cancel().catch(() => {})
        await this.sleep(this.retryDelay(response, attempt))
        continue
      }

      const text = await response.text().catch(() => '')
      const ok = spec.expect ? spec.expect.includes(response.status) : response.status >= 200 && response.status < 300
      if (!ok) throw this.httpError(response.status, text, spec, attempt)
      if (text.trim() === '') return {body: undefined as T, status: response.status}
      try {
        return {body: JSON.parse(text) as T, status: response.status}
      } catch {
        throw new ConnectCollectError(
          this.clean(`Heroku Connect returned invalid JSON for ${describe(spec)}`),
          'retry shortly; if it persists, check that CONNECT_DISCOVERY_SERVER (if set) points at the Connect service',
          response.status,
        )
      }
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1))
  }

  private retryDelay(response: Response, attempt: number): number {
    const header = response.headers.get('retry-after')
    if (header) {
      const seconds = Number(header)
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now()
      if (Number.isFinite(ms)) return Math.min(this.maxRetryAfterMs, Math.max(0, ms))
    }

    return this.backoff(attempt)
  }

  private clean(text: string): string {
    return redactSecrets(text, [this.token])
  }

  private networkError(error: unknown, spec: RequestSpec, attempts: number): ConnectCollectError {
    const cause = (error as {cause?: {code?: string; message?: string}})?.cause
    const timedOut = (error as {name?: string})?.name === 'TimeoutError'
    const reason = timedOut
      ? `no answer within ${Math.round(this.timeoutMs / 1000)} s`
      : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)))
    let host = spec.url
    try {
      host = new URL(spec.url).host
    } catch {}

    const tries = attempts > 1 ? ` after ${attempts} tries` : ''
    return new ConnectCollectError(
      this.clean(`could not reach Heroku Connect at ${host} for ${describe(spec)}${tries} (${reason})`),
      'check your network and proxy settings, and CONNECT_DISCOVERY_SERVER if you set it',
    )
  }

  private httpError(status: number, text: string, spec: RequestSpec, attempts: number): ConnectCollectError | ConnectUsageError {
    const what = describe(spec)
    const message = serverMessage(text)
    const detail = message ? `: ${this.clean(message)}` : ''
    const app = spec.app ?? '<app>'
    const tries = attempts > 1 ? ` after ${attempts} tries` : ''
    if (status === 401) {
      return new ConnectCollectError('Heroku Connect rejected the Heroku token (401): run `heroku login` or set HEROKU_API_KEY', undefined, status)
    }

    if (status === 403) {
      return new ConnectCollectError(
        this.clean(`Heroku Connect denied access for ${what} (403)${detail}`),
        `ask an admin of ${app} for access, or open the add-on once: heroku addons:open herokuconnect -a ${app}`,
        status,
      )
    }

    if (status === 404) {
      return new ConnectUsageError(this.clean(`Heroku Connect found nothing at ${what} (404)${detail}`), `heroku connect:info -a ${app} lists the connection and its mappings`, status)
    }

    if (status === 429) return new ConnectCollectError(`Heroku Connect is rate limiting requests (429); gave up on ${what}${tries}`, 'wait a minute and retry', status)
    if (status >= 500) return new ConnectCollectError(this.clean(`Heroku Connect failed with ${status} on ${what}${tries}${detail}`), 'retry shortly; see https://status.heroku.com', status)
    if (status >= 400) return new ConnectUsageError(this.clean(`Heroku Connect refused ${what} (${status})${detail}`), undefined, status)
    return new ConnectCollectError(this.clean(`Heroku Connect answered ${status} to ${what}, expected ${(spec.expect ?? [200]).join(' or ')}${detail}`), undefined, status)
  }
}

function describe(spec: RequestSpec): string {
  try {
    return `${spec.method} ${new URL(spec.url).pathname}`
  } catch {
    return `${spec.method} ${spec.url}`
  }
}

/** Connect's error convention is `{message}` (sometimes `{error}`); other bodies say nothing useful. */
function serverMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as {error?: unknown; message?: unknown}
    const value = body?.message ?? body?.error
    return typeof value === 'string' ? value.slice(0, 300) : undefined
  } catch {
    return undefined
  }
}

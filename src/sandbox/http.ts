import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

// A small loopback HTTP server shared by every fake peer: routing on method + path pattern,
// a wire log tests can assert on, and injected faults (status codes or dropped connections)
// so clients can be tested against 401/403/404/429/5xx without touching the handlers.

export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  params: Record<string, string>
  rawBody: string
  /** parsed JSON body, or undefined when the body is empty or not JSON */
  body: unknown
}

export interface FakeResponse {
  status: number
  body?: unknown
  /** defaults to application/json;charset=UTF-8 when body is not a string */
  contentType?: string
  headers?: Record<string, string>
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>

export interface Fault {
  /** applies to requests whose path starts with this prefix (and method, when given) */
  pathPrefix: string
  method?: string
  /** how many matching requests fail; Infinity for all */
  times: number
  status?: number
  body?: unknown
  headers?: Record<string, string>
  /** destroy the socket instead of answering */
  drop?: boolean
}

export interface WireLogEntry {
  method: string
  path: string
  status: number
  headers: IncomingMessage['headers']
  body: string
}

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: Handler
}

export class FakeHttpServer {
  readonly log: WireLogEntry[] = []
  private faults: Fault[] = []
  private routes: Route[] = []
  private server?: Server
  private port = 0

  constructor(readonly name: string) {}

  get url(): string {
    if (!this.server) throw new Error(`${this.name} is not listening`)
    return `http://127.0.0.1:${this.port}`
  }

  route(method: string, path: string, handler: Handler): this {
    const keys: string[] = []
    const source = path
      .split('/')
      .map(part => {
        if (part.startsWith(':')) {
          keys.push(part.slice(1))
          return '([^/]+)'
        }

        if (part === '*') {
          keys.push('rest')
          return '(.*)'
        }

        return part.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('/')
    this.routes.push({handler, keys, method, pattern: new RegExp(`^${source}/?$`)})
    return this
  }

  inject(fault: Fault): void {
    this.faults.push({...fault})
  }

  clearFaults(): void {
    this.faults = []
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        this.send(res, req, {body: [{errorCode: 'UNKNOWN_EXCEPTION', message: String(error?.message ?? error)}], status: 500}, '')
      })
    })
    // keep-alive sockets from clients would otherwise hold close() open
    this.server.keepAliveTimeout = 1000
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(port, '127.0.0.1', () => resolve())
    })
    this.port = (this.server.address() as AddressInfo).port
    return this.url
  }

  async close(): Promise<void> {
    const {server} = this
    if (!server) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>(resolve => {
      server.close(() => resolve())
    })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    // `//services/…` (a client joining a base URL that ends in / with a path that starts with one)
    // is a path, not a protocol-relative URL naming the host "services"
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), 'http://127.0.0.1')
    const method = req.method ?? 'GET'

    const fault = this.faults.find(f => f.times > 0 && url.pathname.startsWith(f.pathPrefix) && (!f.method || f.method === method))
    if (fault) {
      fault.times--
      if (fault.drop) {
        this.log.push({body: rawBody, headers: req.headers, method, path: url.pathname + url.search, status: 0})
        req.socket.destroy()
        return
      }

      this.send(res, req, {body: fault.body, headers: fault.headers, status: fault.status ?? 500}, rawBody)
      return
    }

    for (const route of this.routes) {
      if (route.method !== method) continue
      const match = route.pattern.exec(url.pathname)
      if (!match) continue
      const params: Record<string, string> = {}
      for (const [i, key] of route.keys.entries()) params[key] = decodeURIComponent(match[i + 1])
      let body: unknown
      if (rawBody) {
        try {
          body = JSON.parse(rawBody)
        } catch {
          body = undefined
        }
      }

      const response = await route.handler({body, headers: req.headers, method, params, path: url.pathname, query: url.searchParams, rawBody})
      this.send(res, req, response, rawBody)
      return
    }

    this.send(res, req, {body: {id: 'not_found', message: `${this.name}: no route for ${method} ${url.pathname}`}, status: 404}, rawBody)
  }

  private send(res: ServerResponse, req: IncomingMessage, response: FakeResponse, rawBody: string): void {
    const url = req.url ?? '/'
    this.log.push({body: rawBody, headers: req.headers, method: req.method ?? 'GET', path: url, status: response.status})
    const headers: Record<string, string> = {...response.headers}
    let payload = ''
    if (response.body !== undefined) {
      if (typeof response.body === 'string') {
        payload = response.body
        headers['content-type'] = response.contentType ?? 'text/plain;charset=UTF-8'
      } else {
        payload = JSON.stringify(response.body)
        headers['content-type'] = response.contentType ?? 'application/json;charset=UTF-8'
      }
    }

    res.writeHead(response.status, headers)
    res.end(payload)
  }
}

import type {FakeRequest, FakeResponse} from '../http.js'
import type {ApiCallKind, FakeOrg} from '../org-runtime.js'

import type {BulkJobs} from './bulk.js'
import type {QueryCursors} from './cursors.js'
import {faultResponse, notFound, SalesforceFault} from './fault.js'
import type {WriteJournal} from './write.js'

// The versioned REST resources (/services/data/vXX.X/…) in one table, so the HTTP front door
// and composite subrequests dispatch the same handlers. Each route names the API kind it is
// counted as; composite counts once for the whole call and dispatches without counting.

export interface SfContext {
  org: FakeOrg
  /** http://127.0.0.1:PORT, for absolute URLs in identity answers */
  baseUrl: string
  cursors: QueryCursors
  jobs: BulkJobs
  /** the user whose token made the request */
  userId: string
}

export interface SfCall {
  method: string
  version: string
  /** the path after /services/data/vXX.X, e.g. `/sobjects/Account/describe` */
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: FakeRequest['headers']
  body: unknown
  rawBody: string
  /** set inside a composite allOrNone transaction so writes can be rolled back */
  journal?: WriteJournal
}

export type SfHandler = (ctx: SfContext, call: SfCall) => FakeResponse | Promise<FakeResponse>

interface SfRoute {
  method: string
  pattern: RegExp
  keys: string[]
  kind: ApiCallKind
  /** allowed as a /composite subrequest (sObject resources, query, queryAll) */
  inComposite: boolean
  handler: SfHandler
}

export const MIN_VERSION = 31
export const MAX_VERSION = 64

export function parseVersioned(path: string): {path: string; version: string} | undefined {
  const match = /^\/services\/data\/v(\d{2,3}\.\d)(\/.*)?$/.exec(path)
  if (!match) return undefined
  return {path: match[2] ?? '', version: match[1]}
}

export function supportedVersion(version: string): boolean {
  const major = Number(version)
  return Number.isInteger(major) && major >= MIN_VERSION && major <= MAX_VERSION
}

export class SfRouter {
  private readonly routes: SfRoute[] = []

  add(method: string, path: string, kind: ApiCallKind, handler: SfHandler, inComposite = false): this {
    const keys: string[] = []
    const source = path
      .split('/')
      .map(part => {
        if (!part.startsWith(':')) return part
        keys.push(part.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.routes.push({handler, inComposite, keys, kind, method, pattern: new RegExp(`^${source}/?$`)})
    return this
  }

  match(method: string, path: string): {params: Record<string, string>; route: SfRoute} | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue
      const m = route.pattern.exec(path)
      if (!m) continue
      const params: Record<string, string> = {}
      for (const [i, key] of route.keys.entries()) params[key] = decodeURIComponent(m[i + 1])
      return {params, route}
    }

    return undefined
  }

  /** Runs a resource without counting it; faults become Salesforce error responses. */
  async dispatch(ctx: SfContext, call: Omit<SfCall, 'params'>, options: {composite?: boolean} = {}): Promise<FakeResponse> {
    const found = this.match(call.method, call.path)
    if (!found) return faultResponse(notFound())
    if (options.composite && !found.route.inComposite) {
      return faultResponse(new SalesforceFault(400, 'INVALID_API_INPUT', `${call.method} ${call.path} is not supported as a composite subrequest`))
    }

    try {
      return await found.route.handler(ctx, {...call, params: found.params})
    } catch (error) {
      if (error instanceof SalesforceFault) return faultResponse(error)
      throw error
    }
  }
}

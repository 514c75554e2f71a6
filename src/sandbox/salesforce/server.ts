import type {FakeRequest, FakeResponse} from '../http.js'
import {FakeHttpServer} from '../http.js'
import type {FakeOrg} from '../org-runtime.js'

import {BulkJobs, registerBulk} from './bulk.js'
import {apiUsage} from './calls.js'
import {registerComposite} from './composite.js'
import {registerCustomFieldWrites} from './custom-field-writes.js'
import {QueryCursors} from './cursors.js'
import {faultResponse, notFound, SalesforceFault} from './fault.js'
import {identity, registerInfo, userInfo, versionList} from './info.js'
import {registerRest} from './rest.js'
import {registerSetupWrites} from './setup-writes.js'
import {parseVersioned, type SfContext, SfRouter, supportedVersion} from './router.js'

// The fake Salesforce front door: bearer-token auth, per-kind call counting, Sforce-Limit-Info
// on every answer, then the versioned resource table. It never answers 5xx on its own (jsforce
// retries those GETs for ~15 s); 5xx only come from faults a test injects.

export interface FakeSalesforce {
  url: string
  server: FakeHttpServer
  close(): Promise<void>
}

const INVALID_SESSION: FakeResponse = {body: [{errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid'}], status: 401}

export interface FakeSalesforceOptions {
  /** a token for the integration user */
  accessToken?: string
  /** more tokens, each for the user id it maps to (an admin's, another user's) */
  tokens?: Record<string, string>
  port?: number
}

export async function startFakeSalesforce(org: FakeOrg, options: FakeSalesforceOptions): Promise<FakeSalesforce> {
  const server = new FakeHttpServer('fake-salesforce')
  const router = new SfRouter()
  registerInfo(router)
  registerSetupWrites(router)
  registerCustomFieldWrites(router)
  registerRest(router)
  registerComposite(router)
  registerBulk(router)
  const shared: SfContext = {baseUrl: '', cursors: new QueryCursors(), jobs: new BulkJobs(), org, userId: org.spec.integrationUserId}
  const owners = new Map(Object.entries(options.tokens ?? {}))
  if (options.accessToken) owners.set(options.accessToken, org.spec.integrationUserId)

  /** The user the request's token belongs to, or undefined when the token is unknown. */
  const ownerOf = (req: FakeRequest): string | undefined => {
    const header = req.headers.authorization
    const token = /^(?:Bearer|OAuth) (.+)$/.exec(header ?? '')?.[1]
      // the identity URL is fetched with ?oauth_token= by jsforce's conn.identity()
      ?? req.query.get('oauth_token') ?? undefined
    return token === undefined ? undefined : owners.get(token)
  }

  const withLimits = (response: FakeResponse): FakeResponse => {
    const {max, used} = apiUsage(org)
    return {...response, headers: {...response.headers, 'Sforce-Limit-Info': `api-usage=${used}/${max}`}}
  }

  const handle = async (req: FakeRequest): Promise<FakeResponse> => withLimits(await answer(req))

  const answer = async (req: FakeRequest): Promise<FakeResponse> => {
    const userId = ownerOf(req)
    const ctx: SfContext = {...shared, userId: userId ?? shared.userId}
    const authorized = (): boolean => userId !== undefined
    if (req.path === '/services/data' || req.path === '/services/data/') {
      return req.method === 'GET' ? {body: versionList(), status: 200} : faultResponse(notFound())
    }

    if (req.path === '/services/oauth2/userinfo') {
      // userinfo is an OAuth endpoint: a bad token is a plain-text 403, not the REST 401
      if (!authorized()) return {body: 'Bad_OAuth_Token', contentType: 'text/plain;charset=UTF-8', status: 403}
      org.calls.record('oauth')
      return userInfo(ctx)
    }

    const id = /^\/id\/(\w+)\/(\w+)\/?$/.exec(req.path)
    if (id) {
      if (!authorized()) return {body: 'Bad_OAuth_Token', contentType: 'text/plain;charset=UTF-8', status: 403}
      org.calls.record('oauth')
      return identity(ctx, id[1], id[2])
    }

    if (!authorized()) return INVALID_SESSION
    const versioned = parseVersioned(req.path)
    if (!versioned || !supportedVersion(versioned.version)) return faultResponse(notFound())
    const found = router.match(req.method, versioned.path)
    if (!found) return faultResponse(notFound())
    org.calls.record(found.route.kind)
    try {
      return await found.route.handler(ctx, {
        body: req.body, headers: req.headers, method: req.method, params: found.params, path: versioned.path,
        query: req.query, rawBody: req.rawBody, version: versioned.version,
      })
    } catch (error) {
      if (error instanceof SalesforceFault) return faultResponse(error)
      // a bug in the fake (or its store) must not become a 5xx that jsforce retries for 15 s
      const message = `fake Salesforce internal error: ${(error as Error)?.message ?? String(error)}`
      return {body: [{errorCode: 'UNKNOWN_EXCEPTION', message}], status: 400}
    }
  }

  for (const method of ['DELETE', 'GET', 'PATCH', 'POST', 'PUT']) {
    server.route(method, '/services/*', handle)
    server.route(method, '/id/*', handle)
  }

  const url = await server.listen(options.port)
  shared.baseUrl = url
  return {
    close: () => server.close(),
    server,
    url,
  }
}

import type {FakeRequest, FakeResponse, Handler} from '../http.js'
import {type ConnectContext, type ConnectionRuntime, findConnection, findMapping, type MappingRuntime} from './state.js'

// Request checks every Connect endpoint shares: the Heroku token as a Bearer header, the
// Heroku-Client header the official plugin always sends, the user's place on the add-on access
// list, and `{message}` error bodies (the Connect API's convention) instead of stack traces.

export function fail(status: number, message: string): FakeResponse {
  return {body: {message}, status}
}

export function ok(body: unknown, status = 200): FakeResponse {
  return {body, status}
}

export function guarded(ctx: ConnectContext, handler: Handler): Handler {
  return async (req: FakeRequest) => {
    const auth = req.headers.authorization ?? ''
    if (!/^bearer /i.test(auth)) return fail(401, 'Authentication required: send a Heroku API token as "Authorization: Bearer <token>"')
    if (auth.slice(7) !== ctx.apiKey) return fail(401, 'Invalid credentials provided.')
    if (!req.headers['heroku-client']) return fail(403, 'Requests must identify their client with a Heroku-Client header')
    try {
      return await handler(req)
    } catch (error) {
      return fail(500, `Internal error: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

type ConnectionHandler = (conn: ConnectionRuntime, req: FakeRequest) => FakeResponse | Promise<FakeResponse>
type MappingHandler = (conn: ConnectionRuntime, mapping: MappingRuntime, req: FakeRequest) => FakeResponse | Promise<FakeResponse>

const NO_ACCESS = 'You do not have access to this Heroku Connect add-on. Run `heroku connect:info --check-for-new` or open the add-on dashboard once to be added.'

export function connectionRoute(ctx: ConnectContext, handler: ConnectionHandler): Handler {
  return guarded(ctx, req => {
    const conn = findConnection(ctx, req.params.id)
    if (!conn) return fail(404, `Connection ${req.params.id} not found`)
    if (!conn.accessGranted) return fail(403, NO_ACCESS)
    return handler(conn, req)
  })
}

export function mappingRoute(ctx: ConnectContext, handler: MappingHandler): Handler {
  return guarded(ctx, req => {
    const found = findMapping(ctx, req.params.id)
    if (!found) return fail(404, `Mapping ${req.params.id} not found`)
    if (!found.conn.accessGranted) return fail(403, NO_ACCESS)
    return handler(found.conn, found.mapping, req)
  })
}

import type {ConnectionListResponse} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'
import {databaseAvailable} from './db.js'
import {applyImport, buildExport, parseImport} from './export-format.js'
import {connectionRoute, fail, guarded, ok} from './guard.js'
import {connectionBody} from './shapes.js'
import {addNotification, type ConnectContext} from './state.js'
import {writeErrors} from './write-errors.js'

// Connection resources: details (deep = with mappings and live counts), pause / resume /
// restart, export / import of the mapping configuration, and the connection's write errors.

const AUTH_PROBLEMS = new Set(['NEED_AUTHENTICATION', 'NEW', 'UNAUTHORIZED'])

export function registerConnections(server: FakeHttpServer, ctx: ConnectContext): void {
  server
    .route('GET', '/api/v3/connections', guarded(ctx, async req => {
      const app = req.query.get('app')
      const resource = req.query.get('resource_name')
      const deep = req.query.get('deep') === 'true'
      const conns = ctx.connections.filter(c =>
        c.accessGranted && (!app || c.app.name === app || c.app.id === app) && (!resource || c.spec.resourceName === resource))
      const body: ConnectionListResponse = {count: conns.length, results: await Promise.all(conns.map(c => connectionBody(ctx, c, deep)))}
      return ok(body)
    }))
    .route('GET', '/api/v3/connections/:id', connectionRoute(ctx, async (conn, req) => ok(await connectionBody(ctx, conn, req.query.get('deep') === 'true'))))
    .route('POST', '/api/v3/connections/:id/actions/pause', connectionRoute(ctx, conn => {
      if (conn.state !== 'PAUSED') {
        conn.pausedFrom = conn.state
        conn.state = 'PAUSED'
      }

      return ok({state: conn.state}, 202)
    }))
    .route('POST', '/api/v3/connections/:id/actions/resume', connectionRoute(ctx, conn => {
      if (conn.state === 'PAUSED') conn.state = conn.pausedFrom && AUTH_PROBLEMS.has(conn.pausedFrom) ? conn.pausedFrom : 'IDLE'
      return ok({state: conn.state}, 202)
    }))
    .route('POST', '/api/v3/connections/:id/actions/restart', connectionRoute(ctx, conn => {
      if (conn.state !== 'PAUSED' && !AUTH_PROBLEMS.has(conn.state)) conn.state = 'IDLE'
      for (const m of conn.mappings) {
        if (m.state === 'SYSTEM_ERROR' && !(m.reload && !m.reload.done)) {
          m.state = 'DATA_SYNCED'
          m.stateDescription = 'OK'
        }
      }

      addNotification(conn, 'connection-recovered', 'Connection restarted')
      return ok({state: conn.state}, 202)
    }))
    .route('GET', '/api/v3/connections/:id/actions/export', connectionRoute(ctx, conn => ok(buildExport(ctx, conn))))
    .route('POST', '/api/v3/connections/:id/actions/import', connectionRoute(ctx, (conn, req) => {
      if (req.rawBody && req.body === undefined) return fail(400, 'The import body is not valid JSON')
      const parsed = parseImport(req.body)
      if ('error' in parsed) return fail(400, parsed.error)
      const applied = applyImport(ctx, conn, parsed.mappings)
      return ok({mappings: applied, message: `Imported ${applied.length} mapping(s)`})
    }))
    .route('GET', '/api/v3/connections/:id/errors', connectionRoute(ctx, async conn => {
      if (!(await databaseAvailable(conn))) return fail(503, 'The connection\'s database is unavailable')
      return ok(await writeErrors(conn))
    }))
}

import type {DiscoverySearchResponse, RequestAppAccessResponse} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'
import {stableUuid} from '../heroku/ids.js'
import {guarded, ok} from './guard.js'
import {discoveryExtras, discoveryItem} from './shapes.js'
import type {ConnectContext, ConnectionRuntime} from './state.js'

// hc-central, the discovery service: finds an app's Connect add-ons across regions and puts the
// caller on their access lists. Only connections the caller may see are listed, which is why
// clients retry a search after POST /auth/<app> when it comes back empty.

function matchesApp(conn: ConnectionRuntime, app: string): boolean {
  return conn.app.name === app || conn.app.id === app
}

export function registerDiscovery(server: FakeHttpServer, ctx: ConnectContext): void {
  server.route('GET', '/connections', guarded(ctx, req => {
    const app = req.query.get('app')
    const resource = req.query.get('resource_name')
    const addonType = req.query.get('addon_type')
    const found = ctx.connections.filter(conn =>
      conn.accessGranted
      && (!app || matchesApp(conn, app))
      && (!resource || conn.spec.resourceName === resource)
      && (!addonType || addonType === '1' || addonType.toLowerCase() === 'sync'))
    const body: DiscoverySearchResponse = {
      ...discoveryExtras(ctx, found),
      count: found.length,
      next: null,
      previous: null,
      results: found.map(conn => discoveryItem(ctx, conn)),
    }
    return ok(body)
  }))

  server.route('POST', '/auth/:app', guarded(ctx, req => {
    const conns = ctx.connections.filter(conn => matchesApp(conn, req.params.app))
    for (const conn of conns) conn.accessGranted = true
    const integrationEmail = 'sandbox-user@example.com'
    const body: RequestAppAccessResponse = {
      ...discoveryExtras(ctx, conns),
      connections: conns.map(conn => discoveryItem(ctx, conn)),
      user: {email: integrationEmail, id: stableUuid(`account:${integrationEmail}`)},
    }
    return ok(body)
  }))
}

import type {FakeHttpServer} from '../http.js'
import {databaseAvailable} from './db.js'
import {fail, mappingRoute, ok} from './guard.js'
import {liveData} from './counts.js'
import {startReload} from './reload.js'
import {mappingBody} from './shapes.js'
import {addNotification, type ConnectContext} from './state.js'
import {writeErrors} from './write-errors.js'

// Mapping resources: details with live counts, reload (fire-and-forget, 202), delete (exactly
// 204, as connect:mapping:delete insists), write errors. A deleted mapping stops syncing; the
// sandbox leaves its table in place.

export function registerMappings(server: FakeHttpServer, ctx: ConnectContext): void {
  server
    .route('GET', '/api/v3/mappings/:id', mappingRoute(ctx, async (conn, mapping) => ok(mappingBody(ctx, conn, mapping, await liveData(ctx, conn)))))
    .route('POST', '/api/v3/mappings/:id/actions/reload', mappingRoute(ctx, async (conn, mapping) => {
      if (mapping.reload && !mapping.reload.done) return fail(409, `Mapping ${mapping.object} is already reloading`)
      if (!(await databaseAvailable(conn))) return fail(409, 'The connection\'s database is unavailable; fix it before reloading')
      startReload(ctx, conn, mapping)
      return ok({message: `Reload of ${mapping.object} started`}, 202)
    }))
    .route('DELETE', '/api/v3/mappings/:id', mappingRoute(ctx, (conn, mapping) => {
      if (mapping.reload && !mapping.reload.done) return fail(409, `Mapping ${mapping.object} is reloading; wait for it before deleting the mapping`)
      conn.mappings = conn.mappings.filter(m => m !== mapping)
      addNotification(conn, 'mapping-deleted', `Mapping ${mapping.object} deleted`, mapping.id)
      return {status: 204}
    }))
    .route('GET', '/api/v3/mappings/:id/errors', mappingRoute(ctx, async (conn, mapping) => {
      if (!(await databaseAvailable(conn))) return fail(503, 'The connection\'s database is unavailable')
      return ok(await writeErrors(conn, mapping.table))
    }))
}

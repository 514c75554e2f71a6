import type {NotificationsResponse} from '../../clients/connect-types.js'
import type {FakeHttpServer, FakeRequest} from '../http.js'
import {connectionRoute, fail, ok} from './guard.js'
import type {ConnectContext, ConnectionRuntime, NotificationRecord} from './state.js'

// connect:notifications and notifications:acknowledge share one filter (after, before,
// event_type). Acknowledged notifications drop out of later listings.

function instant(value: null | string): null | string | undefined {
  if (!value) return null
  const time = new Date(value)
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString()
}

/** The matching notifications, or the message of a 400 for an unreadable date. */
function matching(conn: ConnectionRuntime, req: FakeRequest): NotificationRecord[] | string {
  const after = instant(req.query.get('after'))
  const before = instant(req.query.get('before'))
  if (after === undefined || before === undefined) return 'after and before must be ISO 8601 dates'
  const type = req.query.get('event_type')
  return conn.notifications.filter(n =>
    !n.acknowledged && (!after || n.created_at > after) && (!before || n.created_at < before) && (!type || n.event_type === type))
}

export function registerNotifications(server: FakeHttpServer, ctx: ConnectContext): void {
  server
    .route('GET', '/api/v3/connections/:id/notifications', connectionRoute(ctx, (conn, req) => {
      const size = Number(req.query.get('page_size') ?? 1000)
      const all = matching(conn, req)
      if (typeof all === 'string') return fail(400, all)
      const found = all.slice(-Math.max(1, size)).reverse()
      const body: NotificationsResponse = {
        count: found.length,
        results: found.map(n => ({created_at: n.created_at, event_type: n.event_type, id: n.id, message: n.message})),
      }
      return ok(body)
    }))
    .route('POST', '/api/v3/connections/:id/notifications/acknowledge', connectionRoute(ctx, (conn, req) => {
      const all = matching(conn, req)
      if (typeof all === 'string') return fail(400, all)
      for (const n of all) n.acknowledged = true
      return {status: 204}
    }))
}

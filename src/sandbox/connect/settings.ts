import {randomBytes} from 'node:crypto'

import type {AppDatabasesResponse} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'
import {connectionRoute, fail, guarded, ok} from './guard.js'
import {connectionBody} from './shapes.js'
import {addNotification, type ConnectContext, LOGIN_DOMAINS} from './state.js'

// What connect:db:set and connect:sf:auth call: the app's database config vars, the
// connection's database settings, and the Salesforce authorization hand-off. Real Connect sends
// the browser to Salesforce's login page and back; the sandbox has no login page, so its
// redirect URL is its own and opening it completes the authorization at once.

const NEEDS_AUTH = new Set(['NEED_AUTHENTICATION', 'NEW', 'UNAUTHORIZED'])
const SCHEMA_NAME = /^[a-z_][\w$]{0,62}$/i

export function registerSettings(server: FakeHttpServer, ctx: ConnectContext): void {
  server
    .route('GET', '/api/v3/apps/:app', guarded(ctx, req => {
      const conns = ctx.connections.filter(c => c.accessGranted && (c.app.name === req.params.app || c.app.id === req.params.app))
      if (conns.length === 0) return fail(404, `App ${req.params.app} not found`)
      const names = new Map(conns.flatMap(c => c.dbKeys).map(key => [key.name, key]))
      const body: AppDatabasesResponse = {
        app_name: conns[0].app.name,
        db_keys: [...names.values()].map(key => ({addon: key.plan ? {plan: key.plan} : null, name: key.name})),
      }
      return ok(body)
    }))
    .route('PATCH', '/api/v3/connections/:id', connectionRoute(ctx, async (conn, req) => {
      const body = (req.body ?? {}) as {db_key?: unknown; schema_name?: unknown}
      const dbKey = body.db_key ?? conn.spec.dbKey
      const schema = body.schema_name ?? conn.spec.schema
      if (typeof dbKey !== 'string' || !conn.dbKeys.some(k => k.name === dbKey)) {
        return fail(400, `db_key must name a Heroku Postgres config var of ${conn.app.name} (${conn.dbKeys.map(k => k.name).join(', ')})`)
      }

      if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) return fail(400, 'schema_name must be a Postgres identifier of at most 63 characters')
      const changed = dbKey !== conn.spec.dbKey || schema !== conn.spec.schema
      if (changed && conn.mappings.length > 0) {
        return fail(409, 'The connection has mappings; delete them before moving it to another database or schema')
      }

      // a copy: the scenario's spec objects stay as the scenario wrote them
      if (changed) conn.spec = {...conn.spec, dbKey, schema}
      return ok(await connectionBody(ctx, conn, false))
    }))
    .route('POST', '/api/v3/connections/:id/authorize_url', connectionRoute(ctx, (conn, req) => {
      const body = (req.body ?? {}) as {domain?: unknown; environment?: unknown; next?: unknown; redirect?: unknown}
      const environment = body.environment ?? 'production'
      if (environment !== 'production' && environment !== 'sandbox' && environment !== 'custom') {
        return fail(400, 'environment must be production, sandbox or custom')
      }

      let domain = LOGIN_DOMAINS[environment]
      if (environment === 'custom') {
        if (typeof body.domain !== 'string' || body.domain === '') return fail(400, 'a custom environment needs a domain')
        domain = /^https?:\/\//.test(body.domain) ? body.domain : `https://${body.domain}`
      }

      const next = body.next ?? body.redirect
      if (next !== undefined && (typeof next !== 'string' || !/^https?:\/\//.test(next))) return fail(400, 'next must be an http(s) URL')
      const state = randomBytes(16).toString('hex')
      conn.pendingAuthorizations.set(state, {domain, environment, next: next ?? ''})
      return ok({redirect: `${ctx.url()}/sandbox/salesforce-authorize?state=${state}`}, 201)
    }))
    // opened by the user's browser: no Heroku token, the state token is the credential
    .route('GET', '/sandbox/salesforce-authorize', req => {
      const state = req.query.get('state') ?? ''
      const conn = ctx.connections.find(c => c.pendingAuthorizations.has(state))
      const pending = conn?.pendingAuthorizations.get(state)
      if (!conn || !pending) return {body: 'This authorization link has expired or was already used.', status: 400}
      conn.pendingAuthorizations.delete(state)
      conn.salesforceLogin = {domain: pending.domain, environment: pending.environment}
      if (NEEDS_AUTH.has(conn.state)) conn.state = 'IDLE'
      if (conn.pausedFrom && NEEDS_AUTH.has(conn.pausedFrom)) conn.pausedFrom = 'IDLE'
      addNotification(conn, 'salesforce-authorized', `Salesforce authorized through ${pending.domain}`)
      if (pending.next) return {headers: {location: pending.next}, status: 302}
      return {body: 'Salesforce authorization complete; you may close this window.', status: 200}
    })
}

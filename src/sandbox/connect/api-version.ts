import {randomUUID} from 'node:crypto'

import type {SchemaDiffResponse} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'
import {MAX_VERSION, MIN_VERSION} from '../salesforce/router.js'
import {connectionRoute, fail, ok} from './guard.js'
import {addNotification, type ConnectionRuntime} from './state.js'
import type {ConnectContext} from './state.js'

// connect:manage-sf-api-version: a per-mapping schema diff between the connection's Salesforce
// API version and a target, and the change itself, which Connect only makes on a paused
// connection (409 while mappings sync). The fake org describes every object the same way in
// every version, so the diff finds no field changes; what it checks is the version and the state.

/** The newest API version the (fake) org offers. */
export const LATEST_API_VERSION = `${MAX_VERSION}.0`

function targetVersion(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !/^\d{2,3}(\.0)?$/.test(raw)) return undefined
  const major = Number.parseInt(raw, 10)
  return major >= MIN_VERSION && major <= MAX_VERSION ? `${major}.0` : undefined
}

function diff(conn: ConnectionRuntime, target: string): SchemaDiffResponse {
  return {
    current_api_version: conn.apiVersion,
    guid: randomUUID(),
    mappings: conn.mappings.map(m => ({
      action_undetermined: false,
      fields_have_changed: false,
      has_unsafe_changes: false,
      name: m.object,
      result_message: `No field changes for ${m.object} between API versions ${conn.apiVersion} and ${target}.`,
    })),
    target_api_version: target,
  }
}

const BAD_VERSION = `target_version must be a Salesforce API version from ${MIN_VERSION}.0 to ${LATEST_API_VERSION}`

export function registerApiVersion(server: FakeHttpServer, ctx: ConnectContext): void {
  server
    .route('GET', '/api/v3/connections/:id/schema-diff', connectionRoute(ctx, (conn, req) => {
      const target = targetVersion(req.query.get('target_version'))
      return target ? ok(diff(conn, target)) : fail(400, BAD_VERSION)
    }))
    .route('POST', '/api/v3/connections/:id/actions/change-sf-api-version', connectionRoute(ctx, (conn, req) => {
      const target = targetVersion((req.body as {target_version?: unknown} | undefined)?.target_version)
      if (!target) return fail(400, BAD_VERSION)
      if (conn.state !== 'PAUSED') {
        return fail(409, `The connection is ${conn.state} and its mappings are syncing; pause it (heroku connect:pause) before changing the Salesforce API version`)
      }

      const reloading = conn.mappings.find(m => m.reload && !m.reload.done)
      if (reloading) return fail(409, `Mapping ${reloading.object} is reloading; wait for it before changing the Salesforce API version`)
      const body = {...diff(conn, target), target_version: target}
      conn.apiVersion = target
      addNotification(conn, 'api-version-changed', `Salesforce API version changed to ${target}`)
      return ok(body, 202)
    }))
}

import type {AppSpec} from '../model.js'
import type {FakeOrg} from '../org-runtime.js'
import {FakeHttpServer} from '../http.js'
import {registerConnections} from './connections.js'
import {closePool} from './db.js'
import {registerDiscovery} from './discovery.js'
import {registerMappings} from './mappings.js'
import {registerNotifications} from './notifications.js'
import {registerSettings} from './settings.js'
import {registerApiVersion} from './api-version.js'
import {buildConnectionRuntime, type ConnectContext, type ConnectionRuntime, type ReloadPacing} from './state.js'
import {startSyncLoop, type SyncLoop} from './sync-loop.js'
import {type DrainOptions, type DrainSummary, drainOnce} from './sync.js'
import {registerValidations} from './validations.js'

// The fake Heroku Connect service: one loopback server answering both as the discovery service
// (hc-central) and as the regional API (region_url = this server), backed by each app's real
// Postgres database and the shared fake org. Point the plugin (or the official one) at it with
// CONNECT_DISCOVERY_SERVER=<url>.

export interface FakeConnectOptions {
  apiKey: string
  /** databasePlan: the Heroku Postgres plan behind the connection's config var (connect:db:set lists it) */
  apps: Array<{spec: AppSpec; databaseUrl: string; databasePlan?: string}>
  org: FakeOrg
  /** poll interval of the Postgres → Salesforce loop; 0 or absent = no loop (call drainOnce) */
  syncIntervalMs?: number
  /** minimum gap between NOTIFY-triggered drains (Connect: 10 s) */
  notifyMinIntervalMs?: number
  port?: number
  /** false = the caller starts off the add-ons' access lists until POST /auth/<app> */
  accessGranted?: boolean
  /** how many result polls answer 202 before a validation report is ready */
  validationPendingPolls?: number
  onSyncError?: (app: string, error: unknown) => void
  /** a reload loads in steps so progress is visible (default 5 steps, 1 s apart) */
  reloadPacing?: ReloadPacing
}

export interface FakeConnect {
  url: string
  server: FakeHttpServer
  drainOnce(appName: string, options?: DrainOptions): Promise<DrainSummary>
  /** the live state of an app's connection (tests and the sandbox command flip states here) */
  connection(appName: string): ConnectionRuntime
  /** resolves when background work (reloads) started so far has finished */
  settle(): Promise<void>
  close(): Promise<void>
}

export async function startFakeConnect(options: FakeConnectOptions): Promise<FakeConnect> {
  const server = new FakeHttpServer('fake heroku connect')
  const background = new Set<Promise<unknown>>()
  const ctx: ConnectContext = {
    apiKey: options.apiKey,
    connections: options.apps.map((app, i) => buildConnectionRuntime(app.spec, app.databaseUrl, options.org, i + 1, options.accessGranted ?? true, app.databasePlan)),
    org: options.org,
    reloadPacing: options.reloadPacing ?? {stepMs: 1000, steps: 5},
    track(work) {
      const settled = work.catch(() => {}).finally(() => background.delete(settled))
      background.add(settled)
    },
    url: () => server.url,
    validationPendingPolls: options.validationPendingPolls ?? 1,
  }
  registerDiscovery(server, ctx)
  registerConnections(server, ctx)
  registerMappings(server, ctx)
  registerValidations(server, ctx)
  registerNotifications(server, ctx)
  registerSettings(server, ctx)
  registerApiVersion(server, ctx)
  const url = await server.listen(options.port)

  const connection = (appName: string): ConnectionRuntime => {
    const conn = ctx.connections.find(c => c.app.name === appName || c.app.id === appName)
    if (!conn) throw new Error(`the fake Connect service has no connection for app ${appName}`)
    return conn
  }

  const loops: SyncLoop[] = []
  if (options.syncIntervalMs && options.syncIntervalMs > 0) {
    for (const conn of ctx.connections) {
      loops.push(startSyncLoop({conn, org: options.org}, {
        intervalMs: options.syncIntervalMs,
        notifyMinIntervalMs: options.notifyMinIntervalMs,
        onError: error => options.onSyncError?.(conn.app.name, error),
      }))
    }
  }

  const settle = async () => {
    while (background.size > 0) {
      await Promise.all([...background])
    }
  }

  return {
    async close() {
      await Promise.all(loops.map(l => l.stop()))
      await settle()
      await server.close()
      await Promise.all(ctx.connections.map(c => closePool(c)))
    },
    connection,
    drainOnce: (appName, drainOptions) => drainOnce({conn: connection(appName), org: options.org}, drainOptions),
    server,
    settle,
    url,
  }
}

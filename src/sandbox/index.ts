import {randomBytes} from 'node:crypto'

import type {AppSpec, ScenarioSpec} from './model.js'

import {loadScenario} from './scenarios/index.js'
import {createDatabase, dropDatabase, dropRole, providePostgres, type PostgresServer} from './postgres/server.js'

// Starts the whole stand-in world: a real Postgres with one Connect-shaped database per app, the
// fake Salesforce org, the fake Connect service (discovery + regional API + sync loop) and the
// fake Heroku Platform API. Everything listens on 127.0.0.1 and is torn down by stop().

export interface SandboxOptions {
  scenario: string
  /** a Postgres server to create the sandbox databases on; embedded Postgres when absent */
  databaseUrl?: string
  /** rows of the first app's first mapping */
  rows?: number
  /** pending _trigger_log rows of the first app */
  logRows?: number
  /** interval of the fake Connect sync loop; 0 disables it (tests drain explicitly) */
  syncIntervalMs?: number
  /** how the fake Connect paces a reload (default 5 steps, 1 s apart; tests go faster) */
  reloadPacing?: {steps: number; stepMs: number}
  log?: (line: string) => void
}

export interface SandboxApp {
  spec: AppSpec
  databaseUrl: string
  databaseName: string
  roleName: string
}

export interface Sandbox {
  scenario: ScenarioSpec
  apps: SandboxApp[]
  /** the variables that point the plugin (and the official Connect plugin) at this sandbox */
  env: Record<string, string>
  org: import('./org-runtime.js').FakeOrg
  connect: Awaited<ReturnType<typeof import('./connect/server.js').startFakeConnect>>
  salesforce: Awaited<ReturnType<typeof import('./salesforce/server.js').startFakeSalesforce>>
  heroku: Awaited<ReturnType<typeof import('./heroku/server.js').startFakeHeroku>>
  /** Salesforce access tokens: the administrator's (SF_ACCESS_TOKEN) and the integration user's own */
  tokens: {admin: string; integration: string}
  stop(): Promise<void>
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const log = options.log ?? (() => {})
  const scenario = loadScenario(options.scenario, {logRows: options.logRows, rows: options.rows})
  const cleanups: Array<() => Promise<void>> = []
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(error => log(`cleanup: ${error.message}`))
    }

    cleanups.length = 0
  }

  try {
    const server: PostgresServer = await providePostgres({databaseUrl: options.databaseUrl, log})
    cleanups.push(() => server.stop())
    const apps = await buildDatabases(server.adminUrl, scenario, cleanups, log)

    const [{PgRecordStore}, {SandboxOrg}, {startFakeSalesforce}, {startFakeConnect}, {startFakeHeroku}] = await Promise.all([
      import('./postgres/org-store.js'),
      import('./salesforce/org.js'),
      import('./salesforce/server.js'),
      import('./connect/server.js'),
      import('./heroku/server.js'),
    ])
    const store = await PgRecordStore.open(apps[0].databaseUrl, scenario.org)
    cleanups.push(() => store.close())
    const org = new SandboxOrg(scenario.org, store)

    const token = () => `${scenario.org.organizationId}!sandbox.${randomBytes(24).toString('base64url')}`
    const tokens = {admin: token(), integration: token()}
    const adminUserId = scenario.org.adminUserId ?? scenario.org.integrationUserId
    const apiKey = `sandbox-${randomBytes(16).toString('hex')}`
    const salesforce = await startFakeSalesforce(org, {tokens: {[tokens.admin]: adminUserId, [tokens.integration]: scenario.org.integrationUserId}})
    cleanups.push(() => salesforce.close())
    const databasePlan = 'heroku-postgresql:standard-0'
    const connect = await startFakeConnect({
      apiKey,
      apps: apps.map(app => ({databasePlan, databaseUrl: app.databaseUrl, spec: app.spec})),
      org,
      reloadPacing: options.reloadPacing,
      syncIntervalMs: options.syncIntervalMs ?? 10_000,
    })
    cleanups.push(() => connect.close())
    const heroku = await startFakeHeroku({
      apiKey,
      apps: apps.map(app => ({
        addons: [
          {name: app.spec.connection.resourceName, plan: `herokuconnect:${app.spec.connection.plan}`, service: 'herokuconnect'},
          {configVars: [app.spec.connection.dbKey], name: `postgresql-${app.spec.name}`, plan: databasePlan, service: 'heroku-postgresql'},
        ],
        configVars: {[app.spec.connection.dbKey]: app.databaseUrl},
        id: app.spec.id,
        name: app.spec.name,
        region: app.spec.region,
      })),
    })
    cleanups.push(() => heroku.close())

    const env = {
      CONNECT_DISCOVERY_SERVER: connect.url,
      DATABASE_URL: apps[0].databaseUrl,
      HEROKU_API_KEY: apiKey,
      HEROKU_APP: apps[0].spec.name,
      HEROKU_HOST: heroku.url,
      // an administrator's token, as in a real audit; the integration user's own is in `tokens`
      SF_ACCESS_TOKEN: tokens.admin,
      SF_INSTANCE_URL: salesforce.url,
    }
    return {apps, connect, env, heroku, org, salesforce, scenario, stop, tokens}
  } catch (error) {
    await stop()
    throw error
  }
}

async function buildDatabases(
  adminUrl: string,
  scenario: ScenarioSpec,
  cleanups: Array<() => Promise<void>>,
  log: (line: string) => void,
): Promise<SandboxApp[]> {
  const {buildAppDatabase} = await import('./postgres/build.js')
  const suffix = randomBytes(3).toString('hex')
  const apps: SandboxApp[] = []
  for (const [index, spec] of scenario.apps.entries()) {
    const databaseName = `hcg_${scenario.name}_${spec.name.replaceAll(/\W/g, '_')}_${suffix}`.slice(0, 63)
    const roleName = `${databaseName.slice(0, 55)}_etl`
    log(`building database ${databaseName} for app ${spec.name}`)
    const databaseUrl = await createDatabase(adminUrl, databaseName)
    cleanups.push(async () => {
      await dropDatabase(adminUrl, databaseName)
      await dropRole(adminUrl, roleName)
    })
    await buildAppDatabase(databaseUrl, spec, scenario.org, {logRows: index === 0 ? scenario.logRows : 0, roleName})
    apps.push({databaseName, databaseUrl, roleName, spec})
  }

  return apps
}

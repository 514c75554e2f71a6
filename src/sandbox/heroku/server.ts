import {FakeHttpServer, type FakeRequest, type FakeResponse} from '../http.js'
import {stableUuid} from './ids.js'

// The slice of the Heroku Platform API (v3) the plugin reads, and what `heroku apps`,
// `heroku addons`, `heroku apps:info` and `heroku config` ask for: apps, their config vars,
// add-ons and add-on attachments, and the account. Answers use the real v3 field names and error bodies so the real
// APIClient from @heroku-cli/command (pointed here with HEROKU_HOST) behaves as in production.

export interface FakeHerokuAddonState {
  name: string
  /** `herokuconnect:demo` or just `demo` (then prefixed with the service name) */
  plan: string
  /** add-on service name, e.g. `herokuconnect`, `heroku-postgresql` */
  service: string
  /** config vars the add-on owns; heroku-postgresql defaults to DATABASE_URL when the app has it */
  configVars?: string[]
}

export interface FakeHerokuAppState {
  name: string
  id: string
  region: string
  configVars: Record<string, string>
  addons: FakeHerokuAddonState[]
}

export interface FakeHerokuState {
  apiKey: string
  apps: FakeHerokuAppState[]
  account?: {email: string; name?: string}
}

export interface FakeHeroku {
  url: string
  server: FakeHttpServer
  state: FakeHerokuState
  close(): Promise<void>
}

const CREATED_AT = '2024-01-15T10:00:00Z'

export async function startFakeHeroku(state: FakeHerokuState, port?: number): Promise<FakeHeroku> {
  const server = new FakeHttpServer('fake heroku')
  const authed = (handler: (req: FakeRequest) => FakeResponse) => (req: FakeRequest): FakeResponse => {
    const header = req.headers.authorization ?? ''
    if (header !== `Bearer ${state.apiKey}`) {
      return {body: {id: 'unauthorized', message: 'Invalid credentials provided.'}, status: 401}
    }

    return handler(req)
  }

  const withApp = (handler: (app: FakeHerokuAppState, req: FakeRequest) => FakeResponse) =>
    authed(req => {
      const app = findApp(state, req.params.app)
      if (!app) return {body: {id: 'not_found', message: "Couldn't find that app.", resource: 'app'}, status: 404}
      return handler(app, req)
    })

  server
    .route('GET', '/account', authed(() => ({body: accountBody(state), status: 200})))
    .route('GET', '/apps', authed(() => ({body: state.apps.map(app => appBody(app, state)), status: 200})))
    .route('GET', '/users/~/apps', authed(() => ({body: state.apps.map(app => appBody(app, state)), status: 200})))
    .route('GET', '/apps/:app', withApp(app => ({body: appBody(app, state), status: 200})))
    .route('GET', '/apps/:app/config-vars', withApp(app => ({body: {...app.configVars}, status: 200})))
    .route('GET', '/apps/:app/addons', withApp(app => ({body: app.addons.map(addon => addonBody(app, addon)), status: 200})))
    .route('GET', '/apps/:app/addon-attachments', withApp(app => ({body: app.addons.map(addon => attachmentBody(app, addon)), status: 200})))
    .route('GET', '/addon-attachments', authed(() => ({body: state.apps.flatMap(app => app.addons.map(addon => attachmentBody(app, addon))), status: 200})))
    .route('GET', '/addons/:addon', authed(req => {
      for (const app of state.apps) {
        const addon = app.addons.find(a => a.name === req.params.addon || addonId(app, a) === req.params.addon)
        if (addon) return {body: addonBody(app, addon), status: 200}
      }

      return {body: {id: 'not_found', message: "Couldn't find that add-on.", resource: 'addon'}, status: 404}
    }))

  const url = await server.listen(port)
  return {
    close: () => server.close(),
    server,
    state,
    url,
  }
}

function findApp(state: FakeHerokuState, nameOrId: string): FakeHerokuAppState | undefined {
  return state.apps.find(app => app.name === nameOrId || app.id === nameOrId)
}

function accountBody(state: FakeHerokuState): Record<string, unknown> {
  const email = state.account?.email ?? 'sandbox-user@example.com'
  return {
    allow_tracking: false,
    beta: false,
    created_at: CREATED_AT,
    default_organization: null,
    default_team: null,
    delinquent_at: null,
    email,
    federated: false,
    id: stableUuid(`account:${email}`),
    identity_provider: null,
    last_login: CREATED_AT,
    name: state.account?.name ?? 'Sandbox User',
    sms_number: null,
    suspended_at: null,
    two_factor_authentication: true,
    updated_at: CREATED_AT,
    verified: true,
  }
}

function appBody(app: FakeHerokuAppState, state: FakeHerokuState): Record<string, unknown> {
  const stack = {id: stableUuid('stack:heroku-24'), name: 'heroku-24'}
  const account = accountBody(state)
  return {
    acm: false,
    archived_at: null,
    build_stack: stack,
    buildpack_provided_description: null,
    created_at: CREATED_AT,
    generation: 'cedar',
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: null,
    maintenance: false,
    name: app.name,
    organization: null,
    owner: {email: account.email, id: account.id},
    region: {id: stableUuid(`region:${app.region}`), name: app.region},
    released_at: CREATED_AT,
    repo_size: null,
    slug_size: null,
    space: null,
    stack,
    team: null,
    updated_at: CREATED_AT,
    web_url: `https://${app.name}-${app.id.slice(0, 12).replaceAll('-', '')}.herokuapp.com/`,
  }
}

function addonId(app: FakeHerokuAppState, addon: FakeHerokuAddonState): string {
  return stableUuid(`addon:${app.id}:${addon.name}`)
}

function addonConfigVars(app: FakeHerokuAppState, addon: FakeHerokuAddonState): string[] {
  return addon.configVars ?? (addon.service === 'heroku-postgresql' && 'DATABASE_URL' in app.configVars ? ['DATABASE_URL'] : [])
}

/** Each add-on is attached once, to its own app, under its config var's name (DATABASE for DATABASE_URL). */
function attachmentBody(app: FakeHerokuAppState, addon: FakeHerokuAddonState): Record<string, unknown> {
  const [configVar] = addonConfigVars(app, addon)
  const name = configVar ? configVar.replace(/_URL$/, '') : addon.service.toUpperCase().replaceAll('-', '_')
  const id = stableUuid(`attachment:${app.id}:${addon.name}`)
  return {
    addon: {app: {id: app.id, name: app.name}, id: addonId(app, addon), name: addon.name},
    app: {id: app.id, name: app.name},
    created_at: CREATED_AT,
    id,
    log_input_url: null,
    name,
    namespace: null,
    updated_at: CREATED_AT,
    web_url: `https://addons-sso.heroku.com/apps/${app.id}/addons/${addonId(app, addon)}`,
  }
}

function addonBody(app: FakeHerokuAppState, addon: FakeHerokuAddonState): Record<string, unknown> {
  const planName = addon.plan.includes(':') ? addon.plan : `${addon.service}:${addon.plan}`
  const configVars = addonConfigVars(app, addon)
  return {
    actions: [],
    addon_service: {id: stableUuid(`service:${addon.service}`), name: addon.service},
    app: {id: app.id, name: app.name},
    billed_price: {cents: 0, contract: false, unit: 'month'},
    billing_entity: {id: app.id, name: app.name, type: 'app'},
    config_vars: configVars,
    created_at: CREATED_AT,
    id: addonId(app, addon),
    name: addon.name,
    plan: {id: stableUuid(`plan:${planName}`), name: planName},
    provider_id: stableUuid(`provider:${app.id}:${addon.name}`),
    provision_message: null,
    state: 'provisioned',
    updated_at: CREATED_AT,
    web_url: `https://addons-sso.heroku.com/apps/${app.id}/addons/${addonId(app, addon)}`,
  }
}

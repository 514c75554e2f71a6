import type {APIClient} from '@heroku-cli/command'

import {CollectError, type GuardError, redactSecrets, UsageError} from '../errors.js'

// Typed reads of the Heroku Platform API through the CLI's own APIClient (`this.heroku`), which
// already handles HEROKU_API_KEY / netrc / keychain, HEROKU_HOST and request ids. What it does
// not do is say what to do next: its errors are raw HTTP errors, and with HEROKU_API_KEY set a
// 401 becomes a bare Error. Every failure here becomes a GuardError with one actionable line.

export interface HerokuApp {
  id: string
  name: string
  region: {id: string; name: string}
  stack?: {id: string; name: string}
  owner?: {id: string; email: string}
  team?: {id: string; name: string} | null
  space?: {id: string; name: string} | null
  web_url?: string
  [key: string]: unknown
}

export interface HerokuAddon {
  id: string
  name: string
  addon_service: {id: string; name: string}
  plan: {id: string; name: string}
  app: {id: string; name: string}
  config_vars: string[]
  state?: string
  [key: string]: unknown
}

export type ConfigVars = Record<string, string>

export const INVALID_TOKEN_MESSAGE = 'Heroku token is invalid or expired: run `heroku login` or set HEROKU_API_KEY'

// the APIClient would otherwise start an interactive login on 401
const OPTIONS = {retryAuth: false}

export async function getApp(heroku: APIClient, app: string): Promise<HerokuApp> {
  return call(heroku, `/apps/${encodeURIComponent(app)}`, {app})
}

export async function getConfigVars(heroku: APIClient, app: string): Promise<ConfigVars> {
  return call(heroku, `/apps/${encodeURIComponent(app)}/config-vars`, {app})
}

export async function listAddons(heroku: APIClient, app: string): Promise<HerokuAddon[]> {
  return call(heroku, `/apps/${encodeURIComponent(app)}/addons`, {app})
}

export async function getAddon(heroku: APIClient, addon: string): Promise<HerokuAddon> {
  return call(heroku, `/addons/${encodeURIComponent(addon)}`, {addon})
}

interface Subject {
  app?: string
  addon?: string
}

async function call<T>(heroku: APIClient, path: string, subject: Subject): Promise<T> {
  try {
    const response = await heroku.get<T>(path, OPTIONS)
    return response.body
  } catch (error) {
    throw herokuError(error, {path, subject, token: heroku.auth})
  }
}

interface ErrorContext {
  path: string
  subject: Subject
  token?: string
}

function statusOf(error: unknown): number | undefined {
  const e = error as {http?: {statusCode?: number}; statusCode?: number}
  return e?.http?.statusCode ?? e?.statusCode
}

function bodyOf(error: unknown): {id?: string; message?: string} {
  const e = error as {body?: unknown; http?: {body?: unknown}}
  const body = e?.body ?? e?.http?.body
  return typeof body === 'object' && body !== null ? body as {id?: string; message?: string} : {}
}

const NETWORK_CODES = new Set(['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'])

function apiHost(): string {
  const host = process.env.HEROKU_HOST ?? 'heroku.com'
  return host.startsWith('http') ? host : `api.${host}`
}

/** Maps anything the APIClient throws to a GuardError the user can act on. Exported for commands
 *  that make their own Platform API calls. */
export function herokuError(error: unknown, context: ErrorContext): GuardError {
  const secrets = context.token ? [context.token] : []
  const clean = (text: string) => redactSecrets(text, secrets)
  const status = statusOf(error)
  const body = bodyOf(error)
  const what = context.subject.app ? `app ${context.subject.app}` : (context.subject.addon ? `add-on ${context.subject.addon}` : context.path)
  const detail = body.message ? `: ${clean(body.message)}` : ''
  const raw = error instanceof Error ? error.message : String(error)

  if (status === 401 || /token provided to HEROKU_API_KEY is invalid/i.test(raw)) return new CollectError(INVALID_TOKEN_MESSAGE)
  if (status === 403) {
    return new CollectError(`the Heroku API denied access to ${what} (403)${detail}`, 'ask an owner or admin of the app for access, or check the team\'s permissions')
  }

  if (status === 404) {
    if (context.subject.app) return new UsageError(`app ${context.subject.app} not found, or you have no access`, 'check --app (or HEROKU_APP); `heroku apps` lists the apps you can see')
    return new UsageError(`${what} not found on the Heroku API (404)${detail}`)
  }

  if (status === 429) return new CollectError('the Heroku API rate limit is exhausted (429)', 'wait a few minutes and retry; the limit refills gradually')
  if (status !== undefined && status >= 500) {
    return new CollectError(`the Heroku API failed with ${status} on GET ${context.path}${detail}`, 'retry shortly; see https://status.heroku.com')
  }

  if (status !== undefined) return new CollectError(`the Heroku API answered ${status} on GET ${context.path}${detail}`)
  const code = (error as {code?: string})?.code
  if (code && NETWORK_CODES.has(code) || /socket hang up|network|fetch failed/i.test(raw)) {
    return new CollectError(`could not reach the Heroku API at ${apiHost()} (${code ?? clean(raw)})`, 'check your network connection, proxy settings and HEROKU_HOST')
  }

  return new CollectError(`Heroku API request GET ${context.path} failed: ${clean(raw)}`)
}

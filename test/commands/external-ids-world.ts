import type {spawn} from 'node:child_process'

import type {Sandbox} from '../../src/sandbox/index.js'
import {type CliResult, runCli, runUntil as runCliUntil} from './helpers.js'
import {queryRows as query, withClient} from '../helpers/postgres.js'

// Shared by the connect:external-ids end-to-end suites: running the command against a sandbox,
// reading the database, and what the sandbox's fake servers saw.

export const APP = 'acme-crm'

export {query}

export function externalIds(sandbox: Sandbox, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(['connect:external-ids', '-a', APP, '--poll-interval', '100', ...args], {env: {...sandbox.env, ...env}})
}

/** Runs SQL as Connect does (xmlbinary hex): Connect's triggers log nothing of it. */
export async function asConnect(url: string, sql: string): Promise<void> {
  await withClient(url, async client => {
    await client.query("SET xmlbinary = 'hex'")
    await client.query(sql)
  })
}

export async function columnDefault(url: string, table: string, column: string): Promise<null | string> {
  const rows = await query<{d: null | string}>(url, 'SELECT column_default AS d FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3', ['salesforce', table, column])
  return rows[0]?.d ?? null
}

export async function logRows(url: string, after: number): Promise<Array<{action: string; n: number; table_name: string}>> {
  return query(url, 'SELECT table_name, action, count(*)::int AS n FROM salesforce._trigger_log WHERE id > $1 GROUP BY 1, 2 ORDER BY 1, 2', [after])
}

export async function lastLogId(url: string): Promise<number> {
  return (await query<{n: number}>(url, 'SELECT COALESCE(max(id), 0)::int AS n FROM salesforce._trigger_log'))[0].n
}

export async function journals(url: string): Promise<Array<{error: null | string; status: string; step: string}>> {
  const exists = await query(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'connect_guard'")
  if (exists.length === 0) return []
  return query(url, "SELECT status, step, error FROM connect_guard.journal WHERE kind = 'external-ids' ORDER BY id")
}

/** The Tooling CustomField writes the fake Salesforce received. */
export function toolingWrites(sandbox: Sandbox): string[] {
  return sandbox.salesforce.server.log.filter(e => e.method !== 'GET' && e.path.includes('/tooling/sobjects/CustomField')).map(e => `${e.method} ${e.status}`)
}

export function mappingPuts(sandbox: Sandbox): number {
  return sandbox.connect.server.log.filter(e => e.method === 'PUT' && e.path.startsWith('/api/v3/mappings/')).length
}

/** connect:external-ids on the app; when its stderr first matches `cue`, runs `then` while the command goes on. */
export function runUntil(args: string[], env: Record<string, string>, cue: RegExp, then: (child: ReturnType<typeof spawn>) => Promise<unknown>): Promise<CliResult> {
  return runCliUntil(['connect:external-ids', '-a', APP, ...args], env, cue, then)
}

import type {FakeResponse} from '../http.js'

import {SalesforceFault} from './fault.js'
import {parseVersioned, type SfCall, type SfContext, type SfRouter, supportedVersion} from './router.js'
import {rollback, type WriteJournal} from './write.js'

// POST /composite (up to 25 subrequests, at most 5 queries, ONE API call, @{ref.path}
// references, allOrNone rolls back) and POST /composite/batch (independent subrequests, each
// counted against the limit, haltOnError).

const MAX_SUBREQUESTS = 25
const MAX_QUERIES = 5
const HALTED = 'The transaction was rolled back since another operation in the same transaction failed.'

interface SubRequest {
  method?: string
  url?: string
  referenceId?: string
  body?: unknown
}

interface SubResult {
  body: unknown
  httpHeaders: Record<string, string>
  httpStatusCode: number
  referenceId: string
}

const halted = (referenceId: string, message = HALTED): SubResult => ({
  body: [{errorCode: 'PROCESSING_HALTED', message}],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
})

function resolvePath(value: unknown, path: string): unknown {
  let current = value
  for (const part of path.split('.')) {
    const m = /^(\w+)(?:\[(\d+)])?$/.exec(part)
    if (!m || current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[m[1]]
    if (m[2] !== undefined) current = Array.isArray(current) ? current[Number(m[2])] : undefined
  }

  return current
}

/** Replaces @{ref.path} in a string; throws the halted result when a reference cannot be met. */
function substitute(text: string, results: Map<string, SubResult>, referenceId: string): string {
  return text.replaceAll(/@\{(\w+)\.([^}]+)}/g, (_, ref: string, path: string) => {
    const earlier = results.get(ref)
    const value = earlier && earlier.httpStatusCode < 300 ? resolvePath(earlier.body, path) : undefined
    if (value === undefined || value === null) {
      throw halted(referenceId, `Invalid reference specified. No value for ${ref}.${path} found in ${ref}. Provided referenceId ('${ref}') must be a prior request and a valid field path.`)
    }

    return String(value)
  })
}

function toCall(method: string, url: string, body: unknown, journal?: WriteJournal): Omit<SfCall, 'params'> {
  const parsed = new URL(url, 'http://composite.invalid')
  const versioned = parseVersioned(parsed.pathname)
  if (!versioned || !supportedVersion(versioned.version)) {
    throw new SalesforceFault(400, 'INVALID_API_INPUT', `The subrequest URL must start with /services/data/vXX.X/: ${url}`)
  }

  return {
    body,
    headers: {},
    journal,
    method,
    path: versioned.path,
    query: parsed.searchParams,
    rawBody: body === undefined ? '' : JSON.stringify(body),
    version: versioned.version,
  }
}

function isQuery(url: string): boolean {
  return /^\/services\/data\/v[\d.]+\/query(?:All)?(?:[/?]|$)/.test(url)
}

function envelope(response: FakeResponse, referenceId: string, url: string): SubResult {
  const headers: Record<string, string> = {}
  const body = response.body ?? null
  if (response.status === 201 && body && typeof body === 'object' && 'id' in body) headers.Location = `${url.split('?')[0]}/${String((body as {id: string}).id)}`
  return {body, httpHeaders: headers, httpStatusCode: response.status, referenceId}
}

async function composite(router: SfRouter, ctx: SfContext, call: SfCall): Promise<FakeResponse> {
  const body = call.body as {allOrNone?: boolean; compositeRequest?: SubRequest[]} | undefined
  const subs = body?.compositeRequest
  if (!Array.isArray(subs) || subs.length === 0) throw new SalesforceFault(400, 'JSON_PARSER_ERROR', 'compositeRequest must be a non-empty array')
  if (subs.length > MAX_SUBREQUESTS) throw new SalesforceFault(400, 'LIMIT_EXCEEDED', `A composite request can contain at most ${MAX_SUBREQUESTS} subrequests; this one has ${subs.length}`)
  const queries = subs.filter(s => isQuery(s.url ?? '')).length
  if (queries > MAX_QUERIES) throw new SalesforceFault(400, 'LIMIT_EXCEEDED', `A composite request can contain at most ${MAX_QUERIES} query operations; this one has ${queries}`)
  const ids = subs.map(s => s.referenceId ?? '')
  if (ids.some(id => !/^\w+$/.test(id)) || new Set(ids).size !== ids.length) {
    throw new SalesforceFault(400, 'INVALID_INPUT', 'Every subrequest needs a unique referenceId made of letters, digits and underscores')
  }

  const allOrNone = Boolean(body?.allOrNone)
  const journal: WriteJournal | undefined = allOrNone ? {inserted: [], updated: []} : undefined
  const results = new Map<string, SubResult>()
  const out: SubResult[] = []
  let failed = false
  for (const sub of subs) {
    const referenceId = sub.referenceId!
    if (failed) {
      out.push(halted(referenceId))
      continue
    }

    let result: SubResult
    try {
      const url = substitute(sub.url ?? '', results, referenceId)
      const subBody = sub.body === undefined ? undefined : JSON.parse(substitute(JSON.stringify(sub.body), results, referenceId))
      const response = await router.dispatch(ctx, toCall((sub.method ?? 'GET').toUpperCase(), url, subBody, journal), {composite: true})
      result = envelope(response, referenceId, url)
    } catch (error) {
      if (error instanceof SalesforceFault) result = {body: error.body, httpHeaders: {}, httpStatusCode: error.status, referenceId}
      else if ((error as SubResult).referenceId) result = error as SubResult
      else throw error
    }

    results.set(referenceId, result)
    out.push(result)
    if (allOrNone && result.httpStatusCode >= 400) failed = true
  }

  if (failed && journal) {
    await rollback(ctx.org.records, journal)
    for (const [i, r] of out.entries()) if (r.httpStatusCode < 400) out[i] = halted(r.referenceId)
  }

  return {body: {compositeResponse: out}, status: 200}
}

async function batch(router: SfRouter, ctx: SfContext, call: SfCall): Promise<FakeResponse> {
  const body = call.body as {batchRequests?: SubRequest[]; haltOnError?: boolean} | undefined
  const subs = body?.batchRequests
  if (!Array.isArray(subs) || subs.length === 0) throw new SalesforceFault(400, 'JSON_PARSER_ERROR', 'batchRequests must be a non-empty array')
  if (subs.length > MAX_SUBREQUESTS) throw new SalesforceFault(400, 'LIMIT_EXCEEDED', `A batch request can contain at most ${MAX_SUBREQUESTS} subrequests; this one has ${subs.length}`)
  // every subrequest counts against the org's limit; the route already counted one
  ctx.org.calls.record('composite', subs.length - 1)
  const results: Array<{result: unknown; statusCode: number}> = []
  let halt = false
  for (const sub of subs) {
    if (halt) {
      results.push({result: [{errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request'}], statusCode: 412})
      continue
    }

    const raw = sub.url ?? ''
    const url = raw.startsWith('/services/data/') ? raw : `/services/data/${raw.replace(/^\//, '')}`
    let response: FakeResponse
    try {
      response = await router.dispatch(ctx, toCall((sub.method ?? 'GET').toUpperCase(), url, (sub as {richInput?: unknown}).richInput))
    } catch (error) {
      if (!(error instanceof SalesforceFault)) throw error
      response = {body: error.body, status: error.status}
    }

    results.push({result: response.body ?? null, statusCode: response.status})
    if (response.status >= 400 && body?.haltOnError) halt = true
  }

  return {body: {hasErrors: results.some(r => r.statusCode >= 400), results}, status: 200}
}

export function registerComposite(router: SfRouter): void {
  router
    .add('POST', '/composite', 'composite', (ctx, call) => composite(router, ctx, call))
    .add('POST', '/composite/batch', 'composite', (ctx, call) => batch(router, ctx, call))
}

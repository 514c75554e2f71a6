import type {FakeResponse} from '../http.js'
import type {OrgSpec} from '../model.js'
import type {SaveResult, SfRecord} from '../org-runtime.js'

import {formatCsv, parseCsv} from './csv.js'
import {SalesforceFault} from './fault.js'
import {integrationView, isNumberType, syntheticId} from './fields.js'
import {type QueryOutcome, runQuery} from './query.js'
import type {SfCall, SfContext, SfRouter} from './router.js'
import {applyWrite, findObject, type WriteOperation} from './write.js'

// Bulk API 2.0, enough for jsforce's conn.bulk2: ingest jobs (create, one CSV upload, close,
// poll, results as CSV) and query jobs (create, poll, results with Sforce-Locator paging).
// Jobs run synchronously when closed, so the first poll already sees JobComplete.

const NULL_MARKER = '#N/A'
const OPERATIONS = new Set(['delete', 'hardDelete', 'insert', 'update', 'upsert'])
const RESULT_PAGE = 50_000

interface IngestJob {
  info: Record<string, unknown>
  csv?: string
  header: string[]
  rows: string[][]
  results: SaveResult[]
}

interface QueryJob {
  info: Record<string, unknown>
  outcome: QueryOutcome
}

export class BulkJobs {
  readonly ingest = new Map<string, IngestJob>()
  readonly query = new Map<string, QueryJob>()
  private next = 1

  get queryJobCount(): number {
    return this.query.size
  }

  newId(): string {
    return syntheticId('750', this.next++)
  }
}

const json = (status: number, body: unknown): FakeResponse => ({body, status})
const csv = (body: string, headers: Record<string, string> = {}): FakeResponse => ({body, contentType: 'text/csv', headers, status: 200})

function jobInfo(ctx: SfContext, call: SfCall, id: string, fields: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString().replace('Z', '+0000')
  return {
    apiVersion: Number(call.version), columnDelimiter: 'COMMA', concurrencyMode: 'Parallel', contentType: 'CSV',
    createdById: ctx.org.spec.integrationUserId, createdDate: now, id, lineEnding: 'LF', systemModstamp: now, ...fields,
  }
}

function getIngest(ctx: SfContext, id: string): IngestJob {
  const job = ctx.jobs.ingest.get(id)
  if (!job) throw new SalesforceFault(404, 'NOT_FOUND', `Job with id ${id} not found`)
  return job
}

function typed(spec: OrgSpec, object: string, record: Record<string, string>): SfRecord {
  const fields = new Map(integrationView(findObject(spec, object)!).map(f => [f.name.toLowerCase(), f]))
  const out: SfRecord = {}
  for (const [key, raw] of Object.entries(record)) {
    // an empty cell leaves the field alone; #N/A sets it to null
    if (raw === '') continue
    if (raw === NULL_MARKER) {
      out[key] = null
      continue
    }

    const type = fields.get(key.toLowerCase())?.type
    out[key] = type && isNumberType(type) ? Number(raw) : type === 'boolean' ? raw.toLowerCase() === 'true' : raw
  }

  return out
}

async function processIngest(ctx: SfContext, job: IngestJob): Promise<void> {
  const object = String(job.info.object)
  const rows = parseCsv(job.csv ?? '')
  const [header = [], ...data] = rows
  job.header = header
  job.rows = data
  const known = new Set(integrationView(findObject(ctx.org.spec, object)!).map(f => f.name.toLowerCase()))
  const unknown = header.find(h => !known.has(h.toLowerCase()))
  if (unknown !== undefined) {
    Object.assign(job.info, {errorMessage: `InvalidBatch : Field name not found : ${unknown}`, state: 'Failed'})
    return
  }

  const records = data.map(cells => typed(ctx.org.spec, object, Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))))
  const operation = (job.info.operation === 'hardDelete' ? 'delete' : job.info.operation) as WriteOperation
  job.results = await applyWrite(ctx.org.spec, ctx.org.records, object, operation, records, {externalIdField: job.info.externalIdFieldName as string | undefined})
  const failed = job.results.filter(r => !r.success).length
  Object.assign(job.info, {
    apexProcessingTime: 0, apiActiveProcessingTime: 5, jobType: 'V2Ingest', numberRecordsFailed: failed,
    numberRecordsProcessed: records.length, retries: 0, state: 'JobComplete', totalProcessingTime: 12,
  })
}

function errorText(result: SaveResult): string {
  return result.errors.map(e => `${e.statusCode}:${e.message}:${e.fields.join(',')} --`).join(' ')
}

function registerIngest(router: SfRouter): void {
  router
    .add('POST', '/jobs/ingest', 'bulk', (ctx, call) => {
      const body = (call.body ?? {}) as Record<string, unknown>
      const operation = String(body.operation ?? '')
      if (!OPERATIONS.has(operation)) throw new SalesforceFault(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${operation || '(none)'}`)
      const object = findObject(ctx.org.spec, String(body.object ?? ''))
      if (!object) throw new SalesforceFault(400, 'INVALIDJOB', `InvalidJob : Invalid object: ${String(body.object ?? '')}`)
      if (operation === 'upsert' && !body.externalIdFieldName) {
        throw new SalesforceFault(400, 'INVALIDJOB', `InvalidJob : External ID was blank for ${object.name}. An External ID must be specified for upsert.`)
      }

      const id = ctx.jobs.newId()
      const info = jobInfo(ctx, call, id, {
        contentUrl: `services/data/v${call.version}/jobs/ingest/${id}/batches`, object: object.name, operation, state: 'Open',
        ...(body.externalIdFieldName ? {externalIdFieldName: body.externalIdFieldName} : {}),
      })
      ctx.jobs.ingest.set(id, {header: [], info, results: [], rows: []})
      return json(200, info)
    })
    .add('GET', '/jobs/ingest', 'bulk', ctx => json(200, {done: true, nextRecordsUrl: null, records: [...ctx.jobs.ingest.values()].map(j => j.info)}))
    .add('PUT', '/jobs/ingest/:id/batches', 'bulk', (ctx, call) => {
      const job = getIngest(ctx, call.params.id)
      if (job.info.state !== 'Open') throw new SalesforceFault(409, 'INVALIDJOBSTATE', `Job ${call.params.id} is not Open (state ${String(job.info.state)})`)
      if (job.csv !== undefined) {
        throw new SalesforceFault(400, 'BULK_API_ERROR', `Found multiple contents for job: <${call.params.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`)
      }

      job.csv = call.rawBody
      return {status: 201}
    })
    .add('PATCH', '/jobs/ingest/:id', 'bulk', async (ctx, call) => {
      const job = getIngest(ctx, call.params.id)
      const state = (call.body as {state?: string} | undefined)?.state
      if (state === 'Aborted') {
        job.info.state = 'Aborted'
        return json(200, job.info)
      }

      if (state !== 'UploadComplete') throw new SalesforceFault(400, 'INVALIDJOBSTATE', `Invalid state transition to ${state ?? '(none)'}`)
      if (job.info.state !== 'Open') throw new SalesforceFault(409, 'INVALIDJOBSTATE', `Job ${call.params.id} is not Open`)
      job.info.state = 'UploadComplete'
      const answer = {...job.info}
      await processIngest(ctx, job)
      return json(200, answer)
    })
    .add('GET', '/jobs/ingest/:id', 'bulk', (ctx, call) => json(200, getIngest(ctx, call.params.id).info))
    .add('DELETE', '/jobs/ingest/:id', 'bulk', (ctx, call) => {
      getIngest(ctx, call.params.id)
      ctx.jobs.ingest.delete(call.params.id)
      return {status: 204}
    })
    .add('GET', '/jobs/ingest/:id/successfulResults', 'bulk', (ctx, call) => {
      const job = getIngest(ctx, call.params.id)
      const rows = job.results.flatMap((r, i) => (r.success ? [[r.id, String(Boolean(r.created ?? job.info.operation === 'insert')), ...job.rows[i]]] : []))
      return csv(formatCsv(['sf__Id', 'sf__Created', ...job.header], rows))
    })
    .add('GET', '/jobs/ingest/:id/failedResults', 'bulk', (ctx, call) => {
      const job = getIngest(ctx, call.params.id)
      const rows = job.results.flatMap((r, i) => (r.success ? [] : [[r.id ?? '', errorText(r), ...job.rows[i]]]))
      return csv(formatCsv(['sf__Id', 'sf__Error', ...job.header], rows))
    })
    .add('GET', '/jobs/ingest/:id/unprocessedrecords', 'bulk', (ctx, call) => {
      const job = getIngest(ctx, call.params.id)
      const rows = job.info.state === 'Aborted' || job.info.state === 'Failed' ? job.rows : []
      return csv(formatCsv(job.header, rows))
    })
}

function getQuery(ctx: SfContext, id: string): QueryJob {
  const job = ctx.jobs.query.get(id)
  if (!job) throw new SalesforceFault(404, 'NOT_FOUND', `Job with id ${id} not found`)
  return job
}

function flatten(record: SfRecord, columns: string[]): unknown[] {
  return columns.map(path => {
    let value: unknown = record
    for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as SfRecord)[part] : null
    return value
  })
}

function registerQuery(router: SfRouter): void {
  router
    .add('POST', '/jobs/query', 'bulk', async (ctx, call) => {
      const body = (call.body ?? {}) as Record<string, unknown>
      const operation = body.operation === 'queryAll' ? 'queryAll' : 'query'
      const outcome = await runQuery(ctx.org, String(body.query ?? ''), 'data', call.version)
      if (outcome.query.count) throw new SalesforceFault(400, 'API_ERROR', 'Aggregate queries are not supported by Bulk API 2.0 query jobs')
      const id = ctx.jobs.newId()
      const info = jobInfo(ctx, call, id, {object: outcome.table.name, operation, state: 'UploadComplete'})
      ctx.jobs.query.set(id, {info, outcome})
      return json(200, info)
    })
    .add('GET', '/jobs/query/:id', 'bulk', (ctx, call) => {
      const job = getQuery(ctx, call.params.id)
      if (job.info.state === 'UploadComplete') {
        Object.assign(job.info, {jobType: 'V2Query', numberRecordsProcessed: job.outcome.totalSize, retries: 0, state: 'JobComplete', totalProcessingTime: 10})
      }

      return json(200, job.info)
    })
    .add('PATCH', '/jobs/query/:id', 'bulk', (ctx, call) => {
      const job = getQuery(ctx, call.params.id)
      if ((call.body as {state?: string} | undefined)?.state === 'Aborted') job.info.state = 'Aborted'
      return json(200, job.info)
    })
    .add('DELETE', '/jobs/query/:id', 'bulk', (ctx, call) => {
      getQuery(ctx, call.params.id)
      ctx.jobs.query.delete(call.params.id)
      return {status: 204}
    })
    .add('GET', '/jobs/query/:id/results', 'bulk', async (ctx, call) => {
      const job = getQuery(ctx, call.params.id)
      if (job.info.state !== 'JobComplete') throw new SalesforceFault(400, 'INVALIDJOBSTATE', `Job ${call.params.id} is not complete`)
      const offset = Number(call.query.get('locator') ?? 0) || 0
      const size = Math.min(Number(call.query.get('maxRecords') ?? RESULT_PAGE) || RESULT_PAGE, RESULT_PAGE)
      const records = await job.outcome.fetch(offset, size)
      const end = offset + records.length
      const {columns} = job.outcome
      return csv(formatCsv(columns, records.map(r => flatten(r, columns))), {
        'Sforce-Locator': end < job.outcome.totalSize ? String(end) : 'null',
        'Sforce-NumberOfRecords': String(records.length),
      })
    })
}

export function registerBulk(router: SfRouter): void {
  registerIngest(router)
  registerQuery(router)
}

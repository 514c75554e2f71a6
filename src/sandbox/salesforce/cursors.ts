import type {FakeOrg} from '../org-runtime.js'

import {SalesforceFault} from './fault.js'
import {type QueryApi, type QueryOutcome, runQuery} from './query.js'

// Query locators: the first page answers the query, later pages come from
// GET …/query/<locator>-<offset>. Page size is 2,000 unless the client asks for a batchSize
// between 200 and 2,000 (Sforce-Query-Options), as in Salesforce.

const DEFAULT_BATCH = 2000
const MAX_OPEN = 500

interface Cursor {
  api: QueryApi
  batchSize: number
  outcome: QueryOutcome
}

export function batchSizeFrom(header: string | string[] | undefined): number {
  const text = Array.isArray(header) ? header.join(',') : header ?? ''
  const match = /batchSize\s*=\s*(\d+)/i.exec(text)
  if (!match) return DEFAULT_BATCH
  return Math.min(DEFAULT_BATCH, Math.max(200, Number(match[1])))
}

export class QueryCursors {
  private readonly open = new Map<string, Cursor>()
  private next = 1

  async start(org: FakeOrg, soql: string, options: {api: QueryApi; batchSize: number; userId?: string; version: string}): Promise<Record<string, unknown>> {
    const outcome = await runQuery(org, soql, options.api, options.version, new Date(), options.userId)
    const id = `01g${(this.next++).toString(36).toUpperCase().padStart(12, '0')}`
    return this.page({api: options.api, batchSize: options.batchSize, outcome}, id, 0, options.version)
  }

  async more(locator: string, api: QueryApi, version: string): Promise<Record<string, unknown>> {
    const match = /^(01g\w+)-(\d+)$/.exec(locator)
    const cursor = match && this.open.get(match[1])
    if (!match || !cursor || cursor.api !== api) throw new SalesforceFault(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
    return this.page(cursor, match[1], Number(match[2]), version)
  }

  private async page(cursor: Cursor, id: string, offset: number, version: string): Promise<Record<string, unknown>> {
    const {outcome} = cursor
    const records = await outcome.fetch(offset, cursor.batchSize)
    const end = offset + records.length
    const done = outcome.query.count || end >= outcome.totalSize
    const body: Record<string, unknown> = {done, records, totalSize: outcome.totalSize}
    if (done) {
      this.open.delete(id)
    } else {
      this.remember(id, cursor)
      body.nextRecordsUrl = `/services/data/v${version}/${cursor.api === 'tooling' ? 'tooling/' : ''}query/${id}-${end}`
    }

    if (cursor.api === 'tooling') {
      return {entityTypeName: outcome.table.name, queryLocator: done ? null : `${id}-${end}`, size: outcome.totalSize, ...body}
    }

    return body
  }

  private remember(id: string, cursor: Cursor): void {
    this.open.delete(id)
    this.open.set(id, cursor)
    // like Salesforce, old locators expire once too many are open
    while (this.open.size > MAX_OPEN) this.open.delete(this.open.keys().next().value!)
  }
}

import type {OrgSpec, SfFieldSpec, SfObjectSpec} from './model.js'

// The contract between the parts of the sandbox that stand in for Salesforce. The fake
// Salesforce HTTP server, the fake Connect sync loop and reload all go through a FakeOrg, so
// every write is validated the same way and every API call is counted once, by kind.

/** A Salesforce record keyed by field API name as spelled in the object's spec (`Id`, `LastName`). */
export type SfRecord = Record<string, unknown>

export interface SaveResult {
  id?: string
  success: boolean
  created?: boolean
  errors: Array<{fields: string[]; message: string; statusCode: string}>
}

/** Where the org's records live. The sandbox keeps them in Postgres (schema `hcg_fake_salesforce`). */
export interface RecordStore {
  count(object: string): Promise<number>
  /** fields are API names; `where` is an equality/IN filter on one field */
  select(object: string, fields: string[], options?: {limit?: number; offset?: number; where?: {field: string; values: unknown[]}}): Promise<SfRecord[]>
  /** records already validated; returns the new ids in order */
  insert(object: string, records: SfRecord[]): Promise<string[]>
  /** each record carries Id; unknown ids are reported as not found */
  update(object: string, records: SfRecord[]): Promise<boolean[]>
  remove(object: string, ids: string[]): Promise<boolean[]>
  /** a field created at runtime (Tooling CustomField): the store starts keeping it, empty; a
   *  store without a fixed layout need not implement it */
  addField?(object: string, field: SfFieldSpec): Promise<void>
}

export type ApiCallKind = 'bulk' | 'composite' | 'oauth' | 'rest' | 'soap' | 'tooling'

export interface ApiCallCounter {
  record(kind: ApiCallKind, count?: number): void
  readonly byKind: Readonly<Record<ApiCallKind, number>>
  readonly total: number
  reset(): void
}

export interface FakeOrg {
  readonly spec: OrgSpec
  readonly records: RecordStore
  readonly calls: ApiCallCounter
  describeObject(name: string): SfObjectSpec | undefined
  /** SOAP create/update/upsert/delete of at most 200 records: counts one `soap` call */
  soapWrite(object: string, operation: 'delete' | 'insert' | 'update' | 'upsert', records: SfRecord[], externalIdField?: string): Promise<SaveResult[]>
  /** one Bulk API job over any number of records: counts the job's calls as `bulk` */
  /** one Bulk job, cut into batches of at most `batchSize` records (the Bulk API's limit is 10,000) */
  bulkWrite(object: string, operation: 'delete' | 'insert' | 'update' | 'upsert', records: SfRecord[], externalIdField?: string, batchSize?: number): Promise<SaveResult[]>
}

import type {OrgSpec, SfObjectSpec} from '../model.js'
import type {FakeOrg, RecordStore, SaveResult, SfRecord} from '../org-runtime.js'

import {CallCounter} from './calls.js'
import {SalesforceFault} from './fault.js'
import {applyWrite, findObject, type WriteOperation} from './write.js'

// The sandbox's Salesforce org: its metadata (OrgSpec), its records (RecordStore) and the API
// calls spent on it. The fake Connect sync loop writes through soapWrite/bulkWrite; the fake
// HTTP server counts its own requests and calls applyWrite directly.

/** The SOAP API accepts at most 200 records per create/update/upsert/delete call. */
export const SOAP_BATCH_LIMIT = 200
/** Bulk API 1.0 (which Connect uses) takes at most 10,000 records a batch; the client cuts the batches. */
export const BULK_BATCH_LIMIT = 10_000

export class SandboxOrg implements FakeOrg {
  readonly calls = new CallCounter()

  constructor(
    readonly spec: OrgSpec,
    readonly records: RecordStore,
  ) {}

  describeObject(name: string): SfObjectSpec | undefined {
    return findObject(this.spec, name)
  }

  async soapWrite(object: string, operation: WriteOperation, records: SfRecord[], externalIdField?: string): Promise<SaveResult[]> {
    this.calls.record('soap')
    if (records.length > SOAP_BATCH_LIMIT) {
      throw new SalesforceFault(500, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${SOAP_BATCH_LIMIT} records into this call`)
    }

    return applyWrite(this.spec, this.records, object, operation, records, {externalIdField})
  }

  /**
   * One Bulk API job: create job, one call per batch of `batchSize` records, close job, fetch
   * results. Batches are independent (no all-or-none across them), as in Salesforce.
   */
  async bulkWrite(object: string, operation: WriteOperation, records: SfRecord[], externalIdField?: string, batchSize = BULK_BATCH_LIMIT): Promise<SaveResult[]> {
    if (batchSize > BULK_BATCH_LIMIT) throw new SalesforceFault(400, 'InvalidBatch', `Records in a batch exceed ${BULK_BATCH_LIMIT}`)
    if (!findObject(this.spec, object)) {
      this.calls.record('bulk')
      throw new SalesforceFault(400, 'INVALIDENTITY', `Entity '${object}' is not supported by the Bulk API.`)
    }

    const batches = Math.ceil(records.length / batchSize)
    this.calls.record('bulk', 3 + batches)
    const results: SaveResult[] = []
    for (let start = 0; start < records.length; start += batchSize) {
      const batch = records.slice(start, start + batchSize)
      results.push(...(await applyWrite(this.spec, this.records, object, operation, batch, {externalIdField})))
    }

    return results
  }
}

/** Bulk API calls one job over `records` rows costs (what bulkWrite records). */
export function bulkJobCalls(records: number, batchSize = BULK_BATCH_LIMIT): number {
  return 3 + Math.ceil(records / batchSize)
}

import type {ReloadEstimate} from './types.js'

// A rough cost of a reload, so nobody is surprised: Connect reads the object back from
// Salesforce with SOAP queries (2,000 records a call) for small objects and the Bulk API above
// 10,000 records (a job, its polls and result pages of about 10,000 records). The time adds the
// load itself and the plugin's own work (backup, verify, remap), measured rates on small dynos.

const SOAP_PAGE = 2000
const BULK_PAGE = 10_000
const BULK_THRESHOLD = 10_000

export function estimateReload(salesforceRows: number, tableRows: number, remapColumns: number): ReloadEstimate {
  const bulk = salesforceRows > BULK_THRESHOLD
  const calls = bulk ? 4 + Math.ceil(salesforceRows / BULK_PAGE) : Math.max(1, Math.ceil(salesforceRows / SOAP_PAGE))
  const loadSeconds = bulk ? 30 + salesforceRows / 5000 : 5 + salesforceRows / 1000
  const ownSeconds = (tableRows * (2 + remapColumns)) / 200_000
  return {rows: salesforceRows, salesforceApiCalls: calls, seconds: Math.ceil(loadSeconds + ownSeconds), via: bulk ? 'Bulk API' : 'SOAP API'}
}

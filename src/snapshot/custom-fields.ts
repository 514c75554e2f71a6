import type {SalesforceClient} from '../clients/salesforce.js'
import type {FilterItem} from '../analysis/formula/rollup.js'

// Formula and roll-up metadata from the Tooling API's CustomField: formula text, blank handling
// and scale; summary operation, summarized field, foreign key and filter items. Metadata comes
// back only for a query that names one record, so this lists the object's fields (1 call per
// object) and then reads each wanted field by Id (1 call per field).

export interface CustomFieldMetadata {
  type?: string
  formula?: string
  formulaTreatBlanksAs?: string
  scale?: number
  summaryOperation?: string
  summaryForeignKey?: string
  summarizedField?: string
  summaryFilterItems?: FilterItem[]
}

const NAME = /^[A-Za-z]\w*$/
const ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/

/** Metadata by `Object.Field__c`, for the custom fields asked for. */
export async function readCustomFieldMetadata(client: SalesforceClient, wanted: Array<{object: string; field: string}>): Promise<Record<string, CustomFieldMetadata>> {
  const out: Record<string, CustomFieldMetadata> = {}
  const objects = [...new Set(wanted.map(w => w.object))].filter(o => NAME.test(o))
  for (const object of objects) {
    const listed = await client.toolingQuery<{DeveloperName: string; Id: string}>(`SELECT Id, DeveloperName FROM CustomField WHERE TableEnumOrId = '${object}'`)
    for (const {field} of wanted.filter(w => w.object === object && /__c$/i.test(w.field))) {
      const row = listed.records.find(r => `${r.DeveloperName}__c`.toLowerCase() === field.toLowerCase())
      if (!row || !ID.test(row.Id)) continue
      const {records} = await client.toolingQuery<{Metadata: CustomFieldMetadata}>(`SELECT Id, Metadata FROM CustomField WHERE Id = '${row.Id}'`)
      if (records[0]?.Metadata) out[`${object}.${field}`] = records[0].Metadata
    }
  }

  return out
}

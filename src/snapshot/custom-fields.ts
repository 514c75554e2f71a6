import type {SalesforceClient} from '../clients/salesforce.js'

// Formula and roll-up metadata from the Tooling API's CustomField: formula text, blank handling
// and scale; summary operation, summarized field, foreign key and filter items. CustomField keys a
// standard object by its name but a custom object by its 01I id (TableEnumOrId), and Metadata comes
// back only for a query that names one record. So: one EntityDefinition query resolves every
// object's key, one CustomField query lists the fields of all of them, then one query per wanted
// field reads its Metadata by Id.

/** One of a roll-up summary's filter items, as Tooling CustomField Metadata gives it. */
export interface FilterItem {
  /** `Child__c.Field__c` */
  field: string
  operation: string
  value?: string
  valueField?: string
}

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
/** ids compare on their 15-character form: the API returns 15 or 18 characters depending on the field */
const idKey = (value: string) => (ID.test(value) ? value.slice(0, 15) : value).toLowerCase()
const inList = (values: string[]) => values.map(v => `'${v}'`).join(', ')

interface ListedField {Id: string; DeveloperName: string; NamespacePrefix?: null | string; TableEnumOrId: string}

/** Metadata by `Object.Field__c`, for the custom fields asked for. */
export async function readCustomFieldMetadata(client: SalesforceClient, wanted: Array<{object: string; field: string}>): Promise<Record<string, CustomFieldMetadata>> {
  const out: Record<string, CustomFieldMetadata> = {}
  const custom = wanted.filter(w => NAME.test(w.object) && /^[A-Za-z]\w*__c$/i.test(w.field))
  const objects = [...new Set(custom.map(w => w.object))]
  if (objects.length === 0) return out
  const entities = await client.toolingQuery<{DurableId: string; QualifiedApiName: string}>(`SELECT DurableId, QualifiedApiName FROM EntityDefinition WHERE QualifiedApiName IN (${inList(objects)})`)
  const keyOf = new Map(entities.records.filter(e => NAME.test(e.DurableId) || ID.test(e.DurableId)).map(e => [e.QualifiedApiName.toLowerCase(), e.DurableId]))
  const keys = [...new Set(objects.flatMap(o => keyOf.get(o.toLowerCase()) ?? []))]
  if (keys.length === 0) return out
  const listed = await client.toolingQuery<ListedField>(`SELECT Id, DeveloperName, NamespacePrefix, TableEnumOrId FROM CustomField WHERE TableEnumOrId IN (${inList(keys)})`)
  for (const {field, object} of custom) {
    const key = keyOf.get(object.toLowerCase())
    if (!key) continue
    const row = listed.records.find(r => idKey(r.TableEnumOrId) === idKey(key) && `${r.NamespacePrefix ? `${r.NamespacePrefix}__` : ''}${r.DeveloperName}__c`.toLowerCase() === field.toLowerCase())
    if (!row || !ID.test(row.Id)) continue
    const {records} = await client.toolingQuery<{Metadata: CustomFieldMetadata}>(`SELECT Id, Metadata FROM CustomField WHERE Id = '${row.Id}'`)
    if (records[0]?.Metadata) out[`${object}.${field}`] = records[0].Metadata
  }

  return out
}

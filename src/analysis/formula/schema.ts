// What the translator needs to know about the objects a formula reads: the Postgres column and
// the formula-language type of each field, and which lookups lead where. The scaffold builds
// this from the Salesforce describe and the Connect mappings; tests build it by hand.

export type ValueType = 'boolean' | 'date' | 'datetime' | 'number' | 'picklist' | 'text'

export interface FormulaField {
  /** the column's name in the object's table (unquoted) */
  column: string
  /** the formula-language type; undefined for field types the translator does not read */
  type: undefined | ValueType
  /** the Salesforce field type, for messages */
  sfType: string
  /** percent fields hold 50 for 50%, but a formula reads them as 0.5 */
  percent?: boolean
}

export interface FormulaObject {
  name: string
  /** the table, already quoted and qualified */
  table: string
  field(name: string): FormulaField | undefined
  /** the lookup behind a relationship name (`Account`, `Parent__r`), when it is mapped */
  lookup(relationship: string): undefined | {column: string; object: FormulaObject}
}

/** The lookup field a relationship name refers to: `Parent__r` → `Parent__c`, `Account` → `AccountId`. */
export function lookupFieldName(relationship: string): string {
  return /__r$/i.test(relationship) ? relationship.replace(/__r$/i, '__c') : `${relationship}Id`
}

/** Salesforce field types (describe `type`) as the formula language sees them. */
export function valueTypeOf(sfType: string): undefined | ValueType {
  switch (sfType.toLowerCase()) {
    case 'boolean': return 'boolean'
    case 'currency':
    case 'double':
    case 'int':
    case 'long':
    case 'percent': return 'number'
    case 'date': return 'date'
    case 'datetime': return 'datetime'
    case 'picklist': return 'picklist'
    case 'email':
    case 'id':
    case 'phone':
    case 'reference':
    case 'string':
    case 'textarea':
    case 'url': return 'text'
    default: return undefined
  }
}

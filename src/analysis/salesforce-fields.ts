import type {MappingFacts, SalesforceFacts, SfFieldFacts, SfObjectFacts, Snapshot} from '../snapshot/types.js'

// Detection shared by the rules that read Salesforce describes (HC002, HC010, HC011, HC050,
// HC060, HC076). Pure functions only.

/** The object's describe, or null when it was not collected or the user could not describe it. */
export function describedObject(salesforce: SalesforceFacts, object: string): null | SfObjectFacts {
  const described = salesforce.objects[object]
  return described && !('error' in described) ? described : null
}

/** Salesforce API names are case-insensitive; Connect keeps the spelling the mapping was saved with. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

export function findField(object: SfObjectFacts, name: string): SfFieldFacts | undefined {
  return object.fields.find(field => sameName(field.name, name))
}

export interface MappedField {
  mapping: MappingFacts
  /** the mapping's field name, as Connect spells it */
  name: string
  field: SfFieldFacts
  /** `<schema>.<table>` */
  table: string
  /** `<schema>.<table>.<column>`: the Postgres column Connect created for it */
  column: string
}

/** Every mapped field that the describe knows, with where Connect stores it. */
export function mappedFields(snapshot: Snapshot): MappedField[] {
  const {mappings, schema} = snapshot.connection!
  return mappings.flatMap(mapping => {
    const object = describedObject(snapshot.salesforce!, mapping.object)
    if (!object) return []
    return mapping.fields.flatMap(name => {
      const field = findField(object, name)
      return field ? [{column: `${schema}.${mapping.table}.${name.toLowerCase()}`, field, mapping, name, table: `${schema}.${mapping.table}`}] : []
    })
  })
}

/** Fields Salesforce maintains itself: never required from Connect, never writable by it. */
const SYSTEM_FIELDS = new Set(['createdbyid', 'createddate', 'id', 'isdeleted', 'lastmodifiedbyid', 'lastmodifieddate', 'systemmodstamp'])

export function isSystemField(name: string): boolean {
  return SYSTEM_FIELDS.has(name.toLowerCase())
}

/** An insert that leaves this field out fails with REQUIRED_FIELD_MISSING. */
export function isRequiredOnInsert(field: SfFieldFacts): boolean {
  return !field.nillable && field.createable && !field.defaultedOnCreate && !field.calculated && !field.autoNumber && !isSystemField(field.name)
}

/** The describe's view of a roll-up summary: calculated, but with no formula and no auto-number. */
export function looksLikeRollUp(field: SfFieldFacts): boolean {
  return field.calculated && !field.calculatedFormula && !field.autoNumber
}

export function isFormula(field: SfFieldFacts): field is SfFieldFacts & {calculatedFormula: string} {
  return field.calculated && Boolean(field.calculatedFormula)
}

export function isEncrypted(field: SfFieldFacts): boolean {
  return field.encrypted || field.type === 'encryptedstring'
}

/** Blank out `/* comments *\/` and '…' / "…" literals (with backslash escapes), keeping the rest. */
export function stripFormulaLiterals(formula: string): string {
  let out = ''
  let i = 0
  while (i < formula.length) {
    const c = formula[i]
    if (c === '/' && formula[i + 1] === '*') {
      const end = formula.indexOf('*/', i + 2)
      i = end === -1 ? formula.length : end + 2
      out += ' '
    } else if (c === '"' || c === "'") {
      let j = i + 1
      while (j < formula.length && formula[j] !== c) j += formula[j] === '\\' ? 2 : 1
      i = j + 1
      out += ' '
    } else {
      out += c
      i++
    }
  }

  return out
}

export interface FormulaReferences {
  /** relationship paths to another record: `Account.Name`, `Parent__r.Field__c` */
  crossObject: string[]
  /** global merge fields: `$User.Id`, `$Setup.Ns__Settings__c.Field__c` */
  globals: string[]
}

// A dotted name that does not continue a word, a number or another path. Starting with a letter
// rules out numbers such as 1.5; a leading `$` marks a global.
const DOTTED_NAME = /(?<![\w.$])\$?[A-Za-z]\w*(?:\.[A-Za-z]\w*)+/g

/**
 * The references in a formula that Connect cannot see change: a dot outside literals and comments
 * only ever appears in a relationship path or a global, so every dotted name is one of the two.
 */
export function formulaReferences(formula: string): FormulaReferences {
  const refs: FormulaReferences = {crossObject: [], globals: []}
  for (const [name] of stripFormulaLiterals(formula).matchAll(DOTTED_NAME)) {
    const list = name.startsWith('$') ? refs.globals : refs.crossObject
    if (!list.includes(name)) list.push(name)
  }

  return refs
}

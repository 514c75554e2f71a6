import type {ForeignKeyFacts} from '../snapshot/types.js'

// The keys under which rules name one cause (RuleHit.cause / foldInto), so that rules reporting
// the same cause from different sides give one finding. Kept here, not in either rule, because a
// key only means something when both sides build it the same way.

const key = (kind: string, ...parts: Array<null | string>) => `${kind}:${JSON.stringify(parts)}`

export const CAUSES = {
  /** one foreign key: HC040 (it references `id`) and HC041 (it blocks the reload) */
  foreignKey: (fk: ForeignKeyFacts) => key('foreign-key', fk.fromSchema, fk.fromTable, fk.name),
  /** a read-write mapping without a unique identifier: HC001 and Connect's "Unique Identifier" check */
  noUniqueId: (object: string) => key('no-unique-id', object.toLowerCase()),
  /** the Salesforce field of a mapping's unique identifier is not External ID + Unique: HC002 and Connect's "Unique Identifier" check */
  uniqueIdField: (object: string) => key('unique-id-field', object.toLowerCase()),
  /** mapped calculated fields of one object: HC010, HC011 and Connect's "Calculated Fields" check */
  calculatedFields: (object: string) => key('calculated-fields', object.toLowerCase()),
  /** required fields missing from one read-write mapping: HC076 and Connect's "Required Fields" check */
  requiredFields: (object: string) => key('required-fields', object.toLowerCase()),
  /** the connection's Salesforce API version: HC031 and Connect's "Salesforce API Version" check */
  apiVersion: () => key('api-version'),
  /** a legacy (pre-2015) Connect layout in one schema: HC078, and what HC075 finds missing because of it */
  legacyLayout: (schema: string) => key('legacy-layout', schema),
  /** the schema has no Connect system tables at all: HC075, and the triggers it cannot have */
  notBuiltByConnect: (schema: string) => key('not-built-by-connect', schema),
  /** a unique index on sfid that is not Connect's: HC078 (no hcu_idx_<t>_sfid) and HC020 (a user index) */
  sfidIndex: (schema: string, table: string, index: string) => key('sfid-index', schema, table, index),
}

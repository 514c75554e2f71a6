import type {SfFieldSpec, SfObjectSpec} from '../model.js'
import type {SfRecord} from '../org-runtime.js'

// From a captured Postgres change (hstore text, lowercase column names) to the Salesforce record
// Connect would send: field API names, typed values, and only fields the operation may set.

/** Fields Salesforce sets itself; Connect maps them for reading but never writes them. */
const SYSTEM_FIELDS = new Set(['createdbyid', 'createddate', 'id', 'isdeleted', 'lastmodifiedbyid', 'lastmodifieddate', 'systemmodstamp'])

export type SfOperation = 'delete' | 'insert' | 'update' | 'upsert'

export function columnOf(field: string): string {
  return field === 'Id' ? 'sfid' : field.toLowerCase()
}

export class RecordBuilder {
  private readonly byColumn = new Map<string, string>()
  private readonly specs = new Map<string, SfFieldSpec>()

  constructor(mappedFields: string[], described: SfObjectSpec | undefined) {
    for (const name of mappedFields) this.byColumn.set(columnOf(name), name)
    for (const f of described?.fields ?? []) this.specs.set(f.name.toLowerCase(), f)
  }

  /** `creating`: the change is an INSERT, whose null values are simply not sent (an update sends
   *  them, to clear the field). */
  build(values: Record<string, string | null>, operation: SfOperation, creating = false): SfRecord {
    const record: SfRecord = {}
    for (const [column, raw] of Object.entries(values)) {
      if (creating && raw === null) continue
      const name = this.byColumn.get(column)
      if (!name || SYSTEM_FIELDS.has(name.toLowerCase())) continue
      const spec = this.specs.get(name.toLowerCase())
      if (spec && !writable(spec, operation)) continue
      record[name] = convert(raw, spec)
    }

    return record
  }
}

function writable(spec: SfFieldSpec, operation: SfOperation): boolean {
  if (spec.formula || spec.rollup || spec.type === 'id') return false
  if (operation === 'insert') return spec.createable !== false
  if (operation === 'update') return spec.updateable !== false
  return spec.createable !== false || spec.updateable !== false
}

function convert(raw: string | null, spec: SfFieldSpec | undefined): unknown {
  if (raw === null) return null
  switch (spec?.type) {
    case 'boolean': {
      return raw === 't' || raw === 'true'
    }

    case 'currency':
    case 'double':
    case 'int':
    case 'percent': {
      const n = Number(raw)
      return Number.isFinite(n) ? n : raw
    }

    case 'datetime': {
      // Connect stores datetimes as timestamp without time zone, in UTC
      return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(raw) ? `${raw.replace(' ', 'T')}Z` : raw
    }

    default: {
      return raw
    }
  }
}

import type {SfFieldType} from '../model.js'
import type {SfRecord} from '../org-runtime.js'

// The shape of what SOQL can see, one Table per queryable sObject (catalog.ts builds them; the
// setup, metadata and Tooling tables are defined beside it).

export interface Column {
  name: string
  type: SfFieldType
  /** false: Salesforce refuses the field in WHERE (e.g. LoginHistory.Application) */
  filterable?: boolean
  sortable?: boolean
}

export interface Relationship {
  /** relationship name used in paths, e.g. `Profile` */
  name: string
  /** column on this table holding the parent's key, e.g. `ProfileId` */
  idField: string
  target: string
  /** parent column the key matches; `Id` unless the parent is keyed otherwise */
  targetKey?: string
}

export interface Table {
  name: string
  label?: string
  /** which query endpoints answer for it */
  api: 'both' | 'data' | 'tooling'
  columns: Column[]
  relationships: Relationship[]
  /** in-memory rows; absent for objects stored in the RecordStore */
  rows?: () => SfRecord[]
  /** a filter the real API insists on; the paths are lower-cased field paths */
  requiredFilter?: {paths: string[]; message: string; whenSelecting?: string[]}
  /** column shown in attributes.url; defaults to Id */
  urlKey?: string
}

export interface Catalog {
  tables: Table[]
  table(name: string): Table | undefined
}

import type {RecordStore, SfRecord} from '../../../src/sandbox/org-runtime.js'
import {keyPrefixFor} from '../../../src/sandbox/salesforce/fields.js'

// A RecordStore kept in memory, for tests only (the sandbox's real store is Postgres-backed).
// Rows keep insertion order, ids look like Salesforce ids (key prefix + 15 more characters),
// and every read returns copies so callers cannot mutate the store by accident.

export class MemoryRecordStore implements RecordStore {
  readonly tables = new Map<string, SfRecord[]>()
  private next = 1

  async count(object: string): Promise<number> {
    return this.rows(object).length
  }

  async select(object: string, fields: string[], options: {limit?: number; offset?: number; where?: {field: string; values: unknown[]}} = {}): Promise<SfRecord[]> {
    let rows = this.rows(object)
    if (options.where) {
      const {field, values} = options.where
      rows = rows.filter(r => values.includes(r[field]))
    }

    const start = options.offset ?? 0
    rows = rows.slice(start, options.limit === undefined ? undefined : start + options.limit)
    return rows.map(r => Object.fromEntries(fields.map(f => [f, r[f] ?? null])))
  }

  async insert(object: string, records: SfRecord[]): Promise<string[]> {
    const rows = this.rows(object)
    return records.map(record => {
      const id = this.newId(object)
      rows.push({...record, Id: id})
      return id
    })
  }

  async update(object: string, records: SfRecord[]): Promise<boolean[]> {
    const rows = this.rows(object)
    return records.map(record => {
      const row = rows.find(r => r.Id === record.Id)
      if (!row) return false
      Object.assign(row, record)
      return true
    })
  }

  async remove(object: string, ids: string[]): Promise<boolean[]> {
    const rows = this.rows(object)
    return ids.map(id => {
      const i = rows.findIndex(r => r.Id === id)
      if (i === -1) return false
      rows.splice(i, 1)
      return true
    })
  }

  /** seeds rows directly, bypassing validation */
  seed(object: string, records: SfRecord[]): string[] {
    const rows = this.rows(object)
    return records.map(record => {
      const id = (record.Id as string | undefined) ?? this.newId(object)
      rows.push({...record, Id: id})
      return id
    })
  }

  private newId(object: string): string {
    return `${keyPrefixFor(object)}Hs${(this.next++).toString(36).toUpperCase().padStart(10, '0')}AAA`
  }

  private rows(object: string): SfRecord[] {
    let rows = this.tables.get(object)
    if (!rows) {
      rows = []
      this.tables.set(object, rows)
    }

    return rows
  }
}

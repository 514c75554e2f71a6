import type {MappingConfig} from '../clients/connect-types.js'

import {sameName} from './salesforce-fields.js'

// Changes to a mapping's saved configuration, as the workflows that save one through the Connect
// API (PUT /api/v3/mappings/<id>) make them, and the diff they show before they do. Pure.

export interface ConfigChange {
  /** fields to add (kept when already there, whatever their spelling) */
  add?: string[]
  /** fields to remove */
  remove?: string[]
  /** the new unique identifier; it is also added to the fields and indexed unique, as Connect exports it */
  upsertField?: string
}

export function changedConfig(config: MappingConfig, change: ConfigChange): MappingConfig {
  const removed = (name: string) => (change.remove ?? []).some(r => sameName(r, name))
  const fields = Object.fromEntries(Object.entries(config.fields).filter(([name]) => !removed(name)))
  const adding = [...(change.add ?? []), ...(change.upsertField ? [change.upsertField] : [])]
  for (const name of adding) if (!Object.keys(fields).some(f => sameName(f, name))) fields[name] = {}
  const next: MappingConfig = {...config, fields}
  if (change.upsertField) {
    const indexes = Object.fromEntries(Object.entries(config.indexes ?? {}).filter(([name]) => !sameName(name, change.upsertField!)))
    next.indexes = {...indexes, [change.upsertField]: {unique: true}}
    next.upsert_field = change.upsertField
  }

  return next
}

/** Whether saving `after` would change anything Connect acts on. */
export function configChanged(before: MappingConfig, after: MappingConfig): boolean {
  return configDiff(before, after).length > 0
}

/** One line per change: `+ fields.X`, `- fields.Y`, `~ upsert_field: A -> B`, `~ indexes.X: {…} -> {…}`. */
export function configDiff(before: MappingConfig, after: MappingConfig): string[] {
  const lines: string[] = []
  const has = (fields: Record<string, unknown>, name: string) => Object.keys(fields).some(f => sameName(f, name))
  for (const name of Object.keys(after.fields)) if (!has(before.fields, name)) lines.push(`+ fields.${name}`)
  for (const name of Object.keys(before.fields)) if (!has(after.fields, name)) lines.push(`- fields.${name}`)
  const show = (value: unknown) => (value === undefined || value === null ? 'none' : JSON.stringify(value))
  if ((before.upsert_field ?? null) !== (after.upsert_field ?? null)) lines.push(`~ upsert_field: ${show(before.upsert_field)} -> ${show(after.upsert_field)}`)
  const [was, now] = [before.indexes ?? {}, after.indexes ?? {}]
  for (const name of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (JSON.stringify(was[name]) !== JSON.stringify(now[name])) lines.push(`~ indexes.${name}: ${show(was[name])} -> ${show(now[name])}`)
  }

  return lines
}

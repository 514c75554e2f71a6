import {readFile, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import type {MappingChange} from './mapping-diff.js'

import {sameName} from '../../analysis/salesforce-fields.js'
import {UsageError} from '../../errors.js'

// Offline (--config-file) there is no Connect API to save a mapping through. The change is written
// instead as a copy of the export without the replaced fields, in the same format, for
// `heroku connect:import`; the export it was read from is left as it is. Nothing in Connect changes
// until someone imports the file, and the command says so.

/** Next to the export: `acme-export.json` → `acme-export.scaffold.json`. */
export function changedExportPath(configFile: string): string {
  return join(dirname(configFile), `${basename(configFile).replace(/\.json$/i, '')}.scaffold.json`)
}

type Json = Record<string, unknown>

/** Writes the export without the replaced fields (from `fields` and from `indexes`); returns what was removed, per object. */
export async function writeChangedExport(configFile: string, target: string, changes: MappingChange[]): Promise<string[]> {
  if (target === configFile) throw new UsageError(`--config-out ${target} is the export it reads`, 'name another file: the export stays as it is until you import the change')
  const root = JSON.parse(await readFile(configFile, 'utf8')) as {mappings: Array<{config: Json; object_name: string}>}
  const removed: string[] = []
  for (const change of changes) {
    const mapping = root.mappings.find(m => sameName(m.object_name, change.object))
    if (!mapping) continue
    const drop = (entries: unknown) => Object.fromEntries(Object.entries(entries as Json).filter(([name]) => !change.remove.some(r => sameName(r, name))))
    const fields = drop(mapping.config.fields)
    if (Object.keys(fields).length === Object.keys(mapping.config.fields as Json).length) continue
    mapping.config = {...mapping.config, fields, ...(mapping.config.indexes ? {indexes: drop(mapping.config.indexes)} : {})}
    removed.push(`${change.object}: removed ${change.remove.join(', ')}`)
  }

  await writeFile(target, `${JSON.stringify(root, null, 2)}\n`)
  return removed
}

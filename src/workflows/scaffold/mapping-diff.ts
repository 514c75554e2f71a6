import type {ConnectApi} from '../../clients/connect-api.js'
import type {ConnectionDetails} from '../../clients/connect-types.js'
import type {Snapshot} from '../../snapshot/types.js'

import {changedConfig, configChanged} from '../../analysis/mapping-config.js'
import {sameName} from '../../analysis/salesforce-fields.js'

// Once a view computes a formula or roll-up field, the mapping's copy is only a stale duplicate.
// The plan shows the change to each mapping's field list; with --confirm it is saved through the
// Connect API after the views exist, and Connect drops the column.

export interface MappingChange {
  object: string
  remove: string[]
  keep: number
}

export function mappingChanges(snapshot: Snapshot, replaced: Array<{object: string; field: string}>): MappingChange[] {
  return snapshot.connection!.mappings.flatMap(mapping => {
    const remove = mapping.fields.filter(f => replaced.some(r => r.object === mapping.object && sameName(r.field, f)))
    return remove.length > 0 ? [{keep: mapping.fields.length - remove.length, object: mapping.object, remove}] : []
  })
}

export function describeChanges(changes: MappingChange[]): string[] {
  return changes.flatMap(c => [`  ${c.object} mapping (${c.keep} fields stay):`, ...c.remove.map(f => `    - ${f}`)])
}

/** Saves each mapping without the replaced fields; a field already gone is left alone, so a rerun is a no-op. */
export async function removeReplacedFields(api: ConnectApi, connection: ConnectionDetails, changes: MappingChange[]): Promise<string[]> {
  const done: string[] = []
  for (const change of changes) {
    const mapping = await api.findMapping(connection, change.object)
    const config = changedConfig(mapping.config, {remove: change.remove})
    if (!configChanged(mapping.config, config)) continue
    await api.updateMapping(connection, mapping, config)
    done.push(`${change.object}: removed ${change.remove.join(', ')}`)
  }

  return done
}

import type {MappingConfig} from '../../clients/connect-types.js'
import type {FakeHttpServer} from '../http.js'

import {qualified, quoteIdent} from '../../sql.js'
import {columnName, findField, pgTypeForField} from '../postgres/field-types.js'
import {databaseAvailable, withClient} from './db.js'
import {fail, mappingRoute, ok} from './guard.js'
import {liveData} from './counts.js'
import {mappingBody} from './shapes.js'
import type {ConnectContext} from './state.js'

// PUT /api/v3/mappings/<id> with `{config}`: Connect saves the new field list and changes the
// table to match, dropping the columns of fields that left the mapping and adding columns for new
// ones (filled by the next poll or reload). A field the object does not have is a 400.

export function registerMappingUpdate(server: FakeHttpServer, ctx: ConnectContext): void {
  server.route('PUT', '/api/v3/mappings/:id', mappingRoute(ctx, async (conn, mapping, req) => {
    const config = (req.body as {config?: Partial<MappingConfig>} | undefined)?.config
    if (!config || typeof config.fields !== 'object' || config.fields === null) return fail(400, 'Request body must be {"config": {"fields": {...}, ...}}')
    const object = ctx.org.spec.objects.find(o => o.name === mapping.object)
    if (!object) return fail(404, `Object ${mapping.object} not found in Salesforce`)
    const unknown = Object.keys(config.fields).filter(f => !findField(object, f))
    if (unknown.length > 0) return fail(400, `Fields not found on ${mapping.object}: ${unknown.join(', ')}`)
    if (!(await databaseAvailable(conn))) return fail(409, 'The connection\'s database is unavailable')
    const before = new Set(Object.keys(mapping.config.fields).map(f => f.toLowerCase()))
    const after = new Set(Object.keys(config.fields).map(f => f.toLowerCase()))
    const table = qualified(conn.spec.schema, mapping.table)
    const actions = [
      ...[...before].filter(f => !after.has(f) && f !== 'id').map(f => `DROP COLUMN IF EXISTS ${quoteIdent(columnName(f))}`),
      ...Object.keys(config.fields).filter(f => !before.has(f.toLowerCase())).flatMap(f => {
        const type = pgTypeForField(findField(object, f)!)
        return type ? [`ADD COLUMN IF NOT EXISTS ${quoteIdent(columnName(f))} ${type}`] : []
      }),
    ]
    // Connect's own session (xmlbinary hex): schema changes are not data changes, nothing is logged
    if (actions.length > 0) await withClient(conn, client => client.query(`ALTER TABLE ${table} ${actions.join(', ')}`))
    mapping.config = {...mapping.config, ...config, fields: config.fields, revision: (mapping.config.revision ?? 0) + 1}
    mapping.updatedAt = new Date().toISOString()
    return ok(mappingBody(ctx, conn, mapping, await liveData(ctx, conn)))
  }))
}

import type {ForeignObjects} from '../../analysis/foreign-objects.js'
import type {FunctionBody} from './read.js'

import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'

// Moving the app's own objects out of the Connect schema. ALTER … SET SCHEMA keeps an object's
// oid, so views, foreign keys and triggers that point at it keep working, and a table's owned
// sequences follow it. Every statement checks first, so a rerun does nothing twice.

const KIND_SQL: Record<string, string> = {S: 'SEQUENCE', f: 'FOREIGN TABLE', m: 'MATERIALIZED VIEW', p: 'TABLE', r: 'TABLE', v: 'VIEW'}

/** The dollar-quote tag of the DO blocks we write; a name that contains it is refused. */
export const DO_TAG = '$scaffold$'

export function doBlock(body: string): string {
  if (body.includes(DO_TAG)) throw new Error(`a name contains ${DO_TAG}, which this plan uses to quote its own blocks`)
  return `DO ${DO_TAG} BEGIN ${body} END ${DO_TAG};`
}

export function moveStatements(found: ForeignObjects, schema: string, helper: string): string[] {
  const relations = found.relations.map(({relation: r}) => `ALTER ${KIND_SQL[r.kind] ?? 'TABLE'} IF EXISTS ${qualified(schema, r.name)} SET SCHEMA ${quoteIdent(helper)};`)
  const functions = found.functions.map(({fn}) => {
    const signature = `${qualified(schema, fn.name)}(${fn.signature})`
    return doBlock(`IF to_regprocedure(${quoteLiteral(signature)}) IS NOT NULL THEN ALTER FUNCTION ${signature} SET SCHEMA ${quoteIdent(helper)}; END IF;`)
  })
  return [...relations, ...functions]
}

export interface FunctionEdit {
  function: string
  line: number
  text: string
  change: string
}

/** Lines of moved functions that name the old schema, and functions that find tables through search_path. */
export function functionEdits(found: ForeignObjects, bodies: FunctionBody[], schema: string, helper: string): FunctionEdit[] {
  const movedNames = found.relations.map(r => r.relation.name.toLowerCase())
  const forms = [`"${schema.replaceAll('"', '""')}"`, ...(/^[a-z_]\w*$/i.test(schema) ? [schema] : [])]
  const qualifiedRef = new RegExp(`(^|[^\\w"])(${forms.map(f => escape(f)).join('|')})\\s*\\.`, 'i')
  return found.functions.flatMap(({fn}) => {
    const body = bodies.find(b => b.name === fn.name && b.signature === fn.signature)
    if (!body) return []
    const name = `${qualified(helper, fn.name)}(${fn.signature})`
    const lines = body.source.split('\n')
    const edits: FunctionEdit[] = lines.flatMap((text, i) => (qualifiedRef.test(text) ? [{change: `name ${quoteIdent(helper)} for objects that moved, keep ${quoteIdent(schema)} for Connect's tables`, function: name, line: i + 1, text: text.trim()}] : []))
    const unqualified = lines.findIndex(text => movedNames.some(n => new RegExp(`(^|[^\\w."])${escape(n)}\\b`, 'i').test(text)))
    if (!body.pinsSearchPath && unqualified >= 0) {
      edits.push({change: `ALTER FUNCTION ${name} SET search_path = ${quoteIdent(helper)}, ${quoteIdent(schema)};`, function: name, line: unqualified + 1, text: lines[unqualified].trim()})
    }

    return edits
  })
}

const escape = (text: string) => text.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)

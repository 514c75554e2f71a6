import {readFileSync} from 'node:fs'
import path from 'node:path'

import type {FormulaObject, ValueType} from '../../../src/analysis/formula/schema.js'

import type {RollUpSpec} from '../../../src/analysis/formula/rollup.js'
import type {FilterItem} from '../../../src/snapshot/custom-fields.js'
import {lookupFieldName} from '../../../src/analysis/formula/schema.js'
import {quoteIdent} from '../../../src/sql.js'

// Reads the real-world formula and roll-up fields (kept outside the project) and builds, for
// each, stand-in tables holding exactly the fields it names, with types that fit its use.

export const REAL_WORLD_DIR = process.env.REAL_WORLD_FORMULAS ?? '/work/shared/real-world-formulas'

export interface RealFormula {
  kind: 'formula'
  file: string
  object: string
  field: string
  formula: string
  returnType: string
  treatBlanksAs?: string
  scale?: number
}

export interface RealRollUp extends RollUpSpec {
  kind: 'rollup'
  file: string
  object: string
  field: string
}

const ENTITIES: Record<string, string> = {amp: '&', apos: "'", gt: '>', lt: '<', quot: '"'}
const decode = (text: string) => text.replaceAll(/&(amp|apos|gt|lt|quot);/g, (_m, e: string) => ENTITIES[e])
const tag = (xml: string, name: string) => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)
  return m ? decode(m[1]) : undefined
}

export function loadRealWorld(dir = REAL_WORLD_DIR): Array<RealFormula | RealRollUp> {
  const index = readFileSync(path.join(dir, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map(line => line.split('\t'))
  return index.map(([kind, object, field, , , , , , , file]) => {
    const xml = readFileSync(path.join(dir, file), 'utf8')
    if (kind === 'formula') {
      const scale = tag(xml, 'scale')
      return {field, file, formula: tag(xml, 'formula')!, kind, object, returnType: tag(xml, 'type')!, scale: scale === undefined ? undefined : Number(scale), treatBlanksAs: tag(xml, 'formulaTreatBlanksAs')}
    }

    const filterItems: FilterItem[] = [...xml.matchAll(/<summaryFilterItems>([\s\S]*?)<\/summaryFilterItems>/g)].map(([, item]) => ({
      field: tag(item, 'field')!, operation: tag(item, 'operation')!, value: tag(item, 'value'), valueField: tag(item, 'valueField'),
    }))
    return {field, file, filterItems, kind: 'rollup', object, operation: tag(xml, 'summaryOperation')!, summarizedField: tag(xml, 'summarizedField'), summaryForeignKey: tag(xml, 'summaryForeignKey')!}
  })
}

/** A guess from the name alone, tried first; the search below corrects it where the formula disagrees. */
export function guessType(name: string): ValueType {
  if (/^(id|.*id)$/i.test(name)) return 'text'
  if (/date_?time|createddate|lastmodifieddate|systemmodstamp/i.test(name)) return 'datetime'
  if (/date|birthdate|deadline/i.test(name)) return 'date'
  if (/^(is|has)_?[A-Z]|checkbox/i.test(name)) return 'boolean'
  if (/amount|price|total|count|number|hours|score|qty|quantity|percent|share|size|capacity|duration|cost|minutes/i.test(name)) return 'number'
  if (/status|stage|type|level|priority|rating/i.test(name)) return 'picklist'
  return 'text'
}

const PG_TYPES: Record<ValueType, string> = {boolean: 'boolean', date: 'date', datetime: 'timestamp', number: 'double precision', picklist: 'varchar(255)', text: 'varchar(1300)'}

/** Tables made up on demand: every field and lookup a formula names exists, with the type `types` gives it. */
export class StandIn {
  readonly tables = new Map<string, Map<string, ValueType>>()
  readonly used: string[] = []

  constructor(private readonly schema: string, private readonly types: Map<string, ValueType>) {}

  object(name: string, key = name.toLowerCase()): FormulaObject {
    const columns = this.tables.get(key) ?? new Map([['sfid', 'text' as ValueType]])
    this.tables.set(key, columns)
    return {
      field: (field) => {
        const id = `${key}.${field.toLowerCase()}`
        const column = field.toLowerCase() === 'id' ? 'sfid' : field.toLowerCase()
        const type = field.toLowerCase() === 'id' ? 'text' : this.types.get(id) ?? guessType(field)
        if (column !== 'sfid' && !this.used.includes(id)) this.used.push(id)
        if (column !== 'sfid') columns.set(column, type)
        return {column, sfType: type, type}
      },
      lookup: (relationship) => {
        const column = lookupFieldName(relationship).toLowerCase()
        columns.set(column, 'text')
        return {column, object: this.object(relationship, `${key}.${relationship.toLowerCase()}`)}
      },
      name,
      table: `${quoteIdent(this.schema)}.${quoteIdent(key)}`,
    }
  }

  ddl(): string {
    return [`CREATE SCHEMA ${quoteIdent(this.schema)};`, ...[...this.tables].map(([key, columns]) =>
      `CREATE TABLE ${quoteIdent(this.schema)}.${quoteIdent(key)} (${[...columns].map(([c, t]) => `${quoteIdent(c)} ${PG_TYPES[t]}`).join(', ')});`)].join('\n')
  }
}

/** Every way to type `fields`, the name guesses first, at most `limit` of them. */
export function* typings(fields: string[], limit = 5000): Generator<Map<string, ValueType>> {
  const all: ValueType[] = ['text', 'number', 'date', 'datetime', 'boolean', 'picklist']
  const choices = fields.map(f => [guessType(f.split('.').at(-1)!), ...all.filter(t => t !== guessType(f.split('.').at(-1)!))])
  const counters = fields.map(() => 0)
  for (let n = 0; n < limit; n++) {
    yield new Map(fields.map((f, i) => [f, choices[i][counters[i]]]))
    let i = 0
    while (i < counters.length && ++counters[i] === all.length) counters[i++] = 0
    if (i === counters.length) return
  }
}

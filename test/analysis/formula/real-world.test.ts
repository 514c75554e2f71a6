import {expect} from 'chai'
import {existsSync} from 'node:fs'
import pg from 'pg'

import {translateRollUp} from '../../../src/analysis/formula/rollup.js'
import {fieldPaths, parse} from '../../../src/analysis/formula/syntax.js'
import {fromClause, translateFormula, type Translation} from '../../../src/analysis/formula/translate.js'
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js'
import {lookupFieldName, type ValueType} from '../../../src/analysis/formula/schema.js'

import {guessType, loadRealWorld, REAL_WORLD_DIR, type RealFormula, type RealRollUp, StandIn, typings} from './real-world.js'

// The translator over 80 real formula and roll-up fields from public Salesforce projects (kept
// outside the project; skipped when absent). None may crash it, and every translation must be
// SQL that Postgres accepts over tables made of the fields the formula names.

interface Outcome {
  field: RealFormula | RealRollUp
  standIn: StandIn
  sql?: string
  reason?: string
  detail?: string
}

/** Lookup columns the formula reads through (`Account__r.Name` → `account__c`) hold ids: text. */
function lookupColumns(field: RealFormula): string[] {
  return fieldPaths(parse(field.formula)).flatMap(p => p.slice(0, -1).map((relationship, i) => [field.object, ...p.slice(0, i), lookupFieldName(relationship)].join('.').toLowerCase()))
}

function translateReal(field: RealFormula, typing = new Map<string, ValueType>()): {standIn: StandIn; translation: Translation} {
  let lookups: string[] = []
  try {
    lookups = lookupColumns(field)
  } catch {}

  const types = new Map([...typing, ...lookups.map(id => [id, 'text'] as const)])
  const standIn = new StandIn(`rw_${field.object}_${field.field}`.toLowerCase().slice(0, 60), types)
  const object = standIn.object(field.object)
  const translation = translateFormula(field.formula, object, field)
  return {standIn, translation: translation.ok ? {...translation, sql: `SELECT ${translation.sql} AS v ${fromClause(object, translation.joins)}`} : translation}
}

/** The name guesses first; where they give a type error, the first typing of the named fields that fits. */
export function outcomeOf(field: RealFormula | RealRollUp): Outcome {
  if (field.kind === 'rollup') {
    const standIn = new StandIn(`rw_${field.object}_${field.field}`.toLowerCase().slice(0, 60), rollUpTypes(field))
    standIn.object(field.object)
    const child = standIn.object(field.summaryForeignKey.split('.')[0], 'child')
    child.field(field.summaryForeignKey.split('.')[1])
    const result = translateRollUp(field, child)
    return result.ok ? {field, sql: `SELECT t.sfid, ${result.sql} AS v FROM ${standIn.object(field.object).table} t`, standIn} : {detail: result.detail, field, reason: result.reason, standIn}
  }

  const first = translateReal(field)
  if (first.translation.ok || first.translation.reason !== 'type') return toOutcome(field, first)
  const named = [...new Set(fieldPaths(parse(field.formula)).map(p => [field.object, ...p].join('.').toLowerCase()))].filter(id => !lookupColumns(field).includes(id))
  for (const typing of typings(named)) {
    const attempt = translateReal(field, typing)
    if (attempt.translation.ok || attempt.translation.reason !== 'type') return toOutcome(field, attempt)
  }

  return toOutcome(field, first)
}

/** A roll-up names its fields' types by use: SUM reads numbers, a filter's value shows its field's type. */
function rollUpTypes(field: RealRollUp): Map<string, ValueType> {
  const types = new Map<string, ValueType>()
  const id = (qualified: string) => `child.${qualified.split('.')[1].toLowerCase()}`
  if (field.summarizedField) types.set(id(field.summarizedField), field.operation === 'sum' || guessType(field.summarizedField) === 'text' ? 'number' : guessType(field.summarizedField))
  for (const item of field.filterItems) {
    const value = item.value ?? ''
    types.set(id(item.field), /^(true|false)$/i.test(value) ? 'boolean' : /^\d+(\.\d+)?$/.test(value) ? 'number' : value === '' ? guessType(item.field) : 'picklist')
  }

  return types
}

const toOutcome = (field: RealFormula, {standIn, translation}: ReturnType<typeof translateReal>): Outcome =>
  translation.ok ? {field, sql: translation.sql, standIn} : {detail: translation.detail, field, reason: translation.reason, standIn}

const present = existsSync(REAL_WORLD_DIR)

describe('formula translator over real-world fields', function () {
  let db: TestDatabase
  let client: pg.Client
  let outcomes: Outcome[]

  before(async function () {
    if (!present) return this.skip()
    outcomes = loadRealWorld().map(f => outcomeOf(f))
    db = await createTestDatabase('realworld')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
  })

  after(async function () {
    await client?.end()
    await db?.drop()
  })

  it('reads all 80 fields and translates or refuses each without crashing', function () {
    expect(outcomes).to.have.length(80)
    const byReason = new Map<string, number>()
    for (const o of outcomes) byReason.set(o.reason ?? 'translated', (byReason.get(o.reason ?? 'translated') ?? 0) + 1)
    const line = (kind: string) => {
      const of = outcomes.filter(o => o.field.kind === kind)
      const counts = new Map<string, number>()
      for (const o of of) counts.set(o.reason ?? 'translated', (counts.get(o.reason ?? 'translated') ?? 0) + 1)
      return `${kind}: ${of.length} — ${[...counts].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ')}`
    }

    if (process.env.REAL_WORLD_REPORT) console.log(`${line('formula')}\n${line('rollup')}\n${outcomes.filter(o => o.reason).map(o => `  ${o.field.object}.${o.field.field}: ${o.reason}: ${o.detail}`).join('\n')}`)
    expect(byReason.get('translated')).to.be.greaterThan(0)
  })

  it('every translation is SQL that Postgres plans and runs over stand-in tables', async function () {
    for (const outcome of outcomes.filter(o => o.sql)) {
      const where = `${outcome.field.object}.${outcome.field.field}: ${outcome.sql}`
      await client.query(outcome.standIn.ddl())
      await client.query(`EXPLAIN ${outcome.sql}`).catch((error: Error) => expect.fail(`${where}\n${error.message}`))
      // and it runs over a row of blanks without a runtime error
      for (const table of outcome.standIn.tables.keys()) await client.query(`INSERT INTO ${outcome.standIn.object('x', table).table} (sfid) VALUES ('a')`)
      await client.query(outcome.sql!)
    }
  })

  // Worked out by hand from Salesforce's rules, for records chosen to hit the blank cases
  const SAMPLES: Array<{field: string; rows: string; expected: Array<null | string>}> = [
    {
      expected: ['Doe, Jane', 'Doe, ', ', '],
      field: 'Volunteer_Hours__c.Full_Name__c',
      rows: `INSERT INTO "volunteer_hours__c.contact__r" (sfid, lastname, firstname) VALUES ('c1', 'Doe', 'Jane'), ('c2', 'Doe', NULL);
             INSERT INTO volunteer_hours__c (sfid, contact__c) VALUES ('h1', 'c1'), ('h2', 'c2'), ('h3', NULL);`,
    },
    {
      // 49.995 × 3 = 149.985, shown with 2 decimals, rounding half up; a blank price counts as 0
      expected: ['149.99', '0.00', '0.00'],
      field: 'Booking__c.Total_Price__c',
      rows: `INSERT INTO "booking__c.session__r.experience__r" (sfid, price__c) VALUES ('e1', 49.995), ('e2', NULL);
             INSERT INTO "booking__c.session__r" (sfid, experience__c) VALUES ('s1', 'e1'), ('s2', 'e2');
             INSERT INTO booking__c (sfid, session__c, number_of_guests__c) VALUES ('b1', 's1', 3), ('b2', 's2', 3), ('b3', NULL, 2);`,
    },
    {
      // a Percent formula computes 0.75; the API, and so Connect, holds 75
      expected: ['75', null, '0'],
      field: 'Contact.AttendanceRate__c',
      rows: `INSERT INTO contact (sfid, numpresentservicedeliveries__c, numabsentservicedeliveries__c) VALUES ('a', 3, 1), ('b', 0, NULL), ('c', 0, 2);`,
    },
    {
      // COUNT of children whose status is Renewal or Current, in any case
      expected: ['2', '0'],
      field: 'Membership__c.Active_Contacts__c',
      rows: `INSERT INTO membership__c (sfid) VALUES ('m1'), ('m2');
             INSERT INTO child (sfid, membership__c, status__c) VALUES ('r1', 'm1', 'Renewal'), ('r2', 'm1', 'current'), ('r3', 'm1', 'Lapsed'), ('r4', 'm1', NULL), ('r5', 'm2', 'Lapsed');`,
    },
  ]

  for (const sample of SAMPLES) {
    it(`computes what Salesforce computes for ${sample.field}`, async function () {
      const outcome = outcomes.find(o => `${o.field.object}.${o.field.field}` === sample.field)!
      expect(outcome.sql, outcome.detail).to.be.a('string')
      const schema = `sample_${sample.field.replaceAll('.', '_').toLowerCase()}`
      await client.query(outcome.standIn.ddl().replaceAll(/"rw_[^"]+"/g, `"${schema}"`))
      await client.query(`SET search_path = "${schema}"; ${sample.rows}`)
      const {rows} = await client.query({rowMode: 'array', text: `SELECT v::text FROM (${outcome.sql!.replaceAll(/"rw_[^"]+"/g, `"${schema}"`)}) s(${outcome.field.kind === 'rollup' ? 'sfid, v' : 'v'}) ORDER BY 1`})
      await client.query('RESET search_path')
      expect(rows.map(([v]) => v).sort()).to.deep.equal([...sample.expected].sort())
    })
  }
})

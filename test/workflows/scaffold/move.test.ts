import {expect} from 'chai'

import type {ForeignObjects} from '../../../src/analysis/foreign-objects.js'
import type {RelationFacts} from '../../../src/snapshot/types.js'

import {functionEdits, moveStatements} from '../../../src/workflows/scaffold/move.js'

// What --move writes and what it asks people to change by hand.

const relation = (name: string, kind: string): RelationFacts => ({columns: [], indexes: [], kind, name, ownedBy: null, triggers: []})
const found = (fns: string[], relations: RelationFacts[] = []): ForeignObjects => ({
  functions: fns.map(name => ({fn: {name, signature: 'integer'}, leftoverMapping: false})), indexes: [], relations: relations.map(r => ({leftoverMapping: false, relation: r})), triggers: [],
})

describe('scaffold --move', function () {
  it('moves each kind with its own ALTER, quoting hostile names, and functions only when they exist', function () {
    const statements = moveStatements(found(['f'], [relation('we"ird', 'r'), relation('v', 'v'), relation('m', 'm'), relation('s', 'S')]), 'Sales force', 'app')
    expect(statements).to.deep.equal([
      'ALTER TABLE IF EXISTS "Sales force"."we""ird" SET SCHEMA "app";',
      'ALTER VIEW IF EXISTS "Sales force"."v" SET SCHEMA "app";',
      'ALTER MATERIALIZED VIEW IF EXISTS "Sales force"."m" SET SCHEMA "app";',
      'ALTER SEQUENCE IF EXISTS "Sales force"."s" SET SCHEMA "app";',
      `DO $scaffold$ BEGIN IF to_regprocedure('"Sales force"."f"(integer)') IS NOT NULL THEN ALTER FUNCTION "Sales force"."f"(integer) SET SCHEMA "app"; END IF; END $scaffold$;`,
    ])
  })

  it('refuses a name that would end its quoting block', function () {
    expect(() => moveStatements(found(['x$scaffold$y']), 'salesforce', 'app')).to.throw(/\$scaffold\$/)
  })

  it('lists the lines that name the old schema, and a search_path to pin for bare names of moved tables', function () {
    const bodies = [
      {name: 'audit_note', pinsSearchPath: false, signature: 'integer', source: 'BEGIN\n  INSERT INTO notes (id) VALUES ($1);\n  PERFORM 1 FROM salesforce.contact;\nEND'},
      {name: 'pinned', pinsSearchPath: true, signature: 'integer', source: 'BEGIN\n  PERFORM 1 FROM notes;\nEND'},
      {name: 'clean', pinsSearchPath: false, signature: 'integer', source: 'BEGIN RETURN 1; END'},
    ]
    const edits = functionEdits(found(['audit_note', 'pinned', 'clean'], [relation('notes', 'r')]), bodies, 'salesforce', 'app')
    expect(edits).to.deep.equal([
      {change: 'name "app" for objects that moved, keep "salesforce" for Connect\'s tables', function: '"app"."audit_note"(integer)', line: 3, text: 'PERFORM 1 FROM salesforce.contact;'},
      {change: 'ALTER FUNCTION "app"."audit_note"(integer) SET search_path = "app", "salesforce";', function: '"app"."audit_note"(integer)', line: 2, text: 'INSERT INTO notes (id) VALUES ($1);'},
    ])
  })
})

import type {FormulaObject} from '../../../src/analysis/formula/schema.js'

// A tiny org by hand: Contact → Account → User (owner), the tables Connect would make for them,
// and two contacts: one with every field filled, one with every field blank (NULL or '').

interface Spec {
  name: string
  table: string
  fields: Record<string, {sfType: string; type?: 'boolean' | 'date' | 'datetime' | 'number' | 'picklist' | 'text'; percent?: boolean}>
  lookups: Record<string, {column: string; object: string}>
}

const SPECS: Spec[] = [
  {
    fields: {Name: {sfType: 'string', type: 'text'}, Secret__c: {sfType: 'encryptedstring'}},
    lookups: {},
    name: 'User',
    table: 'user',
  },
  {
    fields: {
      AnnualRevenue: {sfType: 'currency', type: 'number'}, Name: {sfType: 'string', type: 'text'}, Rating: {sfType: 'picklist', type: 'picklist'},
    },
    lookups: {Owner: {column: 'ownerid', object: 'User'}},
    name: 'Account',
    table: 'account',
  },
  {
    fields: {
      Active__c: {sfType: 'boolean', type: 'boolean'},
      Amount__c: {sfType: 'currency', type: 'number'},
      Birthdate: {sfType: 'date', type: 'date'},
      Code__c: {sfType: 'string', type: 'text'},
      Discount__c: {percent: true, sfType: 'percent', type: 'number'},
      FirstName: {sfType: 'string', type: 'text'},
      LastName: {sfType: 'string', type: 'text'},
      LastSeen__c: {sfType: 'datetime', type: 'datetime'},
      Level__c: {sfType: 'picklist', type: 'picklist'},
      Qty__c: {sfType: 'double', type: 'number'},
      Tags__c: {sfType: 'multipicklist'},
    },
    lookups: {Account: {column: 'accountid', object: 'Account'}},
    name: 'Contact',
    table: 'contact',
  },
]

export function objectNamed(name: string): FormulaObject {
  const spec = SPECS.find(s => s.name === name)!
  return {
    field(field) {
      const key = Object.keys(spec.fields).find(k => k.toLowerCase() === field.toLowerCase())
      return key ? {column: key.toLowerCase(), percent: spec.fields[key].percent, sfType: spec.fields[key].sfType, type: spec.fields[key].type} : undefined
    },
    lookup(relationship) {
      const key = Object.keys(spec.lookups).find(k => k.toLowerCase() === relationship.toLowerCase())
      return key ? {column: spec.lookups[key].column, object: objectNamed(spec.lookups[key].object)} : undefined
    },
    name,
    table: `f."${spec.table}"`,
  }
}

export const FIXTURE_SQL = `
CREATE SCHEMA f;
CREATE TABLE f."user" (sfid varchar(18), name varchar(255), secret__c varchar(175));
CREATE TABLE f.account (sfid varchar(18), name varchar(255), annualrevenue double precision, rating varchar(255), ownerid varchar(18));
CREATE TABLE f.contact (sfid varchar(18), firstname varchar(40), lastname varchar(80), accountid varchar(18), active__c boolean,
  amount__c double precision, birthdate date, code__c varchar(255), discount__c double precision, lastseen__c timestamp,
  level__c varchar(255), qty__c double precision, tags__c varchar(4099));
INSERT INTO f."user" VALUES ('005A', 'Olga Owner', 'x');
INSERT INTO f.account VALUES ('001A', 'Acme', 1250000.5, 'Hot', '005A'), ('001B', NULL, NULL, NULL, NULL);
INSERT INTO f.contact VALUES
  ('003FULL', 'Ada', 'Lovelace', '001A', TRUE, 12.5, '1990-02-28', ' 42.50 ', 25, '2024-03-01 13:45:07', 'Gold', 3, 'a;b'),
  ('003BLANK', '', NULL, '001B', NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL),
  ('003ORPHAN', 'Orphan', 'Kid', NULL, FALSE, -2, '2000-01-01', 'abc', 0, '2000-01-01 00:00:00', '', 0, NULL);
`

import {expect} from 'chai'

import {parseSoql, SoqlError} from '../../../src/sandbox/salesforce/soql.js'

describe('sandbox Salesforce SOQL parser', () => {
  it('parses fields, relationship paths, filters, order and limit', () => {
    const q = parseSoql(
      "SELECT Id, Profile.UserLicense.Name FROM User WHERE Id = '005x' AND Status IN ('a', 'b') AND LoginTime = LAST_N_DAYS:30 ORDER BY Name DESC, Id LIMIT 10 OFFSET 5",
    )
    expect(q.fields).to.deep.equal([['Id'], ['Profile', 'UserLicense', 'Name']])
    expect(q.from).to.equal('User')
    expect(q.where).to.deep.equal([
      {op: '=', path: ['Id'], values: [{kind: 'string', value: '005x'}]},
      {op: 'IN', path: ['Status'], values: [{kind: 'string', value: 'a'}, {kind: 'string', value: 'b'}]},
      {op: '=', path: ['LoginTime'], values: [{kind: 'relative', n: 30, name: 'LAST_N_DAYS'}]},
    ])
    expect(q.orderBy).to.deep.equal([
      {descending: true, nullsLast: true, path: ['Name']},
      {descending: false, nullsLast: false, path: ['Id']},
    ])
    expect(q.limit).to.equal(10)
    expect(q.offset).to.equal(5)
  })

  it('parses COUNT() in any case, literals and escapes', () => {
    const q = parseSoql("select count() from Contact where IsDeleted = false and Amount >= 10.5 and Name != 'O\\'Brien' and CreatedDate > 2024-01-01T00:00:00Z and Birthdate < 2000-01-01 and Email = null and Name NOT IN ('x')")
    expect(q.count).to.equal(true)
    expect(q.fields).to.deep.equal([])
    expect(q.where.map(c => [c.op, c.values[0]])).to.deep.equal([
      ['=', {kind: 'boolean', value: false}],
      ['>=', {kind: 'number', value: 10.5}],
      ['!=', {kind: 'string', value: "O'Brien"}],
      ['>', {kind: 'datetime', value: '2024-01-01T00:00:00Z'}],
      ['<', {kind: 'date', value: '2000-01-01'}],
      ['=', {kind: 'null'}],
      ['NOT IN', {kind: 'string', value: 'x'}],
    ])
  })

  for (const [soql, construct] of [
    ['SELECT Id FROM Account WHERE Name = \'a\' OR Name = \'b\'', 'OR'],
    ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', 'sub-query'],
    ['SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry', 'COUNT(field)'],
    ['SELECT Id FROM Account GROUP BY Id', 'GROUP BY'],
    ['SELECT SUM(Amount) FROM Opportunity', 'SUM()'],
    ['SELECT Id FROM Account WHERE NOT Name = \'a\'', 'NOT'],
    ['SELECT Id FROM Account a', 'alias'],
  ]) {
    it(`refuses ${construct} with MALFORMED_QUERY naming it`, () => {
      expect(() => parseSoql(soql)).to.throw(SoqlError, construct)
      try {
        parseSoql(soql)
      } catch (error) {
        expect((error as SoqlError).errorCode).to.equal('MALFORMED_QUERY')
        expect((error as SoqlError).status).to.equal(400)
      }
    })
  }

  it('parses a semi-join one level deep, and refuses a nested one or one selecting several fields', () => {
    const query = parseSoql("SELECT Field FROM FieldPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '005') AND SobjectType IN ('Contact')")
    expect(query.where[0]).to.deep.include({op: 'IN', path: ['ParentId'], values: []})
    expect(query.where[0].subquery).to.deep.include({fields: [['PermissionSetId']], from: 'PermissionSetAssignment', text: "SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '005'"})
    expect(query.where[1].values).to.deep.equal([{kind: 'string', value: 'Contact'}])
    expect(parseSoql('SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)').where[0].op).to.equal('NOT IN')
    expect(() => parseSoql('SELECT Id FROM A WHERE Id IN (SELECT B FROM C WHERE D IN (SELECT E FROM F))')).to.throw(SoqlError, 'Nesting of semi join sub-selects is not supported')
    expect(() => parseSoql('SELECT Id FROM A WHERE Id IN (SELECT B, C FROM D)')).to.throw(SoqlError, 'single field')
  })

  it('reports syntax errors with row and column like Salesforce', () => {
    expect(() => parseSoql('SELECT Id FROM')).to.throw(/ERROR at Row:1:Column:15\nunexpected token: <EOF>/)
    expect(() => parseSoql('SELECT Id Account')).to.throw(/unexpected token: Account/)
    expect(() => parseSoql("SELECT Id FROM Account WHERE Name = 'open")).to.throw(/unterminated string/)
    expect(() => parseSoql('SELECT Id, COUNT() FROM Account')).to.throw(/COUNT\(\) cannot be combined/)
  })
})

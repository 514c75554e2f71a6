import {expect} from 'chai'

import {parseHstore} from '../../../src/sandbox/connect/hstore.js'

describe('parseHstore', () => {
  it('reads hstore text output with NULLs, escapes and empty values', () => {
    expect(parseHstore('"id"=>"42", "sfid"=>NULL, "name"=>"Acme \\"Inc\\"", "path"=>"a\\\\b", "empty"=>""')).to.deep.equal({
      empty: '',
      id: '42',
      name: 'Acme "Inc"',
      path: 'a\\b',
      sfid: null,
    })
  })

  it('treats a quoted "NULL" as the string and handles empty input', () => {
    expect(parseHstore('"a"=>"NULL"')).to.deep.equal({a: 'NULL'})
    expect(parseHstore('')).to.deep.equal({})
    expect(parseHstore(null)).to.deep.equal({})
  })

  it('rejects malformed text', () => {
    expect(() => parseHstore('"a" "b"')).to.throw(/malformed hstore/)
  })
})

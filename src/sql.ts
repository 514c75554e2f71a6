// Identifier quoting for SQL we build. Values always travel as bind parameters; identifiers
// (schema, table, column and role names read from the catalog or from users) cannot, so they
// go through quoteIdent, which doubles embedded quotes and rejects NUL.

export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('identifiers cannot contain NUL bytes')
  return `"${name.replaceAll('"', '""')}"`
}

export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`
}

/** A string literal for the few places Postgres takes no parameters (DDL defaults, comments). */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('literals cannot contain NUL bytes')
  return `'${value.replaceAll("'", "''")}'`
}

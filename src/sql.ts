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

/** UTF-8 length, the unit of Postgres's identifier limit. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** A name template: literal pieces are kept whole, `{part}` pieces may be shortened to fit 63 bytes. */
export type NamePiece = string | {part: string}

/** Postgres keeps at most this many bytes of an identifier (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that does not split a character. */
export function clipBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text
  let out = ''
  let used = 0
  for (const char of text) {
    const size = utf8Bytes(char)
    if (used + size > maxBytes) break
    out += char
    used += size
  }

  return out
}

/** What Postgres makes of an identifier: the Connect API names tables in full, the catalog has the cut. */
export function truncateIdentifier(name: string): string {
  return clipBytes(name, MAX_IDENTIFIER_BYTES)
}

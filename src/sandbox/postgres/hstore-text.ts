import {quoteLiteral} from '../../sql.js'

// hstore's text form built by plain concatenation. Building `hstore(ROW(…))::text` per seeded log
// row costs about 16 µs (2M rows: half a minute); concatenation is several times cheaper. The
// output must be byte-identical to hstore_out, so the rules are hstore's: pairs ordered by key
// length then bytes, `"key"=>"value"` joined by `, `, NULL unquoted, `"` and `\` escaped.

export interface HstoreEntry {
  key: string
  /** a SQL expression of type text that is never NULL, or null for a NULL value */
  text: string | null
}

const escapeText = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')

function compareKeys(a: string, b: string): number {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length ? Buffer.compare(left, right) : left.length - right.length
}

/** The text of a column value as hstore(record) writes it (its type's output function). */
export function columnText(expr: string, pgType: string): string {
  // boolean::text says true/false; boolout, which hstore uses, says t/f
  const text = pgType === 'boolean' ? `CASE WHEN ${expr} THEN 't' ELSE 'f' END` : `(${expr})::text`
  // only literal parts can carry quotes or backslashes; generated digits and hex never do
  return /["\\]/.test(expr) ? `replace(replace(${text}, '\\', '\\\\'), '"', '\\"')` : text
}

export function hstoreTextSql(entries: HstoreEntry[]): string {
  if (entries.length === 0) return "''"
  const sorted = [...entries].sort((a, b) => compareKeys(a.key, b.key))
  const parts: string[] = []
  let literal = ''
  for (const [index, entry] of sorted.entries()) {
    literal += `${index === 0 ? '' : ', '}"${escapeText(entry.key)}"=>`
    if (entry.text === null) {
      literal += 'NULL'
      continue
    }

    parts.push(quoteLiteral(`${literal}"`), entry.text)
    literal = '"'
  }

  parts.push(quoteLiteral(literal))
  return `(${parts.filter((p) => p !== "''").join(' || ')})`
}

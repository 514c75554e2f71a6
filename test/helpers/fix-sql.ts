// The SQL statements inside a fix's text. A fix is prose, a command, SQL, or a mix such as
// "keep in your migrations: CREATE INDEX …;" or "… DROP CONSTRAINT x; until then: …". A statement
// starts with an SQL keyword outside quotes and ends at a semicolon outside quotes (single,
// double, dollar) or at the end of the text; prose after a semicolon ends the SQL.

const KEYWORD = /^(ALTER|CREATE|DELETE|DO|DROP|INSERT|SELECT|UPDATE)\s/

export function sqlStatements(fix: string): string[] {
  const statements: string[] = []
  let at = statementStart(fix, 0)
  while (at >= 0) {
    const end = statementEnd(fix, at)
    statements.push(fix.slice(at, end).trim().replace(/;$/, ''))
    const next = end + (fix.slice(end).match(/^\s*/)?.[0].length ?? 0)
    // another statement must follow directly; prose ends the SQL
    if (!KEYWORD.test(fix.slice(next))) break
    at = next
  }

  return statements
}

/** Past a quoted part starting at `i` (its closing quote), or i itself when nothing is quoted there. */
function skipQuoted(text: string, i: number): number {
  const char = text[i]
  if (char === "'" || char === '"') {
    let close = text.indexOf(char, i + 1)
    while (close >= 0 && text[close + 1] === char) close = text.indexOf(char, close + 2)
    return close < 0 ? text.length : close
  }

  const tag = char === '$' ? /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0] : undefined
  if (tag) {
    const close = text.indexOf(tag, i + tag.length)
    return close < 0 ? text.length : close + tag.length - 1
  }

  return i
}

function statementStart(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const skipped = skipQuoted(text, i)
    if (skipped !== i) {
      i = skipped
      continue
    }

    if ((i === 0 || /[\s:(]/.test(text[i - 1])) && KEYWORD.test(text.slice(i))) return i
  }

  return -1
}

function statementEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const skipped = skipQuoted(text, i)
    if (skipped !== i) i = skipped
    else if (text[i] === ';') return i + 1
  }

  return text.length
}

// _trigger_log.values and .old are text holding hstore output (`"name"=>"Acme", "sfid"=>NULL`),
// not hstore columns (heroku-connect-db.md §3.2). Parsed here rather than cast in SQL, so the
// fake needs no particular search_path to find the hstore type.

export function parseHstore(text: string | null | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  if (!text) return out
  let i = 0
  const n = text.length
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i])) i++
  }

  const readToken = (): {quoted: boolean; value: string} => {
    skipSpace()
    if (text[i] === '"') {
      i++
      let value = ''
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) i++
        value += text[i++]
      }

      i++
      return {quoted: true, value}
    }

    const start = i
    while (i < n && !/[\s,=]/.test(text[i])) i++
    return {quoted: false, value: text.slice(start, i)}
  }

  while (i < n) {
    skipSpace()
    if (i >= n) break
    const key = readToken()
    skipSpace()
    if (text.slice(i, i + 2) !== '=>') throw new Error(`malformed hstore near position ${i}`)
    i += 2
    const value = readToken()
    out[key.value] = !value.quoted && value.value.toUpperCase() === 'NULL' ? null : value.value
    skipSpace()
    if (text[i] === ',') i++
  }

  return out
}

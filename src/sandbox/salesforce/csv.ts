// RFC 4180 CSV as the Bulk API 2.0 speaks it: comma-delimited, double-quoted fields with ""
// escapes, LF or CRLF line endings. Small on purpose; jsforce does the client side.

export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }

      if (ch === '"') quoted = false
      else cell += ch
      i++
      continue
    }

    if (ch === '"') {
      quoted = true
    } else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else {
      cell += ch
    }

    i++
  }

  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }

  return rows.filter(r => !(r.length === 1 && r[0] === ''))
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  return `"${String(value).replaceAll('"', '""')}"`
}

export function formatCsv(header: string[], rows: unknown[][]): string {
  return [header.map(h => cell(h)).join(','), ...rows.map(r => r.map(v => cell(v)).join(','))].join('\n') + '\n'
}

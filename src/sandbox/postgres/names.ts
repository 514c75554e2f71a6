// Object names the way Postgres would end up with them. Postgres silently cuts identifiers to
// 63 bytes (at a character boundary), so `hc_<t>_logger` and `hc_<t>_status` of a long table
// name become the same name and the second CREATE would replace or clash with the first. We keep
// the plain cut whenever it is unambiguous (that is the name a real Connect database shows) and
// otherwise shorten the variable parts instead, keeping the distinguishing suffix, the way
// Postgres names its own objects (makeObjectName / ChooseRelationName), then number if needed.

import {type NamePiece, clipBytes, MAX_IDENTIFIER_BYTES, truncateIdentifier, utf8Bytes as bytes} from '../../sql.js'

export {clipBytes, MAX_IDENTIFIER_BYTES, truncateIdentifier} from '../../sql.js'

const render = (pieces: NamePiece[]): string => pieces.map((p) => (typeof p === 'string' ? p : p.part)).join('')

/** Shortens the longest variable part first until the whole name fits in 63 bytes. */
export function fitName(pieces: NamePiece[]): string {
  const fixed = pieces.reduce((sum, p) => sum + (typeof p === 'string' ? bytes(p) : 0), 0)
  const budget = MAX_IDENTIFIER_BYTES - fixed
  if (budget < 0) throw new Error(`name template is longer than ${MAX_IDENTIFIER_BYTES} bytes: ${render(pieces)}`)
  const parts = pieces.flatMap((p) => (typeof p === 'string' ? [] : [p.part]))
  const sizes = parts.map((part) => bytes(part))
  while (sizes.reduce((a, b) => a + b, 0) > budget) {
    let longest = 0
    for (let i = 1; i < sizes.length; i++) if (sizes[i] >= sizes[longest]) longest = i
    sizes[longest]--
  }

  let index = 0
  return pieces.map((p) => (typeof p === 'string' ? p : clipBytes(p.part, sizes[index++]))).join('')
}

/** Hands out distinct names within one Postgres namespace (relations of a schema, functions of a schema, triggers of a table). */
export class NameAllocator {
  private readonly taken = new Set<string>()

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name)
  }

  take(pieces: NamePiece[]): string {
    const plain = truncateIdentifier(render(pieces))
    if (!this.taken.has(plain)) return this.claim(plain)
    for (let n = 0; ; n++) {
      const candidate = fitName(n === 0 ? pieces : [...pieces, String(n)])
      if (!this.taken.has(candidate)) return this.claim(candidate)
    }
  }

  private claim(name: string): string {
    this.taken.add(name)
    return name
  }
}

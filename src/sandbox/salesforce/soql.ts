import {SalesforceFault} from './fault.js'

// A deliberately small SOQL parser: the subset the plugin sends, parsed strictly. Anything
// outside it (OR, NOT, sub-queries, GROUP BY, aggregates other than COUNT()) is refused with
// MALFORMED_QUERY naming the construct, so a test never passes on a query the fake misread.
// Semi-joins (`Id IN (SELECT ParentId FROM …)`) are parsed one level deep, as Salesforce allows.

export type Literal =
  | {kind: 'boolean'; value: boolean}
  | {kind: 'date'; value: string}
  | {kind: 'datetime'; value: string}
  | {kind: 'null'}
  | {kind: 'number'; value: number}
  | {kind: 'relative'; n: number; name: string}
  | {kind: 'string'; value: string}

export type Operator = '!=' | '<' | '<=' | '=' | '>' | '>=' | 'IN' | 'LIKE' | 'NOT IN'

export interface Condition {
  path: string[]
  op: Operator
  /** one literal, or the list of an IN / NOT IN */
  values: Literal[]
  /** a semi-join (IN) or anti-join (NOT IN): the ids one field of another query selects */
  subquery?: SoqlQuery
}

export interface OrderItem {
  path: string[]
  descending: boolean
  nullsLast: boolean
}

export interface SoqlQuery {
  text: string
  /** field paths as written; empty when the query is SELECT COUNT() */
  fields: string[][]
  count: boolean
  from: string
  where: Condition[]
  orderBy: OrderItem[]
  limit?: number
  offset?: number
}

type TokenKind = 'date' | 'datetime' | 'end' | 'ident' | 'number' | 'punct' | 'string'
interface Token {
  kind: TokenKind
  text: string
  value?: string
  at: number
}

const SUPPORTED = 'the sandbox supports SELECT fields | COUNT() FROM object [WHERE a AND b AND f IN (SELECT g FROM o WHERE …)] [ORDER BY f [DESC]] [LIMIT n] [OFFSET n]'
const RELATIVE_DATES = new Set(['LAST_N_DAYS', 'N_DAYS_AGO', 'NEXT_N_DAYS', 'TODAY', 'TOMORROW', 'YESTERDAY'])
const AGGREGATES = new Set(['AVG', 'COUNT_DISTINCT', 'FORMAT', 'MAX', 'MIN', 'SUM', 'TOLABEL', 'TYPEOF', 'CONVERTCURRENCY'])

export class SoqlError extends SalesforceFault {
  constructor(message: string, errorCode = 'MALFORMED_QUERY') {
    super(400, errorCode, message)
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const patterns: Array<[TokenKind, RegExp]> = [
    ['datetime', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/],
    ['date', /^\d{4}-\d{2}-\d{2}(?![\w:])/],
    ['number', /^-?\d+(?:\.\d+)?/],
    ['ident', /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/],
    ['punct', /^(?:!=|<>|<=|>=|[(),=<>:])/],
  ]
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) {
      i += space[0].length
      continue
    }

    if (rest[0] === "'") {
      const {length, value} = readString(text, i)
      tokens.push({at: i, kind: 'string', text: text.slice(i, i + length), value})
      i += length
      continue
    }

    const hit = patterns.map(([kind, re]) => [kind, re.exec(rest)] as const).find(([, m]) => m)
    if (!hit) throw syntaxError(text, i, rest[0])
    const [kind, match] = hit
    tokens.push({at: i, kind, text: match![0]})
    i += match![0].length
  }

  tokens.push({at: text.length, kind: 'end', text: '<EOF>'})
  return tokens
}

function readString(text: string, start: number): {length: number; value: string} {
  let value = ''
  let i = start + 1
  while (i < text.length) {
    const ch = text[i]
    if (ch === '\\') {
      const next = text[i + 1]
      const escapes: Record<string, string> = {'"': '"', "'": "'", '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}
      // \% and \_ stay escaped: they only mean something inside LIKE patterns
      value += next === '%' || next === '_' ? `\\${next}` : escapes[next] ?? next
      i += 2
      continue
    }

    if (ch === "'") return {length: i - start + 1, value}
    value += ch
    i++
  }

  throw new SoqlError(`unterminated string literal starting at column ${start + 1}`)
}

function syntaxError(text: string, at: number, token: string): SoqlError {
  return new SoqlError(`\n${text}\n${' '.repeat(at)}^\nERROR at Row:1:Column:${at + 1}\nunexpected token: ${token}`)
}

const unsupported = (what: string): SoqlError => new SoqlError(`${what} is not supported by the fake Salesforce: ${SUPPORTED}`)

class Parser {
  private pos = 0
  private depth = 0
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): SoqlQuery {
    const query = this.query()
    const end = this.next()
    if (end.kind !== 'end') throw this.unexpected(end)
    return query
  }

  private query(): SoqlQuery {
    this.keyword('SELECT')
    const {count, fields} = this.selectList()
    this.keyword('FROM')
    const from = this.next()
    if (from.kind !== 'ident' || from.text.includes('.')) throw this.unexpected(from)
    const query: SoqlQuery = {count, fields, from: from.text, orderBy: [], text: this.text, where: []}
    if (this.peek().kind === 'ident' && !this.isKeyword(this.peek())) throw unsupported('an object alias in FROM')
    if (this.accept('USING')) throw unsupported('USING SCOPE')
    if (this.accept('WHERE')) query.where = this.conditions()
    if (this.accept('WITH')) throw unsupported('WITH')
    if (this.accept('GROUP')) throw unsupported('GROUP BY')
    if (this.accept('ORDER')) {
      this.keyword('BY')
      query.orderBy = this.orderList()
    }

    if (this.accept('LIMIT')) query.limit = this.integer()
    if (this.accept('OFFSET')) query.offset = this.integer()
    if (this.accept('FOR')) throw unsupported('FOR VIEW / FOR REFERENCE / FOR UPDATE')
    return query
  }

  /** `(SELECT field FROM object [WHERE …])` after IN / NOT IN, the opening parenthesis consumed. */
  private subquery(): SoqlQuery {
    if (this.depth > 0) throw new SoqlError('Nesting of semi join sub-selects is not supported', 'INVALID_QUERY_FILTER_OPERATOR')
    const start = this.peek().at
    this.depth++
    const inner = this.query()
    this.depth--
    if (inner.count || inner.fields.length !== 1) throw new SoqlError('The inner select field of a semi join must be a single field', 'MALFORMED_QUERY')
    if (inner.orderBy.length > 0 || inner.limit !== undefined || inner.offset !== undefined) throw unsupported('ORDER BY, LIMIT or OFFSET in a semi-join')
    const close = this.peek()
    if (!this.acceptPunct(')')) throw this.unexpected(close)
    return {...inner, text: this.text.slice(start, close.at)}
  }

  private selectList(): {count: boolean; fields: string[][]} {
    const fields: string[][] = []
    let count = false
    do {
      const token = this.next()
      if (token.kind === 'punct' && token.text === '(') throw unsupported('a sub-query (child relationship) in SELECT')
      if (token.kind !== 'ident') throw this.unexpected(token)
      const upper = token.text.toUpperCase()
      if (this.peek().text === '(') {
        if (upper !== 'COUNT') {
          throw AGGREGATES.has(upper) ? unsupported(`${upper}()`) : this.unexpected(this.peek())
        }

        this.next()
        const inner = this.next()
        if (inner.text !== ')') throw unsupported('COUNT(field) (an aggregate query)')
        count = true
        continue
      }

      fields.push(token.text.split('.'))
    } while (this.acceptPunct(','))
    if (count && fields.length > 0) throw new SoqlError('COUNT() cannot be combined with other fields in SELECT')
    return {count, fields}
  }

  private conditions(): Condition[] {
    const out: Condition[] = []
    do {
      if (this.peek().text === '(') throw unsupported('a parenthesised condition')
      if (this.peek().text.toUpperCase() === 'NOT') throw unsupported('NOT')
      out.push(this.condition())
      if (this.peek().text.toUpperCase() === 'OR') throw unsupported('OR')
    } while (this.accept('AND'))
    return out
  }

  private condition(): Condition {
    const field = this.next()
    if (field.kind !== 'ident') throw this.unexpected(field)
    const path = field.text.split('.')
    const opToken = this.next()
    const upper = opToken.text.toUpperCase()
    if (upper === 'IN' || (upper === 'NOT' && this.accept('IN'))) {
      const op: Operator = upper === 'IN' ? 'IN' : 'NOT IN'
      if (!this.acceptPunct('(')) throw this.unexpected(this.peek())
      if (this.peek().text.toUpperCase() === 'SELECT') return {op, path, subquery: this.subquery(), values: []}
      const values: Literal[] = []
      do values.push(this.literal())
      while (this.acceptPunct(','))
      if (!this.acceptPunct(')')) throw this.unexpected(this.peek())
      return {op, path, values}
    }

    if (upper === 'INCLUDES' || upper === 'EXCLUDES') throw unsupported(upper)
    const ops: Record<string, Operator> = {'!=': '!=', '<': '<', '<=': '<=', '<>': '!=', '=': '=', '>': '>', '>=': '>=', LIKE: 'LIKE'}
    const op = ops[upper]
    if (!op) throw this.unexpected(opToken)
    return {op, path, values: [this.literal()]}
  }

  private literal(): Literal {
    const token = this.next()
    switch (token.kind) {
      case 'string': { return {kind: 'string', value: token.value!} }
      case 'number': { return {kind: 'number', value: Number(token.text)} }
      case 'date': { return {kind: 'date', value: token.text} }
      case 'datetime': { return {kind: 'datetime', value: token.text} }
      case 'ident': {
        const upper = token.text.toUpperCase()
        if (upper === 'TRUE' || upper === 'FALSE') return {kind: 'boolean', value: upper === 'TRUE'}
        if (upper === 'NULL') return {kind: 'null'}
        if (RELATIVE_DATES.has(upper)) {
          if (!upper.includes('_N_')) return {kind: 'relative', n: 0, name: upper}
          if (!this.acceptPunct(':')) throw this.unexpected(this.peek())
          return {kind: 'relative', n: this.integer(), name: upper}
        }

        if (/^(?:LAST|NEXT|THIS)_/.test(upper)) throw unsupported(`the date literal ${upper}`)
        throw this.unexpected(token)
      }

      default: { throw this.unexpected(token) }
    }
  }

  private orderList(): OrderItem[] {
    const items: OrderItem[] = []
    do {
      const field = this.next()
      if (field.kind !== 'ident') throw this.unexpected(field)
      const descending = this.accept('DESC') ? true : (this.accept('ASC'), false)
      let nullsLast = descending
      if (this.accept('NULLS')) {
        if (this.accept('LAST')) nullsLast = true
        else if (this.accept('FIRST')) nullsLast = false
        else throw this.unexpected(this.peek())
      }

      items.push({descending, nullsLast, path: field.text.split('.')})
    } while (this.acceptPunct(','))
    return items
  }

  private integer(): number {
    const token = this.next()
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.unexpected(token)
    return Number(token.text)
  }

  private isKeyword(token: Token): boolean {
    return ['FOR', 'GROUP', 'LIMIT', 'OFFSET', 'ORDER', 'USING', 'WHERE', 'WITH'].includes(token.text.toUpperCase())
  }

  private keyword(word: string): void {
    const token = this.next()
    if (token.kind !== 'ident' || token.text.toUpperCase() !== word) throw this.unexpected(token)
  }

  private accept(word: string): boolean {
    const token = this.peek()
    if (token.kind === 'ident' && token.text.toUpperCase() === word) {
      this.pos++
      return true
    }

    return false
  }

  private acceptPunct(text: string): boolean {
    const token = this.peek()
    if (token.kind === 'punct' && token.text === text) {
      this.pos++
      return true
    }

    return false
  }

  private peek(): Token {
    return this.tokens[this.pos]
  }

  private next(): Token {
    const token = this.tokens[this.pos]
    if (token.kind !== 'end') this.pos++
    return token
  }

  private unexpected(token: Token): SoqlError {
    return syntaxError(this.text, token.at, token.text)
  }
}

export function parseSoql(text: string): SoqlQuery {
  const trimmed = text.trim()
  if (!trimmed) throw new SoqlError('empty query')
  return new Parser(trimmed, tokenize(trimmed)).parse()
}

// The Salesforce formula language as a syntax tree: a tokenizer and a precedence-climbing parser.
// Pure and small on purpose; what the tree means in SQL is translate.ts's business.

export type Node =
  | {kind: 'bool'; value: boolean}
  | {args: Node[]; kind: 'call'; name: string}
  | {kind: 'binary'; left: Node; op: string; right: Node}
  | {kind: 'field'; path: string[]}
  | {kind: 'negate'; operand: Node}
  | {kind: 'null'}
  | {kind: 'number'; text: string}
  | {kind: 'string'; value: string}

/** Every field path the formula names, in order of appearance. */
export function fieldPaths(node: Node): string[][] {
  switch (node.kind) {
    case 'binary': return [...fieldPaths(node.left), ...fieldPaths(node.right)]
    case 'call': return node.args.flatMap(a => fieldPaths(a))
    case 'field': return [node.path]
    case 'negate': return fieldPaths(node.operand)
    default: return []
  }
}

/** A formula the parser cannot read: the message says where. */
export class FormulaSyntaxError extends Error {}

interface Token {
  kind: 'name' | 'number' | 'op' | 'string'
  text: string
  at: number
}

const OPERATORS = ['&&', '||', '==', '!=', '<>', '<=', '>=', '+', '-', '*', '/', '^', '&', '=', '<', '>', '!', '(', ')', ',']
const ESCAPES: Record<string, string> = {'"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t'}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < source.length) {
    const rest = source.slice(at)
    const space = /^(\s+|\/\*[\s\S]*?\*\/)/.exec(rest)
    if (space) {
      at += space[0].length
      continue
    }

    const number = /^(\d+(\.\d*)?|\.\d+)/.exec(rest)
    const name = /^\$?[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?(\.\$?[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?)*/.exec(rest)
    if (number || name) {
      tokens.push({at, kind: number ? 'number' : 'name', text: (number ?? name)![0]})
      at += (number ?? name)![0].length
    } else if (rest[0] === '"' || rest[0] === "'") {
      const {end, value} = readString(source, at)
      tokens.push({at, kind: 'string', text: value})
      at = end
    } else {
      const op = OPERATORS.find(o => rest.startsWith(o))
      if (!op) throw new FormulaSyntaxError(`unexpected character ${JSON.stringify(rest[0])} at offset ${at}`)
      tokens.push({at, kind: 'op', text: op})
      at += op.length
    }
  }

  return tokens
}

function readString(source: string, start: number): {end: number; value: string} {
  const quote = source[start]
  let value = ''
  for (let at = start + 1; at < source.length; at++) {
    const char = source[at]
    if (char === quote) return {end: at + 1, value}
    if (char === '\\') {
      const escaped = ESCAPES[source[at + 1]]
      if (escaped === undefined) throw new FormulaSyntaxError(`unknown escape \\${source[at + 1] ?? ''} at offset ${at}`)
      value += escaped
      at++
    } else value += char
  }

  throw new FormulaSyntaxError(`string opened at offset ${start} is not closed`)
}

// Lowest first. `&` binds like `+`, as Salesforce's operator table lists them together.
const LEVELS = [['||'], ['&&'], ['=', '==', '!=', '<>', '<', '<=', '>', '>='], ['+', '-', '&'], ['*', '/'], ['^']]

export function parse(source: string): Node {
  const tokens = tokenize(source)
  let pos = 0
  const grouped = new WeakSet<Node>()
  const peek = () => tokens[pos]
  const expect = (text: string) => {
    const token = tokens[pos]
    if (token?.text !== text || token.kind !== 'op') throw new FormulaSyntaxError(`expected "${text}" ${where(token)}`)
    pos++
  }

  const where = (token: Token | undefined) => (token ? `at offset ${token.at}, found ${JSON.stringify(token.text)}` : 'at the end of the formula')

  function binary(level: number): Node {
    if (level === LEVELS.length) return unary()
    let left = binary(level + 1)
    while (peek()?.kind === 'op' && LEVELS[level].includes(peek().text)) {
      const op = tokens[pos++].text
      // Salesforce does not document how a ^ b ^ c groups: ask for parentheses rather than guess
      if (op === '^' && left.kind === 'binary' && left.op === '^' && !grouped.has(left)) throw new FormulaSyntaxError(`write (a ^ b) ^ c or a ^ (b ^ c) ${where(tokens[pos - 1])}: Salesforce's grouping of chained ^ is not documented`)
      left = {kind: 'binary', left, op, right: binary(level + 1)}
    }

    return left
  }

  function unary(): Node {
    const token = peek()
    if (token?.kind === 'op' && ['!', '+', '-'].includes(token.text)) {
      pos++
      const operand = unary()
      if (token.text === '!') return {args: [operand], kind: 'call', name: 'NOT'}
      return token.text === '-' ? {kind: 'negate', operand} : operand
    }

    return primary()
  }

  function primary(): Node {
    const token = tokens[pos++]
    if (!token) throw new FormulaSyntaxError('the formula ends where a value was expected')
    if (token.kind === 'number') return {kind: 'number', text: token.text}
    if (token.kind === 'string') return {kind: 'string', value: token.text}
    if (token.kind === 'op' && token.text === '(') {
      const inner = binary(0)
      expect(')')
      grouped.add(inner)
      return inner
    }

    if (token.kind !== 'name') throw new FormulaSyntaxError(`unexpected ${where(token)}`)
    if (peek()?.text === '(' && peek().kind === 'op') return call(token.text)
    const upper = token.text.toUpperCase()
    if (upper === 'TRUE' || upper === 'FALSE') return {kind: 'bool', value: upper === 'TRUE'}
    if (upper === 'NULL') return {kind: 'null'}
    return {kind: 'field', path: token.text.split('.')}
  }

  function call(name: string): Node {
    expect('(')
    const args: Node[] = []
    if (peek()?.text !== ')') {
      args.push(binary(0))
      while (peek()?.text === ',' && peek().kind === 'op') {
        pos++
        args.push(binary(0))
      }
    }

    expect(')')
    return {args, kind: 'call', name: name.toUpperCase()}
  }

  const tree = binary(0)
  if (pos < tokens.length) throw new FormulaSyntaxError(`unexpected ${where(tokens[pos])}`)
  return tree
}

// A strict little XML reader for the JUnit tests: enough of XML 1.0 to reject what a CI server's
// parser would reject (unbalanced tags, raw < or &, unknown entities, illegal characters), and to
// read the tree back so counts and decoded text can be asserted. No new dependency for it.

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const NAME = String.raw`[A-Za-z_][\w.:-]*`
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function decode(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`raw < in ${where}`)
  return raw.replaceAll(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & in ${where}`)
    const named: Record<string, string> = {amp: '&', apos: "'", gt: '>', lt: '<', quot: '"'}
    if (ref in named) return named[ref]
    const code = /^#x[\da-f]+$/i.test(ref) ? Number.parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? Number(ref.slice(1)) : Number.NaN
    if (Number.isNaN(code)) throw new Error(`unknown entity &${ref}; in ${where}`)
    const char = String.fromCodePoint(code)
    if (ILLEGAL.test(char)) throw new Error(`character reference to an illegal character in ${where}`)
    return char
  })
}

export function parseXml(xml: string): XmlElement {
  if (ILLEGAL.test(xml)) throw new Error('document contains a character XML 1.0 does not allow')
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '')
  const root: XmlElement = {attrs: {}, children: [], name: '#document', text: ''}
  const stack = [root]
  const token = new RegExp(String.raw`<(/?)(${NAME})((?:\s+${NAME}\s*=\s*"[^"]*")*)\s*(/?)>|([^<]+)|(<)`, 'gy')
  let match: null | RegExpExecArray
  while ((match = token.exec(body)) !== null) {
    const [, close, name, rawAttrs, selfClose, text, stray] = match
    const top = stack.at(-1)!
    if (stray) throw new Error(`malformed markup at offset ${match.index}: ${body.slice(match.index, match.index + 40)}`)
    if (text !== undefined) {
      top.text += decode(text, `<${top.name}>`)
    } else if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`)
      stack.pop()
    } else {
      const attrs: Record<string, string> = {}
      for (const [, key, value] of rawAttrs.matchAll(new RegExp(String.raw`(${NAME})\s*=\s*"([^"]*)"`, 'g'))) {
        if (key in attrs) throw new Error(`duplicate attribute ${key} on <${name}>`)
        attrs[key] = decode(value, `${name}@${key}`)
      }

      const element: XmlElement = {attrs, children: [], name, text: ''}
      top.children.push(element)
      if (!selfClose) stack.push(element)
    }
  }

  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`)
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('a document has exactly one root element')
  return root.children[0]
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap(child => [...(child.name === name ? [child] : []), ...findAll(child, name)])
}

// Errors the user can act on. Each carries the exit code of DESIGN.md §4 and a one-line hint at
// what to do next. Commands print `message` (and `hint`) without a stack trace unless DEBUG is set.

export const EXIT = {findings: 1, usage: 2, collect: 3} as const

export class GuardError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(redactSecrets(message))
    this.name = 'GuardError'
  }
}

/** bad flags, bad files, bad configuration: exit 2 */
export class UsageError extends GuardError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint)
    this.name = 'UsageError'
  }
}

/** could not collect: auth, network, database, remote API faults: exit 3 */
export class CollectError extends GuardError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.collect, hint)
    this.name = 'CollectError'
  }
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // user:password@ in connection URLs
  [/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]+@/gi, '$1***@'],
  // bearer tokens and Salesforce session ids (orgId!token)
  [/(bearer\s+)[\w.!~+/=-]+/gi, '$1***'],
  [/\b00D\w{12,15}![\w.]+/g, '***'],
  // key=value style secrets in URLs and messages
  [/((?:access_token|oauth_token|password|api_key|apikey|token)=)[^&\s]+/gi, '$1***'],
]

/** Removes passwords, tokens and session ids from text that may reach the user. */
export function redactSecrets(text: string, extraSecrets: string[] = []): string {
  let out = text
  for (const secret of extraSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***')
  }

  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement)
  return out
}

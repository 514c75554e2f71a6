// How the sandbox hands its coordinates to the user: `export NAME='value'` lines a shell can
// eval, or one JSON object for scripts.

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", String.raw`'\''`)}'`
}

export function formatEnv(env: Record<string, string>, style: 'json' | 'shell'): string {
  if (style === 'json') return JSON.stringify(env, null, 2)
  return Object.keys(env)
    .sort()
    .map(name => `export ${name}=${shellQuote(env[name])}`)
    .join('\n')
}

import {readFileSync} from 'node:fs'

// The commands a fix may name (see test/commands/official-commands.txt).

export const manifestIds = (file: string) => Object.keys((JSON.parse(readFileSync(file, 'utf8')) as {commands: Record<string, unknown>}).commands)

export function knownCommands(): Set<string> {
  const official = readFileSync(new URL('../commands/official-commands.txt', import.meta.url), 'utf8')
    .split('\n').map(line => line.trim()).filter(line => line && !line.startsWith('#'))
  return new Set([...manifestIds('oclif.manifest.json'), ...official])
}

/** Every `heroku <command>` a text names. */
export function namedCommands(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\w-])heroku ([a-z][\w-]*(?::[\w-]+)*)/g)].map(m => m[1])
}


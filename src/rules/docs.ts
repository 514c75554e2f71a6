import type {Rule} from './types.js'

const PRACTICES: Record<number, string> = {
  1: 'External Id',
  2: 'Cross-object formula and roll-up summary fields',
  3: 'Other supporting table or function in postgres',
  4: 'Custom implementation for large bi-directional data sync',
  5: 'Reloading of heroku - postgres table using heroku connect api',
  6: 'Sync / Integration user and salesforce profile',
  7: 'Encrypted field and heroku connect',
  8: 'Heroku connect and salesforce governing limit',
}

/** docs/rules.md: one section per rule, written for the person who just saw the finding. */
export function renderRulesDoc(rules: readonly Rule[]): string {
  const lines = [
    '# Audit rules',
    '',
    '<!-- generated from src/rules by `npm run docs:rules`; edit the rule modules, not this file -->',
    '',
    '`heroku connect:audit` runs every rule below. Each has a stable id and name; both work with',
    '`--only` and `--skip`. To accept a finding for a while, waive it in `.connect-guard.json` with a',
    'reason and an expiry date (see the README).',
    '',
    '| rule | severity | practice | checks |',
    '|---|---|---|---|',
    ...rules.map(rule => `| [${rule.id}](#${anchor(rule)}) \`${rule.name}\` | ${rule.severity} | ${rule.practice ?? '—'} | ${rule.summary} |`),
    '',
  ]
  for (const rule of rules) {
    lines.push(
      `## ${rule.id} ${rule.name}`,
      '',
      `**${rule.summary}.** Severity: ${rule.severity}. ${rule.practice ? `Practice ${rule.practice}: ${PRACTICES[rule.practice]}.` : 'A documented Heroku Connect behaviour.'} Needs: ${rule.needs.join(', ')}.`,
      '',
      '### Why',
      '',
      rule.why,
      '',
      '### Fix',
      '',
      rule.remedy,
      '',
      '### Turn it off',
      '',
      `\`heroku connect:audit --skip ${rule.id}\` (or \`--skip ${rule.name}\`), or waive one finding in \`.connect-guard.json\`.`,
      '',
    )
  }

  return lines.join('\n')
}

export function anchor(rule: Pick<Rule, 'id' | 'name'>): string {
  return `${rule.id}-${rule.name}`.toLowerCase()
}

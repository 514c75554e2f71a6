import type {UserCheckResult} from '../workflows/user-check/index.js'

import {visible} from './table.js'

// connect:user:check for people: one hux table row per check (verdict and evidence), then the
// fix: the permission set plan, the sf commands, and what --apply did.

// words, not symbols: a terminal may draw ✔ one or two columns wide, which breaks the table
const MARK = {fail: 'FAIL', pass: 'pass', skip: 'skip', warn: 'warn'} as const

export async function renderUserCheck(result: UserCheckResult, write: (line: string) => void, width = 120): Promise<void> {
  const {hux} = await import('@heroku/heroku-cli-util')
  const who = result.ownToken ? 'with its own token' : `with the token of ${result.tokenUser ?? 'an unknown user'}`
  write(`Integration user ${result.username ?? '(unknown)'}${result.app ? ` of ${result.app}` : ''}, read ${who}`)
  write('')
  const rows = result.checks.map(check => ({
    check: check.title,
    evidence: visible(check.verdict === 'skip' && check.grant ? `${check.evidence}; grant ${check.grant}` : check.evidence),
    verdict: MARK[check.verdict],
  }))
  hux.table(rows, {check: {header: 'Check'}, verdict: {header: 'Verdict'}, evidence: {header: 'Evidence'}}, {maxWidth: width, overflow: 'wrap', printLine: line => write(String(line))})
  const {fail, pass, skip, warn} = result.summary
  write(`${pass} passed, ${warn} warnings, ${fail} failed, ${skip} skipped`)
  if (!result.fix) return
  write('')
  write('Fix: one permission set with what is missing')
  for (const line of result.fix.plan) write(`  ${line}`)
  if (result.fix.applied) {
    write('')
    write('Applied:')
    for (const step of result.fix.applied) write(`  ${step.action.padEnd(7)} ${step.what}`)
    return
  }

  write('')
  write(result.fix.metadataDir ? `Wrote the permission set to ${result.fix.metadataDir}; deploy and assign it with:` : 'Write it as metadata with --out DIR, then deploy and assign it with:')
  for (const command of result.fix.commands) write(`  ${command}`)
  write(`Or let this command create and assign it through the REST API: --apply --confirm ${result.app ?? 'APP'}`)
}

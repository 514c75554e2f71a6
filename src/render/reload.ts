import type {Journal, JournalEvent} from '../workflows/state/journal.js'
import {formatBytes, type JournalStorage, type PrunePlan} from '../workflows/reload/prune.js'
import type {ReloadOutcome} from '../workflows/reload/run.js'
import type {Preflight, ReloadPlan, ReloadProgress} from '../workflows/reload/types.js'

// Text for connect:reload: the preflight as a plan, the dry run's statements, the journal.

const mark = (ok: boolean, forced: boolean) => (ok ? 'ok     ' : forced ? 'FORCED ' : 'REFUSED')

export function renderPreflight(preflight: Preflight): string {
  const {plan} = preflight
  const d = plan.dependants
  const lines = [`Reload of ${plan.object} (${plan.schema}.${plan.table}, ${preflight.rows} rows) on app ${plan.app ?? '?'}`, '', 'Preflight']
  for (const check of preflight.checks) {
    lines.push(`  ${mark(check.ok, check.forced)} ${check.name.padEnd(17)} ${check.summary}`)
    for (const detail of check.details.slice(0, 8)) lines.push(`          ${' '.repeat(17)} ${detail}`)
    if (!check.ok && check.fix) lines.push(`          ${' '.repeat(17)} fix: ${check.fix}`)
  }

  const list = (title: string, items: string[]) => lines.push(`  ${title}: ${items.length > 0 ? items.join(', ') : 'none'}`)
  lines.push('', 'Depends on the table')
  list('foreign keys in (dropped, then restored NOT VALID + VALIDATE)', d.foreignKeysIn.map(fk => `${fk.schema}.${fk.table}.${fk.name}`))
  list('foreign keys out (untouched)', d.foreignKeysOut.map(fk => fk.name))
  list('views (stay)', d.views.map(v => `${v.schema}.${v.name}`))
  list('triggers (stay)', d.triggers.map(t => t.name))
  list('functions naming the table', d.functions.map(f => `${f.schema}.${f.name}`))
  list('columns holding its ids (HC040)', d.candidates)
  list('remapped (--remap)', plan.remap.map(r => `${r.schema}.${r.table}.${r.column}`))
  const e = plan.estimate
  lines.push('', `Estimate: ${e.rows} rows via the ${e.via}, about ${e.salesforceApiCalls} Salesforce API calls and ${formatSeconds(e.seconds)}`)
  if (preflight.createsStateSchema) lines.push('State: creates schema connect_guard (journal, backups, id maps) on first use')
  return lines.join('\n')
}

export function renderStatements(statements: string[]): string {
  return ['Dry run: the statements and API calls a run would make', ...statements.map(s => `  ${s.replaceAll('\n', '\n  ')}${/^(GET|POST) /.test(s) ? '' : ';'}`)].join('\n')
}

export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

export function renderStatus(journals: Array<Journal<ReloadPlan, ReloadProgress>>, events: JournalEvent[], storage: JournalStorage[]): string {
  if (journals.length === 0) return 'No reloads recorded (schema connect_guard has no journal yet).'
  const lines = ['id   mapping             status       step      started               updated               backup + id map']
  const kept = new Map(storage.map(s => [s.journalId, s.tables]))
  for (const j of journals) {
    lines.push(`${String(j.id).padEnd(4)} ${j.target.padEnd(19)} ${j.status.padEnd(12)} ${j.step.padEnd(9)} ${iso(j.startedAt)}  ${iso(j.updatedAt)}  ${storedSize(kept.get(j.id) ?? [])}`)
    if (j.error) lines.push(`     error: ${j.error}`)
  }

  const [latest] = journals
  lines.push('', `Reload ${latest.id} of ${latest.target}:`)
  for (const event of events) lines.push(`  ${iso(event.at)}  ${event.step.padEnd(9)} ${event.message}`)
  const v = latest.progress.verify
  if (v) lines.push(`  verify: ${v.backedUp} backed up, ${v.reloaded} reloaded, ${v.missing} missing, ${v.new} new, ${v.changed} changed`)
  for (const [name, p] of Object.entries(latest.progress.remap ?? {})) {
    if (p.done) {
      lines.push(`  remap ${name}: ${p.updated} rows, ${p.unmatched} without a new id, longest batch ${p.longestMs} ms`)
    } else {
      // while it runs, the stripes hold the counts
      const stripes = p.stripes ?? []
      lines.push(`  remap ${name}: ${stripes.reduce((sum, s) => sum + s.updated, 0)} rows so far, longest batch ${Math.max(0, ...stripes.map(s => s.longestMs))} ms`)
    }
  }

  return lines.join('\n')
}

/** What a journal still keeps in connect_guard: the size of its backup and id map, or that they are gone. */
function storedSize(tables: JournalStorage['tables']): string {
  const present = tables.filter(t => t.bytes !== null)
  if (present.length === 0) return 'none (pruned, or never made)'
  return formatBytes(present.reduce((sum, t) => sum + (t.bytes ?? 0), 0))
}

export function renderPrune(plan: PrunePlan, dryRun: boolean): string {
  const lines: string[] = []
  if (plan.drop.length === 0) {
    lines.push('Nothing to prune: no finished reload on this connection still keeps a backup or id map beyond those kept.')
  } else {
    lines.push(`${dryRun ? 'Would drop' : 'Dropping'} the backups and id maps of ${plan.drop.length} finished reload(s), ${formatBytes(plan.bytes)} in all:`)
    for (const entry of plan.drop) {
      for (const t of entry.tables.filter(t => t.bytes !== null)) lines.push(`  reload ${entry.journalId}: connect_guard.${t.name} (${formatBytes(t.bytes ?? 0)})`)
    }

    lines.push('  An app that still translates old ids through an id map (connect_guard.reload_N_idmap) must stop first.', '  The journal rows stay: --status still shows these reloads.')
    if (dryRun) lines.push('', 'Dry run: the statements a prune would run', ...plan.statements.map(s => `  ${s};`))
  }

  if (plan.kept.length > 0) lines.push(`Kept (--keep): reload ${plan.kept.join(', ')}`)
  if (plan.open.length > 0) lines.push(`Never pruned while open (running, interrupted or failed; --resume needs them): reload ${plan.open.join(', ')}`)
  return lines.join('\n')
}

const iso = (value: Date | string) => new Date(value).toISOString().replace(/\.\d+Z$/, 'Z')

export function renderOutcome(outcome: ReloadOutcome, app: string): string {
  const p = outcome.progress
  const lines = [`Reload ${outcome.journalId} complete.`]
  if (p.verify) lines.push(`  verify: ${p.verify.backedUp} rows backed up, ${p.verify.reloaded} reloaded; ${p.verify.missing} missing, ${p.verify.new} new, ${p.verify.changed} changed`)
  for (const [name, r] of Object.entries(p.remap ?? {})) lines.push(`  remap ${name}: ${r.updated} rows, longest batch ${r.longestMs} ms`)
  for (const r of p.restored ?? []) lines.push(`  foreign key ${r.name}: ${r.validated ? 'restored and validated' : 'restored NOT VALID'}`)
  lines.push(`  id map: connect_guard.reload_${outcome.journalId}_idmap (old_id, new_id, sfid); backup: connect_guard.reload_${outcome.journalId}_backup`)
  for (const warning of outcome.warnings) lines.push(`  warning: ${warning}`)
  lines.push(`  journal: heroku connect:reload --status -a ${app}`)
  return lines.join('\n')
}

import {anchor} from '../rules/docs.js'
import type {RuleMeta} from '../rules/types.js'
import type {AuditReport} from '../workflows/audit/report.js'

export const PROJECT_URL = 'https://github.com/heroku-connect-guard/heroku-connect-guard'
export const RULES_DOCS_URL = `${PROJECT_URL}/blob/main/docs/rules.md`

/** A rule as the renderers name it: findings carry only the id, so the name is looked up. */
export type RuleRef = Pick<RuleMeta, 'id' | 'name'>

/** GitHub's anchor for the `## HC001 read-write-without-unique-id` heading; the docs generator's own. */
export function ruleAnchor(meta: RuleRef): string {
  return anchor(meta)
}

export function ruleDocsUrl(meta: RuleRef): string {
  // without a name there is no anchor to aim at; the page itself is still the right place to land
  return meta.name ? `${RULES_DOCS_URL}#${ruleAnchor(meta)}` : RULES_DOCS_URL
}

/**
 * The id and name of a rule a finding or waiver points at. Findings of a rule the report does not
 * list (it should not happen, but a renderer must not crash on it) get an empty name.
 */
export function ruleRef(report: AuditReport, id: string): RuleRef {
  const meta = report.rules.find(rule => rule.id === id) ?? report.skipped.find(skip => skip.rule === id)
  if (!meta) return {id, name: ''}
  return {id, name: meta.name}
}

/** `HC001 read-write-without-unique-id`, or just the id when the name is unknown. */
export function ruleLabel(meta: RuleRef): string {
  return meta.name ? `${meta.id} ${meta.name}` : meta.id
}

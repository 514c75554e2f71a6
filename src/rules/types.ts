import type {Snapshot} from '../snapshot/types.js'

export type Severity = 'error' | 'info' | 'warning'

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info']

/** The inputs a rule reads; a rule whose input was not collected is reported as skipped. */
export type RuleInput = 'connect' | 'postgres' | 'salesforce'

/** One problem, in the shape of the `--json` contract (DESIGN.md §4). */
export interface Finding {
  rule: string
  practice: null | number
  severity: Severity
  object: null | string
  table: null | string
  field: null | string
  message: string
  fix: string
  /** other rules (and Connect's own validations, e.g. "connect:diagnose") the same cause would have triggered: one cause, one finding */
  related?: string[]
}

/**
 * What a rule's check returns; the runner adds rule, practice and the default severity.
 *
 * One cause, one finding (DESIGN.md §4): a hit that names a cause (`cause`) absorbs the hits of
 * other rules that say `foldInto` the same key, e.g. HC041 on a foreign key that HC040 already
 * reports, or a check of Connect's diagnose that repeats HC001. The absorbed rule's id goes into
 * `related`, its `consequence` (a clause) is added to the message, and the more severe of the
 * two wins. A hit whose key no other hit names (its rule did not run, or did not fire) stands
 * alone, unchanged.
 */
export type RuleHit = Partial<Pick<Finding, 'field' | 'object' | 'related' | 'severity' | 'table'>> & Pick<Finding, 'fix' | 'message'> & {
  /** the cause this finding reports, as a key other rules' hits may fold into */
  cause?: string
  /** fold this hit into the finding of another rule that reports this cause (the first of several that one does), if there is one */
  foldInto?: string | string[]
  /** when folded: what this rule adds to the other finding's message, e.g. "it also blocks the reload" */
  consequence?: string
  /** when folded: the id to list in `related` instead of the rule's own, e.g. "connect:diagnose" */
  relatedId?: string
}

export interface RuleMeta {
  /** stable id, e.g. HC001 */
  id: string
  /** stable kebab-case name, accepted by --only/--skip like the id */
  name: string
  /** the best practice (1-8, seed document) this rule encodes, or null for a documented Connect behaviour */
  practice: null | number
  severity: Severity
  /** one line: what the rule checks */
  summary: string
  /** why it matters, for the person who just saw the finding */
  why: string
  /** how to fix it in general (markdown); each finding also carries the exact command or SQL */
  remedy: string
  needs: RuleInput[]
}

/** A rule's sources were collected but the part it reads is missing (e.g. no _trigger_log table). */
export interface RuleSkip {
  skip: string
  provide?: string
}

/** A rule that could not run because one of its inputs was not collected. */
export interface SkippedRule {
  rule: string
  name: string
  /** why the input is missing, e.g. "no Salesforce credentials" */
  reason: string
  /** how to provide it, e.g. "pass --target-org or set SF_INSTANCE_URL and SF_ACCESS_TOKEN" */
  provide: string
}

export interface Rule extends RuleMeta {
  check(snapshot: Snapshot): RuleHit[] | RuleSkip
  /** parts of a rule that ran which could not be checked (a table scan out of time): listed as skipped beside its findings */
  partlySkipped?(snapshot: Snapshot): RuleSkip[]
}

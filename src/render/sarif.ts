import {createHash} from 'node:crypto'
import {isAbsolute} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {Finding, RuleMeta, Severity} from '../rules/types.js'
import type {AuditReport} from '../workflows/audit/report.js'

import {PROJECT_URL, ruleDocsUrl, ruleLabel, ruleRef} from './docs-url.js'
import {findingLocation} from './table.js'

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
/** partialFingerprints key; bump the version only if the hashed identity ever changes meaning. */
export const FINGERPRINT_KEY = 'hcgFindingIdentity/v1'
/** GitHub resolves this base against the checkout root. */
const SRCROOT = '%SRCROOT%'

export interface SarifOptions {
  toolVersion: string
  /** the Connect export (`--config-file`) the report came from, so results point at a real file */
  artifactPath?: string
}

type Level = 'error' | 'note' | 'warning'
const LEVEL: Record<Severity, Level> = {error: 'error', info: 'note', warning: 'warning'}

// Only the parts of the SARIF object model we emit; the test validates the whole against the schema.
interface Message {text: string; markdown?: string}
interface SarifLocation {
  physicalLocation: {artifactLocation: {uri: string; uriBaseId?: string}; region: {startLine: number}}
  logicalLocations?: {name: string; kind: string; fullyQualifiedName: string}[]
}
export interface SarifResult {
  ruleId: string
  ruleIndex?: number
  level: Level
  message: Message
  locations: SarifLocation[]
  partialFingerprints: Record<string, string>
  suppressions?: {kind: 'external'; status: 'accepted'; justification: string; properties: {expires: string}}[]
}
interface Notification {level: Level; message: Message; descriptor: {id: string}; associatedRule: {id: string; index?: number}}
export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: [{
    tool: {driver: {name: string; informationUri: string; semanticVersion: string; version: string; rules: object[]}}
    automationDetails: {id: string}
    invocations: [{executionSuccessful: boolean; toolExecutionNotifications: Notification[]}]
    results: SarifResult[]
    properties: {app: null | string; schema: null | string; collectedAt: string}
  }]
}

const pascal = (kebab: string): string => kebab.split(/[^\da-z]+/i).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('')

function reportingDescriptor(meta: RuleMeta): object {
  const url = ruleDocsUrl(meta)
  return {
    id: meta.id,
    name: pascal(meta.name),
    shortDescription: {text: meta.summary},
    fullDescription: {text: meta.why},
    helpUri: url,
    help: {
      text: `${meta.summary}. ${meta.why} Fix: ${meta.remedy} See ${url}`,
      markdown: `**${meta.summary}.**\n\n${meta.why}\n\n**Fix:** ${meta.remedy}\n\n[${ruleLabel(meta)} in the rule documentation](${url})`,
    },
    defaultConfiguration: {level: LEVEL[meta.severity]},
    properties: {practice: meta.practice, tags: ['heroku-connect', ...(meta.practice === null ? [] : [`practice-${meta.practice}`]), ...meta.needs]},
  }
}

const segment = (text: string): string => encodeURIComponent(text.trim() || '_')

/** Where a result "is": the export file when there is one, else a stable pseudo-path per table. */
function artifactLocation(report: AuditReport, where: Pick<Finding, 'object' | 'table'>, artifactPath?: string): {uri: string; uriBaseId?: string} {
  if (artifactPath) {
    if (isAbsolute(artifactPath)) return {uri: pathToFileURL(artifactPath).href}
    return {uri: artifactPath.split(/[/\\]+/).filter(p => p !== '.' && p !== '').map(segment).join('/'), uriBaseId: SRCROOT}
  }

  const dot = where.table?.indexOf('.') ?? -1
  const schema = dot > 0 ? where.table!.slice(0, dot) : report.schema
  const name = dot > 0 ? where.table!.slice(dot + 1) : (where.table ?? where.object)
  const parts = ['heroku-connect', report.app ?? 'export', schema ?? '_', ...(name ? [name] : [])]
  return {uri: parts.map(segment).join('/'), uriBaseId: SRCROOT}
}

function logicalLocations(where: Pick<Finding, 'field' | 'object' | 'table'>): SarifLocation['logicalLocations'] {
  const {field, object, table} = where
  const owner = table ?? object
  if (!owner && !field) return undefined
  const kind = field ? 'column' : table ? 'table' : 'object'
  const primary = {name: field ?? owner!, kind, fullyQualifiedName: [owner, field].filter(Boolean).join('.')}
  // the Salesforce object too, so a result can be found by either name
  return table && object ? [primary, {name: object, kind: 'object', fullyQualifiedName: object}] : [primary]
}

export function findingFingerprint(finding: Pick<Finding, 'field' | 'object' | 'rule' | 'table'>): string {
  const identity = JSON.stringify([finding.rule, finding.object, finding.table, finding.field])
  return createHash('sha256').update(identity).digest('hex').slice(0, 32)
}

export function renderSarif(report: AuditReport, options: SarifOptions): SarifLog {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]))

  const result = (finding: Finding): SarifResult => ({
    ruleId: finding.rule,
    ...(ruleIndex.has(finding.rule) ? {ruleIndex: ruleIndex.get(finding.rule)} : {}),
    level: LEVEL[finding.severity],
    message: {text: `${finding.message} Fix: ${finding.fix}`},
    locations: [{
      physicalLocation: {artifactLocation: artifactLocation(report, finding, options.artifactPath), region: {startLine: 1}},
      ...(logicalLocations(finding) ? {logicalLocations: logicalLocations(finding)} : {}),
    }],
    partialFingerprints: {[FINGERPRINT_KEY]: findingFingerprint(finding)},
  })

  const notification = (level: Level, rule: string, text: string): Notification => ({
    level,
    message: {text},
    descriptor: {id: rule},
    associatedRule: {id: rule, ...(ruleIndex.has(rule) ? {index: ruleIndex.get(rule)} : {})},
  })

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {driver: {name: 'heroku-connect-guard', informationUri: PROJECT_URL, semanticVersion: options.toolVersion, version: options.toolVersion, rules: report.rules.map(reportingDescriptor)}},
      // GitHub keeps one set of alerts per category; one per app and schema lets a repo audit several
      automationDetails: {id: `connect-audit/${report.app ?? 'export'}/${report.schema ?? '_'}/`},
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: [
          ...report.skipped.map(s => notification('note', s.rule, `${ruleLabel({id: s.rule, name: s.name})} skipped: ${s.reason}.${s.provide ? ` To run it: ${s.provide}` : ''}`)),
          ...report.expiredWaivers.map(w => notification('warning', w.rule, `waiver for ${ruleLabel(ruleRef(report, w.rule))} on ${findingLocation({...w, table: null}) || 'the whole rule'} expired ${w.expired}: ${w.reason}`)),
        ],
      }],
      results: [
        ...report.findings.map(finding => result(finding)),
        // waived findings stay in the log as suppressed, so code scanning shows them as dismissed, not fixed
        ...report.waived.map(({expires, finding, reason}) => ({...result(finding), suppressions: [{kind: 'external' as const, status: 'accepted' as const, justification: reason, properties: {expires}}]})),
      ],
      properties: {app: report.app, schema: report.schema, collectedAt: report.collectedAt},
    }],
  }
}

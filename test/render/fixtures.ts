import type {Finding, RuleMeta} from '../../src/rules/types.js'
import type {AuditReport} from '../../src/workflows/audit/report.js'

// Reports built by hand so the renderers are tested on their own, including data no real rule
// would produce today: control characters, markup, pipes and bidi overrides in names and messages.

const rule = (id: string, name: string, severity: RuleMeta['severity'], practice: null | number, needs: RuleMeta['needs'], summary: string): RuleMeta => ({
  id, name, needs, practice, severity, summary,
  remedy: `Change the mapping or the schema so that the ${summary} goes away; \`heroku connect:audit --only ${id}\` checks again.`,
  why: `${summary}; see the seed practice this rule encodes for the full story.`,
})

export const RULES: RuleMeta[] = [
  rule('HC001', 'read-write-without-unique-id', 'error', 1, ['connect'], 'read-write mapping without a unique identifier'),
  rule('HC010', 'cross-object-formula-mapped', 'warning', 2, ['connect', 'salesforce'], 'mapped cross-object formula field'),
  rule('HC020', 'objects-in-connect-schema', 'warning', 3, ['postgres'], 'non-Connect objects inside the Connect schema'),
  rule('HC041', 'foreign-keys-on-connect-tables', 'warning', 5, ['postgres'], 'foreign keys to or from Connect tables'),
  rule('HC070', 'trigger-log-failed-rows', 'error', null, ['postgres'], 'FAILED rows in _trigger_log or _hc_lastop'),
  rule('HC071', 'trigger-log-growth', 'info', null, ['postgres'], '_trigger_log growth and age'),
  rule('HC075', 'connect-system-tables', 'error', null, ['postgres'], 'Connect system tables missing or altered'),
]

const finding = (f: Partial<Finding> & Pick<Finding, 'fix' | 'message' | 'rule' | 'severity'>): Finding => ({
  field: null, object: null, practice: RULES.find(r => r.id === f.rule)?.practice ?? null, table: null, ...f,
})

export const HOSTILE = 'INVALID_FIELD: <b>Name</b> & \'Type\' "quoted" | pipe\nsecond line\twith tab \u001B[31mred\u001B[0m NUL\u0000 BEL\u0007'

const SF_MISSING = {provide: 'pass --target-org or set SF_INSTANCE_URL and SF_ACCESS_TOKEN', reason: 'no Salesforce credentials'}

export const MESSY: AuditReport = {
  app: 'hcg-messy-app',
  collectedAt: '2025-06-30T12:00:00.000Z',
  expiredWaivers: [{expired: '2024-01-31', field: null, object: 'Lead', reason: 'legacy mapping, being removed', rule: 'HC001'}],
  findings: [
    finding({fix: 'heroku connect:external-ids --mapping Contact', message: 'read-write mapping Contact has no unique identifier', object: 'Contact', rule: 'HC001', severity: 'error', table: 'salesforce.contact'}),
    finding({fix: 'fix the rows, then set _hc_lastop to \'PENDING\' | re-run', message: `3 rows FAILED; sample _hc_err: ${HOSTILE}`, object: 'Account', rule: 'HC070', severity: 'error', table: 'salesforce.account'}),
    finding({
      field: 'account_region__c',
      fix: 'replace it with a column maintained in Postgres: heroku connect:schema:scaffold --formulas --mapping Opportunity',
      message: 'Opportunity.Account_Region__c is a cross-object formula (Account.Region__c); Salesforce does not change the record when Account changes, so Connect never syncs the new value and Postgres keeps the old one for good. See https://devcenter.heroku.com/articles/managing-heroku-connect-mappings#formula-fields-and-roll-up-summary-fields-are-not-synced',
      object: 'Opportunity', rule: 'HC010', severity: 'warning', table: 'salesforce.opportunity',
    }),
    finding({fix: 'heroku connect:schema:scaffold --move \'salesforce.helper_`tick`|pipe\'', message: 'table salesforce.helper_`tick`|pipe lives in the Connect schema; a reload or recreate drops it', rule: 'HC020', severity: 'warning', table: 'salesforce.helper_`tick`|pipe'}),
    finding({
      field: 'naïve_日本語__c',
      fix: 'drop the foreign key and check integrity in the app: [click](https://evil.example) **bold** _it_ <img src=x onerror=alert(1)>',
      message: 'foreign key app.orders → salesforce.ünïcødé__c blocks truncation during a reload 🚀 \u202Egnp.exe',
      object: 'Ünïcødé__c', rule: 'HC041', severity: 'warning', table: 'salesforce.ünïcødé__c',
    }),
    finding({fix: 'archive old rows: heroku connect:write-mode --archive', message: '_trigger_log holds 120,000 rows; the oldest is 9 days old', rule: 'HC071', severity: 'info'}),
  ],
  rules: RULES,
  schema: 'salesforce',
  skipped: [
    {name: 'integration-user', rule: 'HC050', ...SF_MISSING},
    {name: 'encrypted-field-mapped', rule: 'HC060', ...SF_MISSING},
    {name: 'required-fields-unmapped', rule: 'HC076', ...SF_MISSING},
    {name: 'xmlbinary-hex', provide: 'pass --database-url or set DATABASE_URL', reason: 'no database: the app has no DATABASE_URL', rule: 'HC072'},
  ],
  waived: [{
    expires: '2099-12-31',
    finding: finding({field: 'owner_region__c', fix: 'heroku connect:schema:scaffold --formulas --mapping Account', message: 'Account.Owner_Region__c is a cross-object formula', object: 'Account', rule: 'HC010', severity: 'warning', table: 'salesforce.account'}),
    reason: 'accepted until the region moves to Postgres (JIRA-42)',
  }],
}

export const CLEAN: AuditReport = {
  app: 'hcg-healthy-app', collectedAt: '2025-06-30T12:00:00.000Z', expiredWaivers: [], findings: [], rules: RULES.slice(0, 3), schema: 'salesforce', skipped: [], waived: [],
}

/** From `--config-file`: no app, one finding, and a skipped rule that needs a database. */
export const EXPORT: AuditReport = {
  app: null,
  collectedAt: '2025-06-30T12:00:00.000Z',
  expiredWaivers: [],
  findings: [finding({fix: 'heroku connect:external-ids --mapping Contact', message: 'read-write mapping Contact has no unique identifier', object: 'Contact', rule: 'HC001', severity: 'error', table: 'salesforce.contact'})],
  rules: RULES.slice(0, 1),
  schema: 'salesforce',
  skipped: [{name: 'objects-in-connect-schema', provide: 'pass --database-url', reason: 'no database', rule: 'HC020'}],
  waived: [],
}

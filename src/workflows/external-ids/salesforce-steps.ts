import {SalesforceApiError, soqlString} from '../../clients/salesforce.js'
import {sameName} from '../../analysis/salesforce-fields.js'
import {grantFieldAccess} from '../grants/permission-set.js'
import {saveProgress, type StepContext, StepFailedError} from './context.js'
import {readDuplicates} from './sql.js'
import {type MappingPlan, UUID_LENGTH} from './types.js'

// Steps 1 and 2: the Salesforce field (created through the Tooling API, or marked External ID and
// Unique when it exists without them) and Edit on it for Connect's user. Each reads Salesforce
// first, so a rerun after any failure does only what is still missing.

/** A new identifier field: Text(36) holds a UUID; case-insensitive as Connect matches it. */
export function newFieldMetadata(field: string): Record<string, unknown> {
  return {caseSensitive: false, externalId: true, label: field.replace(/__c$/, '').replaceAll('_', ' '), length: UUID_LENGTH, required: false, type: 'Text', unique: true}
}

function refused(ctx: StepContext, m: MappingPlan, error: unknown): never {
  if (!(error instanceof SalesforceApiError)) throw error
  const where = `${m.object}.${m.field}`
  if (error.errorCode === 'INSUFFICIENT_ACCESS' || error.errorCode === 'INSUFFICIENT_ACCESS_OR_READONLY') {
    throw new StepFailedError(`Salesforce refused to create or change field ${where}: the user of ${ctx.salesforce.source} lacks Customize Application`, 3,
      `use an administrator's token (or give the user Customize Application), then ${ctx.resumeCommand}`)
  }

  if (error.errorCode === 'DUPLICATE_DEVELOPER_NAME') {
    throw new StepFailedError(`Salesforce field name ${where} is taken by a field of another type`, 2,
      `rename or delete that field in Salesforce, then ${ctx.resumeCommand}`)
  }

  if (error.errorCode === 'DUPLICATE_VALUE') {
    throw new StepFailedError(`Salesforce refused Unique on ${where}: records in Salesforce share a value`, 1,
      `resolve the duplicated values in Salesforce, then ${ctx.resumeCommand}`)
  }

  throw error
}

export async function fieldStep(ctx: StepContext, m: MappingPlan, report: (line: string) => void): Promise<void> {
  const [outcome] = await ctx.salesforce.describeMany([m.object])
  if (outcome.error) throw new StepFailedError(`Salesforce could not describe ${m.object}: ${outcome.error.errorCode}: ${outcome.error.message}`, 3, `fix the access, then ${ctx.resumeCommand}`)
  const field = outcome.describe.fields.find(f => sameName(f.name, m.field))
  // the mapping's own identifier keeps its type; only a new name must be free or already Text
  const isIdentifier = !m.judgement.missing
  let fieldId: string | undefined
  if (!field) {
    try {
      fieldId = await ctx.salesforce.toolingCreate('CustomField', {FullName: `${m.object}.${m.field}`, Metadata: newFieldMetadata(m.field)})
    } catch (error) {
      refused(ctx, m, error)
    }

    report(`created ${m.object}.${m.field}: Text(${UUID_LENGTH}), External ID, Unique`)
  } else if (field.type !== 'string' && !isIdentifier) {
    throw new StepFailedError(`Salesforce field name ${m.object}.${field.name} is taken by a field of another type (${field.type})`, 2, `rename or delete that field in Salesforce, then ${ctx.resumeCommand}`)
  } else if (field.externalId && field.unique) {
    report(`${m.object}.${field.name} is already External ID and Unique`)
  } else {
    // Salesforce refuses Unique while values repeat: the duplicates are the person's to resolve
    const duplicates = await readDuplicates(ctx.session, m)
    if (duplicates.length > 0) {
      throw new StepFailedError(`${duplicates.length} values of ${m.schema}.${m.table}.${m.column} are duplicated (first: ${duplicates[0].value} on rows ${duplicates[0].rows.map(r => r.id).join(', ')})`, 1,
        `resolve them by hand (the plan lists their rows), then ${ctx.resumeCommand}`)
    }

    fieldId = await customFieldId(ctx, m, field.name)
    const {records} = await ctx.salesforce.toolingQuery<{Metadata: Record<string, unknown>}>(`SELECT Metadata FROM CustomField WHERE Id = ${soqlString(fieldId)}`)
    const metadata = {...records[0]?.Metadata, externalId: true, unique: true}
    try {
      await ctx.salesforce.toolingUpdate('CustomField', fieldId, {Metadata: metadata})
    } catch (error) {
      refused(ctx, m, error)
    }

    report(`marked ${m.object}.${field.name} External ID and Unique`)
  }

  await saveProgress(ctx, m, fieldId ? {fieldId} : {}, 'field')
}

/** The field's Tooling id: standard objects are named in TableEnumOrId, custom ones by name here too (the Tooling API accepts either). */
async function customFieldId(ctx: StepContext, m: MappingPlan, name: string): Promise<string> {
  const developerName = name.replace(/__c$/i, '')
  const {records} = await ctx.salesforce.toolingQuery<{Id: string; TableEnumOrId: string}>(
    `SELECT Id, TableEnumOrId FROM CustomField WHERE DeveloperName = ${soqlString(developerName)} AND TableEnumOrId = ${soqlString(m.object)}`)
  if (!records[0]) throw new StepFailedError(`Salesforce has no custom field ${m.object}.${name} in the Tooling API`, 3, `check that ${name} is a custom field, then ${ctx.resumeCommand}`)
  return records[0].Id
}

export async function accessStep(ctx: StepContext, m: MappingPlan, report: (line: string) => void): Promise<void> {
  const {assignee, permissionSet} = ctx.journal.plan
  if (!assignee) throw new StepFailedError('the plan names no Salesforce user for Connect', 2, 'check the connection is authorized (heroku connect:info)')
  const steps = await grantFieldAccess(ctx.salesforce, {assignee, edit: true, field: `${m.object}.${m.field}`, permissionSet})
  for (const step of steps) report(`${step.action}: ${step.what}`)
  await saveProgress(ctx, m, {}, 'access')
}

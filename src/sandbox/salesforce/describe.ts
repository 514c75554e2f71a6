import type {SfObjectSpec} from '../model.js'

import {type FieldTraits, humanize, integrationView, keyPrefixFor, soapType} from './fields.js'

// Describe results with every key a real org returns (45 object keys, 57 field keys), as the
// integration user sees them: describe applies field-level security, so hidden fields are absent
// and read-only ones report createable/updateable false.

const MASTER_RECORD_TYPE = '012000000000000AAA'

export function describeField(t: FieldTraits): Record<string, unknown> {
  const textual = t.length > 0
  return {
    aggregatable: t.type !== 'textarea' && t.type !== 'encryptedstring',
    aiPredictionField: false,
    autoNumber: false,
    byteLength: textual ? t.length * 3 : 0,
    calculated: t.calculated,
    calculatedFormula: t.formula,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: null,
    controllerName: null,
    createable: t.createable,
    custom: t.custom,
    defaultValue: t.type === 'boolean' && t.defaultedOnCreate ? false : null,
    defaultValueFormula: null,
    defaultedOnCreate: t.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: t.digits,
    displayLocationInDecimal: false,
    encrypted: t.encrypted,
    externalId: t.externalId,
    extraTypeInfo: t.type === 'textarea' ? 'plaintextarea' : null,
    filterable: t.filterable,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: t.formula !== null,
    groupable: t.groupable,
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: t.idLookup,
    inlineHelpText: null,
    label: t.label,
    length: t.length,
    mask: t.type === 'encryptedstring' ? '*' : null,
    maskType: t.type === 'encryptedstring' ? 'all' : null,
    name: t.name,
    nameField: t.name === 'Name',
    namePointing: t.referenceTo.length > 1,
    nillable: t.nillable,
    permissionable: t.permissionable,
    picklistValues: [],
    polymorphicForeignKey: t.referenceTo.length > 1,
    precision: t.precision,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: t.referenceTo,
    relationshipName: t.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: false,
    scale: t.scale,
    searchPrefilterable: t.type === 'reference',
    soapType: soapType(t.type),
    sortable: t.sortable,
    type: t.type,
    unique: t.unique,
    updateable: t.updateable,
    writeRequiresMasterRead: false,
  }
}

function childRelationshipName(child: string): string {
  return child.endsWith('__c') ? `${child.slice(0, -3)}s__r` : `${child}s`
}

function objectUrls(name: string, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    describe: `${base}/describe`,
    layouts: `${base}/describe/layouts`,
    listviews: `${base}/listviews`,
    quickActions: `${base}/quickActions`,
    rowTemplate: `${base}/{ID}`,
    sobject: base,
  }
}

function objectFlags(object: SfObjectSpec, readOnly: boolean): Record<string, unknown> {
  const custom = object.custom ?? object.name.endsWith('__c')
  const label = object.label ?? humanize(object.name)
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: !readOnly,
    custom,
    customSetting: false,
    deepCloneable: false,
    deletable: !readOnly,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: keyPrefixFor(object.name),
    label,
    labelPlural: `${label}s`,
    layoutable: !readOnly,
    mergeable: false,
    mruEnabled: !readOnly,
    name: object.name,
    queryable: true,
    replicateable: !readOnly,
    retrieveable: true,
    searchable: !readOnly,
    triggerable: !readOnly,
    undeletable: !readOnly,
    updateable: !readOnly,
  }
}

/** One entry of describeGlobal's `sobjects[]`. */
export function describeGlobalEntry(object: SfObjectSpec, version: string, readOnly = false): Record<string, unknown> {
  const urls = objectUrls(object.name, version)
  return {...objectFlags(object, readOnly), urls: {describe: urls.describe, rowTemplate: urls.rowTemplate, sobject: urls.sobject}}
}

export function describeGlobal(objects: Array<{object: SfObjectSpec; readOnly: boolean}>, version: string): Record<string, unknown> {
  const sorted = [...objects].sort((a, b) => a.object.name.localeCompare(b.object.name))
  return {encoding: 'UTF-8', maxBatchSize: 200, sobjects: sorted.map(o => describeGlobalEntry(o.object, version, o.readOnly))}
}

/** `fields` is the object as the caller sees it (field-level security applied); the integration user's view by default. */
export function describeSObject(object: SfObjectSpec, all: SfObjectSpec[], version: string, readOnly = false, fields: FieldTraits[] = integrationView(object)): Record<string, unknown> {
  const childRelationships = all.flatMap(child =>
    integrationView(child)
      .filter(f => f.type === 'reference' && f.referenceTo.includes(object.name))
      .map(f => ({
        cascadeDelete: false,
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: f.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: f.relationshipName ? childRelationshipName(child.name) : null,
        restrictedDelete: false,
      })),
  )
  return {
    ...objectFlags(object, readOnly),
    actionOverrides: [],
    childRelationships,
    compactLayoutable: !readOnly,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: fields.map(t => describeField(t)),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: MASTER_RECORD_TYPE,
        urls: {layout: `/services/data/v${version}/sobjects/${object.name}/describe/layouts/${MASTER_RECORD_TYPE}`},
      },
    ],
    searchLayoutable: !readOnly,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{label: 'All records', name: 'everything'}],
    urls: objectUrls(object.name, version),
  }
}

import type {FakeResponse} from '../http.js'
import type {FakeOrg} from '../org-runtime.js'

import {apiUsage} from './calls.js'
import {formatDateTime} from './fields.js'
import {MAX_VERSION, MIN_VERSION, type SfContext, type SfRouter} from './router.js'

// Org-level resources: the API version list and root, limits, record counts, and the OAuth
// identity endpoints (userinfo, identity URL). Limits are computed from the calls counted so
// far, so a client sees DailyApiRequests.Remaining fall as it works.

const SEASONS = ['Winter', 'Spring', 'Summer']

export function versionList(): Array<{label: string; url: string; version: string}> {
  const out = []
  for (let major = MIN_VERSION; major <= MAX_VERSION; major++) {
    // v20.0 was Winter '11; three releases a year since
    const k = major - 20
    out.push({label: `${SEASONS[k % 3]} '${11 + Math.floor(k / 3)}`, url: `/services/data/v${major}.0`, version: `${major}.0`})
  }

  return out
}

function versionRoot(ctx: SfContext, version: string): Record<string, string> {
  const base = `/services/data/v${version}`
  const names = ['analytics', 'appMenu', 'chatter', 'composite', 'connect', 'consent', 'dedupe', 'eclair', 'jobs', 'limits', 'metadata', 'query', 'queryAll', 'quickActions', 'recent', 'scheduling', 'search', 'sobjects', 'tabs', 'theme', 'tooling', 'ui-api']
  return {
    ...Object.fromEntries(names.map(n => [n, `${base}/${n}`])),
    identity: `${ctx.baseUrl}/id/${ctx.org.spec.organizationId}/${ctx.userId}`,
  }
}

const limit = (max: number, used = 0): {Max: number; Remaining: number} => ({Max: max, Remaining: Math.max(0, max - used)})

function limits(ctx: SfContext): Record<string, unknown> {
  const {max, used} = apiUsage(ctx.org)
  const bulk = ctx.org.calls.byKind.bulk
  return {
    ConcurrentAsyncGetReportInstances: limit(200),
    ConcurrentSyncReportRuns: limit(20),
    DailyApiRequests: limit(max, used),
    DailyAsyncApexExecutions: limit(250_000),
    DailyBulkApiBatches: limit(15_000, bulk),
    DailyBulkV2QueryFileStorageMB: limit(976_562),
    DailyBulkV2QueryJobs: limit(10_000, ctx.jobs.queryJobCount),
    DailyDurableGenericStreamingApiEvents: limit(10_000),
    DailyDurableStreamingApiEvents: limit(10_000),
    DailyGenericStreamingApiEvents: limit(10_000),
    DailyStandardVolumePlatformEvents: limit(10_000),
    DailyStreamingApiEvents: limit(10_000),
    DailyWorkflowEmails: limit(2_000_000),
    DataStorageMB: limit(5120, 1024),
    FileStorageMB: limit(20_480, 2048),
    HourlyAsyncReportRuns: limit(1200),
    HourlyODataCallout: limit(10_000),
    HourlySyncReportRuns: limit(500),
    HourlyTimeBasedWorkflow: limit(1000),
    MassEmail: limit(5000),
    PermissionSets: {...limit(1500, ctx.org.spec.permissionSets.length), CreateCustom: limit(1000, ctx.org.spec.permissionSets.length)},
    SingleEmail: limit(5000),
    StreamingApiConcurrentClients: limit(2000),
  }
}

async function recordCount(org: FakeOrg, wanted: string | null): Promise<Record<string, unknown>> {
  const names = wanted ? new Set(wanted.split(',').map(s => s.trim().toLowerCase())) : undefined
  // unknown names are ignored, as in Salesforce
  const objects = org.spec.objects.filter(o => !names || names.has(o.name.toLowerCase()))
  const sObjects = []
  for (const o of objects) {
    sObjects.push({count: await org.records.count(o.name), name: o.name})
  }

  return {sObjects}
}

export function registerInfo(router: SfRouter): void {
  router
    .add('GET', '', 'rest', (ctx, call) => ({body: versionRoot(ctx, call.version), status: 200}))
    .add('GET', '/limits', 'rest', ctx => ({body: limits(ctx), status: 200}))
    .add('GET', '/limits/recordCount', 'rest', async (ctx, call) => ({body: await recordCount(ctx.org, call.query.get('sObjects')), status: 200}))
}

function people(org: FakeOrg, userId: string) {
  const user = org.spec.users.find(u => u.id === userId)
  const profile = org.spec.profiles.find(p => p.id === user?.profileId)
  const [first, ...rest] = (user?.name ?? 'Integration User').split(' ')
  return {first, last: rest.join(' ') || first, profile, user}
}

function urls(baseUrl: string, org: FakeOrg, userId: string): Record<string, string> {
  const {organizationId: orgId} = org.spec
  return {
    custom_domain: baseUrl,
    enterprise: `${baseUrl}/services/Soap/c/{version}/${orgId.slice(0, 15)}`,
    feed_elements: `${baseUrl}/services/data/v{version}/chatter/feed-elements`,
    feed_items: `${baseUrl}/services/data/v{version}/chatter/feed-items`,
    feeds: `${baseUrl}/services/data/v{version}/chatter/feeds`,
    groups: `${baseUrl}/services/data/v{version}/chatter/groups`,
    metadata: `${baseUrl}/services/Soap/m/{version}/${orgId.slice(0, 15)}`,
    partner: `${baseUrl}/services/Soap/u/{version}/${orgId.slice(0, 15)}`,
    profile: `${baseUrl}/${userId}`,
    query: `${baseUrl}/services/data/v{version}/query/`,
    recent: `${baseUrl}/services/data/v{version}/recent/`,
    rest: `${baseUrl}/services/data/v{version}/`,
    search: `${baseUrl}/services/data/v{version}/search/`,
    sobjects: `${baseUrl}/services/data/v{version}/sobjects/`,
    tooling_rest: `${baseUrl}/services/data/v{version}/tooling/`,
    tooling_soap: `${baseUrl}/services/Soap/T/{version}/${orgId.slice(0, 15)}`,
    users: `${baseUrl}/services/data/v{version}/chatter/users`,
  }
}

/** GET /services/oauth2/userinfo (OpenID Connect shape). */
export function userInfo(ctx: SfContext): FakeResponse {
  const {org, baseUrl} = ctx
  const {userId} = ctx
  const {first, last, profile, user} = people(org, userId)
  const {organizationId: orgId} = org.spec
  return {
    body: {
      active: user?.isActive ?? true,
      address: {country: 'US'},
      email: user?.username ?? null,
      email_verified: true,
      family_name: last,
      given_name: first,
      is_app_installed: true,
      is_lightning_login_user: false,
      is_salesforce_integration_user: profile?.userLicense === 'Salesforce Integration',
      language: 'en_US',
      locale: 'en_US',
      name: user?.name ?? null,
      nickname: user?.username.split('@')[0] ?? null,
      organization_id: orgId,
      photos: {picture: `${baseUrl}/profilephoto/005/F`, thumbnail: `${baseUrl}/profilephoto/005/T`},
      picture: `${baseUrl}/profilephoto/005/F`,
      preferred_username: user?.username ?? null,
      profile: `${baseUrl}/${userId}`,
      sub: `${baseUrl}/id/${orgId}/${userId}`,
      updated_at: '2024-01-08T17:00:00Z',
      urls: urls(baseUrl, org, userId),
      user_id: userId,
      user_type: 'STANDARD',
      utcOffset: -28_800_000,
      zoneinfo: 'America/Los_Angeles',
    },
    status: 200,
  }
}

/** GET /id/{orgId}/{userId}: the identity URL jsforce's conn.identity() follows. */
export function identity(ctx: SfContext, orgId: string, userId: string): FakeResponse {
  const {org, baseUrl} = ctx
  if (orgId !== org.spec.organizationId || userId !== ctx.userId) {
    return {body: 'Bad_Id', contentType: 'text/plain;charset=UTF-8', status: 404}
  }

  const {first, last, user} = people(org, userId)
  return {
    body: {
      active: user?.isActive ?? true,
      asserted_user: true,
      display_name: user?.name ?? null,
      email: user?.username ?? null,
      first_name: first,
      id: `${baseUrl}/id/${orgId}/${userId}`,
      is_app_installed: true,
      language: 'en_US',
      last_modified_date: formatDateTime(new Date('2024-01-08T17:00:00Z')),
      last_name: last,
      locale: 'en_US',
      nick_name: user?.username.split('@')[0] ?? null,
      organization_id: orgId,
      photos: {picture: `${baseUrl}/profilephoto/005/F`, thumbnail: `${baseUrl}/profilephoto/005/T`},
      timezone: 'America/Los_Angeles',
      urls: urls(baseUrl, org, userId),
      user_id: userId,
      user_type: 'STANDARD',
      username: user?.username ?? null,
      utcOffset: -28_800_000,
    },
    status: 200,
  }
}

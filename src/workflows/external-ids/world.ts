import type {ConnectApi} from '../../clients/connect-api.js'
import type {ConnectionDetails} from '../../clients/connect-types.js'
import type {PgSession} from '../../clients/postgres.js'
import type {SalesforceClient} from '../../clients/salesforce.js'
import {CollectError, UsageError} from '../../errors.js'
import type {Snapshot} from '../../snapshot/types.js'
import type {ExternalIdsRequest} from './request.js'

// Everything a connect:external-ids run talks to, opened once: what the audit collects (for a new
// run's plan), the Connect API and connection, the database session, and a Salesforce client.

export interface World {
  api: ConnectApi
  connection: ConnectionDetails
  /** null for --status, which reads only the journal */
  salesforce: null | SalesforceClient
  session: PgSession
  /** null unless a new run is planned */
  snapshot: null | Snapshot
}

export async function openWorld(request: ExternalIdsRequest): Promise<World> {
  const [{ConnectApi}, {collectSnapshot}, {connectPostgres}, {resolveSalesforceCredentials, SalesforceClient: Client}] = await Promise.all([
    import('../../clients/connect-api.js'), import('../../snapshot/collect.js'), import('../../clients/postgres.js'), import('../../clients/salesforce.js'),
  ])
  const credentials = request.mode === 'status' ? undefined : await resolveSalesforceCredentials({env: request.env, targetOrg: request.targetOrg})
  if (!credentials && request.mode !== 'status') throw new UsageError('connect:external-ids needs Salesforce credentials to create the field', 'pass --target-org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN')
  let url = request.databaseUrl
  // a resume runs the plan its journal holds: only a new run collects and plans
  const snapshot = request.mode === 'run' ? await collectSnapshot({
    app: request.app, databaseUrl: request.databaseUrl, env: request.env, heroku: request.heroku, onDatabaseUrl(found) {
      url = found
    }, resource: request.resource, runPhases: request.runPhases, targetOrg: request.targetOrg, validations: false,
  }) : null
  if (snapshot && !snapshot.sources.salesforce.ok) throw new CollectError(`could not read Salesforce: ${snapshot.sources.salesforce.reason}`, snapshot.sources.salesforce.provide)
  if (snapshot && !snapshot.sources.postgres.ok) throw new CollectError(`could not read Postgres: ${snapshot.sources.postgres.reason}`, snapshot.sources.postgres.provide)
  const api = await ConnectApi.fromHeroku(request.heroku)
  const connection = await api.findConnection(request.app, {resource: request.resource})
  if (!url) {
    const {getConfigVars} = await import('../../clients/heroku-platform.js')
    url = (await getConfigVars(request.heroku, request.app))[connection.db_key]
    if (!url) throw new UsageError(`app ${request.app} has no config var ${connection.db_key} (the connection's database)`, 'pass --database-url')
  }

  // the backfill's UPDATEs must reach Salesforce: Connect's triggers log only base64 sessions, and a
  // role may default to hex (HC072), which would make them silently local
  const session = await connectPostgres(url, {applicationName: 'heroku-connect-guard external-ids', lockTimeoutMs: 1000, settings: {xmlbinary: 'base64'}, statementTimeoutMs: 0})
  return {api, connection, salesforce: credentials ? await Client.connect(credentials) : null, session, snapshot}
}

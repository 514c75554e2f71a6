// Connection states and what fixes each bad one: Dev Center "Connection States Reference"
// (reference/heroku-connect-api.md §2.3). HC073 reports them; connect:reload's preflight refuses them.
// `{app}` in a fix is replaced by the caller (`-a APP` or the app name).

export const HEALTHY_CONNECTION = new Set(['BUSY', 'IDLE', 'IMPORT_CONFIGURATION', 'POLLING_DB_CHANGES'])
export const CONNECTION_FIX: Record<string, string> = {
  DB_UNAVAILABLE: 'heroku pg:info {app}, then heroku connect:recover {app}',
  HEROKU_UNAUTH: 'heroku addons:open herokuconnect {app} (re-authorize Heroku)',
  INACTIVE_ORG: 'heroku connect:sf:auth {app}',
  NEED_AUTHENTICATION: 'heroku connect:sf:auth {app}',
  NEW: 'heroku connect:db:set {app}, then heroku connect:sf:auth {app}',
  PAUSED: 'heroku connect:resume {app}',
  TOO_MANY_ROWS: 'heroku addons:open herokuconnect {app} (upgrade the plan or map fewer rows)',
  UNAUTHORIZED: 'heroku connect:sf:auth {app}',
}

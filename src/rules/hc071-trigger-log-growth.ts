import {sqlName} from '../analysis/connect-objects.js'
import {writeModeFix} from './commands.js'
import type {Rule, RuleHit} from './types.js'

const fmt = (n: number) => n.toLocaleString('en-US')
const HOUR = 3_600_000
const STUCK_AFTER = HOUR
const MAX_PENDING = 100_000
const ARCHIVE_DAYS = 31

/** "1.5 hours", "26 hours", "3 days" */
function age(ms: number): string {
  const hours = ms / HOUR
  if (hours < 48) {
    const shown = hours.toLocaleString('en-US', {maximumFractionDigits: hours < 10 ? 1 : 0})
    return `${shown} ${shown === '1' ? 'hour' : 'hours'}`
  }

  return `${fmt(Math.floor(hours / 24))} days`
}

export const hc071: Rule = {
  check(snapshot) {
    const {schema, triggerLog} = snapshot.postgres!
    if (!triggerLog) return {provide: 'point --database-url at the database the connection writes to (see HC075)', skip: `no _trigger_log in schema ${schema}`}
    const app = snapshot.app ?? 'APP'
    const now = Date.parse(snapshot.collectedAt)
    const hits: RuleHit[] = []
    const table = `${schema}._trigger_log`

    const oldest = triggerLog.oldestPendingAt ? now - Date.parse(triggerLog.oldestPendingAt) : 0
    if (oldest > STUCK_AFTER) {
      const paused = snapshot.connection?.state === 'PAUSED'
      hits.push({
        fix: paused ? `heroku connect:resume -a ${app}` : `heroku connect:info -a ${app}`,
        message: `the oldest pending change in ${table} is ${age(oldest)} old: Connect polls it every 2 minutes, so writes to Salesforce are stuck (${paused ? 'the connection is PAUSED' : 'paused connection, failing mapping, bad credentials…'})`,
        table,
      })
    }

    const pending = triggerLog.pending.reduce((n, p) => n + p.count, 0)
    if (pending >= MAX_PENDING) {
      hits.push({
        fix: writeModeFix(schema, `-a ${app}`),
        message: `${fmt(pending)} changes are waiting in ${table} to be written to Salesforce`,
        table,
      })
    }

    const archiveAge = triggerLog.archiveOldestAt ? now - Date.parse(triggerLog.archiveOldestAt) : 0
    if (archiveAge > ARCHIVE_DAYS * 24 * HOUR) {
      hits.push({
        fix: `heroku connect:info -a ${app}; to reclaim the space: DELETE FROM ${sqlName(schema, '_trigger_log_archive')} WHERE created_at < now() - interval '${ARCHIVE_DAYS} days'`,
        message: `the oldest row in ${schema}._trigger_log_archive is ${age(archiveAge)} old (about ${fmt(triggerLog.archiveRows)} rows): Connect purges it after ${ARCHIVE_DAYS} days, so the archive is not being purged`,
        severity: 'info',
        table: `${schema}._trigger_log_archive`,
      })
    }

    return hits
  },
  id: 'HC071',
  name: 'trigger-log-growth',
  needs: ['postgres'],
  practice: null,
  remedy: 'Find why writes stopped: `heroku connect:info` shows the connection and mapping states, `heroku connect:resume` restarts a paused connection, `heroku connect:write-errors` lists rejected changes. For a large backlog, `heroku connect:write-mode` shows how it will be written and what it costs. An archive that is never purged usually belongs to a connection that no longer runs on this database; old archive rows can be deleted.',
  severity: 'warning',
  summary: '`_trigger_log` backlog that is old or large, and `_trigger_log_archive` rows kept past the 31-day purge',
  why: 'Connect polls `_trigger_log` every 2 minutes (sooner on notify), so a change pending for more than an hour means writes to Salesforce have stopped: the connection is paused, a mapping is failing or the credentials expired. Changes keep piling up meanwhile and are written late, in one expensive burst. Connect purges `_trigger_log_archive` after 31 days (7 on the demo plan); older rows mean nobody is purging it.',
}

import {sqlIdent} from '../analysis/connect-objects.js'
import type {Rule, RuleHit} from './types.js'

const isHex = (value: null | string) => value?.trim().toLowerCase() === 'hex'
const LOST = 'Connect\'s log triggers record nothing while xmlbinary is hex, so these writes never reach Salesforce and nothing reports it'

export const hc072: Rule = {
  check(snapshot) {
    const {xmlbinary} = snapshot.postgres!
    const hits: RuleHit[] = []
    if (isHex(xmlbinary.database)) {
      hits.push({
        // the database name is not in the snapshot, so let Postgres fill it in
        fix: 'DO $$ BEGIN EXECUTE format(\'ALTER DATABASE %I RESET xmlbinary\', current_database()); END $$;',
        message: `the database sets xmlbinary = hex for every session: ${LOST}`,
      })
    }

    for (const setting of xmlbinary.roles.filter(r => isHex(r.value))) {
      const where = setting.database === null ? '' : ` IN DATABASE ${sqlIdent(setting.database)}`
      hits.push({
        field: setting.role,
        fix: `ALTER ROLE ${sqlIdent(setting.role)}${where} RESET xmlbinary;`,
        message: `role ${setting.role} sets xmlbinary = hex${setting.database === null ? '' : ` in database ${setting.database}`}: ${LOST}`,
      })
    }

    return hits
  },
  id: 'HC072',
  name: 'xmlbinary-hex',
  needs: ['postgres'],
  practice: null,
  remedy: 'Reset the setting where it was made (the finding gives the exact `ALTER ROLE … RESET xmlbinary` or `ALTER DATABASE … RESET xmlbinary`); new sessions then use the default, base64. Sessions already open keep hex until they reconnect, so restart the app\'s dynos. Writes made while the setting was in force were never captured: touch those rows again (an `UPDATE` that changes them) or re-queue them with `hc_capture_insert_from_row` / `hc_capture_update_from_row`. A custom trigger that needs hex should use `SET LOCAL xmlbinary` inside its own transaction instead.',
  severity: 'error',
  summary: 'a role or database sets `xmlbinary = hex`, so Connect stops capturing writes',
  why: 'Connect tells its own writes apart from yours by the session\'s `xmlbinary` setting: its sessions use hex, and its log triggers only record a change when the setting is base64. A role or database default of hex makes every write from those sessions look like Connect\'s own, so it never enters `_trigger_log` and never reaches Salesforce; the mapping still looks healthy.',
}

import type {Rule, RuleHit} from './types.js'

import {holds} from '../analysis/integration-user/index.js'
import {isEncrypted, mappedFields} from '../analysis/salesforce-fields.js'

export const hc060: Rule = {
  check(snapshot) {
    const user = snapshot.salesforce!.integrationUser
    const viewEncryptedData = user ? holds(user, 'ViewEncryptedData') : null
    return mappedFields(snapshot).filter(({field}) => isEncrypted(field)).map(({column, field, mapping, name, table}): RuleHit => {
      const where = {field: name, object: mapping.object, table}
      const drop = `remove ${name} from the ${mapping.object} mapping`
      const protect = `${drop} if Postgres must not hold it, or restrict who can read ${column}`
      if (field.type !== 'encryptedstring') {
        // Shield Platform Encryption decrypts for every user allowed to read the field
        return {...where, fix: protect, message: `${mapping.object}.${name} is Shield-encrypted in Salesforce, but Connect reads it decrypted: ${column} holds it in clear text`, severity: 'info'}
      }

      if (viewEncryptedData) {
        return {...where, fix: protect, message: `${mapping.object}.${name} is an encrypted text field and ${user!.username} has View Encrypted Data: ${column} holds it in clear text`, severity: 'info'}
      }

      const lacks = viewEncryptedData === false ? ` and ${user!.username} lacks View Encrypted Data:` : ': unless the integration user has View Encrypted Data (not read),'
      return {...where, fix: `${drop}, or grant View Encrypted Data to ${user?.username ?? 'the integration user'} if the app needs the value (Postgres then holds it in clear text)`, message: `${mapping.object}.${name} is an encrypted text field${lacks} ${column} holds a mask such as ***** instead of the value`}
    })
  },
  id: 'HC060',
  name: 'encrypted-field',
  needs: ['connect', 'salesforce'],
  practice: 7,
  remedy: 'Decide per field. If the app does not need the value, remove it from the mapping. If it does, a classic encrypted text field needs **View Encrypted Data** for the integration user, and then the value, like a Shield-encrypted one, sits in Postgres in clear text: restrict who can read that column (a view or a role without access), or encrypt it in Postgres.',
  severity: 'warning',
  summary: 'mapped encrypted field (classic encrypted text, or Shield Platform Encryption)',
  why: 'Connect reads Salesforce as the integration user and stores what it gets. A classic "Text (Encrypted)" field reads as a mask such as `*****` for a user without View Encrypted Data, so the app sees asterisks. A Shield-encrypted field is decrypted for any user allowed to read it, so Postgres ends up with the clear text that Salesforce keeps encrypted at rest.',
}

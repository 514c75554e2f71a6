import type {Rule} from './types.js'

import {hc001} from './hc001-read-write-without-unique-id.js'
import {hc002} from './hc002-unique-id-not-unique.js'
import {hc003} from './hc003-unique-id-from-sequence.js'
import {hc010} from './hc010-cross-object-formula.js'
import {hc011} from './hc011-roll-up-summary-field.js'
import {hc020} from './hc020-foreign-object-in-connect-schema.js'
import {hc030} from './hc030-soap-backlog.js'
import {hc031} from './hc031-bulk-ineligible.js'
import {hc040} from './hc040-depends-on-connect-id.js'
import {hc041} from './hc041-foreign-key-on-connect-table.js'
import {hc050} from './hc050-integration-user.js'
import {hc060} from './hc060-encrypted-field.js'
import {hc070} from './hc070-failed-writes.js'
import {hc071} from './hc071-trigger-log-growth.js'
import {hc072} from './hc072-xmlbinary-hex.js'
import {hc073} from './hc073-bad-state.js'
import {hc074} from './hc074-api-budget.js'
import {hc075} from './hc075-connect-system-tables.js'
import {hc076} from './hc076-required-field-not-mapped.js'
import {hc077} from './hc077-connect-runtime-missing.js'
import {hc078} from './hc078-mapped-table-shape.js'
import {hc080} from './hc080-connect-diagnose.js'

/** Every rule, in catalog order (DESIGN.md §5). */
export const RULES: readonly Rule[] = [
  hc001, hc002, hc003, hc010, hc011, hc020, hc030, hc031, hc040, hc041,
  hc050, hc060, hc070, hc071, hc072, hc073, hc074, hc075, hc076, hc077, hc078, hc080,
]

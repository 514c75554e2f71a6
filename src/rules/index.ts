import type {Rule} from './types.js'

import {hc001} from './hc001-read-write-without-unique-id.js'
import {hc030} from './hc030-soap-backlog.js'
import {hc031} from './hc031-bulk-ineligible.js'
import {hc070} from './hc070-failed-writes.js'
import {hc071} from './hc071-trigger-log-growth.js'
import {hc074} from './hc074-api-budget.js'

/** Every rule, in catalog order (DESIGN.md §5). */
export const RULES: readonly Rule[] = [hc001, hc030, hc031, hc070, hc071, hc074]

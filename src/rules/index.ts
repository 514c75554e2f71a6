import type {Rule} from './types.js'

import {hc001} from './hc001-read-write-without-unique-id.js'

/** Every rule, in catalog order (DESIGN.md §5). */
export const RULES: readonly Rule[] = [hc001]

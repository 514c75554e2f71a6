import {writeFileSync} from 'node:fs'

import {renderRulesDoc} from '../src/rules/docs.js'
import {RULES} from '../src/rules/index.js'

// `npm run docs:rules` regenerates docs/rules.md from the rule modules; a test fails when it is stale.
writeFileSync('docs/rules.md', renderRulesDoc(RULES))

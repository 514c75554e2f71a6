#!/usr/bin/env node
// The startup baseline: an oclif 4 CLI with one command that does nothing.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})

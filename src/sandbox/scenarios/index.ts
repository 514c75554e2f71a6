import {UsageError} from '../../errors.js'
import type {ScenarioSpec} from '../model.js'

import {healthyScenario} from './healthy.js'
import {messyScenario} from './messy.js'

export const SCENARIOS = {healthy: healthyScenario, messy: messyScenario} as const

export type ScenarioName = keyof typeof SCENARIOS

export function loadScenario(name: string, sizing: {logRows?: number; rows?: number} = {}): ScenarioSpec {
  const make = SCENARIOS[name as ScenarioName]
  if (!make) throw new UsageError(`unknown scenario "${name}"`, `choose one of: ${Object.keys(SCENARIOS).join(', ')}`)
  const scenario = make()
  if (sizing.logRows !== undefined) scenario.logRows = sizing.logRows
  if (sizing.rows !== undefined) scenario.apps[0].connection.mappings[0].rows = sizing.rows
  return scenario
}

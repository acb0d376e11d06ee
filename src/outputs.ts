import * as core from '@actions/core'
import { redact } from './secrets.js'

/** Every output the action sets, by name, as action.yml declares them (a test keeps the two equal). */
export const Outputs = {
  // Single mode.
  NumberId: 'number_id',
  Status: 'status',
  PhoneNumber: 'phone_number',
  TrunkId: 'trunk_id',
  Number: 'number',
  AgentStatus: 'agent_status',
  TelephonyStatus: 'telephony_status',
  // File mode.
  Plan: 'plan',
  ToAdd: 'to_add',
  ToRemove: 'to_remove',
  Unchanged: 'unchanged',
  Results: 'results',
  PlanFile: 'plan_file',
  ResultsFile: 'results_file',
  Created: 'created',
  Removed: 'removed',
  Failed: 'failed',
  // Export.
  Exported: 'exported',
  // Both modes.
  HasChanges: 'has_changes',
  Warnings: 'warnings'
} as const

/**
 * A JSON output over this many bytes (UTF-8, as GitHub counts) is cut to a valid, shorter JSON
 * value that says what was cut (the whole value is in a file beside it).
 */
export const MAX_JSON_OUTPUT_BYTES = 256 * 1024

/** GitHub's limit for one output is 1 MiB: a value past this (a 3 MiB id from Bolna) is cut, ending in "…". */
export const MAX_OUTPUT_BYTES = 1024 * 1024 - 1024

export type OutputName = (typeof Outputs)[keyof typeof Outputs]

/** Sets the step's outputs; the only place that writes them. */
export function setOutputs(values: Partial<Record<OutputName, string | number | boolean>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) core.setOutput(name, typeof value === 'string' ? withinLimit(redact(value)) : value)
  }
}

/** The value, or as much of it as fits in MAX_OUTPUT_BYTES, then "…" (never half a character). */
function withinLimit(value: string): string {
  if (Buffer.byteLength(value) <= MAX_OUTPUT_BYTES) return value
  const bytes = Buffer.from(value).subarray(0, MAX_OUTPUT_BYTES - 3)
  // A cut inside a character decodes as U+FFFD: drop it.
  return `${bytes.toString('utf8').replace(/\uFFFD$/, '')}…`
}

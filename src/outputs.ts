import * as core from '@actions/core'

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
 * A step's outputs share about 1 MiB, so a JSON output over this many characters is cut to a
 * valid, shorter JSON value that says what was cut (the whole value is in a file beside it).
 */
export const MAX_JSON_OUTPUT_CHARS = 256 * 1024

export type OutputName = (typeof Outputs)[keyof typeof Outputs]

/** Sets the step's outputs; the only place that writes them. */
export function setOutputs(values: Partial<Record<OutputName, string | number | boolean>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) core.setOutput(name, value)
  }
}

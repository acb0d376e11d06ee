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
  // File mode.
  Plan: 'plan',
  ToAdd: 'to_add',
  ToRemove: 'to_remove',
  Unchanged: 'unchanged',
  Results: 'results',
  // Both modes.
  HasChanges: 'has_changes'
} as const

export type OutputName = (typeof Outputs)[keyof typeof Outputs]

/** Sets the step's outputs; the only place that writes them. */
export function setOutputs(values: Partial<Record<OutputName, string | number | boolean>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) core.setOutput(name, value)
  }
}

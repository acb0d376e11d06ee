/** Single mode: one number on one trunk, planned and applied as a one-entry numbers file, reported as one number. */
import type { TrunkNumber } from './bolna/port.js'
import { ignoredInputs } from './ignored-inputs.js'
import type { SingleNumberSettings } from './inputs.js'
import type { Mode } from './mode.js'
import { hasChanges, writtenChanges } from './plan.js'
import type { Plan, WrittenChange } from './plan.js'
import { reportNumber, reportWarnings } from './report.js'
import type { NumberReport } from './report.js'
import { quote } from './text.js'

type NumberChange = Exclude<WrittenChange, { action: 'remove' }>

export function singleNumberMode(settings: SingleNumberSettings): Mode {
  const { desired } = settings
  const [
    {
      trunk,
      numbers: [want]
    }
  ] = desired.trunks
  /** The report of the number's change; `status` and what the run found are added to it. */
  const report = (plan: Plan, change: NumberChange, rest: Pick<NumberReport, 'status'> & Partial<NumberReport>) =>
    reportNumber({
      trunk,
      want,
      differences: change.action === 'keep' ? change.differences : [],
      notes: ignoredInputs(trunk, want),
      hasChanges: hasChanges(plan),
      number: found(change),
      ...rest
    })
  return {
    prune: false,
    desired: async () => desired,
    planned: async () => undefined,
    async guard(plan) {
      const change = numberChange(plan)
      const number = found(change)
      if (!number || settings.ifExists !== 'fail') return
      await report(plan, change, { status: 'exists' })
      throw new Error(`${quote(number.stored)} is already on trunk ${quote(trunk.id)} (id ${quote(number.id)}) and if_exists is "fail".`)
    },
    async dryRun(plan) {
      const change = numberChange(plan)
      const agentStatus = want.agentId === undefined ? undefined : change.action === 'keep' && !change.agent ? 'unchanged' : 'planned'
      await report(plan, change, { status: found(change) ? 'exists' : 'planned', agentStatus })
    },
    async applied(plan, results) {
      const change = numberChange(plan)
      const result = results.find(r => r.change === change)
      if (!result) throw new Error('the apply answers every change it is given')
      const status = result.status === 'failed' ? 'failed' : result.status === 'exists' ? 'exists' : 'created'
      await report(plan, change, { status, number: result.number, agentStatus: result.agent_status, telephonyStatus: result.telephony_status })
    },
    failed: async () => undefined,
    warned: warnings => reportWarnings(warnings)
  }
}

/** The plan's change for the number: added, kept or replaced (any other removes a duplicate record of it). */
function numberChange(plan: Plan): NumberChange {
  const change = writtenChanges(plan).find((c): c is NumberChange => c.action !== 'remove')
  if (!change) throw new Error('a one-number plan always adds or keeps its number')
  return change
}

/** The record Bolna already holds, if any. */
function found(change: NumberChange): TrunkNumber | undefined {
  return change.action === 'add' ? undefined : change.number
}

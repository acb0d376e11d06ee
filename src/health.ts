/**
 * Why calls to a trunk's numbers would not arrive, read from the trunk objects the plan reads
 * anyway (no request of its own). A warning is a state that contradicts the file or the inputs: the
 * trunk is inactive, or numbers on it have agents to answer them while it takes no inbound calls. A
 * notice is a state that may well be intended, at most one a trunk: numbers no agent answers (a
 * caller-ID number), or an outbound-only trunk. `agent_id: null` on a number says "no agent, on
 * purpose", and silences its notice.
 */
import type { TrunkState } from './bolna/port.js'
import type { DesiredState } from './plan.js'
import { quote } from './text.js'

export interface Warning {
  trunkId: string
  message: string
  /** `notice`: a state that may be intended; it is said, but counts in no `warnings` output and fails no step. */
  level?: 'notice'
}

/** The warnings proper, without the notices: what the `warnings` output counts and `fail_on_warnings` fails on. */
export function onlyWarnings(warnings: readonly Warning[]): Warning[] {
  return warnings.filter(w => w.level !== 'notice')
}

/** Up to five quoted numbers, and how many more. */
function some(numbers: readonly string[]): string {
  const more = numbers.length > 5 ? ` and ${numbers.length - 5} more` : ''
  return `${numbers.slice(0, 5).map(quote).join(', ')}${more}`
}

/** The warnings and notices for the file's (or the inputs') trunks, as they will be once the plan is applied. */
export function healthWarnings(desired: DesiredState, states: ReadonlyMap<string, TrunkState>): Warning[] {
  const warnings: Warning[] = []
  for (const { trunk, numbers } of desired.trunks) {
    const state = states.get(trunk.id)
    if (!state) continue
    const warn = (message: string) => warnings.push({ trunkId: trunk.id, message })
    const notice = (message: string) => warnings.push({ trunkId: trunk.id, message, level: 'notice' })
    const where = `Trunk ${quote(trunk.id)}`
    if (state.settings.active === false) warn(`${where} is inactive: it takes no inbound calls and places no outbound ones. Activate it in Bolna.`)

    // Each number's agent once the plan is applied: the file's (or input's) when it names one (null:
    // none, on purpose), else the one Bolna shows; undefined where Bolna does not show it.
    const answered: string[] = []
    const unanswered: string[] = []
    const held = new Map(state.numbers.map(n => [n.e164, n]))
    for (const want of numbers) {
      if (want.agentId === null) continue
      const now = held.get(want.e164)
      const agent = want.agentId !== undefined ? want.agentId : now?.agent.kind === 'agent' ? now.agent.id : now?.agent.kind === 'unknown' ? undefined : null
      if (typeof agent === 'string') answered.push(want.e164)
      else if (agent === null && state.settings.defaultAgentId === null) unanswered.push(want.e164)
    }

    if (state.settings.inboundEnabled === false) {
      // Calls from the carrier are refused whoever answers: only agents say that someone expects them.
      const who = [
        ...(answered.length > 0
          ? [`${answered.length === 1 ? `${some(answered)} has an agent` : `${answered.length} numbers (${some(answered)}) have agents`}`]
          : []),
        ...(state.settings.defaultAgentId ? [`its default agent is ${quote(state.settings.defaultAgentId)}`] : [])
      ]
      if (who.length > 0) {
        warn(`${where} has inbound calls disabled, yet ${who.join(' and ')} to answer them: calls from the carrier are refused. Enable inbound on the trunk.`)
      } else {
        notice(
          `${where} has inbound calls disabled and no agent answers its numbers: it places outbound calls only. If it should take calls, enable inbound and give its numbers an agent_id.`
        )
      }
      continue
    }
    // One notice a trunk, however many numbers: a thousand caller-ID numbers are one fact.
    if (unanswered.length > 0) {
      const fallback = trunk.api === 'trunk' ? ', and the trunk has no default agent' : ''
      const one = unanswered.length === 1
      const subject = one
        ? `${some(unanswered)} on trunk ${quote(trunk.id)} has`
        : `${unanswered.length} numbers on trunk ${quote(trunk.id)} (${some(unanswered)}) have`
      notice(
        `${subject} no agent${fallback}: inbound calls to ${one ? 'it' : 'them'} are refused, which suits a caller-ID number. To take calls, give ${one ? 'it' : 'each'} an agent_id; to say that none is wanted, write agent_id: null in a numbers file.`
      )
    }
  }
  return warnings
}

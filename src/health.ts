/**
 * Why calls to a trunk's numbers would not arrive, read from the trunk objects the plan reads
 * anyway (no request of its own): the trunk is inactive or takes no inbound calls, or nobody
 * answers a number.
 */
import type { TrunkState } from './bolna/port.js'
import type { DesiredState } from './plan.js'
import { quote } from './text.js'

export interface Warning {
  trunkId: string
  message: string
}

/** The warnings for the file's (or the inputs') trunks, as they will be once the plan is applied. */
export function healthWarnings(desired: DesiredState, states: ReadonlyMap<string, TrunkState>): Warning[] {
  const warnings: Warning[] = []
  for (const { trunk, numbers } of desired.trunks) {
    const state = states.get(trunk.id)
    if (!state) continue
    const warn = (message: string) => warnings.push({ trunkId: trunk.id, message })
    const where = `Trunk ${quote(trunk.id)}`
    if (state.settings.active === false) warn(`${where} is inactive: it takes no inbound calls and places no outbound ones. Activate it in Bolna.`)
    if (state.settings.inboundEnabled === false) warn(`${where} has inbound calls disabled: calls from the carrier are refused. Enable inbound on the trunk.`)
    const unanswered: string[] = []
    const held = new Map(state.numbers.map(n => [n.e164, n]))
    for (const want of numbers) {
      const now = held.get(want.e164)
      const agent = want.agentId !== undefined ? want.agentId : now?.agent.kind === 'agent' ? now.agent.id : now?.agent.kind === 'unknown' ? undefined : null
      if (agent === null && state.settings.defaultAgentId === null) unanswered.push(want.e164)
    }
    // One warning a trunk, however many numbers: a thousand unmapped numbers are one fact.
    if (unanswered.length > 0) {
      const fallback = trunk.api === 'trunk' ? ', and the trunk has no default agent' : ''
      const shown = unanswered.slice(0, 5).map(quote).join(', ')
      const more = unanswered.length > 5 ? ` and ${unanswered.length - 5} more` : ''
      const subject =
        unanswered.length === 1 ? `${shown} on trunk ${quote(trunk.id)} has` : `${unanswered.length} numbers on trunk ${quote(trunk.id)} (${shown}${more}) have`
      warn(
        `${subject} no agent${fallback}: inbound calls to ${unanswered.length === 1 ? 'it' : 'them'} will be refused. Give ${unanswered.length === 1 ? 'it' : 'each'} an agent_id.`
      )
    }
  }
  return warnings
}

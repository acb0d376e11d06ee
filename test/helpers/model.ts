// Builders of the action's own types, for in-process tests of planning and applying.
import type { AgentOnNumber, TrunkApi, TrunkNumber, TrunkRef } from '../../src/bolna/port.js'
import { parsePhoneNumber } from '../../src/phone.js'
import type { DesiredNumber } from '../../src/plan.js'

export const trunk = (id: string, api: TrunkApi = 'sip-trunks'): TrunkRef => ({ id, api })

/** A number as a family module returns it; `agent` is an id, null (none) or 'unknown'. */
export function stored(id: string, number: string, extra: Partial<Omit<TrunkNumber, 'agent'>> & { agent?: string | null | 'unknown' } = {}): TrunkNumber {
  const { agent, ...rest } = extra
  const agentOf: AgentOnNumber = agent === 'unknown' ? { kind: 'unknown' } : agent ? { kind: 'agent', id: agent } : { kind: 'none' }
  // The identity written out here, not taken from src/: a bug in e164Of must not be shared by the tests.
  const e164 = `+${[...number].filter(char => char >= '0' && char <= '9').join('')}`
  return { id, e164, stored: number, name: null, destinationKey: null, createdAt: null, ...rest, agent: agentOf }
}

/** A number as the file or the inputs want it (the number must be valid). */
export function wanted(written: string, extra: Partial<DesiredNumber> = {}): DesiredNumber {
  const parsed = parsePhoneNumber(written)
  if (!('number' in parsed)) throw new Error(`${written} ${parsed.problem}`)
  return { written, ...parsed.number, e164CheckEnabled: false, ...extra }
}

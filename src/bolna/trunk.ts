import * as z from 'zod/mini'
import { trunkIdList, validAnswer, validRecords } from './answers.js'
import { BolnaApiError, notFoundAs } from './errors.js'
import type { FamilyRequests, TrunkFamily } from './family.js'
import type { HttpClient } from './http.js'
import { isUuid, segment } from './paths.js'
import { agentOf, e164Of, TRUNK_APIS } from './port.js'
import type { NumberToAdd, TrunkNumber, TrunkState } from './port.js'
import { quote } from '../text.js'

/** `Number` (shared/bolna-api.md §1.4); extra fields are kept unread. */
export const numberRecord = z.looseObject({
  id: z.string().check(z.minLength(1)),
  e164: z.string(),
  destination_key: z.nullish(z.string()),
  agent_id: z.nullish(z.string()),
  is_deleted: z.nullish(z.boolean()),
  created_at: z.nullish(z.string())
})
type NumberRecord = z.infer<typeof numberRecord>

/** `Trunk` as Bolna's docs show it: its numbers under `numbers` (the contract check compares answers with it). */
export const trunkRecord = z.looseObject({
  numbers: z.array(numberRecord, { error: 'expected the trunk\'s "numbers" array' }),
  is_active: z.nullish(z.boolean()),
  inbound_enabled: z.nullish(z.boolean()),
  default_inbound_agent_id: z.nullish(z.string())
})

/**
 * `Trunk` as the action reads it: its numbers and settings. Bolna never showed the key of the
 * numbers array in full (reference §5): it is read under `numbers` or `phone_numbers`. A trunk with
 * neither is a bad answer naming the fields, never "no numbers".
 */
const trunkAnswer = z.looseObject({
  // Their records are read one by one (validRecords): a large trunk is not copied whole.
  numbers: z.optional(z.array(z.unknown(), { error: 'expected the trunk\'s "numbers" array' })),
  phone_numbers: z.optional(z.array(z.unknown(), { error: 'expected the trunk\'s "phone_numbers" array' })),
  is_active: z.nullish(z.boolean()),
  inbound_enabled: z.nullish(z.boolean()),
  default_inbound_agent_id: z.nullish(z.string())
})

/** A trunk object with no numbers array under either key: a clear error naming the fields it has. */
function noNumbersKey(body: unknown, path: string): never {
  const fields = Object.keys(body as object)
  const shown = fields.length === 0 ? 'none' : `${fields.slice(0, 12).map(quote).join(', ')}${fields.length > 12 ? ` and ${fields.length - 12} more` : ''}`
  throw new BolnaApiError(
    `GET ${path} answered with a trunk that has no list of numbers under "numbers" or "phone_numbers" (its fields: ${shown}), so the numbers on it are unknown: Bolna's answer has a shape this action does not know.`,
    { kind: 'bad-answer', method: 'GET', path, retryable: false, ambiguous: false }
  )
}

/** Bolna's `/trunk` family (shared/bolna-api.md §1). */
export class TrunkApiFamily implements TrunkFamily {
  constructor(private readonly http: HttpClient) {}

  async read(trunkId: string): Promise<TrunkState> {
    // No page lists a trunk's numbers on their own: they come with the trunk.
    const path = `/trunk/trunks/${segment(trunkId)}`
    try {
      const { body } = await this.http.request('GET', path, undefined, 'idempotent')
      const trunk = validAnswer(trunkAnswer, body, 'GET', path, trunkRecord)
      const at = trunk.numbers ? 'numbers' : 'phone_numbers'
      const list = trunk.numbers ?? trunk.phone_numbers ?? noNumbersKey(body, path)
      return {
        numbers: validRecords(numberRecord, list, [at], { method: 'GET', path }, n => (n.is_deleted === true ? undefined : toNumber(n))),
        settings: { active: trunk.is_active ?? null, inboundEnabled: trunk.inbound_enabled ?? null, defaultAgentId: trunk.default_inbound_agent_id ?? null }
      }
    } catch (error) {
      throw trunkNotFound(error, trunkId)
    }
  }

  async trunkIds(): Promise<string[]> {
    const { body } = await this.http.request('GET', '/trunk/trunks', undefined, 'idempotent')
    return validAnswer(trunkIdList, body, 'GET', '/trunk/trunks').map(t => t.id)
  }

  async create(trunkId: string, number: NumberToAdd): Promise<TrunkNumber> {
    const { method, path, body } = trunkRequests.add(trunkId, number)
    try {
      // 200 or 201: the docs do not say which.
      const answer = await this.http.request(method, path, body, 'unsafe')
      return toNumber(validAnswer(numberRecord, answer.body, method, path))
    } catch (error) {
      throw trunkNotFound(error, trunkId)
    }
  }

  async remove(trunkId: string, numberId: string): Promise<void> {
    const { method, path } = trunkRequests.remove(trunkId, numberId)
    await this.http.request(method, path, undefined, 'idempotent', 'ignore')
  }

  async setAgent(number: TrunkNumber, agentId: string | null): Promise<void> {
    const { method, path, body } = trunkRequests.setAgent(number.id, agentId)
    await this.http.request(method, path, body, 'idempotent', 'ignore')
  }
}

/** The `/trunk` family's writes. */
export const trunkRequests: FamilyRequests = {
  add: (trunkId, number) => ({
    method: 'POST',
    path: `/trunk/trunks/${segment(trunkId)}/numbers`,
    body: {
      e164: TRUNK_APIS.trunk.spelling(number.e164, true),
      destination_key: number.destinationKey ?? number.e164.slice(1),
      // The agent is set in the add itself: one call, no mapping step.
      ...(number.agentId !== undefined && { agent_id: number.agentId })
    }
  }),
  remove: (trunkId, numberId) => ({ method: 'DELETE', path: `/trunk/trunks/${segment(trunkId)}/numbers/${segment(numberId)}` }),
  // Always send agent_id: an omitted field or an empty body also clears the mapping.
  setAgent: (numberId, agentId) => ({ method: 'PATCH', path: `/trunk/numbers/${segment(numberId)}`, body: { agent_id: agentId } })
}

function toNumber(n: NumberRecord): TrunkNumber {
  return {
    id: n.id,
    e164: e164Of(n.e164),
    stored: n.e164,
    name: null,
    agent: agentOf(n),
    destinationKey: n.destination_key ?? null,
    createdAt: n.created_at ?? null
  }
}

function trunkNotFound(error: unknown, trunkId: string): unknown {
  const otherFamily = isUuid(trunkId)
    ? ''
    : ` The id is not a uuid, so it is likely a trunk of Bolna's legacy /sip-trunks API: set trunk_api: sip-trunks (api: sip-trunks in a numbers file).`
  return notFoundAs(
    error,
    'trunk-not-found',
    said =>
      `Trunk ${quote(trunkId)} not found on Bolna's /trunk API${said}.${otherFamily} Check the trunk id and that the API key belongs to the trunk's organisation.`
  )
}

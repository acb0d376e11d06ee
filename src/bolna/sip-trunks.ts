import * as z from 'zod/mini'
import { listAnswer, trunkIdList, validAnswer, validRecords } from './answers.js'
import { notFoundAs } from './errors.js'
import type { FamilyRequests, TrunkFamily } from './family.js'
import type { HttpClient } from './http.js'
import { isUuid, segment } from './paths.js'
import { agentOf, e164Of, TRUNK_APIS } from './port.js'
import type { NumberToAdd, TrunkNumber, TrunkState } from './port.js'
import { quote } from '../text.js'

/** `SIPTrunkPhoneNumberResponse` (OA:5307); every field is optional there, extra fields are kept unread. */
export const record = z.looseObject({
  id: z.string().check(z.minLength(1)),
  phone_number: z.string(),
  name: z.nullish(z.string()),
  deleted: z.nullish(z.boolean()),
  // Not in Bolna's OpenAPI: read when present, and its absence means "unknown", not "no agent".
  agent_id: z.nullish(z.string()),
  created_at: z.nullish(z.string())
})
type SipTrunkNumber = z.infer<typeof record>
export const records = listAnswer(record)

/** `SIPTrunkResponse` (OA:5204) as far as the action reads it; every field is optional there. */
export const trunkRecord = z.looseObject({
  phone_numbers: z.nullish(z.array(record)),
  is_active: z.nullish(z.boolean()),
  inbound_enabled: z.nullish(z.boolean())
})

/** The same, its records left to validRecords (read one by one: a large trunk is not copied whole). */
const trunkAnswer = z.looseObject({
  phone_numbers: z.nullish(z.array(z.unknown())),
  is_active: z.nullish(z.boolean()),
  inbound_enabled: z.nullish(z.boolean())
})
const recordList = listAnswer(z.unknown())

/** Bolna's legacy `/sip-trunks` family (shared/bolna-api.md §2). */
export class SipTrunksFamily implements TrunkFamily {
  constructor(private readonly http: HttpClient) {}

  /** One read of the trunk object, which carries its numbers (`phone_numbers`) and its settings. */
  async read(trunkId: string): Promise<TrunkState> {
    const path = `/sip-trunks/trunks/${segment(trunkId)}`
    try {
      const { body } = await this.http.request('GET', path, undefined, 'idempotent')
      const trunk = validAnswer(trunkAnswer, body, 'GET', path, trunkRecord)
      // Every field of the trunk object is optional: without its numbers (absent or null), list them (one request more).
      const numbers = trunk.phone_numbers ? liveNumbers(trunk.phone_numbers, ['phone_numbers'], path) : await this.numbers(trunkId)
      const settings = { active: trunk.is_active ?? null, inboundEnabled: trunk.inbound_enabled ?? null, defaultAgentId: null }
      return { numbers, settings }
    } catch (error) {
      throw trunkNotFound(error, trunkId)
    }
  }

  private async numbers(trunkId: string): Promise<TrunkNumber[]> {
    const path = `/sip-trunks/trunks/${segment(trunkId)}/numbers`
    const { body } = await this.http.request('GET', path, undefined, 'idempotent')
    return liveNumbers(validAnswer(recordList, body, 'GET', path, records), [], path)
  }

  async trunkIds(): Promise<string[]> {
    const { body } = await this.http.request('GET', '/sip-trunks/trunks', undefined, 'idempotent')
    return validAnswer(trunkIdList, body, 'GET', '/sip-trunks/trunks').map(t => t.id)
  }

  async create(trunkId: string, number: NumberToAdd): Promise<TrunkNumber> {
    const { method, path, body } = sipTrunksRequests.add(trunkId, number)
    try {
      const answer = await this.http.request(method, path, body, 'unsafe')
      return toNumber(validAnswer(record, answer.body, method, path))
    } catch (error) {
      // The path names only the trunk, so a 404 here is the trunk's.
      throw trunkNotFound(error, trunkId)
    }
  }

  async remove(trunkId: string, numberId: string): Promise<void> {
    const { method, path } = sipTrunksRequests.remove(trunkId, numberId)
    await this.http.request(method, path, undefined, 'idempotent', 'ignore')
  }

  async setAgent(number: TrunkNumber, agentId: string | null): Promise<void> {
    const { method, path, body } = sipTrunksRequests.setAgent(number.id, agentId)
    await this.http.request(method, path, body, 'idempotent', 'ignore')
  }
}

/** The legacy family's writes. */
export const sipTrunksRequests: FamilyRequests = {
  add: (trunkId, number) => ({
    method: 'POST',
    path: `/sip-trunks/trunks/${segment(trunkId)}/numbers`,
    // Bolna stores the string exactly as sent and matches inbound calls with or without "+":
    // digits only, with the "+" the user wrote.
    body: {
      phone_number: TRUNK_APIS['sip-trunks'].spelling(number.e164, number.withPlus),
      e164_check_enabled: number.e164CheckEnabled,
      ...(number.name !== undefined && { name: number.name })
    }
  }),
  remove: (trunkId, numberId) => ({ method: 'DELETE', path: `/sip-trunks/trunks/${segment(trunkId)}/numbers/${segment(numberId)}` }),
  setAgent: (numberId, agentId) =>
    agentId === null
      ? { method: 'POST', path: '/inbound/unlink', body: { phone_number_id: numberId } }
      : { method: 'POST', path: '/inbound/setup', body: { agent_id: agentId, phone_number_id: numberId } }
}

/** The live records of a list (soft-deleted ones left out), as the action's numbers. */
function liveNumbers(list: readonly unknown[], at: readonly string[], path: string): TrunkNumber[] {
  return validRecords(record, list, at, { method: 'GET', path }, r => (r.deleted === true ? undefined : toNumber(r)))
}

function toNumber(r: SipTrunkNumber): TrunkNumber {
  return {
    id: r.id,
    e164: e164Of(r.phone_number),
    stored: r.phone_number,
    name: r.name ?? null,
    agent: agentOf(r),
    destinationKey: null,
    createdAt: r.created_at ?? null
  }
}

function trunkNotFound(error: unknown, trunkId: string): unknown {
  const otherFamily = isUuid(trunkId)
    ? ` The id is a uuid, the shape of Bolna's newer /trunk API: if the trunk is one of those, set trunk_api: trunk (api: trunk in a numbers file).`
    : ''
  return notFoundAs(
    error,
    'trunk-not-found',
    said =>
      `Trunk ${quote(trunkId)} not found on Bolna's legacy /sip-trunks API${said}.${otherFamily} Check the trunk id and that the API key belongs to the trunk's organisation.`
  )
}

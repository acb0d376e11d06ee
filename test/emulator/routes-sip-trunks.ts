// The legacy family: `/sip-trunks/trunks…` (§2.1) and the agent mapping `/inbound/setup|unlink` (§2.6, §2.7).

import { conflictReply, E164, fieldError, forbiddenTrunk, json, listAnswer, notFound, parseObjectBody, requireString } from './http.ts'
import type { JsonObject, Reply, RequestBody, Route, RouteContext } from './http.ts'
import { legacyRecord } from './store.ts'
import type { PhoneNumberRecord, StoredNumber, TrunkState } from './store.ts'

export function sipTrunkRoutes(ctx: RouteContext): Route[] {
  const { store, config } = ctx
  const trunkNotFound = (): Reply => notFound(config.notFoundBodies, 'sip-trunk')
  const numberNotFound = (): Reply => notFound(config.notFoundBodies, 'sip-number')

  /** A number as the wire shows it: without `agent_id` when legacyAgentId is 'absent', its `name` as legacyName says. */
  function wire(n: StoredNumber): Partial<PhoneNumberRecord> {
    const record: Partial<PhoneNumberRecord> = legacyRecord(n)
    if (config.legacyAgentId === 'absent') delete record.agent_id
    if (config.legacyName === 'absent') delete record.name
    if (config.legacyName === 'null') record.name = null
    return record
  }

  /** The add's answer: its id under `phone_number_id` when legacyAddIdKey says so. */
  function added(n: StoredNumber): JsonObject {
    const { id, ...rest } = wire(n)
    return config.legacyAddIdKey === 'id' ? { id, ...rest } : { phone_number_id: id, ...rest }
  }

  function phoneNumbers(trunkId: string): Array<Partial<PhoneNumberRecord>> {
    return store.visible(trunkId, Date.now(), config.softDeleted === 'included').map(wire)
  }

  /** `SIPTrunkResponse` (§2.2), whose fields are all optional: `phone_numbers` follows legacyTrunkNumbers. */
  function trunkObject(t: TrunkState): JsonObject {
    return {
      id: t.id,
      name: t.name,
      provider: 'custom',
      auth_type: 'ip-based',
      gateways: [],
      ip_identifiers: [],
      ...(config.legacyTrunkNumbers === 'included' && { phone_numbers: phoneNumbers(t.id) }),
      ...(config.legacyTrunkNumbers === 'null' && { phone_numbers: null }),
      transport: 'transport-udp',
      inbound_enabled: t.inbound_enabled,
      is_active: t.is_active,
      outbound_leading_plus_enabled: false,
      created_at: t.created_at,
      updated_at: t.updated_at
    }
  }

  function listTrunks(query: URLSearchParams): Reply {
    const raw = query.get('is_active')
    let isActive: boolean | undefined
    if (raw !== null) {
      isActive = parseBool(raw)
      if (isActive === undefined) {
        return fieldError('is_active', 'Input should be a valid boolean, unable to interpret input', 'bool_parsing', 'query')
      }
    }
    const trunks = [...store.trunks.values()].filter(t => t.api === 'sip-trunks' && (isActive === undefined || t.is_active === isActive))
    return listAnswer(config, trunks.map(trunkObject))
  }

  function getTrunk(trunkId: string): Reply {
    const trunk = store.trunk(trunkId, 'sip-trunks')
    return trunk ? json(200, trunkObject(trunk)) : trunkNotFound()
  }

  function listNumbers(trunkId: string): Reply {
    if (!store.trunk(trunkId, 'sip-trunks')) return trunkNotFound()
    return listAnswer(config, phoneNumbers(trunkId))
  }

  function createNumber(trunkId: string, raw: RequestBody): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    const invalid = validateCreate(body.value)
    if (invalid) return invalid
    const trunk = store.trunk(trunkId, 'sip-trunks')
    if (!trunk) return trunkNotFound()
    const phone = body.value.phone_number as string
    if (body.value.e164_check_enabled === true && !E164.test(phone)) {
      return json(422, { error: 422, message: 'phone_number must be in E.164 format' })
    }
    const refused = conflictReply(config, store.conflict(trunkId, phone), 'phone_number')
    if (refused) return refused
    const name = (body.value.name as string | null | undefined) ?? null
    const stored = store.add(trunk, { number: phone, name, destinationKey: null, agentId: null }, Date.now() + config.listLagMs)
    return json(201, added(stored))
  }

  function deleteNumber(trunkId: string, id: string): Reply {
    if (!store.trunk(trunkId, 'sip-trunks')) return trunkNotFound()
    const stored = store.visibleLive(id, 'sip-trunks', Date.now())
    if (!stored || stored.trunkId !== trunkId) return numberNotFound()
    store.softDelete(stored)
    return json(200, { message: 'Phone number removed successfully' })
  }

  function mapAgent(raw: RequestBody, action: 'setup' | 'unlink'): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    // unlink needs only phone_number_id; an agent_id sent with it is ignored (§2.7)
    const invalid = (action === 'setup' ? requireString(body.value, 'agent_id') : undefined) ?? requireString(body.value, 'phone_number_id')
    if (invalid) return invalid
    const agent = action === 'setup' ? store.agents.get(body.value.agent_id as string) : undefined
    if (action === 'setup' && !agent) return notFound(config.notFoundBodies, 'sip-agent')
    const stored = store.visibleLive(body.value.phone_number_id as string, 'sip-trunks', Date.now())
    if (!stored) return numberNotFound()
    const forbidden = forbiddenTrunk(config, stored.trunkId)
    if (forbidden) return forbidden
    stored.agentId = agent ? agent.id : null // one number, one agent: a remap replaces the previous one
    stored.updatedAt = new Date().toISOString()
    if (agent) agent.format = 'ulaw' // mapping a SIP-trunk number switches the agent's audio to ulaw (§2.6)
    return json(200, { message: action === 'setup' ? 'Agent mapped to phone number' : 'Agent unlinked' })
  }

  return [
    { pattern: ['sip-trunks', 'trunks'], methods: { GET: (_, __, query) => listTrunks(query) } },
    { pattern: ['sip-trunks', 'trunks', null], methods: { GET: ([trunk = '']) => getTrunk(trunk) }, trunkParam: 0 },
    {
      pattern: ['sip-trunks', 'trunks', null, 'numbers'],
      methods: {
        GET: ([trunk = '']) => listNumbers(trunk),
        POST: ([trunk = ''], body) => createNumber(trunk, body)
      },
      trunkParam: 0
    },
    {
      pattern: ['sip-trunks', 'trunks', null, 'numbers', null],
      methods: { DELETE: ([trunk = '', id = '']) => deleteNumber(trunk, id) },
      trunkParam: 0
    },
    { pattern: ['inbound', 'setup'], methods: { POST: (_, body) => mapAgent(body, 'setup') } },
    { pattern: ['inbound', 'unlink'], methods: { POST: (_, body) => mapAgent(body, 'unlink') } }
  ]
}

function validateCreate(body: JsonObject): Reply | undefined {
  const phone = body.phone_number
  if (typeof phone !== 'string' || phone === '') return fieldError('phone_number', 'field required', 'missing')
  const name = body.name
  if (name !== undefined && name !== null && typeof name !== 'string') {
    return fieldError('name', 'Input should be a valid string', 'string_type')
  }
  for (const field of ['e164_check_enabled', 'is_active']) {
    const value = body[field]
    if (value !== undefined && typeof value !== 'boolean') {
      return fieldError(field, 'Input should be a valid boolean', 'bool_type')
    }
  }
  return undefined
}

/** A query boolean as FastAPI (pydantic) reads one. */
function parseBool(raw: string): boolean | undefined {
  const value = raw.toLowerCase()
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(value)) return true
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(value)) return false
  return undefined
}

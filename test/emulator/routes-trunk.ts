// The new family: `/trunk/trunks…` and `PATCH /trunk/numbers/{id}` (§1).

import { conflictReply, E164, forbiddenTrunk, json, notFound, parseObjectBody } from './http.ts'
import type { JsonObject, Reply, RequestBody, Route, RouteContext } from './http.ts'
import { trunkNumberRecord } from './store.ts'
import type { StoredNumber, TrunkNumberRecord, TrunkState } from './store.ts'

interface DetailItem {
  loc: Array<string | number>
  msg: string
  type: string
}

export function trunkRoutes(ctx: RouteContext): Route[] {
  const { store, config } = ctx
  const trunkNotFound = (): Reply => notFound(config.notFoundBodies, 'trunk')
  const numberNotFound = (): Reply => notFound(config.notFoundBodies, 'trunk-number')

  /** A number inside the trunk object, whose shape is unverified (§1.2): without `agent_id` or `destination_key` as the options say. */
  function inTrunk(n: StoredNumber): Partial<TrunkNumberRecord> {
    const record: Partial<TrunkNumberRecord> = trunkNumberRecord(n)
    if (config.trunkNumberAgentId === 'absent') delete record.agent_id
    if (config.trunkNumberDestinationKey === 'absent') delete record.destination_key
    return record
  }

  /** The `Trunk` object (§1.2), its numbers under `numbers` (or `phone_numbers`: trunkNumbersKey). */
  function trunkObject(t: TrunkState): JsonObject {
    return {
      id: t.id,
      name: t.name,
      description: null,
      preset: 'custom',
      is_active: t.is_active,
      inbound_enabled: t.inbound_enabled,
      outbound_enabled: true,
      channels: 10,
      default_inbound_agent_id: t.default_inbound_agent_id,
      auth_username: null,
      transport: 'udp',
      ip_acls: [],
      gateways: [],
      health: 'healthy',
      active_calls: 0,
      [config.trunkNumbersKey]: store.visible(t.id, Date.now(), config.softDeleted === 'included').map(inTrunk)
    }
  }

  function listTrunks(): Reply {
    return json(200, [...store.trunks.values()].filter(t => t.api === 'trunk').map(trunkObject))
  }

  function getTrunk(trunkId: string): Reply {
    const trunk = store.trunk(trunkId, 'trunk')
    return trunk ? json(200, trunkObject(trunk)) : trunkNotFound()
  }

  function addNumber(trunkId: string, raw: RequestBody): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    const errors = validateAdd(body.value)
    if (errors.length > 0) return json(422, { detail: errors })
    const trunk = store.trunk(trunkId, 'trunk')
    if (!trunk) return trunkNotFound()
    const e164 = body.value.e164 as string
    const agentId = (body.value.agent_id as string | null | undefined) ?? null
    if (agentId !== null && !store.agents.has(agentId)) {
      return json(422, { detail: [{ loc: ['body', 'agent_id'], msg: 'Agent not found: it must be one of your agents', type: 'value_error' }] })
    }
    const refused = conflictReply(config, store.conflict(trunkId, e164), 'e164')
    if (refused) return refused
    const fields = { number: e164, name: null, destinationKey: body.value.destination_key as string, agentId }
    const stored = store.add(trunk, fields, Date.now() + config.listLagMs)
    return json(config.trunkAddStatus, trunkNumberRecord(stored))
  }

  function removeNumber(trunkId: string, numberId: string): Reply {
    if (!store.trunk(trunkId, 'trunk')) return trunkNotFound()
    const stored = store.visibleLive(numberId, 'trunk', Date.now())
    if (!stored || stored.trunkId !== trunkId) return numberNotFound()
    store.softDelete(stored)
    return json(200, { message: 'Number removed' })
  }

  function assignAgent(numberId: string, raw: RequestBody): Reply {
    const body = parseObjectBody(raw, true) // an empty body clears, like a null or omitted agent_id
    if ('reply' in body) return body.reply
    const agentId = body.value.agent_id ?? null
    if (agentId !== null && typeof agentId !== 'string') {
      return json(422, { detail: [{ loc: ['body', 'agent_id'], msg: 'Input should be a valid string', type: 'string_type' }] })
    }
    const stored = store.visibleLive(numberId, 'trunk', Date.now())
    if (!stored) return numberNotFound()
    const forbidden = forbiddenTrunk(config, stored.trunkId)
    if (forbidden) return forbidden
    if (agentId !== null && !store.agents.has(agentId)) return notFound(config.notFoundBodies, 'trunk-agent')
    stored.agentId = agentId
    stored.updatedAt = new Date().toISOString()
    return json(200, trunkNumberRecord(stored))
  }

  return [
    { pattern: ['trunk', 'trunks'], methods: { GET: () => listTrunks() } },
    { pattern: ['trunk', 'trunks', null], methods: { GET: ([trunk = '']) => getTrunk(trunk) }, trunkParam: 0 },
    { pattern: ['trunk', 'trunks', null, 'numbers'], methods: { POST: ([trunk = ''], body) => addNumber(trunk, body) }, trunkParam: 0 },
    {
      pattern: ['trunk', 'trunks', null, 'numbers', null],
      methods: { DELETE: ([trunk = '', id = '']) => removeNumber(trunk, id) },
      trunkParam: 0
    },
    { pattern: ['trunk', 'numbers', null], methods: { PATCH: ([id = ''], body) => assignAgent(id, body) } }
  ]
}

/** Every field error at once, as FastAPI reports them. */
function validateAdd(body: JsonObject): DetailItem[] {
  const errors: DetailItem[] = []
  const e164 = body.e164
  if (e164 === undefined) errors.push(item('e164', 'Field required', 'missing'))
  else if (typeof e164 !== 'string') errors.push(item('e164', 'Input should be a valid string', 'string_type'))
  else if (!E164.test(e164)) errors.push(item('e164', `String should match pattern '${E164.source}'`, 'string_pattern_mismatch'))
  const key = body.destination_key
  if (key === undefined) errors.push(item('destination_key', 'Field required', 'missing'))
  else if (typeof key !== 'string') errors.push(item('destination_key', 'Input should be a valid string', 'string_type'))
  else if (key === '') errors.push(item('destination_key', 'String should have at least 1 character', 'string_too_short'))
  const agentId = body.agent_id
  if (agentId !== undefined && agentId !== null && typeof agentId !== 'string') {
    errors.push(item('agent_id', 'Input should be a valid string', 'string_type'))
  }
  return errors
}

function item(field: string, msg: string, type: string): DetailItem {
  return { loc: ['body', field], msg, type }
}

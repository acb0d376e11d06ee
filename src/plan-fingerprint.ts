import { createHash } from 'node:crypto'
import { numberToAdd } from './apply.js'
import { telephonyRequest } from './bolna/agents.js'
import type { FamilyRequest, FamilyRequests } from './bolna/family.js'
import { TRUNK_APIS } from './bolna/port.js'
import type { NumberToAdd, TrunkApi, TrunkRef } from './bolna/port.js'
import { sipTrunksRequests } from './bolna/sip-trunks.js'
import { trunkRequests } from './bolna/trunk.js'
import type { Change, Plan } from './plan.js'
import { messageOf } from './text.js'

const FAMILY_REQUESTS: Readonly<Record<TrunkApi, FamilyRequests>> = { 'sip-trunks': sipTrunksRequests, trunk: trunkRequests }

/**
 * The record a change adds, where a later request of the same change names it (a legacy number's
 * mapping, sent after its add). Bolna's record ids are never empty, so this names no real record.
 */
export const ADDED_RECORD = ''

/** A write of the plan, with the API family and trunk it is for. */
export interface PlannedRequest extends Omit<FamilyRequest, 'method'> {
  /** NONE: a write the family cannot send (the apply fails it). */
  method: FamilyRequest['method'] | 'NONE'
  api: TrunkApi | 'agent'
  trunk: string | null
}

/** What the fingerprint depends on besides the plan: the writes the apply adds by itself. */
export interface FingerprintOptions {
  /** set_agent_telephony: the apply switches each named agent to its trunk's provider where it is not. */
  setAgentTelephony: boolean
}

/**
 * The writes applying the plan sends, in steps: one request, or an add and the mapping of the
 * record it adds (sent after it). Built by the very functions the families send them with: method,
 * API family, trunk, path (with the record ids removed or mapped) and every body field, the number
 * as it is sent and stored. A rename (on_name_change: replace) is a removal and an add. With
 * set_agent_telephony, the switch of each named agent's provider, which the apply sends where
 * Bolna shows another provider. Reads are not listed: they change nothing.
 */
export function plannedRequests(plan: Plan, options: FingerprintOptions): PlannedRequest[][] {
  const steps: PlannedRequest[][] = []
  const telephony = new Map<string, TrunkRef>()
  for (const change of plan.changes) {
    steps.push(...changeRequests(change))
    const agent = change.action === 'replace' ? change.agentAfter : change.action === 'add' || change.action === 'keep' ? change.want.agentId : undefined
    if (typeof agent === 'string' && !telephony.has(agent)) telephony.set(agent, change.trunk)
  }
  if (options.setAgentTelephony) {
    for (const [agentId, trunk] of telephony) {
      steps.push([{ ...telephonyRequest(agentId, TRUNK_APIS[trunk.api].provider), api: 'agent', trunk: null }])
    }
  }
  return steps
}

function changeRequests(change: Change): PlannedRequest[][] {
  const { trunk } = change
  const family = FAMILY_REQUESTS[trunk.api]
  // A request the family refuses to build (an id of "." or "..") is sent by no one: the apply fails that change, saying why.
  const on = (request: () => FamilyRequest): PlannedRequest => {
    try {
      return { ...request(), api: trunk.api, trunk: trunk.id }
    } catch (error) {
      return { method: 'NONE', path: '', body: { unsendable: messageOf(error) }, api: trunk.api, trunk: trunk.id }
    }
  }
  // An add, and the mapping a legacy add needs after it (a `/trunk` add carries its agent).
  const add = (number: NumberToAdd, agentId: string | null | undefined) => [
    on(() => family.add(trunk.id, number)),
    ...(agentId === undefined || TRUNK_APIS[trunk.api].agentInAdd ? [] : [on(() => family.setAgent(ADDED_RECORD, agentId))])
  ]
  switch (change.action) {
    case 'remove':
      return [[on(() => family.remove(trunk.id, change.number.id))]]
    case 'add':
      return [add(numberToAdd(change.want), change.agent ? change.agent.to : undefined)]
    case 'replace':
      return [
        [on(() => family.remove(trunk.id, change.number.id))],
        add(numberToAdd({ ...change.want, agentId: change.agentAfter ?? undefined }), change.agentAfter ?? undefined)
      ]
    case 'keep': {
      const { agent, number } = change
      return agent ? [[on(() => family.setAgent(number.id, agent.to))]] : []
    }
    default:
      return []
  }
}

/** JSON with every object's keys sorted: one text for one value, and a different text for any other. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * The sha256 of the canonical JSON of the plan's writes (plannedRequests), the changes in a fixed
 * order (the apply sends them concurrently, so their order is not part of what it does). Two plans
 * have one fingerprint exactly when they send the same requests. The PR comment carries it, so an
 * apply can check that it sends what was reviewed.
 */
export function planFingerprint(plan: Plan, options: FingerprintOptions): string {
  const steps = plannedRequests(plan, options).map(canonicalJson).sort()
  return createHash('sha256')
    .update(canonicalJson({ version: 1, requests: steps }))
    .digest('hex')
}

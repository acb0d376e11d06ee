// src/plan-fingerprint.ts: the requests an apply of the plan sends, and their fingerprint. A
// mapping's target agent is part of both: a reviewed plan that maps to one agent never applies
// as a mapping to another. (The properties in test/properties/fingerprint.property.test.ts check
// the fingerprint against real applies; these name the requests.)
import { describe, expect, it } from 'vitest'
import type { TrunkRef } from '../../src/bolna/port.js'
import { planChanges } from '../../src/plan.js'
import type { DesiredNumber, Plan } from '../../src/plan.js'
import { ADDED_RECORD, planFingerprint, plannedRequests } from '../../src/plan-fingerprint.js'
import { stored, trunk, wanted } from '../helpers/model.ts'

const legacy = trunk('t1')
const onTrunkApi = trunk('n1', 'trunk')

/** The plan of one number on `on`, where Bolna holds `held` (a record of it, or nothing). */
function planOf(on: TrunkRef, want: DesiredNumber, held: ReturnType<typeof stored>[] = []): Plan {
  return planChanges({ trunks: [{ trunk: on, prune: false, numbers: [want] }] }, new Map([[on.id, held]]), false)
}
const requests = (plan: Plan) => plannedRequests(plan, { setAgentTelephony: false })
const fingerprint = (plan: Plan) => planFingerprint(plan, { setAgentTelephony: false })

describe('the agent a mapping targets', () => {
  it('a legacy add maps the added record to the file’s agent, in the same step', () => {
    expect(requests(planOf(legacy, wanted('919876543210', { agentId: 'ag2' })))).toEqual([
      [
        {
          method: 'POST',
          path: '/sip-trunks/trunks/t1/numbers',
          body: { phone_number: '919876543210', e164_check_enabled: false },
          api: 'sip-trunks',
          trunk: 't1'
        },
        { method: 'POST', path: '/inbound/setup', body: { agent_id: 'ag2', phone_number_id: ADDED_RECORD }, api: 'sip-trunks', trunk: 't1' }
      ]
    ])
  })

  it('a remap of a number already there targets the new agent; agent_id: null unlinks', () => {
    const held = [stored('r1', '919876543210', { agent: 'ag1' })]
    expect(requests(planOf(legacy, wanted('919876543210', { agentId: 'ag2' }), held))).toEqual([
      [{ method: 'POST', path: '/inbound/setup', body: { agent_id: 'ag2', phone_number_id: 'r1' }, api: 'sip-trunks', trunk: 't1' }]
    ])
    expect(requests(planOf(legacy, wanted('919876543210', { agentId: null }), held))).toEqual([
      [{ method: 'POST', path: '/inbound/unlink', body: { phone_number_id: 'r1' }, api: 'sip-trunks', trunk: 't1' }]
    ])
    const onTrunk = [stored('r2', '+14155550123', { agent: 'ag1', destinationKey: '14155550123' })]
    expect(requests(planOf(onTrunkApi, wanted('+14155550123', { agentId: 'ag3' }), onTrunk))).toEqual([
      [{ method: 'PATCH', path: '/trunk/numbers/r2', body: { agent_id: 'ag3' }, api: 'trunk', trunk: 'n1' }]
    ])
  })

  it('plans alike but for the agent have different fingerprints, on both families, for adds and remaps', () => {
    const held = [stored('r1', '919876543210', { agent: 'ag1' })]
    for (const [a, b] of [
      [planOf(legacy, wanted('919876543210', { agentId: 'ag2' })), planOf(legacy, wanted('919876543210', { agentId: 'ag3' }))],
      [planOf(legacy, wanted('919876543210', { agentId: 'ag2' }), held), planOf(legacy, wanted('919876543210', { agentId: 'ag3' }), held)],
      [planOf(legacy, wanted('919876543210', { agentId: 'ag2' }), held), planOf(legacy, wanted('919876543210', { agentId: null }), held)],
      [planOf(onTrunkApi, wanted('+14155550123', { agentId: 'ag2' })), planOf(onTrunkApi, wanted('+14155550123', { agentId: 'ag3' }))]
    ] as [Plan, Plan][]) {
      expect(fingerprint(a)).not.toBe(fingerprint(b))
    }
    // The same plan, the same fingerprint.
    expect(fingerprint(planOf(legacy, wanted('919876543210', { agentId: 'ag2' }), held))).toBe(
      fingerprint(planOf(legacy, wanted('919876543210', { agentId: 'ag2' }), held))
    )
  })
})

// src/health.ts: why calls to a trunk's numbers would not arrive, from the trunk reads the plan makes anyway.
import { describe, expect, it } from 'vitest'
import type { TrunkSettings, TrunkState } from '../../src/bolna/port.js'
import { healthWarnings, onlyWarnings } from '../../src/health.js'
import type { DesiredNumber, DesiredState } from '../../src/plan.js'
import { stored, trunk, wanted } from '../helpers/model.ts'

const healthy: TrunkSettings = { active: true, inboundEnabled: true, defaultAgentId: null }
const state = (settings: Partial<TrunkSettings>, numbers: TrunkState['numbers'] = []): TrunkState => ({ numbers, settings: { ...healthy, ...settings } })
const on = (id: string, numbers: DesiredNumber[], api: 'sip-trunks' | 'trunk' = 'sip-trunks'): DesiredState['trunks'][number] => ({
  trunk: trunk(id, api),
  prune: false,
  numbers
})

describe('healthWarnings', () => {
  it('says nothing of a healthy trunk whose numbers all have an agent', () => {
    const desired = { trunks: [on('t1', [wanted('919876543210', { agentId: 'ag1' })])] }
    expect(healthWarnings(desired, new Map([['t1', state({})]]))).toEqual([])
  })

  it('an inactive trunk is a warning; inbound disabled is a warning when agents expect calls, else a notice (outbound only)', () => {
    const desired = { trunks: [on('t1', []), on('t2', []), on('t3', [wanted('919876543210', { agentId: 'ag1' })])] }
    const states = new Map([
      ['t1', state({ active: false })],
      ['t2', state({ inboundEnabled: false })],
      ['t3', state({ inboundEnabled: false })]
    ])
    const warnings = healthWarnings(desired, states)
    expect(warnings.map(w => [w.trunkId, w.level ?? 'warning'])).toEqual([
      ['t1', 'warning'],
      ['t2', 'notice'],
      ['t3', 'warning']
    ])
    expect(warnings[0]!.message).toMatch(/^Trunk "t1" is inactive/)
    expect(warnings[1]!.message).toMatch(/^Trunk "t2" has inbound calls disabled and no agent answers its numbers/)
    expect(warnings[2]!.message).toMatch(/^Trunk "t3" has inbound calls disabled, yet "\+919876543210" has an agent to answer them/)
    expect(onlyWarnings(warnings).map(w => w.trunkId)).toEqual(['t1', 't3'])
  })

  it('unknown settings (null) are not warnings', () => {
    const desired = { trunks: [on('t1', [])] }
    expect(healthWarnings(desired, new Map([['t1', state({ active: null, inboundEnabled: null })]]))).toEqual([])
  })

  it('a number nobody answers: none in the file and none on the record; the trunk default answers on /trunk', () => {
    const numbers = [wanted('+14155550100')]
    const none = healthWarnings({ trunks: [on('n1', numbers, 'trunk')] }, new Map([['n1', state({})]]))
    expect(none).toEqual([
      { trunkId: 'n1', level: 'notice', message: expect.stringMatching(/^"\+14155550100" on trunk "n1" has no agent, and the trunk has no default agent/) }
    ])
    expect(healthWarnings({ trunks: [on('n1', numbers, 'trunk')] }, new Map([['n1', state({ defaultAgentId: 'ag9' })]]))).toEqual([])
  })

  it('the agent a number keeps counts; an agent Bolna does not show (unknown) is not none; agent_id: null is no agent on purpose (no notice)', () => {
    const held = [stored('a', '919876543210', { agent: 'ag1' }), stored('b', '919876543211', { agent: 'unknown' })]
    const keep = [wanted('919876543210'), wanted('919876543211')]
    expect(healthWarnings({ trunks: [on('t1', keep)] }, new Map([['t1', state({}, held)]]))).toEqual([])
    const unmapped = healthWarnings({ trunks: [on('t1', [wanted('919876543210', { agentId: null })])] }, new Map([['t1', state({}, held)]]))
    expect(unmapped).toEqual([])
    const unlisted = healthWarnings({ trunks: [on('t1', [wanted('919876543212')])] }, new Map([['t1', state({}, held)]]))
    expect(unlisted.map(w => w.level)).toEqual(['notice'])
  })

  it('one notice a trunk however many numbers, naming the first five and counting the rest', () => {
    const numbers = Array.from({ length: 7 }, (_, i) => wanted(`91987654321${i}`))
    const [warning, ...rest] = healthWarnings({ trunks: [on('t1', numbers)] }, new Map([['t1', state({})]]))
    expect(rest).toEqual([])
    expect(warning!.message).toMatch(/^7 numbers on trunk "t1" \("\+919876543210", .*"\+919876543214" and 2 more\) have no agent/)
  })

  it('a trunk that was not read gives no warning', () => {
    expect(healthWarnings({ trunks: [on('t1', [wanted('919876543210')])] }, new Map())).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import type { PhoneNumberRecord } from '../../src/bolna/api.js'
import { digitsOf } from '../../src/phone.js'
import { hasChanges, planChanges } from '../../src/plan.js'
import type { DesiredState } from '../../src/plan.js'

const record = (id: string, phone_number: string, extra: Partial<PhoneNumberRecord> = {}): PhoneNumberRecord => ({ id, phone_number, name: null, ...extra })
const want = (phoneNumber: string, extra = {}) => ({ phoneNumber, digits: digitsOf(phoneNumber), e164CheckEnabled: false, ...extra })
const desired = (prune: boolean, ...numbers: ReturnType<typeof want>[]): DesiredState => ({ trunks: [{ trunkId: 't1', prune, numbers }] })

describe('planChanges', () => {
  it('adds what is missing and keeps what is there, matching by digits', () => {
    const plan = planChanges(desired(false, want('+91 98765-43210'), want('14155550123')), new Map([['t1', [record('a', '919876543210')]]]), false)
    expect(plan.changes.map(c => c.action)).toEqual(['keep', 'add'])
    expect(plan.counts).toMatchObject({ add: 1, remove: 0, unchanged: 1 })
    expect(hasChanges(plan)).toBe(true)
  })

  it('removes unlisted numbers only when both prune switches are on', () => {
    const actual = new Map([['t1', [record('a', '919876543210'), record('b', '918888888888')]]])
    const file = (prune: boolean) => desired(prune, want('919876543210'))
    expect(planChanges(file(true), actual, true).counts.remove).toBe(1)
    expect(planChanges(file(false), actual, true).counts).toMatchObject({ remove: 0, leftAlone: 1 })
    expect(planChanges(file(true), actual, false).counts).toMatchObject({ remove: 0, leftAlone: 1 })
    expect(hasChanges(planChanges(file(true), actual, false))).toBe(false)
  })

  it('reports a differing name without changing it', () => {
    const plan = planChanges(desired(false, want('919876543210', { name: 'New' })), new Map([['t1', [record('a', '919876543210', { name: 'Old' })]]]), false)
    expect(plan.counts).toMatchObject({ unchanged: 1, nameDiffers: 1 })
    expect(hasChanges(plan)).toBe(false)
  })

  it('treats a second live record of a listed number as a duplicate to prune', () => {
    const actual = new Map([['t1', [record('a', '919876543210'), record('b', '+919876543210')]]])
    const plan = planChanges(desired(true, want('919876543210')), actual, true)
    expect(plan.changes).toMatchObject([
      { action: 'keep', record: { id: 'a' } },
      { action: 'remove', record: { id: 'b' }, why: 'duplicate record' }
    ])
  })

  it('plans an agent mapping only when the agent differs', () => {
    const actual = new Map([['t1', [record('a', '919876543210', { agent_id: 'ag1' }), record('b', '918888888888', { agent_id: 'ag1' })]]])
    const plan = planChanges(desired(false, want('919876543210', { agentId: 'ag1' }), want('918888888888', { agentId: 'ag2' })), actual, false)
    expect(plan.changes.map(c => ('agent' in c ? c.agent : 'n/a'))).toEqual([undefined, { from: 'ag1', to: 'ag2' }])
    expect(plan.counts.agentChanges).toBe(1)
  })
})

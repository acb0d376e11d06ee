import { describe, expect, it } from 'vitest'
import { deleteLimitProblem, hasChanges, planChanges } from '../../src/plan.js'
import type { DesiredNumber, DesiredState } from '../../src/plan.js'
import { stored, trunk, wanted } from '../helpers/model.ts'

const desired = (prune: boolean, ...numbers: DesiredNumber[]): DesiredState => ({ trunks: [{ trunk: trunk('t1'), prune, numbers }] })
const onNewTrunk = (...numbers: DesiredNumber[]): DesiredState => ({ trunks: [{ trunk: trunk('t1', 'trunk'), prune: false, numbers }] })

describe('planChanges', () => {
  it('adds what is missing and keeps what is there, matching by the E.164 form', () => {
    const plan = planChanges(desired(false, wanted('+91 98765-43210'), wanted('14155550123')), new Map([['t1', [stored('a', '919876543210')]]]), false)
    expect(plan.changes.map(c => c.action)).toEqual(['keep', 'add'])
    expect(plan.counts).toMatchObject({ add: 1, remove: 0, unchanged: 1 })
    expect(hasChanges(plan)).toBe(true)
  })

  it('matches a record stored with separators by its digits', () => {
    const plan = planChanges(desired(false, wanted('+14155550199')), new Map([['t1', [stored('a', '+1 (415) 555-0199')]]]), false)
    expect(plan.changes).toMatchObject([{ action: 'keep', number: { id: 'a', stored: '+1 (415) 555-0199' } }])
  })

  it('removes unlisted numbers only when both prune switches are on', () => {
    const actual = new Map([['t1', [stored('a', '919876543210'), stored('b', '918888888888')]]])
    const file = (prune: boolean) => desired(prune, wanted('919876543210'))
    expect(planChanges(file(true), actual, true).counts.remove).toBe(1)
    expect(planChanges(file(false), actual, true).counts).toMatchObject({ remove: 0, leftAlone: 1 })
    expect(planChanges(file(true), actual, false).counts).toMatchObject({ remove: 0, leftAlone: 1, pruneHeld: 1 })
    // Drift: the trunk says prune: true, so an unlisted number differs from the file, whatever the input.
    expect(hasChanges(planChanges(file(true), actual, false))).toBe(true)
    expect(hasChanges(planChanges(file(false), actual, true))).toBe(false)
  })

  it('reports a differing name without changing it', () => {
    const plan = planChanges(desired(false, wanted('919876543210', { name: 'New' })), new Map([['t1', [stored('a', '919876543210', { name: 'Old' })]]]), false)
    expect(plan.counts).toMatchObject({ unchanged: 1, differ: 1 })
    expect(plan.changes[0]).toMatchObject({ differences: [{ field: 'name', bolna: 'Old', file: 'New' }] })
    // A drift check counts it, though this run cannot change it.
    expect(hasChanges(plan)).toBe(true)
  })

  it('on /trunk: a name is not sent (said once per trunk), a differing destination_key is reported', () => {
    const actual = new Map([['t1', [stored('a', '+14155550100', { destinationKey: '4155550100' })]]])
    const plan = planChanges(onNewTrunk(wanted('+14155550100', { name: 'A' }), wanted('+14155550101', { name: 'B' })), actual, false)
    expect(plan.notes).toEqual([{ trunkId: 't1', text: "names are not sent: Bolna's /trunk API has no label for a number" }])
    expect(plan.changes[0]).toMatchObject({ action: 'keep', differences: [{ field: 'destination_key', bolna: '4155550100', file: '14155550100' }] })
    const same = planChanges(onNewTrunk(wanted('+14155550100', { destinationKey: '4155550100' })), actual, false)
    expect(same.changes[0]).toMatchObject({ action: 'keep', differences: [] })
    expect(same.notes).toEqual([])
  })

  it('keeps one record of a listed number and removes the others, prune or not: the one calls reach', () => {
    const actual = new Map([
      [
        't1',
        [
          stored('young', '919876543210', { createdAt: '2026-02-01T00:00:00Z' }),
          stored('old', '+919876543210', { createdAt: '2026-01-01T00:00:00Z' }),
          stored('mapped', '+91 98765 43210', { createdAt: '2026-03-01T00:00:00Z', agent: 'ag1' })
        ]
      ]
    ])
    // The file names no agent: the record an agent answers stays, though it is the youngest.
    const answered = planChanges(desired(false, wanted('919876543210')), actual, false)
    expect(answered.changes).toMatchObject([
      { action: 'keep', number: { id: 'mapped' }, healed: { why: 'the one agent "ag1" answers', duplicates: 2 } },
      { action: 'remove', number: { id: 'young' }, why: 'duplicate record' },
      { action: 'remove', number: { id: 'old' }, why: 'duplicate record' }
    ])
    expect(answered.counts).toMatchObject({ remove: 0, duplicates: 2, duplicateNumbers: 1 })
    expect(hasChanges(answered)).toBe(true)
    expect(deleteLimitProblem(answered, 0)).toBeUndefined()
    const unmapped = planChanges(desired(false, wanted('919876543210', { agentId: null })), actual, false)
    expect(unmapped.changes[0]).toMatchObject({ action: 'keep', number: { id: 'old' }, healed: { why: 'the one without an agent, as the file says' } })
    const elsewhere = planChanges(desired(false, wanted('919876543210', { agentId: 'ag9' })), actual, false)
    expect(elsewhere.changes[0]).toMatchObject({ action: 'keep', number: { id: 'old' }, healed: { why: 'the oldest' } })
    const onAgent = planChanges(desired(false, wanted('919876543210', { agentId: 'ag1' })), actual, false)
    expect(onAgent.changes[0]).toMatchObject({
      action: 'keep',
      number: { id: 'mapped' },
      agent: undefined,
      healed: { why: 'the one mapped to the file\'s agent "ag1"' }
    })
  })

  it('plans an agent mapping only when the agent differs, and unmaps for agent_id: null', () => {
    const actual = new Map([
      ['t1', [stored('a', '919876543210', { agent: 'ag1' }), stored('b', '918888888888', { agent: 'ag1' }), stored('c', '917777777777', { agent: 'ag1' })]]
    ])
    const plan = planChanges(
      desired(false, wanted('919876543210', { agentId: 'ag1' }), wanted('918888888888', { agentId: 'ag2' }), wanted('917777777777', { agentId: null })),
      actual,
      false
    )
    expect(plan.changes.map(c => ('agent' in c ? c.agent : 'n/a'))).toEqual([
      undefined,
      { from: { kind: 'agent', id: 'ag1' }, to: 'ag2' },
      { from: { kind: 'agent', id: 'ag1' }, to: null }
    ])
    expect(plan.counts.agentChanges).toBe(2)
  })

  it('on_name_change: replace removes and re-adds a renamed legacy number with its agent, counted against max_deletes', () => {
    const actual = new Map([['t1', [stored('a', '919876543210', { name: 'Old', agent: 'ag1' })]]])
    const plan = planChanges(desired(false, wanted('919876543210', { name: 'New' })), actual, false, 'replace')
    expect(plan.changes).toMatchObject([{ action: 'replace', number: { id: 'a' }, want: { name: 'New' }, agentAfter: 'ag1' }])
    expect(plan.counts).toMatchObject({ replace: 1, remove: 0, differ: 0 })
    expect(deleteLimitProblem(plan, 0)).toMatch(/removes 1 numbers \(1 of them to add back with a new name\), more than max_deletes \(0\)/)
    expect(deleteLimitProblem(plan, 1)).toBeUndefined()
    // On /trunk there is no name to change, so nothing is replaced.
    const onTrunk = planChanges(onNewTrunk(wanted('919876543210', { name: 'New' })), new Map([['t1', [stored('a', '919876543210')]]]), false, 'replace')
    expect(onTrunk.changes).toMatchObject([{ action: 'keep' }])
  })

  it('a mapping Bolna does not show is set, but is no drift', () => {
    const plan = planChanges(
      desired(false, wanted('919876543210', { agentId: 'ag1' })),
      new Map([['t1', [stored('a', '919876543210', { agent: 'unknown' })]]]),
      false
    )
    expect(plan.changes[0]).toMatchObject({ agent: { from: { kind: 'unknown' }, to: 'ag1' } })
    expect(plan.counts).toMatchObject({ agentChanges: 0, agentUnknown: 1 })
    expect(hasChanges(plan)).toBe(false)
  })
})

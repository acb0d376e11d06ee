import { describe, expect, it } from 'vitest'
import type { TrunkNumber } from '../../src/bolna/port.js'
import { agentChange, deleteLimitProblem, hasChanges, planChanges } from '../../src/plan.js'
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

const legacy = (numbers: DesiredNumber[], prune = false): DesiredState => ({ trunks: [{ trunk: trunk('t1'), prune, numbers }] })
const onTrunkApi = (numbers: DesiredNumber[]): DesiredState => ({ trunks: [{ trunk: trunk('t1', 'trunk'), prune: false, numbers }] })
const holding = (...records: TrunkNumber[]) => new Map([['t1', records]])

describe('differences', () => {
  it('a name is compared only when the file gives one and Bolna shows one: a record without a name has an unknown name', () => {
    const plan = (name: string | undefined, bolna: string | null) =>
      planChanges(legacy([wanted('919876543210', name === undefined ? {} : { name })]), holding(stored('a', '919876543210', { name: bolna })), false).changes[0]
    expect(plan(undefined, 'Old')).toMatchObject({ action: 'keep', differences: [] })
    expect(plan('Same', 'Same')).toMatchObject({ differences: [] })
    expect(plan('', null)).toMatchObject({ differences: [] })
    expect(plan('New', null)).toMatchObject({ differences: [] })
    expect(plan('New', '')).toMatchObject({ differences: [{ field: 'name', bolna: '', file: 'New' }] })
    expect(
      planChanges(legacy([wanted('919876543210', { name: 'New' })]), holding(stored('a', '919876543210', { name: null })), false, 'replace').changes[0]
    ).toMatchObject({
      action: 'keep',
      differences: []
    })
  })

  it('a destination key is compared on /trunk only, and only when Bolna shows one', () => {
    const onTrunk = planChanges(onTrunkApi([wanted('+14155550100')]), holding(stored('a', '+14155550100', { destinationKey: null })), false)
    expect(onTrunk.changes[0]).toMatchObject({ differences: [] })
    const onLegacy = planChanges(legacy([wanted('+14155550100')]), holding(stored('a', '+14155550100', { destinationKey: 'other' })), false)
    expect(onLegacy.changes[0]).toMatchObject({ differences: [] })
    const differs = planChanges(
      onTrunkApi([wanted('+14155550100', { destinationKey: 'k' })]),
      holding(stored('a', '+14155550100', { destinationKey: 'j' })),
      false
    )
    expect(differs.changes[0]).toMatchObject({ differences: [{ field: 'destination_key', bolna: 'j', file: 'k' }] })
    expect(differs.counts).toMatchObject({ unchanged: 1, differ: 1 })
  })

  it('on /trunk, a name on any one number is worth the note', () => {
    const plan = planChanges(onTrunkApi([wanted('+14155550100'), wanted('+14155550101', { name: 'B' })]), new Map(), false)
    expect(plan.notes).toEqual([{ trunkId: 't1', text: "names are not sent: Bolna's /trunk API has no label for a number" }])
  })
})

describe('duplicates: the record kept', () => {
  const keptOf = (...records: TrunkNumber[]) => {
    const change = planChanges(legacy([wanted('919876543210')]), holding(...records), false).changes[0]
    return change?.action === 'keep' ? change.number.id : undefined
  }

  it('of records equally old, the first listed', () => {
    expect(keptOf(stored('first', '919876543210', { createdAt: '2026-01-01' }), stored('second', '+919876543210', { createdAt: '2026-01-01' }))).toBe('first')
    expect(keptOf(stored('first', '919876543210'), stored('second', '+919876543210'))).toBe('first')
  })

  it('of several records on the wanted agent, the oldest (the one an export writes)', () => {
    const change = planChanges(
      legacy([wanted('919876543210', { agentId: 'ag1' })]),
      holding(
        stored('young', '919876543210', { createdAt: '2026-01-03', agent: 'ag1' }),
        stored('old-unmapped', '919876543210', { createdAt: '2026-01-01' }),
        stored('old', '919876543210', { createdAt: '2026-01-02', agent: 'ag1' })
      ),
      false
    ).changes[0]
    expect(change).toMatchObject({ action: 'keep', number: { id: 'old' } })
  })

  it('with none on the wanted agent, the oldest, whatever agent it has; with no agent wanted, the one an agent answers', () => {
    const records = [
      stored('young-ag2', '919876543210', { createdAt: '2026-01-02', agent: 'ag2' }),
      stored('old-none', '919876543210', { createdAt: '2026-01-01' })
    ]
    expect(keptOf(...records)).toBe('young-ag2')
    const kept = planChanges(legacy([wanted('919876543210', { agentId: 'ag1' })]), holding(...records), false).changes[0]
    expect(kept).toMatchObject({ action: 'keep', number: { id: 'old-none' }, healed: { why: 'the oldest', duplicates: 1 } })
    const mapped = [
      stored('old-ag2', '919876543210', { createdAt: '2026-01-01', agent: 'ag2' }),
      stored('young-none', '919876543210', { createdAt: '2026-01-02' })
    ]
    expect(keptOf(...mapped)).toBe('old-ag2')
  })

  it('where Bolna shows no agents, the oldest, and the plan says the mapping is unknown', () => {
    const change = planChanges(
      legacy([wanted('919876543210')]),
      holding(
        stored('young', '919876543210', { createdAt: '2026-01-02', agent: 'unknown' }),
        stored('old', '919876543210', { createdAt: '2026-01-01', agent: 'unknown' })
      ),
      false
    ).changes[0]
    expect(change).toMatchObject({ action: 'keep', number: { id: 'old' } })
    expect(change?.action === 'keep' && change.healed?.why).toMatch(
      /^the oldest: Bolna does not show which agent answers each record, so the mapping is unknown$/
    )
  })

  it('a record without a creation time counts as the oldest', () => {
    expect(keptOf(stored('dated', '919876543210', { createdAt: '2026-01-02' }), stored('undated', '+919876543210'))).toBe('undated')
    expect(keptOf(stored('undated', '919876543210'), stored('dated', '+919876543210', { createdAt: '2026-01-02' }))).toBe('undated')
  })
})

describe('numbers the file does not list', () => {
  it('say why they stay', () => {
    const actual = holding(stored('a', '919876543210'))
    const why = (pruneInput: boolean, trunkPrune: boolean) => {
      const change = planChanges(legacy([], trunkPrune), actual, pruneInput).changes[0]
      return change?.action === 'leave' ? change.why : change?.action
    }
    expect(why(false, false)).toBe('not in the file; kept because prune is off')
    expect(why(false, true)).toBe('not in the file; kept because the prune input is false')
    expect(why(true, false)).toBe('not in the file; kept because the trunk has no prune: true')
    expect(why(true, true)).toBe('remove')
  })

  it('on a prune: true trunk, one held back by the prune input is drift; on a trunk without it, it is not', () => {
    const actual = holding(stored('a', '919800000001'))
    const held = planChanges(legacy([], true), actual, false)
    expect(held.changes).toMatchObject([{ action: 'leave', drift: true }])
    expect(held.counts).toMatchObject({ leftAlone: 1, pruneHeld: 1 })
    expect(hasChanges(held)).toBe(true)
    const left = planChanges(legacy([], false), actual, false)
    expect(left.changes).toMatchObject([{ action: 'leave', drift: false }])
    expect(left.counts).toMatchObject({ leftAlone: 1, pruneHeld: 0 })
    expect(hasChanges(left)).toBe(false)
  })

  it('a trunk Bolna shows nothing for (not read) gets only adds', () => {
    const plan = planChanges(legacy([wanted('919876543210')], true), new Map(), true)
    expect(plan.changes.map(c => c.action)).toEqual(['add'])
  })
})

describe('on_name_change', () => {
  const records = () =>
    holding(
      stored('a', '919800000001', { name: 'Old', agent: 'ag1' }),
      stored('b', '919800000002', { name: 'Old', agent: 'unknown' }),
      stored('c', '919800000003', { name: 'Same' }),
      stored('d', '919800000004', { name: 'Old', agent: 'ag1' })
    )
  const file = legacy([
    wanted('919800000001', { name: 'New' }),
    wanted('919800000002', { name: 'New' }),
    wanted('919800000003', { name: 'Same', agentId: 'ag2' }),
    wanted('919800000004', { name: 'New', agentId: null })
  ])

  it("replace: a renamed number is removed and added back with the file's agent, else the one Bolna shows; never when its agent is not shown", () => {
    const plan = planChanges(file, records(), false, 'replace')
    expect(plan.changes.map(c => (c.action === 'replace' ? [c.action, c.number.id, c.agentAfter] : [c.action]))).toEqual([
      ['replace', 'a', 'ag1'],
      // Removing it would drop a mapping Bolna does not show: reported, with why.
      ['keep'],
      ['keep'],
      ['replace', 'd', null]
    ])
    expect(plan.changes[1]).toMatchObject({
      differences: [{ field: 'name', why: expect.stringMatching(/^not replaced: Bolna does not show which agent answers it/) }]
    })
    expect(plan.counts).toMatchObject({ replace: 2, unchanged: 2, differ: 1 })
    expect(hasChanges(plan)).toBe(true)
  })

  it('report (the default): the rename is a difference, counted as drift, with no special reason', () => {
    const plan = planChanges(file, records(), false)
    expect(plan.changes.map(c => c.action)).toEqual(['keep', 'keep', 'keep', 'keep'])
    expect(plan.changes[1]).toMatchObject({ differences: [{ field: 'name', bolna: 'Old', file: 'New' }] })
    expect(plan.changes[1]?.action === 'keep' && plan.changes[1].differences[0]).not.toHaveProperty('why')
    expect(plan.counts).toMatchObject({ replace: 0, differ: 3 })
    expect(hasChanges(plan)).toBe(true)
  })

  it('replace is for names: a differing destination key on /trunk is only reported', () => {
    const plan = planChanges(
      onTrunkApi([wanted('+14155550100', { destinationKey: 'k' })]),
      holding(stored('a', '+14155550100', { destinationKey: 'j' })),
      false,
      'replace'
    )
    expect(plan.changes).toMatchObject([{ action: 'keep', differences: [{ field: 'destination_key' }] }])
  })

  it('each replacement counts against max_deletes, and the refusal says so', () => {
    const plan = planChanges(
      legacy([wanted('919800000001', { name: 'New' })], true),
      holding(stored('a', '919800000001', { name: 'Old' }), stored('x', '919800000009')),
      true,
      'replace'
    )
    expect(deleteLimitProblem(plan, 2)).toBeUndefined()
    expect(deleteLimitProblem(plan, 1)).toBe(
      'The plan removes 2 numbers (1 of them to add back with a new name), more than max_deletes (1); nothing was changed. Raise max_deletes if this is intended.'
    )
  })
})

describe('counts and the delete limit', () => {
  it('count each kind of change once', () => {
    const actual = holding(
      stored('keep', '919800000001', { agent: 'ag1' }),
      stored('remap', '919800000002', { agent: 'ag1' }),
      stored('unknown', '919800000003', { agent: 'unknown' }),
      stored('extra', '919800000004'),
      stored('dup-a', '919800000005', { createdAt: '2026-01-01' }),
      stored('dup-b', '919800000005', { createdAt: '2026-01-02' })
    )
    const file = legacy([
      wanted('919800000001', { agentId: 'ag1' }),
      wanted('919800000002', { agentId: 'ag2' }),
      wanted('919800000003', { agentId: 'ag1' }),
      wanted('919800000005'),
      wanted('919800000006')
    ])
    expect(planChanges(file, actual, false).counts).toMatchObject({
      add: 1,
      remove: 0,
      duplicates: 1,
      duplicateNumbers: 1,
      unchanged: 4,
      differ: 0,
      agentChanges: 1,
      agentUnknown: 1,
      leftAlone: 1
    })
  })

  it('the delete limit: at the limit is allowed, over it is refused with the numbers', () => {
    const plan = planChanges(legacy([], true), holding(stored('a', '919800000001'), stored('b', '919800000002')), true)
    expect(deleteLimitProblem(plan, 2)).toBeUndefined()
    expect(deleteLimitProblem(plan, 1)).toBe(
      'The plan removes 2 numbers, more than max_deletes (1); nothing was changed. Raise max_deletes if this is intended.'
    )
  })

  it('a change is an add, a removal or a mapping Bolna shows, each on its own', () => {
    const removeOnly = planChanges(legacy([], true), holding(stored('a', '919800000001')), true)
    expect(hasChanges(removeOnly)).toBe(true)
    const remapOnly = planChanges(legacy([wanted('919800000001', { agentId: 'ag2' })]), holding(stored('a', '919800000001', { agent: 'ag1' })), false)
    expect(hasChanges(remapOnly)).toBe(true)
    const addOnly = planChanges(legacy([wanted('919800000001')]), new Map(), false)
    expect(hasChanges(addOnly)).toBe(true)
    expect(hasChanges(planChanges(legacy([wanted('919800000001')]), holding(stored('a', '919800000001')), false))).toBe(false)
  })
})

describe('agentChange', () => {
  it('a new number starts with no agent', () => {
    expect(agentChange('ag1')).toEqual({ from: { kind: 'none' }, to: 'ag1' })
    expect(agentChange(null)).toBeUndefined()
    expect(agentChange(undefined, stored('a', '1', { agent: 'ag1' }))).toBeUndefined()
  })
})

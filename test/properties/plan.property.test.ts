import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TrunkNumber } from '../../src/bolna/port.js'
import { deleteLimitProblem, hasChanges, planChanges } from '../../src/plan.js'
import type { DesiredState, Plan } from '../../src/plan.js'
import { stored, trunk, wanted } from '../helpers/model.ts'

const TRUNKS = ['t1', 't2', 't3']
const number = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `91987654${String(3200 + i)}`))
const spelled = (n: string) => fc.constantFrom(n, `+${n}`, `+${n.slice(0, 2)} ${n.slice(2)}`)
const agent = fc.constantFrom<string | null | 'unknown'>('ag1', 'ag2', null, 'unknown')
const wantedAgent = fc.constantFrom<string | null | undefined>('ag1', 'ag2', null, undefined)

/** A file: each number on at most one trunk (as the file rules guarantee). */
const desiredState = fc
  .tuple(
    fc.uniqueArray(number, { maxLength: 10 }),
    fc.array(fc.tuple(fc.constantFrom(...TRUNKS), wantedAgent), { minLength: 10, maxLength: 10 }),
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })
  )
  .chain(([numbers, homes, prunes]) =>
    fc.tuple(...numbers.map(spelled)).map(spellings => {
      const state: DesiredState = { trunks: TRUNKS.map((id, t) => ({ trunk: trunk(id), prune: prunes[t]!, numbers: [] })) }
      spellings.forEach((written, i) => {
        const [home, agentId] = homes[i]!
        state.trunks.find(t => t.trunk.id === home)!.numbers.push(wanted(written, agentId === undefined ? {} : { agentId }))
      })
      return state
    })
  )

/** What Bolna holds: any records, duplicates included, mapped or not, with or without a visible agent. */
const actualState = fc.array(fc.tuple(fc.constantFrom(...TRUNKS), number.chain(spelled), agent, fc.nat({ max: 9 })), { maxLength: 14 }).map(entries => {
  const actual = new Map<string, TrunkNumber[]>(TRUNKS.map(t => [t, []]))
  for (const [i, [trunkId, written, agentId, age]] of entries.entries()) {
    actual.get(trunkId)!.push(stored(`r${i}`, written, { agent: agentId, createdAt: `2026-01-0${age + 1}` }))
  }
  return actual
})

/** Applies a plan to a model of Bolna, as applyPlan does against the API. */
function applyToModel(plan: Plan, actual: Map<string, TrunkNumber[]>): Map<string, TrunkNumber[]> {
  const next = new Map([...actual].map(([id, numbers]) => [id, [...numbers]]))
  let id = 0
  for (const change of plan.changes) {
    const numbers = next.get(change.trunk.id)!
    if (change.action === 'remove') numbers.splice(numbers.indexOf(change.number), 1)
    if (change.action === 'add') numbers.push(stored(`new${id++}`, change.want.e164, { agent: change.want.agentId ?? null }))
    if ((change.action === 'keep' || change.action === 'add') && change.agent) {
      const target = change.action === 'keep' ? change.number : numbers.at(-1)!
      numbers[numbers.indexOf(target)] = { ...target, agent: change.agent.to === null ? { kind: 'none' } : { kind: 'agent', id: change.agent.to } }
    }
  }
  return next
}

const held = (numbers: TrunkNumber[]) => numbers.map(n => n.e164).sort()

describe('the planner (properties)', () => {
  it('applying a plan yields the desired state, one record per listed number; planning again writes nothing', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.boolean(), (desired, actual, pruneInput) => {
        const plan = planChanges(desired, actual, pruneInput)
        const after = applyToModel(plan, actual)
        for (const { trunk: t, prune, numbers } of desired.trunks) {
          const now = after.get(t.id)!
          for (const want of numbers) {
            const records = now.filter(n => n.e164 === want.e164)
            expect(records).toHaveLength(1)
            if (typeof want.agentId === 'string') expect(records[0]!.agent).toEqual({ kind: 'agent', id: want.agentId })
            if (want.agentId === null) expect(records[0]!.agent).toEqual({ kind: 'none' })
          }
          if (pruneInput && prune) expect(held(now)).toEqual(numbers.map(n => n.e164).sort())
        }
        const again = planChanges(desired, after, pruneInput)
        expect(again.counts).toMatchObject({ add: 0, remove: 0, agentChanges: 0, agentUnknown: 0 })
        // What is left is only drift this run could not change: numbers kept on a prune: true trunk.
        expect(hasChanges(again)).toBe(again.counts.pruneHeld > 0)
        if (pruneInput) expect(again.counts.pruneHeld).toBe(0)
      })
    )
  })

  it('removes an unlisted number only where both prune switches are on; a listed number only as a duplicate of the record kept', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.boolean(), (desired, actual, pruneInput) => {
        const plan = planChanges(desired, actual, pruneInput)
        for (const change of plan.changes) {
          if (change.action !== 'remove') continue
          const file = desired.trunks.find(t => t.trunk.id === change.trunk.id)!
          const listed = file.numbers.some(n => n.e164 === change.number.e164)
          expect(change.why).toBe(listed ? 'duplicate record' : 'not in the file')
          if (!listed) expect(pruneInput && file.prune).toBe(true)
          const kept = plan.changes.filter(c => c.action === 'keep' && c.trunk.id === change.trunk.id).map(c => (c.action === 'keep' ? c.number : undefined))
          expect(kept).not.toContain(change.number)
        }
      })
    )
  })

  it('a plan with more removals than max_deletes is refused; within the limit it is allowed', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.nat({ max: 12 }), (desired, actual, maxDeletes) => {
        const plan = planChanges(desired, actual, true)
        const problem = deleteLimitProblem(plan, maxDeletes)
        // Only removals of numbers count: a duplicate record's removal leaves its number on the trunk.
        expect(problem === undefined).toBe(plan.changes.filter(c => c.action === 'remove' && c.why === 'not in the file').length <= maxDeletes)
      })
    )
  })

  it('healing never reduces the set of distinct numbers, never removes the last record of a number, and keeps the record calls reach', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.boolean(), (desired, actual, pruneInput) => {
        const plan = planChanges(desired, actual, pruneInput)
        const healing = plan.changes.filter(c => c.action === 'remove' && c.why === 'duplicate record')
        const healed = new Map([...actual].map(([id, numbers]) => [id, numbers.filter(n => !healing.some(c => c.action === 'remove' && c.number === n))]))
        for (const [id, numbers] of actual) {
          const distinct = (list: TrunkNumber[]) => [...new Set(list.map(n => n.e164))].sort()
          expect(distinct(healed.get(id)!)).toEqual(distinct(numbers))
        }
        expect(plan.counts.duplicates).toBe(healing.length)
        expect(deleteLimitProblem(plan, plan.counts.remove + plan.counts.replace)).toBeUndefined()
        for (const change of plan.changes) {
          if (change.action !== 'keep' && change.action !== 'replace') continue
          const records = actual.get(change.trunk.id)!.filter(n => n.e164 === change.want.e164)
          expect(change.healed?.duplicates ?? 0).toBe(records.length - 1)
          const want = change.want.agentId
          const agentOf = (n: TrunkNumber) => (n.agent.kind === 'agent' ? n.agent.id : n.agent.kind)
          if (typeof want === 'string' && records.some(n => agentOf(n) === want)) expect(agentOf(change.number)).toBe(want)
          if (want === undefined && records.some(n => n.agent.kind === 'agent')) expect(change.number.agent.kind).toBe('agent')
          if (want === null && records.some(n => n.agent.kind === 'none')) expect(change.number.agent.kind).toBe('none')
        }
      }),
      { numRuns: 300 }
    )
  })

  it('never touches a trunk the file does not list', () => {
    fc.assert(
      fc.property(desiredState, actualState, (desired, actual) => {
        const listed = { trunks: desired.trunks.filter(t => t.trunk.id !== 't3') }
        const plan = planChanges(listed, actual, true)
        expect(plan.changes.filter(c => c.trunk.id === 't3')).toEqual([])
      })
    )
  })
})

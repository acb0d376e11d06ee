import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PhoneNumberRecord } from '../../src/bolna/api.js'
import { digitsOf } from '../../src/phone.js'
import { deleteLimitProblem, hasChanges, planChanges } from '../../src/plan.js'
import type { DesiredState, Plan } from '../../src/plan.js'

const TRUNKS = ['t1', 't2', 't3']
const number = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `91987654${String(3200 + i)}`))
const spelled = (n: string) => fc.constantFrom(n, `+${n}`, `+${n.slice(0, 2)} ${n.slice(2)}`)

/** A file: each number on at most one trunk (as the file rules guarantee). */
const desiredState = fc
  .tuple(
    fc.uniqueArray(number, { maxLength: 10 }),
    fc.array(fc.constantFrom(...TRUNKS), { minLength: 10, maxLength: 10 }),
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })
  )
  .chain(([numbers, homes, prunes]) =>
    fc.tuple(...numbers.map(spelled)).map(spellings => {
      const state: DesiredState = { trunks: TRUNKS.map((trunkId, t) => ({ trunkId, prune: prunes[t]!, numbers: [] })) }
      spellings.forEach((phoneNumber, i) => {
        state.trunks.find(t => t.trunkId === homes[i])!.numbers.push({ phoneNumber, digits: digitsOf(phoneNumber), e164CheckEnabled: false })
      })
      return state
    })
  )

/** What Bolna holds: any records, duplicates included. */
const actualState = fc.array(fc.tuple(fc.constantFrom(...TRUNKS), number.chain(spelled)), { maxLength: 14 }).map(entries => {
  const actual = new Map<string, PhoneNumberRecord[]>(TRUNKS.map(t => [t, []]))
  for (const [i, [trunk, phone_number]] of entries.entries()) actual.get(trunk)!.push({ id: `r${i}`, phone_number, name: null })
  return actual
})

/** Applies a plan to a model of Bolna, as applyPlan does against the API. */
function applyToModel(plan: Plan, actual: Map<string, PhoneNumberRecord[]>): Map<string, PhoneNumberRecord[]> {
  const next = new Map([...actual].map(([trunk, records]) => [trunk, [...records]]))
  let id = 0
  for (const change of plan.changes) {
    const records = next.get(change.trunkId)!
    if (change.action === 'remove') records.splice(records.indexOf(change.record), 1)
    if (change.action === 'add') records.push({ id: `new${id++}`, phone_number: change.want.phoneNumber, name: null })
  }
  return next
}

const liveDigits = (records: PhoneNumberRecord[]) => records.map(r => digitsOf(r.phone_number)).sort()

describe('the planner (properties)', () => {
  it('applying a plan yields the desired state; planning again yields no changes', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.boolean(), (desired, actual, pruneInput) => {
        const plan = planChanges(desired, actual, pruneInput)
        const after = applyToModel(plan, actual)
        for (const trunk of desired.trunks) {
          const held = liveDigits(after.get(trunk.trunkId)!)
          for (const want of trunk.numbers) expect(held).toContain(want.digits)
          if (pruneInput && trunk.prune) expect(held).toEqual(trunk.numbers.map(n => n.digits).sort())
        }
        const again = planChanges(desired, after, pruneInput)
        expect(again.counts.add).toBe(0)
        expect(again.counts.remove).toBe(0)
        expect(hasChanges(again)).toBe(false)
      })
    )
  })

  it('removes only on trunks where both prune switches are on, and never what the file lists as the kept record', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.boolean(), (desired, actual, pruneInput) => {
        const plan = planChanges(desired, actual, pruneInput)
        for (const change of plan.changes.filter(c => c.action === 'remove')) {
          expect(pruneInput).toBe(true)
          expect(desired.trunks.find(t => t.trunkId === change.trunkId)!.prune).toBe(true)
          const kept = plan.changes.filter(c => c.action === 'keep' && c.trunkId === change.trunkId).map(c => (c.action === 'keep' ? c.record : undefined))
          expect(kept).not.toContain(change.record)
        }
      })
    )
  })

  it('a plan with more removals than max_deletes is refused; within the limit it is allowed', () => {
    fc.assert(
      fc.property(desiredState, actualState, fc.nat({ max: 12 }), (desired, actual, maxDeletes) => {
        const plan = planChanges(desired, actual, true)
        const problem = deleteLimitProblem(plan, maxDeletes)
        expect(problem === undefined).toBe(plan.changes.filter(c => c.action === 'remove').length <= maxDeletes)
      })
    )
  })

  it('never touches a trunk the file does not list', () => {
    fc.assert(
      fc.property(desiredState, actualState, (desired, actual) => {
        const listed = { trunks: desired.trunks.filter(t => t.trunkId !== 't3') }
        const plan = planChanges(listed, actual, true)
        expect(plan.changes.filter(c => c.trunkId === 't3')).toEqual([])
      })
    )
  })
})

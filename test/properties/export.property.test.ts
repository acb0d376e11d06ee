import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TrunkApi, TrunkNumber } from '../../src/bolna/port.js'
import { exportedFile } from '../../src/export.js'
import { parseNumbersFile } from '../../src/numbers-file.js'
import { hasChanges, planChanges } from '../../src/plan.js'
import { HOSTILE_STRINGS } from '../helpers/hostile-strings.ts'
import { stored, trunk } from '../helpers/model.ts'

/** Numbers as Bolna may store them: E.164 with or without "+", or with separators. */
const digits = fc.oneof(
  fc.stringMatching(/^1[2-9]\d{2}[2-9]\d{6}$/),
  fc.stringMatching(/^91[6-9]\d{9}$/),
  fc.stringMatching(/^447\d{9}$/),
  // A few numbers drawn often, so that duplicates (on one trunk, and across trunks) do occur.
  fc.constantFrom('14155550100', '919876543210')
)
const spelling = (d: string) => fc.constantFrom(d, `+${d}`, `+${d.slice(0, 2)} ${d.slice(2, 5)}-${d.slice(5)}`)
const name = fc.option(
  fc.string({ minLength: 1, maxLength: 40 }).filter(s => /^[^\p{Cc}\p{Cs}]+$/u.test(s) && s.trim() === s),
  { nil: null }
)
const agent = fc.constantFrom<string | null | 'unknown'>('3c90c3cc-0d44-4b50-8888-8dd25736052a', 'agent-b', null, 'unknown')
const key = fc.option(fc.stringMatching(/^[0-9]{6,14}$/), { nil: null })

/** Trunks of either family, each holding random numbers (duplicates and the same number on two trunks included). */
const trunks = fc
  .array(
    fc.tuple(fc.constantFrom<TrunkApi>('sip-trunks', 'trunk'), fc.array(fc.tuple(digits.chain(spelling), name, agent, key, fc.nat(99)), { maxLength: 8 })),
    {
      minLength: 1,
      maxLength: 3
    }
  )
  .map(list =>
    list.map(([api, numbers], t) => ({
      trunk: trunk(`t${t}`, api),
      numbers: numbers.map(([written, n, a, k, age], i): TrunkNumber => {
        const agentShown = api === 'trunk' && a === 'unknown' ? null : a
        return stored(`t${t}-n${i}`, written, {
          name: api === 'trunk' ? null : n,
          agent: agentShown,
          destinationKey: api === 'trunk' ? (k ?? written.replace(/\D/g, '')) : null,
          createdAt: `2026-01-01T00:00:${String(age).padStart(2, '0')}Z`
        })
      })
    }))
  )

describe('export (properties)', () => {
  it('applying an exported file right away plans no change: nothing to add, remove, map, rename or report', async () => {
    await fc.assert(
      fc.asyncProperty(trunks, async state => {
        const { text, count } = exportedFile(state, 'test', new Date(0))
        const parsed = await parseNumbersFile(text)
        if (!parsed.ok) throw new Error(`the export is not a valid numbers file: ${JSON.stringify(parsed.problems)}\n${text}`)
        const actual = new Map(state.map(t => [t.trunk.id, t.numbers]))
        const plan = planChanges(parsed.desired, actual, false)
        // Duplicates of a number (a second record, or the number on a second trunk) are what the
        // file cannot hold: the plan may remove a duplicate, and nothing else.
        const firsts = new Set(state.flatMap(t => t.numbers.map(n => n.e164)))
        expect(count).toBe(firsts.size)
        expect(plan.counts).toMatchObject({ add: 0, replace: 0, agentChanges: 0, agentUnknown: 0, differ: 0 })
        for (const change of plan.changes) if (change.action === 'remove') expect(change.why).toBe('duplicate record')
        expect(plan.changes.filter(c => c.action === 'keep')).toHaveLength(count)
        // Exactly the second and later records of a number on the trunk that lists it are removed.
        const duplicates = parsed.desired.trunks.reduce((sum, t) => {
          const listed = new Set(t.numbers.map(n => n.e164))
          const records = state.find(s => s.trunk.id === t.trunk.id)?.numbers.filter(n => listed.has(n.e164)) ?? []
          return sum + records.length - listed.size
        }, 0)
        expect(plan.counts).toMatchObject({ remove: 0, duplicates })
        // The record kept is the one the file describes: the export writes the record an apply keeps.
        for (const change of plan.changes) if (change.action === 'keep') expect(change.agent).toBeUndefined()
        if (plan.counts.duplicates === 0 && plan.counts.leftAlone === 0) expect(hasChanges(plan)).toBe(false)
      }),
      { numRuns: 150 }
    )
  })

  it('hostile values from Bolna: what the file rules refuse is left out, and applying the export right away still changes nothing', async () => {
    // Short hostile strings (the 1 MiB ones are cut to stay quick; a 256-character one is too long for a name).
    const hostile = fc.constantFrom(...HOSTILE_STRINGS.map(h => h.value.slice(0, 300)), '.', '..', '', ' ', 'x'.repeat(256), 'a b', 'k'.repeat(65))
    const text = fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 12 }))
    const hostileTrunks = fc
      .uniqueArray(fc.tuple(fc.oneof(hostile, fc.string({ minLength: 1, maxLength: 10 })), fc.constantFrom<TrunkApi>('sip-trunks', 'trunk')), {
        minLength: 1,
        maxLength: 4,
        selector: ([id]) => id
      })
      .chain(refs =>
        fc.tuple(
          fc.constant(refs),
          fc.array(
            fc.array(fc.tuple(digits.chain(spelling), fc.option(text, { nil: null }), fc.option(text, { nil: null }), text, fc.nat(99)), { maxLength: 6 }),
            {
              minLength: refs.length,
              maxLength: refs.length
            }
          )
        )
      )
      .map(([refs, numbers]) =>
        refs.map(([id, api], t) => ({
          trunk: trunk(id, api),
          numbers: (numbers[t] ?? []).map(([written, name, agentId, key, age], i) =>
            stored(`t${t}-n${i}`, written, {
              name: api === 'trunk' ? null : name,
              agent: agentId,
              destinationKey: api === 'trunk' ? key : null,
              createdAt: `2026-01-01T00:00:${String(age).padStart(2, '0')}Z`
            })
          )
        }))
      )
    await fc.assert(
      fc.asyncProperty(hostileTrunks, async state => {
        const { text: file, leftOut } = exportedFile(state, 'test', new Date(0))
        const parsed = await parseNumbersFile(file)
        if (leftOut.length === state.length) return
        if (!parsed.ok) throw new Error(`the export is not a valid numbers file: ${JSON.stringify(parsed.problems)}\n${file}`)
        const plan = planChanges(parsed.desired, new Map(state.map(t => [t.trunk.id, t.numbers])), false)
        expect(plan.counts).toMatchObject({ add: 0, replace: 0, agentChanges: 0, agentUnknown: 0, differ: 0, pruneHeld: 0 })
        for (const change of plan.changes) if (change.action === 'remove') expect(change.why).toBe('duplicate record')
        expect(leftOut.map(w => w.trunkId).sort()).toEqual(
          state
            .map(t => t.trunk.id)
            .filter(id => !parsed.desired.trunks.some(d => d.trunk.id === id))
            .sort()
        )
      }),
      { numRuns: 300 }
    )
  })
})

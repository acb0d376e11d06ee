// applyPlan in-process: plans from planChanges, applied through the real BolnaClient over the
// in-memory fake of both families (test/fakes/bolna-families.ts), with a fake clock.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyPlan, failed, numberToAdd, verifyApplied } from '../../src/apply.js'
import type { ApplyResult } from '../../src/apply.js'
import { BolnaClient } from '../../src/bolna/client.js'
import type { TrunkNumber, TrunkRef } from '../../src/bolna/port.js'
import { hasChanges, planChanges, writtenChanges } from '../../src/plan.js'
import type { DesiredNumber, DesiredState, OnNameChange, Plan } from '../../src/plan.js'
import { BolnaApiError } from '../../src/bolna/errors.js'
import { FakeBolna, FakeClock } from '../fakes/bolna-families.ts'
import type { ApiErrorFactory, FakeBehaviour, FakeMethod, Fault } from '../fakes/bolna-families.ts'
import { trunk, wanted } from '../helpers/model.ts'

/** The fake makes the port's own error, which the code under test maps (the fake imports nothing from src/ to run). */
const apiError: ApiErrorFactory = (message, details) => new BolnaApiError(message, details)

const t1 = trunk('t1')
const t2 = trunk('t2')
const n1 = trunk('n1', 'trunk')

/** Legacy trunks t1 and t2, /trunk trunk n1, agents ag1 to ag3, the real client on top. */
function world(behaviour: Partial<FakeBehaviour> = {}) {
  const clock = new FakeClock()
  const fake = new FakeBolna(clock, { trunks: { t1: 'sip-trunks', t2: 'sip-trunks', n1: 'trunk' }, agents: ['ag1', 'ag2', 'ag3'], behaviour, apiError })
  const bolna = new BolnaClient(fake.families, fake.agents, { settleMs: 3000, maxRetries: 2, clock, random: () => 0.5 })
  return { clock, fake, bolna }
}
type World = ReturnType<typeof world>

const file = (...trunks: [TrunkRef, DesiredNumber[], boolean?][]): DesiredState => ({
  trunks: trunks.map(([ref, numbers, prune = false]) => ({ trunk: ref, prune, numbers }))
})

interface RunOptions {
  prune?: boolean
  warn?: (trunkId: string, message: string) => void
  onNameChange?: OnNameChange
  concurrency?: number
  setAgentTelephony?: boolean
  /** Runs after the trunks were read and the plan made, before applying (e.g. faults, a stale read). */
  before?: () => void
}

/** One run of the action: read the trunks the file lists, plan, apply. */
async function run(w: World, desired: DesiredState, { prune = true, onNameChange, concurrency = 4, setAgentTelephony = true, warn, before }: RunOptions = {}) {
  const actual = new Map<string, TrunkNumber[]>()
  for (const t of desired.trunks) actual.set(t.trunk.id, await w.bolna.listNumbers(t.trunk))
  const plan = planChanges(desired, actual, prune, onNameChange)
  before?.()
  const lines: string[] = []
  const from = w.fake.calls.length
  const results = await applyPlan(w.bolna, plan, actual, { concurrency, setAgentTelephony, log: line => lines.push(line), ...(warn && { warn }) })
  // The number calls; the agent calls (provider reads and switches) are read apart, with `switches`.
  const calls = w.fake.calls.slice(from).filter(c => c.method !== 'provider' && c.method !== 'setTelephonyProvider')
  return { plan, results, lines, calls }
}

/** A result as the `results` output shows it: without the change it answers. */
const withoutChange = ({ change: _change, ...result }: ApplyResult) => result

/** Each telephony switch made, as "agent provider". */
const switches = (w: World) => w.fake.calls.filter(c => c.method === 'setTelephonyProvider').map(c => `${c.agentId} ${c.provider}`)

const idOf = (w: World, trunkId: string, e164: string) => w.fake.live(trunkId).find(r => r.e164 === e164)?.id

describe('applyPlan: order and independence', () => {
  it('runs removals before adds, so a number moves between trunks in one apply', async () => {
    const w = world({ otherTrunk: 409 })
    const old = w.fake.seed('t1', '919876543210', { agent: 'ag1' })
    // The file lists the new home first: the removal still goes first.
    const { results, lines, calls } = await run(w, file([t2, [wanted('919876543210', { agentId: 'ag1' })]], [t1, [], true]))
    expect(calls.map(c => `${c.method} ${c.trunkId ?? c.agentId}`)).toEqual(['remove t1', 'create t2', 'setAgent ag1'])
    expect(switches(w)).toEqual(['ag1 sip-trunk'])
    expect(results.map(r => [r.trunk_id, r.status])).toEqual([
      ['t2', 'created'],
      ['t1', 'removed']
    ])
    const moved = idOf(w, 't2', '+919876543210')
    expect(lines).toEqual([
      `Removed "919876543210" (id "${old.id}") from trunk "t1".`,
      `Added "919876543210" to trunk "t2" (id "${moved}").`,
      'Mapped "919876543210" to agent "ag1".',
      'Switched agent "ag1" to the sip-trunk telephony provider.'
    ])
    expect(w.fake.live('t1')).toEqual([])
    expect(w.fake.live('t2')).toMatchObject([{ e164: '+919876543210', agent: 'ag1' }])
  })

  it('one failure does not stop the others', async () => {
    const w = world()
    w.fake.seed('t1', '918888888888')
    const desired = file([t1, [wanted('919876543210'), wanted('919876543211'), wanted('919876543212')], true])
    const { results } = await run(w, desired, {
      concurrency: 1,
      before: () => {
        w.fake.inject({ on: 'remove', fault: { kind: 'fail', error: 'server', status: 500, message: 'remove broke' } })
        w.fake.inject({ on: 'create', fault: { kind: 'fail', error: 'rejected', status: 400, message: 'add broke' }, match: c => c.e164 === '+919876543210' })
      }
    })
    expect(results.map(r => [r.phone_number, r.status, r.error])).toEqual([
      ['919876543210', 'failed', 'add broke'],
      ['919876543211', 'created', undefined],
      ['919876543212', 'created', undefined],
      ['918888888888', 'failed', 'remove broke']
    ])
    expect(w.fake.live('t1').map(r => r.stored)).toEqual(['918888888888', '919876543211', '919876543212'])
  })

  it('keeps at most `concurrency` requests under way', async () => {
    for (const concurrency of [1, 3]) {
      const w = world()
      const numbers = Array.from({ length: 10 }, (_, i) => wanted(`9198765432${String(i).padStart(2, '0')}`, { agentId: `ag${(i % 3) + 1}` }))
      const { results } = await run(w, file([t1, numbers]), { concurrency })
      expect(results.every(r => r.status === 'created' && r.agent_status === 'mapped' && r.telephony_status === 'switched')).toBe(true)
      expect(w.fake.maxInFlight).toBe(concurrency)
    }
  })
})

describe('applyPlan: results and log lines', () => {
  it('one result per entry and one log line per thing done', async () => {
    const w = world()
    const seeded = {
      same: w.fake.seed('t1', '919800000001', { agent: 'ag1' }),
      move: w.fake.seed('t1', '919800000002', { agent: 'ag1' }),
      unmap: w.fake.seed('t1', '919800000003', { agent: 'ag1' }),
      drop: w.fake.seed('t1', '919800000004', { agent: 'ag2', name: 'Old' }),
      unknown: w.fake.seed('t1', '+919800000005', { agent: 'unknown' }),
      plain: w.fake.seed('t1', '919800000008', { name: 'Desk' })
    }
    const desired = file(
      [
        t1,
        [
          wanted('919800000001', { agentId: 'ag1' }),
          wanted('919800000002', { agentId: 'ag2' }),
          wanted('919800000003', { agentId: null }),
          wanted('+919800000005', { agentId: 'ag1' }),
          wanted('919800000006', { agentId: 'ag2', name: 'Sales' }),
          wanted('919800000007'),
          wanted('919800000008')
        ],
        true
      ],
      [n1, [wanted('+14155550100', { agentId: 'ag3' })]]
    )
    const { plan, results, lines } = await run(w, desired, { concurrency: 1, setAgentTelephony: false })
    const added = idOf(w, 't1', '+919800000006')
    const addedPlain = idOf(w, 't1', '+919800000007')
    const onTrunk = w.fake.live('n1')[0]!
    const legacy = { trunk_id: 't1', trunk_api: 'sip-trunks' } as const
    const record = (r: { id: string; stored: string; createdAt: string }, agent: TrunkNumber['agent'], name: string | null = null): TrunkNumber => ({
      id: r.id,
      e164: `+${r.stored.replace(/\D/g, '')}`,
      stored: r.stored,
      name,
      agent,
      destinationKey: null,
      createdAt: r.createdAt
    })
    const expected: Omit<ApplyResult, 'change'>[] = [
      {
        ...legacy,
        phone_number: '919800000001',
        number_id: seeded.same.id,
        status: 'exists',
        name: null,
        agent_id: 'ag1',
        agent_status: 'unchanged',
        number: record(seeded.same, { kind: 'agent', id: 'ag1' })
      },
      {
        ...legacy,
        phone_number: '919800000002',
        number_id: seeded.move.id,
        status: 'exists',
        name: null,
        agent_id: 'ag2',
        agent_status: 'mapped',
        number: record(seeded.move, { kind: 'agent', id: 'ag2' })
      },
      {
        ...legacy,
        phone_number: '919800000003',
        number_id: seeded.unmap.id,
        status: 'exists',
        name: null,
        agent_id: null,
        agent_status: 'unmapped',
        number: record(seeded.unmap, { kind: 'none' })
      },
      {
        ...legacy,
        phone_number: '+919800000005',
        number_id: seeded.unknown.id,
        status: 'exists',
        name: null,
        agent_id: 'ag1',
        agent_status: 'mapped',
        number: record(seeded.unknown, { kind: 'agent', id: 'ag1' })
      },
      {
        ...legacy,
        phone_number: '919800000006',
        number_id: added!,
        status: 'created',
        name: 'Sales',
        agent_id: 'ag2',
        agent_status: 'mapped',
        number: record(w.fake.live('t1').find(r => r.id === added)!, { kind: 'agent', id: 'ag2' }, 'Sales')
      },
      {
        ...legacy,
        phone_number: '919800000007',
        number_id: addedPlain!,
        status: 'created',
        name: null,
        number: record(w.fake.live('t1').find(r => r.id === addedPlain)!, { kind: 'none' })
      },
      {
        ...legacy,
        phone_number: '919800000008',
        number_id: seeded.plain.id,
        status: 'exists',
        name: 'Desk',
        number: record(seeded.plain, { kind: 'none' }, 'Desk')
      },
      {
        ...legacy,
        phone_number: '919800000004',
        number_id: seeded.drop.id,
        status: 'removed',
        name: 'Old',
        number: record(seeded.drop, { kind: 'agent', id: 'ag2' }, 'Old')
      },
      {
        trunk_id: 'n1',
        trunk_api: 'trunk',
        phone_number: '+14155550100',
        number_id: onTrunk.id,
        status: 'created',
        name: null,
        agent_id: 'ag3',
        agent_status: 'mapped',
        number: { ...record(onTrunk, { kind: 'agent', id: 'ag3' }), destinationKey: '14155550100' }
      }
    ]
    expect(results.map(withoutChange)).toEqual(expected)
    // Each result holds the change it answers: every written change, once, in the plan's order.
    expect(results.map(r => r.change)).toEqual(writtenChanges(plan))
    expect(new Set(results.map(r => r.change)).size).toBe(results.length)
    expect(lines).toEqual([
      `Removed "919800000004" (id "${seeded.drop.id}") from trunk "t1".`,
      'Moved "919800000002" from agent "ag1" to "ag2".',
      'Unmapped "919800000003" from agent "ag1".',
      'Mapped "+919800000005" to agent "ag1".',
      `Added "919800000006" to trunk "t1" (id "${added}").`,
      'Mapped "919800000006" to agent "ag2".',
      `Added "919800000007" to trunk "t1" (id "${addedPlain}").`,
      `Added "+14155550100" to trunk "n1" (id "${onTrunk.id}").`,
      // The fake's agents show no provider: one note for each agent mapped in this run.
      'Agent "ag2": Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is "sip-trunk".',
      'Agent "ag1": Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is "sip-trunk".',
      'Agent "ag3": Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is "trunk".'
    ])
    expect(switches(w)).toEqual([])
    expect(w.fake.live('t1').map(r => [r.stored, r.agent])).toEqual([
      ['919800000001', 'ag1'],
      ['919800000002', 'ag2'],
      ['919800000003', null],
      ['+919800000005', 'ag1'],
      ['919800000008', null],
      ['919800000006', 'ag2'],
      ['919800000007', null]
    ])
    expect(results.filter(failed)).toEqual([])
  })

  it("switches each agent mapped in the run once, to the provider of its number's family, and says so", async () => {
    const w = world()
    w.fake.seed('t1', '919800000001', { agent: 'ag1' })
    const desired = file(
      [t1, [wanted('919800000001', { agentId: 'ag2' }), wanted('919800000002', { agentId: 'ag1' }), wanted('919800000003', { agentId: 'ag2' })]],
      [n1, [wanted('+14155550100', { agentId: 'ag3' })]]
    )
    const { results, lines } = await run(w, desired, { concurrency: 1 })
    expect(results.map(r => [r.agent_id, r.agent_status, r.telephony_status])).toEqual([
      ['ag2', 'mapped', 'switched'],
      ['ag1', 'mapped', 'switched'],
      ['ag2', 'mapped', 'switched'],
      ['ag3', 'mapped', 'switched']
    ])
    expect(switches(w)).toEqual(['ag2 sip-trunk', 'ag1 sip-trunk', 'ag3 trunk'])
    expect(lines.filter(l => l.startsWith('Switched'))).toEqual([
      'Switched agent "ag2" to the sip-trunk telephony provider.',
      'Switched agent "ag1" to the sip-trunk telephony provider.',
      'Switched agent "ag3" to the trunk telephony provider.'
    ])
    expect(results.filter(failed)).toEqual([])
  })

  it('a number on a /trunk trunk gets its agent in the add itself: no separate mapping call', async () => {
    const w = world()
    const { results, calls } = await run(w, file([n1, [wanted('+14155550100', { agentId: 'ag3', destinationKey: '4155550100' })]]), {
      setAgentTelephony: false
    })
    expect(calls.map(c => c.method)).toEqual(['create'])
    expect(calls[0]).toMatchObject({ api: 'trunk', agentId: 'ag3' })
    expect(results).toMatchObject([{ status: 'created', agent_id: 'ag3', agent_status: 'mapped' }])
    expect(results[0]).not.toHaveProperty('telephony_status')
    expect(w.fake.live('n1')).toMatchObject([{ agent: 'ag3', destinationKey: '4155550100' }])
    expect(w.fake.agentsById.get('ag3')!.provider).toBeNull()
  })

  it('a keep whose mapping changes maps, and the record in the result shows the new agent', async () => {
    const w = world()
    w.fake.seed('n1', '+14155550100', { agent: 'ag1' })
    const { results, lines, calls } = await run(w, file([n1, [wanted('+14155550100', { agentId: 'ag2' })]]))
    expect(calls.map(c => c.method)).toEqual(['setAgent'])
    expect(switches(w)).toEqual(['ag2 trunk'])
    expect(results[0]).toMatchObject({
      status: 'exists',
      agent_status: 'mapped',
      telephony_status: 'switched',
      number: { agent: { kind: 'agent', id: 'ag2' } }
    })
    expect(lines).toEqual(['Moved "+14155550100" from agent "ag1" to "ag2".', 'Switched agent "ag2" to the trunk telephony provider.'])
  })

  it('a mapping Bolna does not show is set, and an unmapping of one says "(unknown)"', async () => {
    const w = world({ legacyAgentIds: 'absent' })
    w.fake.seed('t1', '919876543210', { agent: 'ag1' })
    w.fake.seed('t1', '919876543211', { agent: 'ag1' })
    const { results, lines } = await run(w, file([t1, [wanted('919876543210', { agentId: 'ag1' }), wanted('919876543211', { agentId: null })]]))
    expect(results.map(r => r.agent_status)).toEqual(['mapped', 'unmapped'])
    expect(lines).toEqual([
      'Mapped "919876543210" to agent "ag1".',
      'Unmapped "919876543211" from agent (unknown).',
      'Switched agent "ag1" to the sip-trunk telephony provider.'
    ])
  })

  it('a removal the trunk shows was already done: "Already gone", status removed', async () => {
    const w = world()
    const record = w.fake.seed('t1', '919876543210')
    const { results, lines } = await run(w, file([t1, [], true]), {
      before: () => {
        record.deleted = true
      }
    })
    expect(results).toMatchObject([{ status: 'removed', number_id: record.id }])
    expect(lines).toEqual([`Already gone: "919876543210" (id "${record.id}") from trunk "t1".`])
  })

  it('an add Bolna shows was already there: exists, no "Added" line; a mapping already so is unchanged', async () => {
    const w = world({ duplicates: 'reject' })
    const { results, lines } = await run(w, file([n1, [wanted('+14155550100', { agentId: 'ag1' }), wanted('+14155550101', { agentId: 'ag1' })]]), {
      setAgentTelephony: false,
      // Added by someone else after the trunk was read.
      before: () => {
        w.fake.seed('n1', '+14155550100', { agent: 'ag1' })
        w.fake.seed('n1', '+14155550101', { agent: 'ag2' })
      }
    })
    expect(results.map(r => [r.status, r.agent_status])).toEqual([
      ['exists', 'unchanged'],
      ['exists', 'mapped']
    ])
    expect(lines).toEqual([
      'Moved "+14155550101" from agent "ag2" to "ag1".',
      'Agent "ag1": Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is "trunk".'
    ])
  })

  it('agent_id null on a new number: added unmapped, unchanged; no agent_id: no agent_status', async () => {
    const w = world()
    const { results, calls } = await run(w, file([t1, [wanted('919876543210', { agentId: null }), wanted('919876543211')]]))
    expect(results.map(r => [r.status, r.agent_id, r.agent_status])).toEqual([
      ['created', null, 'unchanged'],
      ['created', undefined, undefined]
    ])
    expect(results[1]).not.toHaveProperty('agent_id')
    expect(results[1]).not.toHaveProperty('agent_status')
    expect(calls.map(c => c.method)).toEqual(['create', 'create'])
  })

  it('of duplicate records, the mapping goes to the one the plan keeps, not the first listed', async () => {
    const w = world()
    const young = w.fake.seed('t1', '919876543210', { createdAt: '2026-02-01T00:00:00Z' })
    const old = w.fake.seed('t1', '+919876543210', { createdAt: '2026-01-01T00:00:00Z' })
    const { results } = await run(w, file([t1, [wanted('919876543210', { agentId: 'ag1' })]]))
    expect(results.map(r => [r.number_id, r.status, r.agent_status])).toEqual([
      [old.id, 'exists', 'mapped'],
      [young.id, 'removed', undefined]
    ])
    expect(w.fake.live('t1')).toMatchObject([{ id: old.id, agent: 'ag1' }])
  })

  it('an agent mapped on both families is switched once, to the provider of its first number in the plan, with a warning', async () => {
    const w = world()
    const warnings: [string, string][] = []
    const { lines } = await run(w, file([t1, [wanted('919876543210', { agentId: 'ag1' })]], [n1, [wanted('+14155550100', { agentId: 'ag1' })]]), {
      concurrency: 1,
      warn: (trunkId, message) => void warnings.push([trunkId, message])
    })
    expect(w.fake.trace().filter(t => t.startsWith('setTelephonyProvider'))).toEqual(['setTelephonyProvider ag1 sip-trunk'])
    expect(lines.at(-1)).toBe('Switched agent "ag1" to the sip-trunk telephony provider.')
    expect(warnings).toEqual([
      [
        'n1',
        'Agent "ag1" answers numbers on trunks of both APIs, but has one telephony provider: it is kept on "sip-trunk" (for trunk "t1"), so it calls out through that trunk only. Use one agent per API.'
      ]
    ])
  })

  it('a number an add finds already there keeps the mapping Bolna shows, even unknown: agent_id null unlinks it', async () => {
    const w = world({ legacyAgentIds: 'absent', duplicates: 'reject' })
    const { results } = await run(w, file([t1, [wanted('919876543210', { agentId: null })]]), {
      // Added by someone else after the trunk was read.
      before: () => void w.fake.seed('t1', '919876543210', { agent: 'ag1' })
    })
    expect(results).toMatchObject([{ status: 'exists', agent_status: 'unmapped' }])
    expect(w.fake.live('t1')[0]!.agent).toBeNull()
  })

  it('leaves what prune keeps out of the results', async () => {
    const w = world()
    w.fake.seed('t1', '919876543210')
    const { plan, results } = await run(w, file([t1, [], true]), { prune: false })
    expect(plan.changes.map(c => c.action)).toEqual(['leave'])
    expect(results).toEqual([])
    expect(w.fake.calls.map(c => c.method)).toEqual(['list'])
  })
})

describe('applyPlan: failures are reported per entry', () => {
  it('a failed add: as written, no id, the agent asked for, the error', async () => {
    const w = world()
    const { results } = await run(w, file([t1, [wanted('+91 98765 43210', { agentId: 'ag1' })]]), {
      before: () => void w.fake.inject({ on: 'create', fault: { kind: 'fail', error: 'rejected', status: 400, message: 'no' } })
    })
    expect(results.map(withoutChange)).toEqual([
      { trunk_id: 't1', trunk_api: 'sip-trunks', phone_number: '+91 98765 43210', number_id: null, status: 'failed', agent_id: 'ag1', error: 'no' }
    ])
    expect(w.fake.count('setAgent')).toBe(0)
    expect(w.fake.count('setTelephonyProvider')).toBe(0)
  })

  it('a failed removal keeps the record and says why', async () => {
    const w = world()
    const record = w.fake.seed('t1', '919876543210', { name: 'Desk' })
    const { results, lines } = await run(w, file([t1, [], true]), {
      before: () => void w.fake.inject({ on: 'remove', fault: { kind: 'lost', stored: false } })
    })
    expect(results).toMatchObject([{ phone_number: '919876543210', number_id: record.id, name: 'Desk', status: 'failed' }])
    expect(results[0]!.error).toBe(`DELETE /sip-trunks/trunks/t1/numbers/${record.id} failed: network error (ECONNRESET)`)
    expect(lines).toEqual([])
  })

  it('a mapping that fails after an add, on a keep, and an unmapping that fails: each says what was done and what was not', async () => {
    const w = world()
    w.fake.seed('t1', '919876543211', { agent: 'ag1' })
    w.fake.seed('t1', '919876543212', { agent: 'ag1' })
    const { results, lines } = await run(
      w,
      file([t1, [wanted('919876543210', { agentId: 'ghost' }), wanted('919876543211', { agentId: 'ghost' }), wanted('919876543212', { agentId: null })]]),
      {
        concurrency: 1,
        before: () =>
          void w.fake.inject({ on: 'setAgent', fault: { kind: 'fail', error: 'server', status: 500, message: 'unlink broke' }, match: c => c.agentId === null })
      }
    )
    const notFound = `agent "ghost" not found (Bolna said: Agent not found): check the agent id and that it belongs to the API key's account`
    expect(results.map(r => [r.status, r.agent_status, r.error])).toEqual([
      ['created', 'failed', `the number was added, but mapping it to agent "ghost" failed: ${notFound}`],
      ['exists', 'failed', `the number is on the trunk, but mapping it to agent "ghost" failed: ${notFound}`],
      ['exists', 'failed', 'the number is on the trunk, but removing its agent mapping failed: unlink broke']
    ])
    expect(results.some(r => r.telephony_status !== undefined)).toBe(false)
    expect(results[1]!.number!.agent).toEqual({ kind: 'agent', id: 'ag1' })
    expect(lines).toEqual([`Added "919876543210" to trunk "t1" (id "${idOf(w, 't1', '+919876543210')}").`])
    expect(results.every(failed)).toBe(true)
  })

  it("a telephony switch that fails marks every number of that agent, and only that agent's", async () => {
    const w = world()
    const { results, lines } = await run(
      w,
      file([t1, [wanted('919876543210', { agentId: 'ag1' }), wanted('919876543211', { agentId: 'ag2' }), wanted('919876543212', { agentId: 'ag1' })]]),
      {
        before: () =>
          void w.fake.inject({
            on: 'setTelephonyProvider',
            fault: { kind: 'fail', error: 'server', status: 500, message: 'patch broke' },
            match: c => c.agentId === 'ag1'
          })
      }
    )
    const broke = 'the number is mapped, but switching agent "ag1" to the sip-trunk telephony provider failed: patch broke'
    expect(results.map(r => [r.agent_status, r.telephony_status, r.error])).toEqual([
      ['mapped', 'failed', broke],
      ['mapped', 'switched', undefined],
      ['mapped', 'failed', broke]
    ])
    expect(w.fake.count('setTelephonyProvider')).toBe(2)
    expect(lines.filter(l => l.startsWith('Switched'))).toEqual(['Switched agent "ag2" to the sip-trunk telephony provider.'])
    expect(results.map(failed)).toEqual([true, false, true])
  })

  it('without set_agent_telephony no agent is switched', async () => {
    const w = world()
    const { results } = await run(w, file([t1, [wanted('919876543210', { agentId: 'ag1' })]]), { setAgentTelephony: false })
    expect(results[0]).toMatchObject({ agent_status: 'mapped' })
    expect(results[0]).not.toHaveProperty('telephony_status')
    expect(w.fake.count('setTelephonyProvider')).toBe(0)
  })
})

describe('telephony: the provider of the agents the plan names', () => {
  it("with set_agent_telephony: an agent already on the trunk's provider is left as it is; one on another is switched, saying from what", async () => {
    const w = world()
    w.fake.agentsById.get('ag1')!.provider = 'sip-trunk'
    w.fake.agentsById.get('ag2')!.provider = 'plivo'
    w.fake.seed('t1', '919800000001', { agent: 'ag1' })
    const { results, lines } = await run(w, file([t1, [wanted('919800000001', { agentId: 'ag1' }), wanted('919800000002', { agentId: 'ag2' })]]), {
      concurrency: 1
    })
    expect(results.map(r => [r.agent_status, r.telephony_status])).toEqual([
      ['unchanged', 'unchanged'],
      ['mapped', 'switched']
    ])
    expect(switches(w)).toEqual(['ag2 sip-trunk'])
    expect(lines.at(-1)).toBe('Switched agent "ag2" to the sip-trunk telephony provider (from "plivo").')
  })

  it('a switch that fails for an agent whose mapping was already so says the number is on the trunk', async () => {
    const w = world()
    w.fake.seed('t1', '919800000001', { agent: 'ag1' })
    const { results } = await run(w, file([t1, [wanted('919800000001', { agentId: 'ag1' })]]), {
      before: () => void w.fake.inject({ on: 'setTelephonyProvider', fault: { kind: 'fail', error: 'server', status: 500, message: 'no' } })
    })
    expect(results).toMatchObject([
      {
        agent_status: 'unchanged',
        telephony_status: 'failed',
        error: 'the number is on the trunk, but switching agent "ag1" to the sip-trunk telephony provider failed: no'
      }
    ])
  })

  it('without set_agent_telephony: only agents mapped in this run are read; one on another provider is a warning, one Bolna shows none for a note', async () => {
    const w = world()
    w.fake.addAgent('ag4')
    w.fake.agentsById.get('ag1')!.provider = 'plivo'
    w.fake.agentsById.get('ag2')!.provider = 'plivo'
    w.fake.agentsById.get('ag4')!.provider = 'sip-trunk'
    w.fake.seed('t1', '919800000001', { agent: 'ag1' })
    const warnings: [string, string][] = []
    const desired = file(
      [t1, [wanted('919800000001', { agentId: 'ag1' }), wanted('919800000002', { agentId: 'ag2' }), wanted('919800000004', { agentId: 'ag4' })]],
      [n1, [wanted('+14155550100', { agentId: 'ag3' })]]
    )
    const { results, lines } = await run(w, desired, {
      setAgentTelephony: false,
      concurrency: 1,
      warn: (trunkId, message) => warnings.push([trunkId, message])
    })
    expect(w.fake.calls.filter(c => c.method === 'provider').map(c => c.agentId)).toEqual(['ag2', 'ag4', 'ag3'])
    expect(warnings).toEqual([
      [
        't1',
        'Agent "ag2" calls out through the "plivo" provider, not "sip-trunk": its outbound calls will not use the trunk. Set set_agent_telephony: true to switch it.'
      ]
    ])
    expect(lines).toContain('Agent "ag3": Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is "trunk".')
    expect(results.map(r => r.telephony_status)).toEqual([undefined, undefined, 'unchanged', undefined])
    expect(switches(w)).toEqual([])
  })
})

describe('on_name_change: replace', () => {
  const renamed = (agentId?: string | null) => file([t1, [wanted('919876543210', { name: 'New', ...(agentId === undefined ? {} : { agentId }) })]])

  it('removes the number and adds it back with its new name, mapped to the agent it had', async () => {
    const w = world()
    const old = w.fake.seed('t1', '919876543210', { name: 'Old', agent: 'ag1' })
    const { plan, results, lines, calls } = await run(w, renamed(), { onNameChange: 'replace', setAgentTelephony: false })
    expect(plan.changes).toMatchObject([{ action: 'replace', agentAfter: 'ag1' }])
    const now = w.fake.live('t1')
    expect(now).toMatchObject([{ name: 'New', agent: 'ag1', stored: '919876543210' }])
    expect(now[0]!.id).not.toBe(old.id)
    expect(calls.map(c => c.method)).toEqual(['remove', 'create', 'setAgent'])
    expect(results.map(withoutChange)).toEqual([
      {
        trunk_id: 't1',
        trunk_api: 'sip-trunks',
        phone_number: '919876543210',
        number_id: now[0]!.id,
        name: 'New',
        status: 'replaced',
        agent_id: 'ag1',
        agent_status: 'mapped',
        number: {
          id: now[0]!.id,
          e164: '+919876543210',
          stored: '919876543210',
          name: 'New',
          agent: { kind: 'agent', id: 'ag1' },
          destinationKey: null,
          createdAt: now[0]!.createdAt
        }
      }
    ])
    expect(lines).toEqual([
      `Renamed "919876543210" on trunk "t1": removed (id "${old.id}") and added back as "New" (id "${now[0]!.id}").`,
      'Mapped "919876543210" to agent "ag1".',
      'Agent "ag1": Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is "sip-trunk".'
    ])
  })

  it("the file's agent wins; no agent at all: nothing to map", async () => {
    const w = world()
    w.fake.seed('t1', '919876543210', { name: 'Old', agent: 'ag1' })
    w.fake.seed('t1', '919876543211', { name: 'Old' })
    const desired = file([t1, [wanted('919876543210', { name: 'New', agentId: 'ag2' }), wanted('919876543211', { name: 'New' })]])
    const { results, calls } = await run(w, desired, { onNameChange: 'replace', setAgentTelephony: false, concurrency: 1 })
    expect(results.map(r => [r.status, r.agent_id, r.agent_status])).toEqual([
      ['replaced', 'ag2', 'mapped'],
      ['replaced', undefined, undefined]
    ])
    expect(results[1]).not.toHaveProperty('agent_id')
    expect(calls.filter(c => c.method === 'setAgent').map(c => c.agentId)).toEqual(['ag2'])
    expect(w.fake.live('t1').map(r => [r.stored, r.name, r.agent])).toEqual([
      ['919876543210', 'New', 'ag2'],
      ['919876543211', 'New', null]
    ])
  })

  it('a replacement with no agent is recorded with none, even where Bolna does not show agents', async () => {
    const w = world({ legacyAgentIds: 'absent' })
    w.fake.seed('t1', '919876543210', { name: 'Old', agent: 'ag1' })
    const { results } = await run(w, renamed(null), { onNameChange: 'replace' })
    expect(results).toMatchObject([{ status: 'replaced', name: 'New', number: { agent: { kind: 'none' } } }])
    expect(results[0]).not.toHaveProperty('agent_status')
    expect(results[0]).not.toHaveProperty('agent_id')
    expect(w.fake.live('t1')).toMatchObject([{ name: 'New', agent: null }])
  })

  it('a removal that fails leaves the number with its old name, and says so', async () => {
    const w = world()
    const old = w.fake.seed('t1', '919876543210', { name: 'Old' })
    const { results } = await run(w, renamed(), {
      onNameChange: 'replace',
      before: () => void w.fake.inject({ on: 'remove', fault: { kind: 'fail', error: 'server', status: 500, message: 'no delete' } })
    })
    expect(results.map(withoutChange)).toEqual([
      {
        trunk_id: 't1',
        trunk_api: 'sip-trunks',
        phone_number: '919876543210',
        number_id: old.id,
        name: 'Old',
        status: 'failed',
        error: 'removing it to add it back as "New" failed, so it keeps its old name: no delete'
      }
    ])
    expect(w.fake.count('create')).toBe(0)
  })

  it('an add back that fails says the number is gone until a re-run', async () => {
    const w = world()
    w.fake.seed('t1', '919876543210', { name: 'Old', agent: 'ag1' })
    const { results } = await run(w, renamed(), {
      onNameChange: 'replace',
      before: () => void w.fake.inject({ on: 'create', fault: { kind: 'fail', error: 'rejected', status: 400, message: 'no add' } })
    })
    expect(results).toMatchObject([
      { status: 'failed', number_id: null, agent_id: 'ag1', error: 'it was removed to be renamed, but adding it back failed (re-run to add it): no add' }
    ])
    expect(w.fake.live('t1')).toEqual([])
  })

  it('a mapping that fails after the add back is reported on the replaced entry', async () => {
    const w = world()
    w.fake.seed('t1', '919876543210', { name: 'Old' })
    const { results, lines } = await run(w, renamed('ghost'), { onNameChange: 'replace' })
    expect(results).toMatchObject([{ status: 'replaced', agent_id: 'ghost', agent_status: 'failed' }])
    expect(results[0]!.error).toMatch(/^the number was added back, but mapping it to agent "ghost" failed: agent "ghost" not found/)
    expect(results[0]!.number!.agent).toEqual({ kind: 'none' })
    expect(lines).toHaveLength(1)
  })

  it('an add back that carries its agent (as a /trunk add does) needs no mapping call', async () => {
    const w = world()
    w.fake.seed('n1', '+14155550100', { agent: 'ag1' })
    const [number] = await w.bolna.listNumbers(n1)
    const plan: Plan = {
      changes: [{ action: 'replace', trunk: n1, want: wanted('+14155550100', { name: 'x' }), number: number!, agentAfter: 'ag1' }],
      notes: [],
      counts: planChanges(file(), new Map(), false).counts
    }
    const results = await applyPlan(w.bolna, plan, new Map([['n1', [number!]]]), { concurrency: 1, setAgentTelephony: false, log: () => {} })
    expect(results).toMatchObject([{ status: 'replaced', agent_id: 'ag1', agent_status: 'mapped' }])
    expect(w.fake.count('setAgent')).toBe(0)
    expect(w.fake.trace().filter(t => t.startsWith('create'))).toEqual(['create n1 +14155550100 ag1'])
  })
})

describe('verifyApplied: a step ends when the trunks show what was written', () => {
  const verify = async (w: World, results: readonly import('../../src/apply.js').ApplyResult[], settleMs = 3000) => {
    const from = w.fake.calls.length
    const unverified = await verifyApplied(w.bolna, results, { settleMs, clock: w.clock })
    return {
      unverified,
      reads: w.fake.calls
        .slice(from)
        .filter(c => c.method === 'list')
        .map(c => c.trunkId)
    }
  }

  it("healing a duplicate another run made meanwhile keeps the record on the file's agent, or without one for agent_id: null, not the oldest", async () => {
    // The second pin of the duplicate keeper (the first is planChanges' in plan.test.ts): verifying heals by the same rule.
    for (const [agentId, other] of [
      ['ag2', 'ag1'],
      [null, 'ag1']
    ] as const) {
      const w = world()
      const { results } = await run(w, file([t1, [wanted('919876543210', { agentId })]]))
      const ours = w.fake.live('t1').map(r => r.id)
      // Another run's record of the same number, older and on another agent, appears before the verifying read.
      const theirs = w.fake.seed('t1', '919876543210', { agent: other, createdAt: '2020-01-01T00:00:00.000Z' })
      expect((await verify(w, results)).unverified).toEqual([])
      expect(w.fake.live('t1').map(r => [r.id, r.agent])).toEqual([[ours[0], agentId]])
      expect(w.fake.calls.filter(c => c.method === 'remove').map(c => c.numberId)).toEqual([theirs.id])
    }
  })

  it('reads each trunk written once; a trunk where nothing was written is not read', async () => {
    const w = world()
    w.fake.seed('t1', '918888888888')
    w.fake.seed('t2', '917777777777', { agent: 'ag1' })
    const { results } = await run(w, file([t1, [wanted('919876543210', { agentId: 'ag1' })], true], [t2, [wanted('917777777777', { agentId: 'ag1' })]]))
    expect(await verify(w, results)).toEqual({ unverified: [], reads: ['t1'] })
  })

  it('waits out list lag, within settle_seconds', async () => {
    const w = world({ listLagMs: 1200 })
    const { results } = await run(w, file([n1, [wanted('+14155550100'), wanted('+14155550101')]]))
    const started = w.clock.now()
    expect(await verify(w, results)).toEqual({ unverified: [], reads: ['n1', 'n1', 'n1', 'n1'] })
    expect(w.clock.now() - started).toBe(1750)
  })

  it('says what did not show in time: a number not listed, a record still listed, a mapping not shown', async () => {
    const w = world({ listLagMs: 60_000 })
    const gone = w.fake.seed('t1', '918888888888')
    w.fake.seed('t2', '917777777777', { agent: 'ag1' })
    w.fake.seed('t2', '916666666666', { agent: 'ag1' })
    const desired = file([t1, [wanted('919876543210')], true], [t2, [wanted('917777777777', { agentId: 'ag2' }), wanted('916666666666', { agentId: null })]])
    const { results } = await run(w, desired)
    gone.deleted = false
    for (const r of w.fake.live('t2')) r.agent = 'ag1'
    const { unverified } = await verify(w, results, 1000)
    expect(unverified.sort((a, b) => a.trunkId.localeCompare(b.trunkId))).toEqual([
      { trunkId: 't1', missing: ['"+919876543210" is not listed', `"918888888888" (id "${gone.id}") is still listed`] },
      { trunkId: 't2', missing: ['"+917777777777" does not show agent "ag2" yet', '"+916666666666" does not show agent none yet'] }
    ])
  })

  it('a mapping Bolna does not show is not waited for; failed entries are not checked', async () => {
    const w = world({ legacyAgentIds: 'absent' })
    w.fake.seed('t1', '919876543210')
    const { results } = await run(w, file([t1, [wanted('919876543210', { agentId: 'ag1' }), wanted('919876543211')]]), {
      before: () => void w.fake.inject({ on: 'create', fault: { kind: 'fail', error: 'rejected', status: 400 } })
    })
    expect(results.map(r => r.status)).toEqual(['exists', 'failed'])
    expect(await verify(w, results)).toEqual({ unverified: [], reads: ['t1'] })
  })

  it('entries line up with results past numbers left alone; an unmapping that shows is verified', async () => {
    const w = world()
    w.fake.seed('t1', '918888888888')
    w.fake.seed('t1', '919876543210', { agent: 'ag1' })
    const { plan, results } = await run(w, file([t1, [wanted('919876543210', { agentId: null }), wanted('919876543211')]]), { prune: false })
    expect(plan.changes.map(c => c.action)).toEqual(['keep', 'add', 'leave'])
    expect(await verify(w, results)).toEqual({ unverified: [], reads: ['t1'] })
    // Each result names its change: their order does not matter.
    expect(await verify(w, [...results].reverse())).toEqual({ unverified: [], reads: ['t1'] })
  })

  it('a renamed number: the old record must be gone and the number listed', async () => {
    const w = world()
    const old = w.fake.seed('t1', '919876543210', { name: 'Old' })
    const { results } = await run(w, file([t1, [wanted('919876543210', { name: 'New' })]]), { onNameChange: 'replace' })
    expect(await verify(w, results)).toEqual({ unverified: [], reads: ['t1'] })
    old.deleted = false
    const { unverified } = await verify(w, results, 0)
    expect(unverified).toEqual([{ trunkId: 't1', missing: [`"919876543210" (id "${old.id}") is still listed`] }])
  })
})

describe('bugs found by these tests, fixed', () => {
  // src/apply.ts: a legacy add answers without agent_id when Bolna leaves it out (§5, "absent"), so the
  // new record's mapping shows as unknown and `agent_id: null` makes apply unlink a number it has just
  // added (it cannot have a mapping: the legacy add takes no agent). Under list lag the unlink 404s and,
  // as setAgent(null) neither waits nor checks, the entry fails.
  // src/plan.ts (on_name_change: replace): where Bolna does not show a legacy record's agent (no
  // agent_id, §5) and the file names none, the replacement's agent is null; removing a legacy number
  // drops its mapping (§4.6), so the number comes back unmapped and the entry reports success.
  it('fixed: a rename by replace never drops a mapping Bolna does not show: the number is left as it is, and the plan says why', async () => {
    const w = world({ legacyAgentIds: 'absent' })
    w.fake.seed('t1', '919876543210', { name: 'Old', agent: 'ag1' })
    const { plan, results } = await run(w, file([t1, [wanted('919876543210', { name: 'New' })]]), { onNameChange: 'replace' })
    expect(results.filter(failed)).toEqual([])
    expect(plan.changes).toMatchObject([{ action: 'keep', differences: [{ field: 'name', why: expect.stringContaining('not replaced') }] }])
    expect(w.fake.live('t1')).toMatchObject([{ name: 'Old', agent: 'ag1' }])
  })

  it('fixed: agent_id null on a new legacy number, agent_id absent from records, list lag: the entry must not fail', async () => {
    const w = world({ legacyAgentIds: 'absent', listLagMs: 1500 })
    const { results } = await run(w, file([t1, [wanted('919876543210', { agentId: null })]]))
    expect(results.filter(failed)).toEqual([])
  })
})

describe('numberToAdd and failed', () => {
  it('sends only the fields the entry has; a null agent is not sent', () => {
    expect(numberToAdd(wanted('919876543210'))).toStrictEqual({ e164: '+919876543210', withPlus: false, e164CheckEnabled: false })
    expect(numberToAdd(wanted('+14155550100', { name: 'A', destinationKey: '4155550100', agentId: 'ag1', e164CheckEnabled: true }))).toEqual({
      e164: '+14155550100',
      withPlus: true,
      e164CheckEnabled: true,
      name: 'A',
      destinationKey: '4155550100',
      agentId: 'ag1'
    })
    expect(numberToAdd(wanted('919876543210', { agentId: null, name: '' }))).toStrictEqual({
      e164: '+919876543210',
      withPlus: false,
      e164CheckEnabled: false,
      name: ''
    })
  })

  it('an entry failed when it, its mapping or its telephony switch failed', () => {
    const base: Omit<ApplyResult, 'change'> = { trunk_id: 't', trunk_api: 'trunk', phone_number: '+1', number_id: 'a', status: 'created' }
    expect(failed(base)).toBe(false)
    expect(failed({ ...base, status: 'failed' })).toBe(true)
    expect(failed({ ...base, agent_status: 'failed' })).toBe(true)
    expect(failed({ ...base, agent_status: 'mapped', telephony_status: 'failed' })).toBe(true)
    expect(failed({ ...base, agent_status: 'mapped', telephony_status: 'switched' })).toBe(false)
  })
})

describe('applyPlan converges (property)', () => {
  const TRUNKS = [t1, t2, n1]
  const NUMBERS = Array.from({ length: 8 }, (_, i) => `9198765432${String(i).padStart(2, '0')}`)
  const AGENTS = ['ag1', 'ag2']

  /** What Bolna holds at the start: each number on at most one trunk, maybe twice there. */
  const start = fc.array(
    fc.record({
      trunk: fc.nat(2),
      number: fc.nat(NUMBERS.length - 1),
      copies: fc.integer({ min: 1, max: 2 }),
      agent: fc.constantFrom<string | null | 'unknown'>(...AGENTS, null, 'unknown'),
      name: fc.constantFrom<string | null>(null, 'A'),
      plus: fc.boolean()
    }),
    { maxLength: 8 }
  )
  /** The file: each number on at most one trunk; every trunk prunes. */
  const desiredFile = fc.uniqueArray(
    fc.record({
      trunk: fc.nat(2),
      number: fc.nat(NUMBERS.length - 1),
      agent: fc.constantFrom<string | null | undefined>(...AGENTS, null, undefined),
      name: fc.constantFrom<string | undefined>(undefined, 'A', 'B'),
      plus: fc.boolean()
    }),
    { selector: e => e.number, maxLength: 8 }
  )
  const fault = fc.oneof(
    fc.record({ kind: fc.constant('lost' as const), stored: fc.boolean(), as: fc.constantFrom('network' as const, 'timeout' as const) }),
    fc.constant<Fault>({ kind: 'fail', error: 'server', status: 500, retryable: true })
  )
  const faults = fc.array(
    fc.record({
      on: fc.constantFrom<FakeMethod>('create', 'create', 'remove', 'setAgent', 'list', 'check', 'setTelephonyProvider'),
      fault,
      times: fc.integer({ min: 1, max: 4 })
    }),
    { maxLength: 6 }
  )
  // Lag up to settle_seconds (3 s), the most the client is asked to wait out.
  const behaviour = fc.record({
    listLagMs: fc.constantFrom(0, 400, 1500, 2900, 3000),
    duplicates: fc.constantFrom('accept' as const, 'reject' as const),
    otherTrunk: fc.constantFrom(409 as const, 422 as const),
    legacyAgentIds: fc.constantFrom('present' as const, 'absent' as const)
  })

  it('apply with lost answers and lag, then a re-plan and re-apply, leaves exactly the file: one record per number', async () => {
    const onNameChange = fc.constantFrom<OnNameChange>('report', 'replace')
    await fc.assert(
      fc.asyncProperty(
        start,
        desiredFile,
        faults,
        behaviour,
        onNameChange,
        fc.integer({ min: 1, max: 4 }),
        async (records, entries, injected, how, names, concurrency) => {
          const w = world(how)
          const home = new Map<number, number>()
          for (const r of records) {
            const at = home.get(r.number) ?? r.trunk
            home.set(r.number, at)
            const ref = TRUNKS[at]!
            const spelled = ref.api === 'trunk' || r.plus ? `+${NUMBERS[r.number]}` : NUMBERS[r.number]!
            const agent = ref.api === 'trunk' && r.agent === 'unknown' ? null : r.agent
            for (let c = 0; c < r.copies; c++) w.fake.seed(ref.id, spelled, { agent, name: r.name })
          }
          const desired: DesiredState = {
            trunks: TRUNKS.map((ref, t) => ({
              trunk: ref,
              prune: true,
              numbers: entries
                .filter(e => e.trunk === t)
                .map(e =>
                  wanted(e.plus || ref.api === 'trunk' ? `+${NUMBERS[e.number]}` : NUMBERS[e.number]!, {
                    ...(e.agent === undefined ? {} : { agentId: e.agent }),
                    ...(e.name === undefined ? {} : { name: e.name })
                  })
                )
            }))
          }

          await run(w, desired, {
            concurrency,
            onNameChange: names,
            before: () => {
              for (const rule of injected) w.fake.inject(rule)
            }
          })
          w.fake.clearFaults()
          w.clock.advance(60_000)
          const second = await run(w, desired, { concurrency, onNameChange: names })
          expect(second.results.filter(failed)).toEqual([])

          for (const { trunk: ref, numbers } of desired.trunks) {
            const live = w.fake.live(ref.id)
            expect(live.map(r => r.e164).sort()).toEqual(numbers.map(n => n.e164).sort())
            for (const want of numbers) {
              const record = live.find(r => r.e164 === want.e164)!
              if (want.agentId !== undefined) expect(record.agent).toBe(want.agentId)
              // A rename by replace happens where the agent to map again is known.
              const agentKnown = want.agentId !== undefined || (how.legacyAgentIds === 'present' && record.agentShown)
              // A record without a name has an unknown name, which is not a rename.
              if (names === 'replace' && ref.api === 'sip-trunks' && want.name !== undefined && agentKnown && record.name !== null)
                expect(record.name).toBe(want.name)
            }
          }
          // Read again once the last adds show (applyPlan does not wait for that; verifyApplied does).
          w.clock.advance(60_000)
          const actual = new Map<string, TrunkNumber[]>()
          for (const ref of TRUNKS) actual.set(ref.id, await w.bolna.listNumbers(ref))
          const third = planChanges(desired, actual, true, names)
          expect(third.counts).toMatchObject({ add: 0, remove: 0, replace: 0, agentChanges: 0 })
          // With no names in the file there is no difference left to report either.
          if (entries.every(e => e.name === undefined)) expect(hasChanges(third)).toBe(false)
        }
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }
    )
  })
})

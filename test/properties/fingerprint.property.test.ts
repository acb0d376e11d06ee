// The plan's fingerprint is of exactly the requests the apply sends: two plans whose applies send
// different requests never share a fingerprint, and two whose applies send the same requests always
// do. "What the apply sends" is recorded below the real families and client (applyPlan over
// BolnaClient over SipTrunksFamily / TrunkApiFamily / Agents), at the HTTP client.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyPlan } from '../../src/apply.js'
import { Agents } from '../../src/bolna/agents.js'
import { BolnaClient } from '../../src/bolna/client.js'
import type { HttpClient } from '../../src/bolna/http.js'
import type { TrunkApi } from '../../src/bolna/port.js'
import { SipTrunksFamily } from '../../src/bolna/sip-trunks.js'
import { TrunkApiFamily } from '../../src/bolna/trunk.js'
import { agentChange } from '../../src/plan.js'
import type { Change, Plan, PlanCounts } from '../../src/plan.js'
import { canonicalJson, planFingerprint, plannedRequests } from '../../src/plan-fingerprint.js'
import { FakeClock } from '../fakes/bolna-families.ts'
import { stored, trunk, wanted } from '../helpers/model.ts'

/**
 * An HTTP client that records every write and answers as Bolna would: an added record's id names
 * the add (so a later mapping of it says which add it follows), trunks are empty, every agent is
 * on another provider.
 */
function recordingHttp(writes: string[]): HttpClient {
  const request = async (method: string, path: string, body: unknown) => {
    if (method !== 'GET') writes.push(canonicalJson({ method, path, body: body ?? null }))
    if (method === 'POST' && path.endsWith('/numbers')) {
      const sent = body as { phone_number?: string; e164?: string; name?: string; agent_id?: string }
      const id = `added by ${canonicalJson({ path, body })}`
      return {
        status: 201,
        body: path.startsWith('/trunk/') ? { id, e164: sent.e164, agent_id: sent.agent_id ?? null } : { id, phone_number: sent.phone_number, agent_id: null }
      }
    }
    if (method === 'GET' && path.startsWith('/v2/agent/'))
      return { status: 200, body: { tasks: [{ task_type: 'conversation', tools_config: { input: { provider: 'plivo' } } }] } }
    if (method === 'GET') return { status: 200, body: path.startsWith('/trunk/') ? { numbers: [] } : { phone_numbers: [] } }
    return { status: 200, body: undefined }
  }
  return { request } as unknown as HttpClient
}

/** The writes applying the plan sends, sorted (the apply sends them concurrently). */
async function sent(plan: Plan, setAgentTelephony: boolean): Promise<string[]> {
  const writes: string[] = []
  const http = recordingHttp(writes)
  const clock = new FakeClock()
  const bolna = new BolnaClient({ 'sip-trunks': new SipTrunksFamily(http), trunk: new TrunkApiFamily(http) }, new Agents(http), {
    settleMs: 0,
    maxRetries: 0,
    clock
  })
  await applyPlan(bolna, plan, new Map(), { concurrency: 1, setAgentTelephony, log: () => undefined })
  return writes.sort()
}

const COUNTS = {} as PlanCounts
const api = fc.constantFrom<TrunkApi>('sip-trunks', 'trunk')
const trunkRef = fc.tuple(fc.constantFrom('t1', 't2'), api).map(([id, family]) => trunk(id, family))
const written = fc.constantFrom('14155550123', '+14155550123', '+1 415 555 0123', '919876543210')
const name = fc.constantFrom(undefined, 'Main', 'Main 14155550123 agent', 'null')
const destinationKey = fc.constantFrom(undefined, '14155550123', 'good')
const agentId = fc.constantFrom<string | null | undefined>(undefined, null, 'null', 'good', 'agent')
const recordId = fc.constantFrom('a', 'b', 'null')
const recordAgent = fc.constantFrom<string | null>('good', null, 'unknown')

const want = fc
  .record({ written, name, destinationKey, agentId, e164CheckEnabled: fc.boolean() })
  .map(({ written, ...extra }) => wanted(written, Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined))))

/** Changes as the planner makes them: each mapping is agentChange's answer for the record. */
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ trunk: trunkRef, want }).map(({ trunk, want }): Change => ({ action: 'add', trunk, want, agent: agentChange(want.agentId) })),
  fc
    .record({ trunk: trunkRef, id: recordId, number: written })
    .map(({ trunk, id, number }): Change => ({ action: 'remove', trunk, number: stored(id, number), why: 'not in the file' })),
  fc.record({ trunk: trunkRef, want, id: recordId, agent: recordAgent }).map(({ trunk, want, id, agent }): Change => {
    const number = stored(id, want.written, { agent })
    return { action: 'keep', trunk, want, number, agent: agentChange(want.agentId, number), differences: [] }
  }),
  fc
    .record({ trunk: trunkRef, want, id: recordId, after: fc.constantFrom<string | null>('good', null) })
    .map(({ trunk, want, id, after }): Change => ({ action: 'replace', trunk, want, number: stored(id, want.written), agentAfter: after })),
  fc
    .record({ trunk: trunkRef, id: recordId, drift: fc.boolean() })
    .map(({ trunk, id, drift }): Change => ({ action: 'leave', trunk, number: stored(id, '919876543210'), why: 'x', drift }))
)
const plan = fc.array(change, { maxLength: 3 }).map((changes): Plan => ({ changes, notes: [], counts: COUNTS }))

/**
 * The same plan told another way: in another order, with what is never sent changed (how the number
 * was written, a name on /trunk, what a removed record stores), and renames as a removal and an add.
 */
const retold = (p: Plan) =>
  fc.tuple(fc.shuffledSubarray(p.changes, { minLength: p.changes.length }), fc.boolean()).map(([changes, split]): Plan => {
    const told = changes.flatMap((c): Change[] => {
      if (c.action === 'remove') return [{ ...c, number: { ...c.number, stored: `${c.number.stored} ` } }]
      if (c.action === 'replace' && split) {
        const readd = { ...c.want, agentId: c.agentAfter ?? undefined }
        return [
          { action: 'remove', trunk: c.trunk, number: c.number, why: 'not in the file' },
          { action: 'add', trunk: c.trunk, want: readd, agent: agentChange(readd.agentId) }
        ]
      }
      if (c.action === 'add' && c.trunk.api === 'trunk') return [{ ...c, want: { ...c.want, written: `${c.want.e164}`, name: 'not sent' } }]
      return [c]
    })
    return { changes: told, notes: [], counts: COUNTS }
  })

describe('planFingerprint (properties)', () => {
  it('two plans share a fingerprint exactly when their applies send the same requests', async () => {
    const seen = { same: 0, different: 0 }
    const pairs = fc.oneof(
      fc.tuple(plan, plan),
      plan.chain(p => retold(p).map(q => [p, q] as [Plan, Plan]))
    )
    await fc.assert(
      fc.asyncProperty(pairs, fc.boolean(), async ([a, b], setAgentTelephony) => {
        const same = canonicalJson(await sent(a, setAgentTelephony)) === canonicalJson(await sent(b, setAgentTelephony))
        seen[same ? 'same' : 'different']++
        expect(planFingerprint(a, { setAgentTelephony }) === planFingerprint(b, { setAgentTelephony })).toBe(same)
      }),
      { numRuns: 600 }
    )
    // Both sides of the property were tried, many times.
    expect(seen.same).toBeGreaterThan(100)
    expect(seen.different).toBeGreaterThan(100)
  })

  it('plannedRequests lists as many writes as the apply sends', async () => {
    await fc.assert(
      fc.asyncProperty(plan, fc.boolean(), async (p, setAgentTelephony) => {
        expect(plannedRequests(p, { setAgentTelephony }).flat()).toHaveLength((await sent(p, setAgentTelephony)).length)
      }),
      { numRuns: 300 }
    )
  })
})

describe('planFingerprint: the plans the review found sharing one', () => {
  const fp = (...changes: Change[]) => planFingerprint({ changes, notes: [], counts: COUNTS }, { setAgentTelephony: false })
  const add = (number: string, extra: Parameters<typeof wanted>[1] = {}, on = trunk('t1')): Change => {
    const w = wanted(number, extra)
    return { action: 'add', trunk: on, want: w, agent: agentChange(w.agentId) }
  }
  const keep = (agentId: string | null): Change => {
    const number = stored('r1', '919876543210', { agent: 'agent-a' })
    const w = wanted('919876543210', { agentId })
    return { action: 'keep', trunk: trunk('t1'), want: w, number, agent: agentChange(agentId, number), differences: [] }
  }

  it('"14155550123" and "+14155550123" on a legacy trunk (sent as written)', () => {
    expect(fp(add('14155550123'))).not.toBe(fp(add('+14155550123')))
    // On /trunk both are sent as "+14155550123": the same requests.
    expect(fp(add('14155550123', {}, trunk('n1', 'trunk')))).toBe(fp(add('+14155550123', {}, trunk('n1', 'trunk'))))
  })

  it('agent_id: null and an agent whose id is "null"', () => {
    expect(fp(keep(null))).not.toBe(fp(keep('null')))
  })

  it('fields that would run together on /trunk', () => {
    const n1 = trunk('n1', 'trunk')
    expect(fp(add('+14155550123', { name: 'Main', destinationKey: '14155550123', agentId: 'good' }, n1))).not.toBe(
      fp(add('+14155550123', { name: 'Main 14155550123 agent', destinationKey: 'good' }, n1))
    )
  })

  it('a legacy mapping belongs to the add it follows', () => {
    expect(fp(add('14155550123', { agentId: 'good' }), add('919876543210'))).not.toBe(fp(add('14155550123'), add('919876543210', { agentId: 'good' })))
  })

  it('is the sha256 of canonical JSON: 64 hex digits, the same for the same plan in any order', () => {
    const a = add('14155550123')
    const b: Change = { action: 'remove', trunk: trunk('t1'), number: stored('r9', '918888888888'), why: 'not in the file' }
    expect(fp(a, b)).toMatch(/^[0-9a-f]{64}$/)
    expect(fp(a, b)).toBe(fp(b, a))
    expect(fp()).not.toBe(fp(b))
  })

  it('set_agent_telephony adds the switch of each named agent to its trunk’s provider', () => {
    const p = { changes: [add('14155550123', { agentId: 'good' })], notes: [], counts: COUNTS }
    expect(planFingerprint(p, { setAgentTelephony: true })).not.toBe(planFingerprint(p, { setAgentTelephony: false }))
    expect(plannedRequests(p, { setAgentTelephony: true }).at(-1)).toEqual([
      { method: 'PATCH', path: '/v2/agent/good', body: { agent_config: { telephony_provider: 'sip-trunk' } }, api: 'agent', trunk: null }
    ])
  })
})

describe('canonicalJson', () => {
  it('sorts keys, leaves out undefined, and keeps null apart from "null"', () => {
    expect(canonicalJson({ b: 1, a: [null, 'null', { d: undefined, c: true }] })).toBe('{"a":[null,"null",{"c":true}],"b":1}')
  })
})

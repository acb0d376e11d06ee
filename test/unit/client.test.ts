// src/bolna/client.ts: first its protocols, in-process over the in-memory fake of both families —
// exactly-once adds, conflicts and DELETE 404s settled by the trunk's state, mappings whose 404
// is settled by the agent endpoint, and the telephony provider by family (time is a fake clock);
// then the client over real HTTP against the emulator.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Agents } from '../../src/bolna/agents.js'
import { BolnaClient, findNumber } from '../../src/bolna/client.js'
import { BolnaApiError } from '../../src/bolna/errors.js'
import { HttpClient } from '../../src/bolna/http.js'
import type { NumberToAdd, TrunkNumber } from '../../src/bolna/port.js'
import { RateLimiter } from '../../src/bolna/rate-limiter.js'
import { SipTrunksFamily } from '../../src/bolna/sip-trunks.js'
import { TrunkApiFamily } from '../../src/bolna/trunk.js'
import { realClock } from '../../src/clock.js'
import type { Clock } from '../../src/clock.js'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeBolna, FakeClock } from '../fakes/bolna-families.ts'
import type { ApiErrorFactory, FakeBehaviour } from '../fakes/bolna-families.ts'
import { stored, trunk } from '../helpers/model.ts'

/** The fake makes the port's own error, which the code under test maps (the fake imports nothing from src/ to run). */
const apiError: ApiErrorFactory = (message, details) => new BolnaApiError(message, details)

const t1 = trunk('t1')
const n1 = trunk('n1', 'trunk')

const want: NumberToAdd = { e164: '+919876543210', withPlus: false, e164CheckEnabled: false }

interface Setup {
  settleMs?: number
  maxRetries?: number
  behaviour?: Partial<FakeBehaviour>
  random?: () => number
}

/** The real client over the fake: legacy trunks t1 and t2, /trunk trunk n1, agents ag1 and ag2. */
function setup({ settleMs = 3000, maxRetries = 2, behaviour = {}, random = () => 0.5 }: Setup = {}) {
  const clock = new FakeClock()
  const fake = new FakeBolna(clock, { trunks: { t1: 'sip-trunks', t2: 'sip-trunks', n1: 'trunk' }, agents: ['ag1', 'ag2'], behaviour, apiError })
  const bolna = new BolnaClient(fake.families, fake.agents, { settleMs, maxRetries, clock, random })
  return { clock, fake, bolna }
}

const failure = (promise: Promise<unknown>): Promise<BolnaApiError> =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => {
      if (!(error instanceof BolnaApiError)) throw error
      return error
    }
  )

describe('listNumbers', () => {
  it("reads the trunk through its own family's endpoint", async () => {
    const { fake, bolna } = setup()
    fake.seed('t1', '+919876543210', { name: 'Front desk' })
    fake.seed('n1', '+14155550100', { agent: 'ag1' })
    expect(await bolna.listNumbers(t1)).toMatchObject([{ stored: '+919876543210', name: 'Front desk', agent: { kind: 'none' } }])
    expect(await bolna.listNumbers(n1)).toMatchObject([{ stored: '+14155550100', agent: { kind: 'agent', id: 'ag1' }, destinationKey: '14155550100' }])
    expect(fake.calls.map(c => [c.method, c.api])).toEqual([
      ['list', 'sip-trunks'],
      ['list', 'trunk']
    ])
  })

  it('a trunk of the other family is not found', async () => {
    const { bolna } = setup()
    expect((await failure(bolna.listNumbers(trunk('n1', 'sip-trunks')))).kind).toBe('trunk-not-found')
  })
})

describe('addNumber: exactly once', () => {
  it('looks in `known` first and adds nothing the trunk already holds, whatever its spelling', async () => {
    const { fake, bolna } = setup()
    const known = [stored('old', '+91 98765 43210')]
    expect(await bolna.addNumber(t1, want, known)).toEqual({ status: 'exists', number: known[0] })
    expect(fake.calls).toEqual([])
  })

  it('trusts `known`: adds without listing when it lacks the number', async () => {
    const { fake, bolna } = setup()
    const outcome = await bolna.addNumber(t1, want, [stored('x', '+14155550100')])
    expect(outcome).toMatchObject({ status: 'created', number: { stored: '919876543210', e164: '+919876543210' } })
    expect(fake.trace()).toEqual(['create t1 +919876543210'])
  })

  it('without `known`, lists first: adds once when absent, never when present', async () => {
    const { fake, bolna } = setup()
    const created = await bolna.addNumber(t1, { ...want, withPlus: true, name: 'Sales' })
    expect(created).toMatchObject({ status: 'created', number: { stored: '+919876543210', name: 'Sales' } })
    const again = await bolna.addNumber(t1, want)
    expect(again).toEqual({ status: 'exists', number: created.number })
    expect(fake.calls.map(c => c.method)).toEqual(['list', 'create', 'list'])
    expect(fake.live('t1')).toHaveLength(1)
  })

  it('an add whose answer was lost but which was stored is adopted once the lagging list shows it', async () => {
    const { clock, fake, bolna } = setup({ behaviour: { listLagMs: 1200 } })
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: true } })
    const outcome = await bolna.addNumber(t1, want, [])
    expect(outcome).toMatchObject({ status: 'created', number: { id: fake.live('t1')[0]!.id } })
    expect(fake.count('create')).toBe(1)
    expect(fake.live('t1')).toHaveLength(1)
    // Listed at 0, 250 and 750 ms (hidden), then at 1750 ms (shown): no add in between.
    expect(fake.calls.filter(c => c.method === 'list').map(c => c.at)).toEqual([0, 250, 750, 1750])
    expect(clock.sleeps).toEqual([250, 500, 1000])
  })

  it('a lost add that was not stored is added again after the trunk was watched for settle_seconds, with a backoff', async () => {
    const { clock, fake, bolna } = setup()
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: false, as: 'timeout' } })
    const outcome = await bolna.addNumber(t1, want, [])
    expect(outcome.status).toBe('created')
    expect(fake.count('create')).toBe(2)
    expect(fake.live('t1')).toHaveLength(1)
    // Watched until the next pause would pass settle_seconds (3 s), then a backoff of 0.5 × 250 ms.
    // The last look is at the deadline itself (3 s), then the backoff.
    expect(clock.sleeps).toEqual([250, 500, 1000, 1000, 250, 125])
    expect(fake.calls.filter(c => c.method === 'list').map(c => c.at)).toEqual([0, 250, 750, 1750, 2750, 3000])
  })

  it('watches up to and including the deadline, not past it', async () => {
    const { fake, bolna } = setup({ settleMs: 750, maxRetries: 0 })
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: false } })
    await failure(bolna.addNumber(t1, want, []))
    expect(fake.calls.filter(c => c.method === 'list').map(c => c.at)).toEqual([0, 250, 750])
  })

  it('gives up after maxRetries further adds, each followed by a look; the error keeps its kind and names settle_seconds', async () => {
    const { clock, fake, bolna } = setup({ settleMs: 0, maxRetries: 3 })
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: false, as: 'timeout' }, times: 10 })
    const error = await failure(bolna.addNumber(t1, want, []))
    expect(error.message).toBe(
      'POST /sip-trunks/trunks/t1/numbers timed out after 30 s; the number did not show on the trunk within 0 s (settle_seconds), so it was not added: re-run to check'
    )
    expect(error.details).toMatchObject({ kind: 'timeout', ambiguous: true, method: 'POST' })
    expect(fake.calls.map(c => c.method)).toEqual(['create', 'list', 'create', 'list', 'create', 'list', 'create', 'list'])
    // Full-jitter backoff between adds: 0.5 × 250, 500, 1000 ms.
    expect(clock.sleeps).toEqual([125, 250, 500])
    expect(fake.live('t1')).toEqual([])
  })

  it('with settle_seconds the message gives it in seconds', async () => {
    const { fake, bolna } = setup({ settleMs: 2500, maxRetries: 0 })
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: false } })
    const error = await failure(bolna.addNumber(t1, want, []))
    expect(error.message).toContain('within 2.5 s (settle_seconds)')
    expect(error.kind).toBe('network')
  })

  it('uses Math.random for the jitter when none is given', async () => {
    const clock = new FakeClock()
    const fake = new FakeBolna(clock, { trunks: { t1: 'sip-trunks' }, apiError })
    const bolna = new BolnaClient(fake.families, fake.agents, { settleMs: 0, maxRetries: 1, clock })
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: false } })
    expect((await bolna.addNumber(t1, want, [])).status).toBe('created')
    expect(clock.sleeps).toHaveLength(1)
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(0)
    expect(clock.sleeps[0]).toBeLessThan(250)
  })

  it('when the look after a lost add fails too, says the add may have happened and adds nothing more', async () => {
    const { fake, bolna } = setup()
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: true } })
    fake.inject({ on: 'list', fault: { kind: 'fail', error: 'server', status: 503, retryable: true } })
    const error = await failure(bolna.addNumber(t1, want, []))
    expect(error.message).toBe(
      'POST /sip-trunks/trunks/t1/numbers failed: network error (ECONNRESET); checking whether it was stored failed too (GET /sip-trunks/trunks/t1 failed with 503: injected server): re-run to reconcile'
    )
    expect(error.details).toMatchObject({ kind: 'network', ambiguous: true })
    expect(fake.calls.map(c => c.method)).toEqual(['create', 'list'])
  })

  it('a failure that proves nothing was stored is thrown as it is, without a look or another add', async () => {
    const { fake, bolna } = setup()
    fake.inject({ on: 'create', fault: { kind: 'fail', error: 'rejected', status: 400, message: 'bad number' } })
    const error = await failure(bolna.addNumber(t1, want, []))
    expect(error.message).toBe('bad number')
    expect(fake.calls.map(c => c.method)).toEqual(['create'])
  })

  it('an unknown trunk fails at once', async () => {
    const { fake, bolna } = setup()
    expect((await failure(bolna.addNumber(trunk('nope'), want, []))).kind).toBe('trunk-not-found')
    expect(fake.calls.map(c => c.method)).toEqual(['create'])
  })

  it('something other than an API error is thrown as it is', async () => {
    const { fake, bolna } = setup()
    const boom = new TypeError('boom')
    fake.families['sip-trunks'].create = async () => {
      throw boom
    }
    await expect(bolna.addNumber(t1, want, [])).rejects.toBe(boom)
    expect(fake.calls).toEqual([])
  })

  it('on /trunk the number carries its destination key and agent in the add itself', async () => {
    const { fake, bolna } = setup()
    const outcome = await bolna.addNumber(
      n1,
      { e164: '+14155550100', withPlus: true, e164CheckEnabled: false, destinationKey: '4155550100', agentId: 'ag1' },
      []
    )
    expect(outcome.number).toMatchObject({ stored: '+14155550100', destinationKey: '4155550100', agent: { kind: 'agent', id: 'ag1' } })
    expect(fake.trace()).toEqual(['create n1 +14155550100 ag1'])
  })

  it('a number it created has the agent its add carried (/trunk) or none, even where Bolna does not show agents', async () => {
    const { fake, bolna } = setup({ behaviour: { trunkAgentIds: 'absent', legacyAgentIds: 'absent' } })
    const add = { e164: '+14155550100', withPlus: true, e164CheckEnabled: false, agentId: 'ag1' }
    expect((await bolna.addNumber(n1, add, [])).number.agent).toEqual({ kind: 'agent', id: 'ag1' })
    expect((await bolna.addNumber(n1, { ...add, e164: '+14155550101', agentId: undefined }, [])).number.agent).toEqual({ kind: 'none' })
    // A legacy add carries no agent: the number has none until it is mapped.
    expect((await bolna.addNumber(t1, { ...add, e164: '+14155550102' }, [])).number.agent).toEqual({ kind: 'none' })
    // What Bolna lists is not rewritten: there, the agent stays unknown.
    expect((await bolna.listNumbers(n1)).map(n => n.agent.kind)).toEqual(['unknown', 'unknown'])
    expect(fake.trace()).toHaveLength(4)
  })
})

describe('addNumber: a conflict is settled by what the trunk shows', () => {
  it('a 409 for a number the stale `known` missed: the trunk shows it, so it exists; nothing waits', async () => {
    const { clock, fake, bolna } = setup({ behaviour: { duplicates: 'reject' } })
    const there = fake.seed('t1', '919876543210')
    const outcome = await bolna.addNumber(t1, want, [])
    expect(outcome).toMatchObject({ status: 'exists', number: { id: there.id } })
    expect(fake.trace()).toEqual(['create t1 +919876543210 -> conflict', 'list t1'])
    expect(clock.now()).toBe(0)
  })

  it('a 409 for a number added a moment ago and hidden by list lag: waits until it shows', async () => {
    const { clock, fake, bolna } = setup({ behaviour: { duplicates: 'reject', listLagMs: 1000 } })
    const first = await bolna.addNumber(t1, want, [])
    const second = await bolna.addNumber(t1, want)
    expect(second).toEqual({ status: 'exists', number: first.number })
    expect(fake.calls.filter(c => c.method === 'list').map(c => c.at)).toEqual([0, 0, 250, 750, 1750])
    expect(clock.now()).toBe(1750)
    expect(fake.live('t1')).toHaveLength(1)
  })

  it('a 409 for a number on another trunk: after settle_seconds, the error says to remove it from the other trunk first', async () => {
    const { clock, fake, bolna } = setup()
    fake.seed('t2', '+919876543210')
    const error = await failure(bolna.addNumber(t1, want, []))
    expect(error.message).toBe(
      'Bolna refused POST /sip-trunks/trunks/t1/numbers (409): Phone number already exists on another active trunk. The number is not on trunk "t1": if it is on another trunk, remove it from the other trunk first'
    )
    expect(error.details).toMatchObject({ kind: 'conflict', status: 409, ambiguous: false })
    expect(fake.count('list')).toBe(6)
    expect(clock.now()).toBe(3000)
    expect(fake.count('create')).toBe(1)
  })

  it('a 422 is read once, without waiting', async () => {
    const { clock, fake, bolna } = setup({ behaviour: { otherTrunk: 422 } })
    fake.seed('n1', '+919876543210')
    const error = await failure(bolna.addNumber(t1, want, []))
    expect(error.message).toMatch(
      /^Bolna refused POST .* \(422\): body.phone_number: Phone number already exists on another active trunk\. .*remove it from the other trunk first$/
    )
    expect(error.kind).toBe('conflict')
    expect(fake.trace()).toEqual(['create t1 +919876543210 -> conflict', 'list t1'])
    expect(clock.now()).toBe(0)
  })

  it('a 422 on an add that names an agent: the agent endpoint says whether the agent is the cause', async () => {
    const { fake, bolna } = setup()
    const onTrunk = { e164: '+14155550100', withPlus: true, e164CheckEnabled: false }
    const unknown = await failure(bolna.addNumber(n1, { ...onTrunk, agentId: 'ghost' }, []))
    expect(unknown.kind).toBe('agent-not-found')
    expect(fake.trace()).toEqual(['create n1 +14155550100 ghost -> conflict', 'check ghost -> agent-not-found'])
    fake.behave({ otherTrunk: 422 })
    fake.seed('t2', '14155550100')
    const elsewhere = await failure(bolna.addNumber(n1, { ...onTrunk, agentId: 'ag1' }, []))
    expect(elsewhere.message).toMatch(/\(422\): body\.e164: Phone number already exists on another active trunk\. .*remove it from the other trunk first$/)
    expect(fake.trace().slice(2)).toEqual(['create n1 +14155550100 ag1 -> conflict', 'check ag1', 'list n1'])
    // A 409 names no field: the agent is not checked.
    fake.behave({ otherTrunk: 409 })
    await failure(bolna.addNumber(n1, { ...onTrunk, agentId: 'ag1' }, []))
    expect(fake.count('check')).toBe(2)
  })

  it('any 409 is settled by listing: with nothing there it is an error', async () => {
    const { fake, bolna } = setup({ settleMs: 0 })
    fake.inject({ on: 'create', fault: { kind: 'fail', error: 'conflict', status: 409 } })
    await failure(bolna.addNumber(t1, want, []))
    expect(fake.calls.map(c => c.method)).toEqual(['create', 'list'])
  })
})

describe('removeNumber: a 404 is settled by the trunk', () => {
  it('removes a listed number', async () => {
    const { fake, bolna } = setup()
    const record = fake.seed('t1', '919876543210')
    const [number] = await bolna.listNumbers(t1)
    expect(await bolna.removeNumber(t1, number!)).toBe('removed')
    expect(record.deleted).toBe(true)
    expect(fake.calls.map(c => c.method)).toEqual(['list', 'remove'])
  })

  it('a 404 while the trunk shows the number gone: already absent', async () => {
    const { fake, bolna } = setup()
    fake.seed('t1', '919876543210')
    const [number] = await bolna.listNumbers(t1)
    await bolna.removeNumber(t1, number!)
    expect(await bolna.removeNumber(t1, number!)).toBe('absent')
    expect(fake.trace().slice(2)).toEqual([`remove t1 ${number!.id} -> not-found`, 'list t1'])
  })

  it('a 404 on a trunk that is missing: the trunk error', async () => {
    const { bolna } = setup()
    const error = await failure(bolna.removeNumber(trunk('gone'), stored('a', '919876543210')))
    expect(error.kind).toBe('trunk-not-found')
    expect(error.message).toMatch(/^Trunk "gone" not found/)
  })

  it('a 404 while the trunk still lists the number: the 404 is thrown', async () => {
    const { fake, bolna } = setup()
    fake.seed('t1', '919876543210')
    const [number] = await bolna.listNumbers(t1)
    fake.inject({ on: 'remove', fault: { kind: 'fail', error: 'not-found', message: 'DELETE 404' } })
    const error = await failure(bolna.removeNumber(t1, number!))
    expect(error.message).toBe('DELETE 404')
    expect(fake.live('t1')).toHaveLength(1)
  })

  it('a 404 is read by id: another record of the same number on the trunk does not count', async () => {
    const { fake, bolna } = setup()
    fake.seed('t1', '919876543210')
    expect(await bolna.removeNumber(t1, stored('other-id', '919876543210'))).toBe('absent')
  })

  it('other failures are thrown without a look', async () => {
    const { fake, bolna } = setup()
    fake.seed('t1', '919876543210')
    const [number] = await bolna.listNumbers(t1)
    fake.inject({ on: 'remove', fault: { kind: 'fail', error: 'server', status: 500 } })
    expect((await failure(bolna.removeNumber(t1, number!))).kind).toBe('server')
    expect(fake.calls.map(c => c.method)).toEqual(['list', 'remove'])
    const boom = new Error('boom')
    fake.families['sip-trunks'].remove = async () => {
      throw boom
    }
    await expect(bolna.removeNumber(t1, number!)).rejects.toBe(boom)
  })
})

describe('setAgent: a 404 is an unknown agent or a number not mappable yet', () => {
  async function added(bolna: BolnaClient, on = t1, number = want): Promise<TrunkNumber> {
    return (await bolna.addNumber(on, number, [])).number
  }

  it('maps with one call and no agent check', async () => {
    const { fake, bolna } = setup()
    const number = await added(bolna)
    await bolna.setAgent(t1, number, 'ag1')
    expect(fake.live('t1')[0]!.agent).toBe('ag1')
    expect(fake.calls.map(c => c.method)).toEqual(['create', 'setAgent'])
  })

  it('an unknown agent fails after one round, not after settle_seconds', async () => {
    const { clock, fake, bolna } = setup({ settleMs: 30_000 })
    const number = await added(bolna)
    const error = await failure(bolna.setAgent(t1, number, 'ghost'))
    expect(error.kind).toBe('agent-not-found')
    expect(error.message).toContain('agent "ghost" not found')
    expect(fake.trace().slice(1)).toEqual([`setAgent ${number.id} +919876543210 ghost -> not-found`, 'check ghost -> agent-not-found'])
    expect(clock.now()).toBe(0)
  })

  it('a number hidden by list lag is mapped once it shows; the agent is checked once', async () => {
    const { clock, fake, bolna } = setup({ behaviour: { listLagMs: 1500 } })
    const number = await added(bolna)
    await bolna.setAgent(t1, number, 'ag1')
    expect(fake.count('setAgent')).toBe(4)
    expect(fake.count('setAgent', 'ok')).toBe(1)
    expect(fake.count('check')).toBe(1)
    expect(clock.sleeps).toEqual([250, 500, 1000])
    expect(fake.live('t1')[0]!.agent).toBe('ag1')
  })

  it('gives up after settle_seconds, pausing up to 2 s, with the last 404', async () => {
    const { clock, fake, bolna } = setup({ settleMs: 5000 })
    for (const n of [1, 2, 3, 4, 5, 6]) fake.inject({ on: 'setAgent', fault: { kind: 'fail', error: 'not-found', message: `miss ${n}` } })
    const error = await failure(bolna.setAgent(t1, stored('never', '919876543210'), 'ag1'))
    expect(error.message).toBe('miss 6')
    expect(fake.count('setAgent')).toBe(6)
    expect(fake.count('check')).toBe(1)
    // The last try is at the deadline itself.
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000, 1250])
    expect(clock.now()).toBe(5000)
  })

  it('with no settle time: one try', async () => {
    const { fake, bolna } = setup({ settleMs: 0 })
    expect((await failure(bolna.setAgent(n1, stored('never', '+14155550100'), 'ag1'))).kind).toBe('not-found')
    expect(fake.calls.map(c => c.method)).toEqual(['setAgent', 'check'])
  })

  it('other failures are thrown at once, without an agent check', async () => {
    const { fake, bolna } = setup()
    const number = await added(bolna)
    fake.inject({ on: 'setAgent', fault: { kind: 'fail', error: 'forbidden', status: 403 } })
    expect((await failure(bolna.setAgent(t1, number, 'ag1'))).kind).toBe('forbidden')
    expect(fake.count('check')).toBe(0)
    const boom = new Error('boom')
    fake.families['sip-trunks'].setAgent = async () => {
      throw boom
    }
    await expect(bolna.setAgent(t1, number, 'ag1')).rejects.toBe(boom)
  })

  it('an agent check that fails otherwise is thrown', async () => {
    const { fake, bolna } = setup({ behaviour: { listLagMs: 500 } })
    const number = await added(bolna)
    fake.inject({ on: 'check', fault: { kind: 'fail', error: 'server', status: 502 } })
    expect((await failure(bolna.setAgent(t1, number, 'ag1'))).kind).toBe('server')
    expect(fake.count('setAgent')).toBe(1)
  })

  it('null unmaps with one call: no agent check, no waiting, a 404 thrown as it is', async () => {
    const { clock, fake, bolna } = setup()
    fake.seed('n1', '+14155550100', { agent: 'ag1' })
    const [number] = await bolna.listNumbers(n1)
    await bolna.setAgent(n1, number!, null)
    expect(fake.live('n1')[0]!.agent).toBeNull()
    expect(fake.trace().slice(1)).toEqual([`setAgent ${number!.id} +14155550100 null`])
    expect((await failure(bolna.setAgent(n1, stored('never', '+14155550101'), null))).kind).toBe('not-found')
    expect(fake.count('check')).toBe(0)
    expect(clock.now()).toBe(0)
  })

  it("uses the trunk's own family", async () => {
    const { fake, bolna } = setup()
    const number = await added(bolna, n1, { e164: '+14155550100', withPlus: true, e164CheckEnabled: false })
    await bolna.setAgent(n1, number, 'ag2')
    expect(fake.calls.map(c => [c.method, c.api])).toEqual([
      ['create', 'trunk'],
      ['setAgent', 'trunk']
    ])
    expect(fake.live('n1')[0]!.agent).toBe('ag2')
  })
})

describe('bugs found by these tests, fixed', () => {
  // src/clock.ts pollUntil() (the client's polls, and verifyApplied's): it stops as soon as the next
  // pause would pass the deadline, so the last look is up to one pause (1 s for adds, 2 s for mappings)
  // before settle_seconds is up; a record that shows in that last stretch is missed though it showed
  // "within settle_seconds".
  it('fixed: a lost add that shows at 2.9 s of a 3 s settle_seconds is adopted, not added a second time', async () => {
    const { fake, bolna } = setup({ behaviour: { listLagMs: 2900 } })
    fake.inject({ on: 'create', fault: { kind: 'lost', stored: true } })
    await bolna.addNumber(t1, want, [])
    // Today: lists at 0, 250, 750, 1750, 2750 ms, then a second add: two records.
    expect(fake.live('t1')).toHaveLength(1)
  })

  it('fixed: a number that becomes mappable at 2.5 s of a 3 s settle_seconds is mapped', async () => {
    const { fake, bolna } = setup({ behaviour: { listLagMs: 2500 } })
    const { number } = await bolna.addNumber(t1, want, [])
    // Today: tries at 0, 250, 750, 1750 ms, then gives up with the 404.
    await bolna.setAgent(t1, number, 'ag1')
    expect(fake.live('t1')[0]!.agent).toBe('ag1')
  })
})

describe('trunk ids and agent providers', () => {
  it("lists a family's trunks and reads an agent's provider through the agent endpoint", async () => {
    const { fake, bolna } = setup()
    expect(await bolna.listTrunks('sip-trunks')).toEqual(['t1', 't2'])
    expect(await bolna.listTrunks('trunk')).toEqual(['n1'])
    fake.agentsById.get('ag1')!.provider = 'plivo'
    expect(await bolna.agentProvider('ag1')).toBe('plivo')
    expect(await bolna.agentProvider('ag2')).toBeUndefined()
    expect((await failure(bolna.agentProvider('ghost'))).kind).toBe('agent-not-found')
    expect((await bolna.readTrunk(n1)).settings).toEqual({ active: true, inboundEnabled: true, defaultAgentId: null })
  })
})

describe('useTrunkTelephony', () => {
  it("sets the provider the trunk's family needs", async () => {
    const { fake, bolna } = setup()
    await bolna.useTrunkTelephony('ag1', 'sip-trunks')
    await bolna.useTrunkTelephony('ag2', 'trunk')
    expect(fake.agentsById.get('ag1')!.provider).toBe('sip-trunk')
    expect(fake.agentsById.get('ag2')!.provider).toBe('trunk')
    expect(fake.trace()).toEqual(['setTelephonyProvider ag1 sip-trunk', 'setTelephonyProvider ag2 trunk'])
  })

  it('an unknown agent is an agent-not-found error', async () => {
    const { bolna } = setup()
    expect((await failure(bolna.useTrunkTelephony('ghost', 'trunk'))).kind).toBe('agent-not-found')
  })
})

describe('realClock', () => {
  it('reads the time and sleeps on a timer', async () => {
    const before = Date.now()
    expect(Math.abs(realClock.now() - before)).toBeLessThan(1000)
    await realClock.sleep(20)
    expect(Date.now() - before).toBeGreaterThanOrEqual(15)
  })
})

describe('findNumber', () => {
  it('finds the first record of the number by its E.164 form', () => {
    const records = [stored('a', '14155550100'), stored('b', '+91 98765 43210'), stored('c', '919876543210')]
    expect(findNumber(records, '+919876543210')?.id).toBe('b')
    expect(findNumber(records, '+4930123456')).toBeUndefined()
  })
})

describe('over HTTP, against the emulator', () => {
  let emulator: BolnaEmulator
  let sleeps: number[]

  /** Time that passes only when the code sleeps: deadlines are tested without waiting. */
  const fakeClock = (): Clock => {
    let now = 0
    const sleep = async (ms: number) => {
      sleeps.push(ms)
      now += ms
    }
    return { now: () => now, sleep }
  }

  type HttpOptions = Partial<ConstructorParameters<typeof HttpClient>[0]>

  /** The Bolna port over the emulator, as connect.ts builds it, with time injected. */
  function client(overrides: HttpOptions = {}, options: { settleMs?: number; clock?: Clock } = {}) {
    const clock = options.clock ?? fakeClock()
    const http = new HttpClient({
      baseUrl: new URL(emulator.url),
      token: 'test-key',
      timeoutMs: 1000,
      maxRetries: 3,
      sleep: clock.sleep,
      random: () => 0.5,
      ...overrides
    })
    const families = { 'sip-trunks': new SipTrunksFamily(http), trunk: new TrunkApiFamily(http) }
    return new BolnaClient(families, new Agents(http), { settleMs: options.settleMs ?? 0, maxRetries: overrides.maxRetries ?? 3, clock, random: () => 0.5 })
  }

  beforeEach(async () => {
    emulator = new BolnaEmulator({ trunks: ['t1'] })
    await emulator.start()
    sleeps = []
  })
  afterEach(() => emulator.stop())

  describe('HttpClient and the legacy family against the emulator', () => {
    it('lists live numbers only, dropping soft-deleted records', async () => {
      emulator.seed('t1', { phone_number: '911111111111', deleted: true })
      const live = emulator.seed('t1', { phone_number: '912222222222' })
      expect((await client().listNumbers(t1)).map(r => r.id)).toEqual([live.id])
    })

    it('waits out Retry-After, then backs off with jitter, without really sleeping', async () => {
      emulator.injectFault({ kind: 'status', status: 429, retryAfter: '2' })
      emulator.injectFault({ kind: 'status', status: 503 })
      emulator.injectFault({ kind: 'status', status: 502 })
      await client().listNumbers(t1)
      expect(sleeps).toEqual([2000, 250, 500])
    })

    it('gives up after maxRetries and keeps the last reason', async () => {
      emulator.injectFault({ kind: 'status', status: 500, times: 5 })
      await expect(client({ maxRetries: 1 }).listNumbers(t1)).rejects.toThrow('GET /sip-trunks/trunks/t1 failed with 500: injected 500')
      expect(emulator.requests).toHaveLength(2)
    })

    it('never repeats a POST whose answer was lost; the family reports it as ambiguous', async () => {
      emulator.injectFault({ kind: 'stored-then-status', status: 502, method: 'POST' })
      const http = new HttpClient({ baseUrl: new URL(emulator.url), token: 'test-key', timeoutMs: 1000, maxRetries: 3, sleep: async () => {} })
      const error = await new SipTrunksFamily(http).create('t1', want).catch(e => e)
      expect(error).toBeInstanceOf(BolnaApiError)
      expect(error.details).toMatchObject({ ambiguous: true, status: 502 })
      expect(emulator.writes()).toHaveLength(1)
    })

    it('cuts off a huge answer instead of holding it', async () => {
      emulator.injectFault({ kind: 'huge', sizeBytes: 8 * 1024 * 1024 })
      await expect(client({ maxAnswerBytes: 1024 * 1024 }).listNumbers(t1)).rejects.toThrow(/answered more than 1048576 bytes/)
    })

    it('times out a hung request and retries it', async () => {
      emulator.injectFault({ kind: 'hang' })
      await expect(client({ timeoutMs: 1000 }).listNumbers(t1)).resolves.toEqual([])
      expect(emulator.requests.map(r => r.status)).toEqual(['hang', 200])
    })

    it('a Retry-After holds back the requests that start after it, with or without a rate limit', async () => {
      const held: number[] = []
      const limiter = new RateLimiter(0, async ms => void held.push(ms))
      emulator.injectFault({ kind: 'status', status: 429, retryAfter: '2' })
      const api = client({ limiter })
      await api.listNumbers(t1)
      await api.listNumbers(t1)
      expect(held).toHaveLength(2)
      for (const ms of held) expect(ms).toBeGreaterThan(1500)
    })

    it('does not retry a TLS certificate the client refuses, and says so', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tls-'))
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], {
        stdio: 'ignore'
      })
      let requests = 0
      const server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) => {
        requests++
        res.end('[]')
      })
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      try {
        const port = (server.address() as AddressInfo).port
        const api = client({ baseUrl: new URL(`https://localhost:${port}`) })
        await expect(api.listNumbers(t1)).rejects.toThrow(
          /GET \/sip-trunks\/trunks\/t1 failed: the server's TLS certificate was refused \(DEPTH_ZERO_SELF_SIGNED_CERT\)/
        )
        expect(sleeps).toEqual([])
        expect(requests).toBe(0)
      } finally {
        server.close()
      }
    })

    it('keeps the path of a base URL with a prefix', async () => {
      const api = client({ baseUrl: new URL(`${emulator.url}/api/`) })
      await expect(api.listNumbers(t1)).rejects.toThrow()
      expect(emulator.requests[0]!.path).toBe('/api/sip-trunks/trunks/t1')
    })

    it('repeats an add at once when the connection was refused (nothing can have been stored)', async () => {
      const closed = new HttpClient({
        baseUrl: new URL('http://127.0.0.1:9'),
        token: 'k',
        timeoutMs: 1000,
        maxRetries: 2,
        sleep: async ms => void sleeps.push(ms)
      })
      const api = new BolnaClient({ 'sip-trunks': new SipTrunksFamily(closed), trunk: new TrunkApiFamily(closed) }, new Agents(closed), {
        settleMs: 0,
        maxRetries: 0,
        clock: fakeClock()
      })
      await expect(api.addNumber(t1, want, [])).rejects.toThrow(/POST \/sip-trunks\/trunks\/t1\/numbers failed: network error \(ECONNREFUSED\)$/)
      expect(sleeps).toHaveLength(2)
    })

    it('an unexpected body is an error naming the field', async () => {
      emulator.injectFault({ kind: 'status', status: 200, body: '{"phone_numbers": [{"id": 5}]}' })
      await expect(client().listNumbers(t1)).rejects.toThrow(/unexpected body at phone_numbers\.0\.id/)
    })

    it('removing a number already gone is not an error; a missing trunk is', async () => {
      emulator.seed('t1', { phone_number: '912222222222' })
      const [number] = await client().listNumbers(t1)
      expect(await client().removeNumber(t1, number!)).toBe('removed')
      expect(await client().removeNumber(t1, number!)).toBe('absent')
      await expect(client().removeNumber(trunk('nope'), number!)).rejects.toThrow(/Trunk "nope" not found/)
    })

    it('does not read the answers of calls whose answer is not used', async () => {
      emulator.seed('t1', { phone_number: '912222222222' })
      const [number] = await client().listNumbers(t1)
      emulator.injectFault({ kind: 'status', status: 200, method: 'DELETE', body: 'OK' })
      expect(await client().removeNumber(t1, number!)).toBe('removed')
    })
  })

  describe('addNumber: exactly once', () => {
    it('adopts a record stored behind a lost answer, once the lagging list shows it', async () => {
      emulator.setOptions({ listLagMs: 300 })
      emulator.injectFault({ kind: 'stored-then-reset', method: 'POST' })
      const outcome = await client({}, { settleMs: 3000, clock: realClock }).addNumber(t1, want)
      expect(outcome.status).toBe('created')
      expect(emulator.records('t1')).toHaveLength(1)
      expect(emulator.writes()).toHaveLength(1)
    })

    it('adds again when the lost add was not stored, and says so when it never lands', async () => {
      emulator.injectFault({ kind: 'reset', method: 'POST', times: 10 })
      await expect(client({ maxRetries: 2 }).addNumber(t1, want)).rejects.toThrow(
        /network error .*the number did not show on the trunk within 0 s \(settle_seconds\), so it was not added: re-run to check/
      )
      // Each lost add is followed by a look at the list before the next add.
      expect(emulator.requests.map(r => r.method)).toEqual(['GET', 'POST', 'GET', 'POST', 'GET', 'POST', 'GET'])
      expect(emulator.records('t1')).toHaveLength(0)
    })

    it('never sends again an add Bolna accepted (2xx) with an unreadable answer, even when the list does not show it', async () => {
      emulator.setOptions({ listLagMs: 60_000 })
      for (const [body, e164] of [
        ['{"id": "trunc', '+919876543210'],
        ['{"id": 5}', '+919876543211']
      ] as const) {
        emulator.clearLog()
        emulator.injectFault({ kind: 'stored-then-status', status: 201, body, method: 'POST' })
        await expect(client({ maxRetries: 3 }, { settleMs: 2000 }).addNumber(t1, { ...want, e164 })).rejects.toThrow(
          /answered with (malformed JSON|an unexpected body at id: .+); Bolna accepted the add \(HTTP 2xx\), but the number did not show on the trunk within 2 s \(settle_seconds\), so it was not sent again: re-run to adopt it/
        )
        expect(emulator.writes()).toHaveLength(1)
      }
    })

    it('a 404 on an add: the agent endpoint says whether the agent it carried (/trunk only) is the cause', async () => {
      await emulator.stop()
      const n1 = '5e6f7a8b-9c0d-4e1f-a2b3-000000000001'
      emulator = new BolnaEmulator({ trunks: ['t1'], newTrunks: [n1], agents: ['ag1'] })
      await emulator.start()
      const add = (at: typeof t1, agentId: string | undefined) => {
        emulator.injectFault({ kind: 'status', status: 404, method: 'POST', body: '{"detail": "Not Found"}' })
        return client().addNumber(at, { e164: '+14155550100', withPlus: true, e164CheckEnabled: false, ...(agentId !== undefined && { agentId }) }, [])
      }
      await expect(add(trunk(n1, 'trunk'), 'ghost')).rejects.toMatchObject({ kind: 'agent-not-found' })
      await expect(add(trunk(n1, 'trunk'), 'ag1')).rejects.toMatchObject({ kind: 'trunk-not-found' })
      // An add without an agent: nothing to ask.
      emulator.clearLog()
      await expect(add(trunk(n1, 'trunk'), undefined)).rejects.toMatchObject({ kind: 'trunk-not-found' })
      expect(emulator.requests.map(r => r.method)).toEqual(['POST'])
      // A legacy add carries no agent: its 404 is the trunk's, and the agent is not asked.
      emulator.clearLog()
      await expect(add(t1, 'ghost')).rejects.toMatchObject({ kind: 'trunk-not-found' })
      expect(emulator.requests.map(r => r.method)).toEqual(['POST'])
    })

    it('when the check after a lost add fails too, says that an add may have happened', async () => {
      emulator.injectFault({ kind: 'stored-then-reset', method: 'POST' })
      emulator.injectFault({ kind: 'status', status: 503, method: 'GET', times: 10 })
      await expect(client({ maxRetries: 1 }).addNumber(t1, want, [])).rejects.toThrow(
        /POST .* network error .*; checking whether it was stored failed too \(GET .* failed with 503: injected 503\): re-run to reconcile/
      )
    })

    it('does not add a number the known list already holds', async () => {
      const record = emulator.seed('t1', { phone_number: '+91 98765 43210' })
      const outcome = await client().addNumber(t1, want)
      expect(outcome).toMatchObject({ status: 'exists', number: { id: record.id } })
      expect(emulator.writes()).toHaveLength(0)
    })
  })
})

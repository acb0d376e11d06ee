// The family modules (sip-trunks.ts, trunk.ts), the agent endpoints (agents.ts) and their helpers
// (answers.ts, paths.ts, port.ts), in-process over a stub of HttpClient.request: each call's method,
// path, body, retry policy and answer kind, the records read from each answer shape, and the errors
// each module classifies.
import { describe, expect, it } from 'vitest'
import { Agents } from '../../src/bolna/agents.js'
import { listAnswer, validAnswer } from '../../src/bolna/answers.js'
import { BolnaApiError } from '../../src/bolna/errors.js'
import type { HttpAnswer, HttpClient, RetryPolicy } from '../../src/bolna/http.js'
import { isDotSegment, isUuid, segment } from '../../src/bolna/paths.js'
import { e164Of, TRUNK_APIS } from '../../src/bolna/port.js'
import type { NumberToAdd, TrunkNumber } from '../../src/bolna/port.js'
import { SipTrunksFamily } from '../../src/bolna/sip-trunks.js'
import { TrunkApiFamily } from '../../src/bolna/trunk.js'
import { z } from 'zod'

interface Sent {
  method: string
  path: string
  body: unknown
  policy: RetryPolicy
  answer: 'json' | 'ignore'
}

/** HttpClient.request, answering from a queue (an Error is thrown); an empty queue answers 200 with no body. */
class StubHttp {
  readonly sent: Sent[] = []
  readonly queue: (HttpAnswer | Error)[] = []

  answer(...answers: (unknown | Error)[]): this {
    for (const a of answers) this.queue.push(a instanceof Error ? a : { status: 200, body: a })
    return this
  }

  async request(method: string, path: string, body: unknown, policy: RetryPolicy, answer: 'json' | 'ignore' = 'json'): Promise<HttpAnswer> {
    this.sent.push({ method, path, body, policy, answer })
    const next = this.queue.shift()
    if (next instanceof Error) throw next
    return next ?? { status: 200, body: undefined }
  }

  get http(): HttpClient {
    return this as unknown as HttpClient
  }
}

const apiError = (kind: BolnaApiError['kind'], reason?: string, method = 'GET') =>
  new BolnaApiError(`${method} /x answered ${kind}`, { kind, method, path: '/x', status: 404, reason, retryable: false, ambiguous: false })

const failure = async (promise: Promise<unknown>): Promise<BolnaApiError> => {
  try {
    await promise
  } catch (error) {
    if (error instanceof BolnaApiError) return error
    throw error
  }
  throw new Error('expected a failure')
}

/** A trunk's numbers, from one read of it. */
const numbersOf = async (family: SipTrunksFamily | TrunkApiFamily, trunkId: string): Promise<TrunkNumber[]> => (await family.read(trunkId)).numbers

/** A legacy trunk object that leaves out its numbers: the family lists them. */
const bareTrunk = { id: 't1' }

const UUID = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b'
const legacyAdd: NumberToAdd = { e164: '+919876543210', withPlus: false, e164CheckEnabled: false }

describe('legacy /sip-trunks family', () => {
  const records = [
    { id: 'a', phone_number: '+91 98765 43210', name: 'Desk', agent_id: 'ag1', created_at: '2026-01-01T00:00:00Z', deleted: false },
    { id: 'b', phone_number: '14155550100', agent_id: null, deleted: null },
    { id: 'c', phone_number: '14155550101' },
    { id: 'd', phone_number: '14155550102', deleted: true, agent_id: 'ag1' }
  ]
  const read = [
    {
      id: 'a',
      e164: '+919876543210',
      stored: '+91 98765 43210',
      name: 'Desk',
      agent: { kind: 'agent', id: 'ag1' },
      destinationKey: null,
      createdAt: '2026-01-01T00:00:00Z'
    },
    { id: 'b', e164: '+14155550100', stored: '14155550100', name: null, agent: { kind: 'none' }, destinationKey: null, createdAt: null },
    { id: 'c', e164: '+14155550101', stored: '14155550101', name: null, agent: { kind: 'unknown' }, destinationKey: null, createdAt: null }
  ]

  it('reads the trunk object: its numbers (agent when agent_id is there, unknown when absent; soft-deleted left out) and its settings, in one GET', async () => {
    const stub = new StubHttp().answer({ id: 't/1', phone_numbers: records, is_active: false, inbound_enabled: true })
    expect(await new SipTrunksFamily(stub.http).read('t:1@')).toEqual({
      numbers: read,
      settings: { active: false, inboundEnabled: true, defaultAgentId: null }
    })
    expect(stub.sent).toEqual([{ method: 'GET', path: '/sip-trunks/trunks/t%3A1%40', body: undefined, policy: 'idempotent', answer: 'json' }])
  })

  it('a trunk object without its numbers (absent or null): lists them, bare or in a {"data": [...]} envelope; settings not shown are null', async () => {
    const stub = new StubHttp().answer(bareTrunk, records, { is_active: null, phone_numbers: null }, { data: [records[2]] })
    const family = new SipTrunksFamily(stub.http)
    expect(await family.read('t1')).toEqual({ numbers: read, settings: { active: null, inboundEnabled: null, defaultAgentId: null } })
    expect((await numbersOf(family, 't1')).map(n => n.id)).toEqual(['c'])
    expect(stub.sent.map(s => [s.method, s.path, s.policy, s.answer])).toEqual([
      ['GET', '/sip-trunks/trunks/t1', 'idempotent', 'json'],
      ['GET', '/sip-trunks/trunks/t1/numbers', 'idempotent', 'json'],
      ['GET', '/sip-trunks/trunks/t1', 'idempotent', 'json'],
      ['GET', '/sip-trunks/trunks/t1/numbers', 'idempotent', 'json']
    ])
  })

  it('an unexpected trunk or list is a bad answer, not ambiguous', async () => {
    const list = await failure(numbersOf(new SipTrunksFamily(new StubHttp().answer(bareTrunk, [{ id: '', phone_number: '1' }]).http), 't1'))
    expect(list.message).toMatch(/^GET \/sip-trunks\/trunks\/t1\/numbers answered with an unexpected body at 0\.id: /)
    expect(list.details).toMatchObject({ kind: 'bad-answer', method: 'GET', retryable: false, ambiguous: false })
    const trunkObject = await failure(numbersOf(new SipTrunksFamily(new StubHttp().answer({ phone_numbers: [{ id: 'a' }] }).http), 't1'))
    expect(trunkObject.message).toMatch(/^GET \/sip-trunks\/trunks\/t1 answered with an unexpected body at phone_numbers\.0\.phone_number: /)
    expect((await failure(numbersOf(new SipTrunksFamily(new StubHttp().answer({ is_active: 'yes' }).http), 't1'))).kind).toBe('bad-answer')
  })

  it("lists the family's trunk ids, bare or enveloped", async () => {
    const stub = new StubHttp().answer([{ id: 'a', name: 'x' }, { id: 'b' }], { data: [{ id: 'c' }] }, [{ id: '' }])
    const family = new SipTrunksFamily(stub.http)
    expect(await family.trunkIds()).toEqual(['a', 'b'])
    expect(await family.trunkIds()).toEqual(['c'])
    expect(stub.sent[0]).toEqual({ method: 'GET', path: '/sip-trunks/trunks', body: undefined, policy: 'idempotent', answer: 'json' })
    const error = await failure(family.trunkIds())
    expect(error.message).toMatch(/^GET \/sip-trunks\/trunks answered with an unexpected body at 0\.id: /)
  })

  it("a 404 on the trunk's own path is the trunk's: with Bolna's reason, and for a uuid, a hint at trunk_api", async () => {
    const stub = new StubHttp().answer(apiError('not-found', 'Trunk not found'), apiError('not-found'), bareTrunk, apiError('not-found', 'Trunk not found'))
    const family = new SipTrunksFamily(stub.http)
    const named = await failure(numbersOf(family, 't1'))
    expect(named.message).toBe(
      `Trunk "t1" not found on Bolna's legacy /sip-trunks API (Bolna said: Trunk not found). Check the trunk id and that the API key belongs to the trunk's organisation.`
    )
    expect(named.kind).toBe('trunk-not-found')
    const uuid = await failure(family.create(UUID, legacyAdd))
    expect(uuid.message).toBe(
      `Trunk "${UUID}" not found on Bolna's legacy /sip-trunks API. The id is a uuid, the shape of Bolna's newer /trunk API: if the trunk is one of those, set trunk_api: trunk (api: trunk in a numbers file). Check the trunk id and that the API key belongs to the trunk's organisation.`
    )
    // A 404 on the list the trunk object left out is the trunk's too.
    expect((await failure(numbersOf(family, 't1'))).kind).toBe('trunk-not-found')
  })

  it('other failures pass through as they are', async () => {
    const server = apiError('server')
    const boom = new Error('boom')
    const stub = new StubHttp().answer(server, boom, server)
    const family = new SipTrunksFamily(stub.http)
    await expect(numbersOf(family, 't1')).rejects.toBe(server)
    await expect(numbersOf(family, 't1')).rejects.toBe(boom)
    await expect(family.create('t1', legacyAdd)).rejects.toBe(server)
  })

  it('adds with one unsafe POST: the digits with the "+" the user wrote, the E.164 check, a name only when given', async () => {
    const record = { id: 'n1', phone_number: '919876543210', name: null, agent_id: null, created_at: '2026-01-01T00:00:00Z' }
    const stub = new StubHttp().answer(record, record)
    const family = new SipTrunksFamily(stub.http)
    expect(await family.create('t1', legacyAdd)).toEqual({
      id: 'n1',
      e164: '+919876543210',
      stored: '919876543210',
      name: null,
      agent: { kind: 'none' },
      destinationKey: null,
      createdAt: '2026-01-01T00:00:00Z'
    })
    await family.create('t1', { e164: '+919876543210', withPlus: true, e164CheckEnabled: true, name: '' })
    expect(stub.sent).toEqual([
      {
        method: 'POST',
        path: '/sip-trunks/trunks/t1/numbers',
        body: { phone_number: '919876543210', e164_check_enabled: false },
        policy: 'unsafe',
        answer: 'json'
      },
      {
        method: 'POST',
        path: '/sip-trunks/trunks/t1/numbers',
        body: { phone_number: '+919876543210', e164_check_enabled: true, name: '' },
        policy: 'unsafe',
        answer: 'json'
      }
    ])
  })

  it('an add answered with nonsense may have been stored: ambiguous', async () => {
    const stub = new StubHttp().answer({ ok: true })
    const error = await failure(new SipTrunksFamily(stub.http).create('t1', legacyAdd))
    expect(error.details).toMatchObject({ kind: 'bad-answer', method: 'POST', ambiguous: true })
  })

  it('removes with an idempotent DELETE whose answer is not read; its 404 is left for the client to settle', async () => {
    const stub = new StubHttp().answer('OK', apiError('not-found', undefined, 'DELETE'))
    const family = new SipTrunksFamily(stub.http)
    await family.remove('t1', 'n:1')
    expect(stub.sent[0]).toEqual({ method: 'DELETE', path: '/sip-trunks/trunks/t1/numbers/n%3A1', body: undefined, policy: 'idempotent', answer: 'ignore' })
    expect((await failure(family.remove('t1', 'n1'))).kind).toBe('not-found')
  })

  it('maps with /inbound/setup and unmaps with /inbound/unlink, by the number id', async () => {
    const stub = new StubHttp()
    const family = new SipTrunksFamily(stub.http)
    const number = { id: 'n1', e164: '+1', stored: '1', name: null, agent: { kind: 'none' as const }, destinationKey: null, createdAt: null }
    await family.setAgent(number, 'ag1')
    await family.setAgent(number, null)
    expect(stub.sent).toEqual([
      { method: 'POST', path: '/inbound/setup', body: { agent_id: 'ag1', phone_number_id: 'n1' }, policy: 'idempotent', answer: 'ignore' },
      { method: 'POST', path: '/inbound/unlink', body: { phone_number_id: 'n1' }, policy: 'idempotent', answer: 'ignore' }
    ])
  })
})

describe('/trunk family', () => {
  const trunkAnswer = (numbers: unknown[]) => ({ id: UUID, name: 'main', numbers })

  it('reads the trunk object: its numbers (soft-deleted left out) and its settings, with one idempotent GET', async () => {
    const stub = new StubHttp().answer(
      trunkAnswer([
        { id: 'a', e164: '+14155550100', destination_key: '4155550100', agent_id: 'ag1', is_deleted: false, created_at: '2026-01-01T00:00:00Z' },
        { id: 'b', e164: '+14155550101', is_deleted: null },
        { id: 'c', e164: '+14155550102', is_deleted: true }
      ])
    )
    const family = new TrunkApiFamily(stub.http)
    stub.answer({ ...trunkAnswer([]), is_active: true, inbound_enabled: false, default_inbound_agent_id: 'ag9' })
    expect((await family.read(UUID)).settings).toEqual({ active: null, inboundEnabled: null, defaultAgentId: null })
    expect((await family.read(UUID)).settings).toEqual({ active: true, inboundEnabled: false, defaultAgentId: 'ag9' })
    stub.sent.length = 0
    stub.answer(
      trunkAnswer([
        { id: 'a', e164: '+14155550100', destination_key: '4155550100', agent_id: 'ag1', is_deleted: false, created_at: '2026-01-01T00:00:00Z' },
        { id: 'b', e164: '+14155550101', agent_id: null, is_deleted: null },
        { id: 'c', e164: '+14155550102', is_deleted: true },
        { id: 'd', e164: '+14155550103' }
      ])
    )
    expect(await numbersOf(family, UUID)).toEqual([
      {
        id: 'a',
        e164: '+14155550100',
        stored: '+14155550100',
        name: null,
        agent: { kind: 'agent', id: 'ag1' },
        destinationKey: '4155550100',
        createdAt: '2026-01-01T00:00:00Z'
      },
      { id: 'b', e164: '+14155550101', stored: '+14155550101', name: null, agent: { kind: 'none' }, destinationKey: null, createdAt: null },
      // A number shown without agent_id (the shape of a trunk's numbers is unverified): its agent is unknown, never "none".
      { id: 'd', e164: '+14155550103', stored: '+14155550103', name: null, agent: { kind: 'unknown' }, destinationKey: null, createdAt: null }
    ])
    expect(stub.sent).toEqual([{ method: 'GET', path: `/trunk/trunks/${UUID}`, body: undefined, policy: 'idempotent', answer: 'json' }])
  })

  it("lists the family's trunk ids", async () => {
    const stub = new StubHttp().answer([{ id: UUID }], { data: [] })
    const family = new TrunkApiFamily(stub.http)
    expect(await family.trunkIds()).toEqual([UUID])
    expect(await family.trunkIds()).toEqual([])
    expect(stub.sent[0]).toEqual({ method: 'GET', path: '/trunk/trunks', body: undefined, policy: 'idempotent', answer: 'json' })
    expect((await failure(new TrunkApiFamily(new StubHttp().answer({}).http).trunkIds())).message).toMatch(
      /^GET \/trunk\/trunks answered with an unexpected body/
    )
    expect((await failure(new TrunkApiFamily(new StubHttp().answer([{ id: '' }]).http).trunkIds())).message).toMatch(/at 0\.id: /)
  })

  it('a trunk object without its numbers array is a bad answer, not "no numbers"', async () => {
    for (const body of [{ id: UUID }, { numbers: [{ id: '', e164: '+1' }] }, [{ id: 'a', e164: '+1' }]]) {
      const error = await failure(numbersOf(new TrunkApiFamily(new StubHttp().answer(body).http), UUID))
      expect(error.kind).toBe('bad-answer')
    }
    const missing = await failure(numbersOf(new TrunkApiFamily(new StubHttp().answer({ id: UUID }).http), UUID))
    expect(missing.message).toBe(
      `GET /trunk/trunks/${UUID} answered with a trunk that has no list of numbers under "numbers" or "phone_numbers" (its fields: "id"), so the numbers on it are unknown: Bolna's answer has a shape this action does not know.`
    )
    const notAList = await failure(numbersOf(new TrunkApiFamily(new StubHttp().answer({ id: UUID, phone_numbers: 'none' }).http), UUID))
    expect(notAList.message).toBe(`GET /trunk/trunks/${UUID} answered with an unexpected body at phone_numbers: expected the trunk's "phone_numbers" array`)
  })

  it('reads the numbers under "numbers", or under "phone_numbers" (Bolna never showed which, reference §5)', async () => {
    const record = { id: 'n1', e164: '+14155550100' }
    for (const key of ['numbers', 'phone_numbers']) {
      const numbers = await numbersOf(new TrunkApiFamily(new StubHttp().answer({ id: UUID, [key]: [record] }).http), UUID)
      expect(
        numbers.map(n => n.id),
        key
      ).toEqual(['n1'])
    }
  })

  it('adds with one unsafe POST carrying the E.164 form, the destination key (the digits by default) and the agent when given', async () => {
    const record = { id: 'n1', e164: '+14155550100', destination_key: '14155550100', agent_id: 'ag1' }
    const stub = new StubHttp().answer(record, record)
    const family = new TrunkApiFamily(stub.http)
    expect(await family.create(UUID, { e164: '+14155550100', withPlus: false, e164CheckEnabled: true, agentId: 'ag1', name: 'ignored' })).toEqual({
      id: 'n1',
      e164: '+14155550100',
      stored: '+14155550100',
      name: null,
      agent: { kind: 'agent', id: 'ag1' },
      destinationKey: '14155550100',
      createdAt: null
    })
    await family.create(UUID, { e164: '+14155550100', withPlus: false, e164CheckEnabled: false, destinationKey: '4155550100' })
    expect(stub.sent).toEqual([
      {
        method: 'POST',
        path: `/trunk/trunks/${UUID}/numbers`,
        body: { e164: '+14155550100', destination_key: '14155550100', agent_id: 'ag1' },
        policy: 'unsafe',
        answer: 'json'
      },
      { method: 'POST', path: `/trunk/trunks/${UUID}/numbers`, body: { e164: '+14155550100', destination_key: '4155550100' }, policy: 'unsafe', answer: 'json' }
    ])
  })

  it('an add answered with nonsense is ambiguous', async () => {
    const error = await failure(new TrunkApiFamily(new StubHttp().answer({ id: 'n1' }).http).create(UUID, legacyAdd))
    expect(error.details).toMatchObject({ kind: 'bad-answer', ambiguous: true })
  })

  it("a 404 on the trunk's path is the trunk's; a non-uuid id hints at the legacy family", async () => {
    const stub = new StubHttp().answer(apiError('not-found', 'Not Found'), apiError('not-found'))
    const family = new TrunkApiFamily(stub.http)
    const legacyId = await failure(numbersOf(family, 't1'))
    expect(legacyId.message).toBe(
      `Trunk "t1" not found on Bolna's /trunk API (Bolna said: Not Found). The id is not a uuid, so it is likely a trunk of Bolna's legacy /sip-trunks API: set trunk_api: sip-trunks (api: sip-trunks in a numbers file). Check the trunk id and that the API key belongs to the trunk's organisation.`
    )
    expect(legacyId.kind).toBe('trunk-not-found')
    const uuid = await failure(family.create(UUID, legacyAdd))
    expect(uuid.message).toBe(`Trunk "${UUID}" not found on Bolna's /trunk API. Check the trunk id and that the API key belongs to the trunk's organisation.`)
    const server = apiError('server')
    const boom = new Error('boom')
    const again = new TrunkApiFamily(new StubHttp().answer(server, boom).http)
    await expect(numbersOf(again, UUID)).rejects.toBe(server)
    await expect(again.create(UUID, legacyAdd)).rejects.toBe(boom)
  })

  it('removes with an idempotent DELETE, and maps and unmaps with PATCH, always sending agent_id', async () => {
    const stub = new StubHttp()
    const family = new TrunkApiFamily(stub.http)
    await family.remove(UUID, 'n1')
    const number = { id: 'n:1', e164: '+1', stored: '+1', name: null, agent: { kind: 'none' as const }, destinationKey: null, createdAt: null }
    await family.setAgent(number, 'ag1')
    await family.setAgent(number, null)
    expect(stub.sent).toEqual([
      { method: 'DELETE', path: `/trunk/trunks/${UUID}/numbers/n1`, body: undefined, policy: 'idempotent', answer: 'ignore' },
      { method: 'PATCH', path: '/trunk/numbers/n%3A1', body: { agent_id: 'ag1' }, policy: 'idempotent', answer: 'ignore' },
      { method: 'PATCH', path: '/trunk/numbers/n%3A1', body: { agent_id: null }, policy: 'idempotent', answer: 'ignore' }
    ])
  })
})

describe('agent endpoints', () => {
  it('checks an agent with an idempotent GET and sets its provider with an idempotent PATCH', async () => {
    const stub = new StubHttp()
    const agents = new Agents(stub.http)
    await agents.check('ag:1')
    await agents.setTelephonyProvider('ag:1', 'sip-trunk')
    expect(stub.sent).toEqual([
      { method: 'GET', path: '/v2/agent/ag%3A1', body: undefined, policy: 'idempotent', answer: 'ignore' },
      { method: 'PATCH', path: '/v2/agent/ag%3A1', body: { agent_config: { telephony_provider: 'sip-trunk' } }, policy: 'idempotent', answer: 'ignore' }
    ])
  })

  it('reads the provider from the conversation task (else the first task); undefined where the answer does not show one', async () => {
    const task = (task_type: string | null, provider?: string | null) => ({
      task_type,
      tools_config: provider === undefined ? null : { input: provider === null ? null : { provider } }
    })
    const stub = new StubHttp().answer(
      { tasks: [task('other', 'plivo'), task('conversation', 'sip-trunk')] },
      { tasks: [task('other', 'twilio'), task(null, 'plivo')] },
      { tasks: [] },
      { tasks: null },
      {},
      { tasks: [task('conversation')] },
      { tasks: [task('conversation', null)] },
      { tasks: [{ task_type: 'conversation', tools_config: { input: { provider: null } } }] },
      { tasks: 'x' }
    )
    const agents = new Agents(stub.http)
    const seen = []
    for (let i = 0; i < 8; i++) seen.push(await agents.provider('ag:1'))
    expect(seen).toEqual(['sip-trunk', 'twilio', undefined, undefined, undefined, undefined, undefined, undefined])
    expect(stub.sent[0]).toEqual({ method: 'GET', path: '/v2/agent/ag%3A1', body: undefined, policy: 'idempotent', answer: 'json' })
    const bad = await failure(agents.provider('ag1'))
    expect(bad.message).toMatch(/^GET \/v2\/agent\/ag1 answered with an unexpected body at tasks: /)
    expect(bad.details).toMatchObject({ kind: 'bad-answer', ambiguous: false })
    for (const tasks of [[{ task_type: 5 }], [{ tools_config: { input: 'x' } }], [{ tools_config: 'x' }], [{ tools_config: { input: { provider: 5 } } }]]) {
      expect((await failure(new Agents(new StubHttp().answer({ tasks }).http).provider('ag1'))).kind).toBe('bad-answer')
    }
    const missing = new Agents(new StubHttp().answer(apiError('not-found', 'gone'), apiError('server')).http)
    expect((await failure(missing.provider('ag1'))).message).toBe(
      `agent "ag1" not found (Bolna said: gone): check the agent id and that it belongs to the API key's account`
    )
    expect((await failure(missing.provider('ag1'))).kind).toBe('server')
  })

  it("a 404 is the agent's, with Bolna's reason when it gave one; other failures pass through", async () => {
    const server = apiError('server')
    const boom = new Error('boom')
    const stub = new StubHttp().answer(apiError('not-found', 'Agent not found'), apiError('not-found', undefined, 'PATCH'), server, boom)
    const agents = new Agents(stub.http)
    const checked = await failure(agents.check('ag1'))
    expect(checked.message).toBe(`agent "ag1" not found (Bolna said: Agent not found): check the agent id and that it belongs to the API key's account`)
    expect(checked.kind).toBe('agent-not-found')
    const patched = await failure(agents.setTelephonyProvider('ag2', 'trunk'))
    expect(patched.message).toBe(`agent "ag2" not found: check the agent id and that it belongs to the API key's account`)
    expect(patched.details).toMatchObject({ kind: 'agent-not-found', method: 'PATCH' })
    await expect(agents.check('ag1')).rejects.toBe(server)
    await expect(agents.setTelephonyProvider('ag1', 'trunk')).rejects.toBe(boom)
  })
})

describe('answers', () => {
  it('a bad answer names the call and the field; only a POST is ambiguous', () => {
    const schema = z.object({ id: z.string() })
    const read = (method: string) => {
      try {
        validAnswer(schema, { id: 5 }, method, '/p')
      } catch (error) {
        return error as BolnaApiError
      }
      throw new Error('expected a failure')
    }
    const post = read('POST')
    expect(post.message).toMatch(/^POST \/p answered with an unexpected body at id: .+/)
    expect(post.details).toEqual({ kind: 'bad-answer', method: 'POST', path: '/p', retryable: false, ambiguous: true, accepted: true })
    for (const method of ['GET', 'PATCH', 'DELETE']) expect(read(method).details.ambiguous).toBe(false)
    expect(validAnswer(schema, { id: 'a', extra: 1 }, 'GET', '/p')).toEqual({ id: 'a' })
  })

  it('a wrong answer at the top names no field', () => {
    expect(() => validAnswer(z.array(z.string()), 'text', 'GET', '/p')).toThrow(/^GET \/p answered with an unexpected body: \w[^@]*expected array/)
  })

  it('a list is a bare array or a {"data": [...]} envelope; nothing else', () => {
    const list = listAnswer(z.number())
    expect(list.parse([1, 2])).toEqual([1, 2])
    expect(list.parse({ data: [3] })).toEqual([3])
    // An array is read as the list even if it carries a data property.
    expect(list.parse(Object.assign([4], { data: [5] }))).toEqual([4])
    for (const bad of [{ data: 'x' }, { items: [1] }, null, 'x']) {
      const parsed = list.safeParse(bad)
      expect(parsed.success).toBe(false)
      expect(parsed.error?.issues[0]?.message).toBe('expected a list, or {"data": [...]}')
    }
  })
})

describe('paths and port', () => {
  it('an id is one path segment; "." and "..", and ids holding a path character, whitespace or a control character, cannot be sent', () => {
    expect(segment('a:b@c')).toBe('a%3Ab%40c')
    expect(segment('...')).toBe('...')
    expect(() => segment('.')).toThrow('the id "." cannot be "." or ".." (a URL path would resolve it); it was not sent')
    expect(() => segment('..')).toThrow('the id ".." cannot be "." or ".."')
    for (const [id, holds] of [
      ['a/b', '"/"'],
      ['a\\b', '"\\"'],
      ['a?b', '"?"'],
      ['a#b', '"#"'],
      ['a%2Fb', '"%"'],
      ['a b', 'a space'],
      ['a\tb', 'whitespace (U+0009)'],
      ['a\u0000b', 'a control character (U+0000)'],
      ['a\u200bb', 'a control character (U+200B)']
    ]) {
      expect(() => segment(id as string)).toThrow(`holds ${holds}, which no Bolna id holds`)
    }
    expect([isDotSegment('.'), isDotSegment('..'), isDotSegment(''), isDotSegment('...'), isDotSegment('a')]).toEqual([true, true, false, false, false])
  })

  it('a uuid is exactly 8-4-4-4-12 hex digits, any case', () => {
    expect(isUuid(UUID)).toBe(true)
    expect(isUuid(UUID.toUpperCase())).toBe(true)
    for (const not of [
      `x${UUID}`,
      `${UUID}x`,
      UUID.replace(/^./, 'g'),
      '3f2b8c1-9a4d-4e6f-8b2a-1c3d5e7f9a0b',
      '3f2b8c1e-9a4-4e6f-8b2a-1c3d5e7f9a0b',
      '3f2b8c1e-9a4d-4e6-8b2a-1c3d5e7f9a0b',
      '3f2b8c1e-9a4d-4e6f-8b2-1c3d5e7f9a0b',
      '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0',
      '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0bb',
      '01HZX3F2B8C1E9A4D4E6F8B2A1'
    ]) {
      expect(isUuid(not), not).toBe(false)
    }
    for (const group of [0, 1, 2, 3, 4]) {
      const parts = UUID.split('-')
      parts[group] = parts[group]!.replace(/./g, '-')
      expect(isUuid(parts.join('-'))).toBe(false)
    }
  })

  it('each family spells a number as Bolna matches it, and names its telephony provider', () => {
    expect(TRUNK_APIS['sip-trunks'].spelling('+919876543210', false)).toBe('919876543210')
    expect(TRUNK_APIS['sip-trunks'].spelling('+919876543210', true)).toBe('+919876543210')
    expect(TRUNK_APIS.trunk.spelling('+919876543210', false)).toBe('+919876543210')
    expect([TRUNK_APIS['sip-trunks'].provider, TRUNK_APIS.trunk.provider]).toEqual(['sip-trunk', 'trunk'])
    expect(e164Of('+1 (415) 555-0100')).toBe('+14155550100')
  })
})

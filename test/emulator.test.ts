import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BolnaEmulator } from './emulator/bolna-emulator.ts'
import type { EmulatorOptions, FaultKind, PhoneNumberRecord } from './emulator/bolna-emulator.ts'

const KEY = 'test-key'
let emu: BolnaEmulator

interface CallOptions {
  body?: unknown
  rawBody?: string
  key?: string | null
  signal?: AbortSignal
  redirect?: 'follow' | 'manual' | 'error'
}

function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  const key = opts.key === undefined ? KEY : opts.key
  if (key !== null) headers.authorization = `Bearer ${key}`
  let body = opts.rawBody
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['content-type'] = 'application/json'
  }
  return fetch(emu.url + path, { method, headers, body, signal: opts.signal, redirect: opts.redirect })
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer shapes
type Json = any

async function callJson(method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; json: Json }> {
  const res = await call(method, path, opts)
  return { status: res.status, json: await res.json() }
}

const numbers = (trunk = 'trunk-1'): string => `/sip-trunks/trunks/${encodeURIComponent(trunk)}/numbers`

async function create(phone: string, trunk = 'trunk-1', extra: object = {}): Promise<PhoneNumberRecord> {
  const { status, json } = await callJson('POST', numbers(trunk), { body: { phone_number: phone, ...extra } })
  expect(status).toBe(201)
  return json as PhoneNumberRecord
}

/** Resolves to the error code of a request that fails at the network level. */
async function networkError(p: Promise<Response>): Promise<string> {
  const err = await p.then(
    () => {
      throw new Error('expected a network failure')
    },
    (e: unknown) => e as Error & { cause?: { code?: string; name?: string } }
  )
  return err.cause?.code ?? err.name
}

async function restart(opts: EmulatorOptions): Promise<void> {
  await emu.stop()
  emu = new BolnaEmulator(opts)
  await emu.start()
}

beforeEach(async () => {
  emu = new BolnaEmulator({ trunks: ['trunk-1', 'trunk-2'], agents: ['agent-1', 'agent-2'] })
  await emu.start()
})

afterEach(async () => {
  vi.useRealTimers()
  await emu.stop()
})

describe('authentication', () => {
  it('answers 403 without a key or with a wrong one, and logs it as unauthorized', async () => {
    for (const key of [null, 'wrong']) {
      const res = await call('GET', numbers(), { key })
      expect(res.status).toBe(403)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(await res.json()).toEqual({ detail: 'Unrecognized access token' })
    }
    expect(emu.requests.map(e => e.authorized)).toEqual([false, false])
  })

  it('accepts a new key set at runtime', async () => {
    emu.setOptions({ apiKey: 'rotated' })
    expect((await call('GET', numbers())).status).toBe(403)
    expect((await call('GET', numbers(), { key: 'rotated' })).status).toBe(200)
  })
})

describe('numbers', () => {
  it('creates a record exactly as sent and lists it on the trunk and in GET trunk', async () => {
    const record = await create('919876543210', 'trunk-1', { name: 'Mumbai', e164_check_enabled: false, is_active: true })
    expect(record).toEqual({
      id: expect.any(String),
      phone_number: '919876543210',
      name: 'Mumbai',
      byot_trunk_id: 'trunk-1',
      telephony_provider: 'sip-trunk',
      deleted: false,
      user_id: 'user-emulator',
      agent_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String)
    })
    expect(await callJson('GET', numbers())).toEqual({ status: 200, json: [record] })
    expect((await callJson('GET', numbers('trunk-2'))).json).toEqual([])
    expect(await callJson('GET', '/sip-trunks/trunks/trunk-1')).toEqual({
      status: 200,
      json: {
        id: 'trunk-1',
        name: 'Trunk trunk-1',
        provider: 'custom',
        auth_type: 'ip-based',
        gateways: [],
        ip_identifiers: [],
        phone_numbers: [record],
        transport: 'transport-udp',
        inbound_enabled: true,
        is_active: true,
        outbound_leading_plus_enabled: false,
        created_at: expect.any(String),
        updated_at: expect.any(String)
      }
    })
    expect(emu.records('trunk-1')).toEqual([record])
  })

  it('defaults name to null', async () => {
    expect((await create('+15550001111')).name).toBeNull()
  })

  it('validates the body', async () => {
    const missing = { detail: [{ loc: ['body', 'phone_number'], msg: 'field required', type: 'missing' }] }
    for (const body of [{}, { phone_number: '' }, { phone_number: 42 }, []]) {
      expect(await callJson('POST', numbers(), { body })).toEqual({ status: 422, json: missing })
    }
    const wrongFlag = await callJson('POST', numbers(), { body: { phone_number: '+15550001111', e164_check_enabled: 'yes' } })
    expect(wrongFlag.status).toBe(422)
    expect(wrongFlag.json.detail[0].loc).toEqual(['body', 'e164_check_enabled'])
    expect((await callJson('POST', numbers(), { body: { phone_number: '+15550001111', is_active: 1 } })).status).toBe(422)
    expect((await callJson('POST', numbers(), { body: { phone_number: '+15550001111', name: 5 } })).status).toBe(422)
    expect(await callJson('POST', numbers(), { rawBody: '{not json' })).toEqual({
      status: 422,
      json: { detail: 'invalid JSON body' }
    })
    expect(emu.records()).toEqual([])
  })

  it('enforces E.164 only when asked', async () => {
    expect(await callJson('POST', numbers(), { body: { phone_number: '919876543210', e164_check_enabled: true } })).toEqual({
      status: 422,
      json: { error: 422, message: 'phone_number must be in E.164 format' }
    })
    await create('+919876543210', 'trunk-1', { e164_check_enabled: true })
    await create('12345', 'trunk-2')
  })

  it('refuses a body over 1 MiB with 413', async () => {
    const res = await call('POST', numbers(), { rawBody: 'x'.repeat(1024 * 1024 + 1) })
    expect(res.status).toBe(413)
  })

  it('answers 404 trunk not found on an unknown trunk', async () => {
    const notFound = { status: 404, json: { error: 404, message: 'trunk not found' } }
    expect(await callJson('GET', numbers('nope'))).toEqual(notFound)
    expect(await callJson('GET', '/sip-trunks/trunks/nope')).toEqual(notFound)
    expect(await callJson('POST', numbers('nope'), { body: { phone_number: '+15550001111' } })).toEqual(notFound)
    expect(await callJson('DELETE', `${numbers('nope')}/x`)).toEqual(notFound)
  })

  it('refuses a number live on another trunk, comparing digits only', async () => {
    await create('+91 98765-43210', 'trunk-1')
    expect(await callJson('POST', numbers('trunk-2'), { body: { phone_number: '919876543210' } })).toEqual({
      status: 409,
      json: { error: 409, message: 'Phone number already exists on another active trunk' }
    })
  })

  it('allows a number deleted on another trunk', async () => {
    emu.seed('trunk-1', { phone_number: '+15550001111', deleted: true })
    await create('+15550001111', 'trunk-2')
  })

  it('creates a duplicate on the same trunk by default, or 409 with duplicates: reject', async () => {
    const a = await create('+15550001111')
    const b = await create('+15550001111')
    expect(b.id).not.toBe(a.id)
    expect(emu.records('trunk-1')).toHaveLength(2)
    emu.setOptions({ duplicates: 'reject' })
    expect(await callJson('POST', numbers(), { body: { phone_number: '15550001111' } })).toEqual({
      status: 409,
      json: { error: 409, message: 'Phone number already exists on this trunk' }
    })
  })

  it('soft-deletes: the list keeps the record with deleted: true, and a second delete is 404', async () => {
    const record = await create('+15550001111')
    expect(await callJson('DELETE', `${numbers()}/${record.id}`)).toEqual({
      status: 200,
      json: { message: 'Phone number removed successfully' }
    })
    const list = (await callJson('GET', numbers())).json as PhoneNumberRecord[]
    expect(list).toEqual([expect.objectContaining({ id: record.id, deleted: true })])
    expect(emu.records('trunk-1')).toEqual([])
    expect(emu.records('trunk-1', { includeDeleted: true })).toHaveLength(1)
    const notFound = { status: 404, json: { error: 404, message: 'SIP trunk phone number not found in database' } }
    expect(await callJson('DELETE', `${numbers()}/${record.id}`)).toEqual(notFound)
    expect(await callJson('DELETE', `${numbers()}/unknown`)).toEqual(notFound)
  })

  it("will not delete another trunk's record", async () => {
    const record = await create('+15550001111', 'trunk-2')
    expect((await call('DELETE', `${numbers('trunk-1')}/${record.id}`)).status).toBe(404)
    expect(emu.records('trunk-2')).toHaveLength(1)
  })

  it('percent-decodes each path segment once', async () => {
    emu.addTrunk('a/b %')
    const record = await create('+15550001111', 'a/b %')
    expect(record.byot_trunk_id).toBe('a/b %')
    expect(emu.requests[0]?.path).toBe('/sip-trunks/trunks/a%2Fb%20%25/numbers')
    expect((await call('GET', '/sip-trunks/trunks/a/b/numbers')).status).toBe(404)
    expect((await call('GET', '/sip-trunks/trunks/%E0%A4%A/numbers')).status).toBe(404)
  })
})

describe('list lag', () => {
  it('hides a new record from lists, DELETE and inbound setup until the lag has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'))
    emu.setOptions({ listLagMs: 5000 })
    const record = await create('+15550001111')
    expect((await callJson('GET', numbers())).json).toEqual([])
    expect((await callJson('GET', '/sip-trunks/trunks/trunk-1')).json.phone_numbers).toEqual([])
    expect((await call('DELETE', `${numbers()}/${record.id}`)).status).toBe(404)
    const setup = { agent_id: 'agent-1', phone_number_id: record.id }
    expect((await call('POST', '/inbound/setup', { body: setup })).status).toBe(404)
    expect(emu.records()).toHaveLength(1) // state itself ignores the lag
    // writes see the record at once: another trunk cannot take the number meanwhile
    expect((await call('POST', numbers('trunk-2'), { body: { phone_number: '+15550001111' } })).status).toBe(409)

    vi.setSystemTime(new Date('2025-01-01T00:00:05Z'))
    expect((await callJson('GET', numbers())).json).toEqual([record])
    expect((await call('DELETE', `${numbers()}/${record.id}`)).status).toBe(200)
  })

  it('shows seeded records at once', async () => {
    emu.setOptions({ listLagMs: 60_000 })
    const seeded = emu.seed('trunk-1', { phone_number: '+15550001111', name: 'Seeded', agent_id: 'agent-9' })
    expect((await callJson('GET', numbers())).json).toEqual([seeded])
    expect(emu.agent('agent-9')).toEqual({ id: 'agent-9', agent_config: {}, provider: 'plivo', format: 'wav' })
  })
})

describe('agents', () => {
  it('maps, remaps and unlinks an agent', async () => {
    const record = await create('+15550001111')
    const body = { agent_id: 'agent-1', phone_number_id: record.id }
    expect(await callJson('POST', '/inbound/setup', { body })).toEqual({
      status: 200,
      json: { message: 'Agent mapped to phone number' }
    })
    expect(emu.records()[0]?.agent_id).toBe('agent-1')
    await call('POST', '/inbound/setup', { body: { ...body, agent_id: 'agent-2' } })
    expect(emu.records()[0]?.agent_id).toBe('agent-2')
    expect(await callJson('POST', '/inbound/unlink', { body })).toEqual({ status: 200, json: { message: 'Agent unlinked' } })
    expect(emu.records()[0]?.agent_id).toBeNull()
  })

  it('answers 404 for an unknown agent or an unknown or deleted number', async () => {
    const record = await create('+15550001111')
    expect(await callJson('POST', '/inbound/setup', { body: { agent_id: 'ghost', phone_number_id: record.id } })).toEqual({
      status: 404,
      json: { error: 404, message: "Phone number doesn't exist." }
    })
    const noNumber = { status: 404, json: { error: 404, message: 'SIP trunk phone number not found in database' } }
    expect(await callJson('POST', '/inbound/unlink', { body: { agent_id: 'agent-1', phone_number_id: 'x' } })).toEqual(noNumber)
    await call('DELETE', `${numbers()}/${record.id}`)
    expect(await callJson('POST', '/inbound/setup', { body: { agent_id: 'agent-1', phone_number_id: record.id } })).toEqual(noNumber)
    expect((await call('POST', '/inbound/setup', { body: { agent_id: 'agent-1' } })).status).toBe(422)
  })

  it('removes the agent mapping when the number is deleted', async () => {
    const seeded = emu.seed('trunk-1', { phone_number: '+15550001111', agent_id: 'agent-1' })
    await call('DELETE', `${numbers()}/${seeded.id}`)
    expect(emu.records('trunk-1', { includeDeleted: true })[0]?.agent_id).toBeNull()
  })

  it('merges agent_config on PATCH /v2/agent/{id}', async () => {
    const patch = (config: unknown): Promise<{ status: number; json: Json }> => callJson('PATCH', '/v2/agent/agent-1', { body: { agent_config: config } })
    expect(await patch({ telephony_provider: 'sip-trunk' })).toEqual({
      status: 200,
      json: { message: 'success', state: 'updated' }
    })
    await patch({ other: 1 })
    expect(emu.agent('agent-1')).toEqual({
      id: 'agent-1',
      agent_config: { telephony_provider: 'sip-trunk', other: 1 },
      provider: 'sip-trunk',
      format: 'ulaw'
    })
    expect((await patch('nope')).status).toBe(422)
    expect(await callJson('PATCH', '/v2/agent/ghost', { body: { agent_config: {} } })).toEqual({
      status: 404,
      json: { error: 404, message: 'agent not found' }
    })
    expect(emu.agent('ghost')).toBeUndefined()
  })
})

describe('routing and log', () => {
  it('answers 404 on unknown paths and 405 on a wrong method', async () => {
    expect(await callJson('GET', '/nope')).toEqual({ status: 404, json: { detail: 'Not Found' } })
    expect(await callJson('GET', `${numbers()}/`)).toEqual({ status: 404, json: { detail: 'Not Found' } })
    const res = await call('PUT', numbers())
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, POST')
    expect(await res.json()).toEqual({ detail: 'Method Not Allowed' })
    expect((await call('GET', '/inbound/setup')).status).toBe(405)
  })

  it('logs every request with its raw path, parsed body and status; writes() keeps the writes', async () => {
    const before = Date.now()
    await call('GET', `${numbers()}?page=2`)
    await create('+15550001111')
    await call('PATCH', '/v2/agent/agent-1', { body: { agent_config: {} } })
    expect(emu.requests).toEqual([
      { method: 'GET', path: '/sip-trunks/trunks/trunk-1/numbers?page=2', status: 200, authorized: true, at: expect.any(Number) },
      expect.objectContaining({ method: 'POST', status: 201, body: { phone_number: '+15550001111' } }),
      expect.objectContaining({ method: 'PATCH', status: 200 })
    ])
    expect(emu.requests[0]!.at).toBeGreaterThanOrEqual(before)
    expect(emu.writes().map(e => e.method)).toEqual(['POST', 'PATCH'])
    emu.clearLog()
    expect(emu.requests).toEqual([])
  })

  it('delays every answer by latencyMs', async () => {
    emu.setOptions({ latencyMs: 80 })
    const start = performance.now()
    await call('GET', numbers(), { key: 'wrong' })
    expect(performance.now() - start).toBeGreaterThanOrEqual(70)
  })
})

describe('rate limit', () => {
  it('answers 429 with Retry-After over the sliding window; 429s do not count', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const t0 = new Date('2025-01-01T00:00:00Z').getTime()
    vi.setSystemTime(t0)
    emu.setOptions({ rateLimitPerMinute: 2 })
    expect((await call('GET', numbers())).status).toBe(200)
    vi.setSystemTime(t0 + 20_000)
    expect((await call('GET', numbers(), { key: 'wrong' })).status).toBe(403) // counts too
    vi.setSystemTime(t0 + 30_500)
    const limited = await call('GET', numbers())
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('30')
    expect(await limited.json()).toEqual({ error: 429, message: 'Rate limit exceeded' })
    vi.setSystemTime(t0 + 59_999)
    expect((await call('GET', numbers())).headers.get('retry-after')).toBe('1')
    expect(emu.rateLimited).toBe(2)

    vi.setSystemTime(t0 + 60_000) // the first request leaves the window; the 429s never entered it
    expect((await call('GET', numbers())).status).toBe(200)
    expect((await call('GET', numbers())).status).toBe(429)
    expect(emu.requests.map(e => e.status)).toEqual([200, 403, 429, 429, 200, 429])
  })

  it('is checked before faults', async () => {
    emu.setOptions({ rateLimitPerMinute: 1 })
    emu.injectFault({ kind: 'status', times: Infinity })
    expect((await call('GET', numbers())).status).toBe(500)
    expect((await call('GET', numbers())).status).toBe(429)
    expect(emu.faultsInjected).toBe(1)
  })
})

describe('faults', () => {
  it('status: default 500 with an error body, custom status, Retry-After and body override', async () => {
    emu.injectFault({ kind: 'status' })
    emu.injectFault({ kind: 'status', status: 503, retryAfter: '7' })
    emu.injectFault({ kind: 'status', status: 400, body: '{"detail":"custom"}' })
    expect(await callJson('GET', numbers())).toEqual({ status: 500, json: { error: 500, message: 'injected 500' } })
    const res = await call('GET', numbers())
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(await res.json()).toEqual({ error: 503, message: 'injected 503' })
    expect(await callJson('GET', numbers())).toEqual({ status: 400, json: { detail: 'custom' } })
    expect((await call('GET', numbers())).status).toBe(200)
    expect(emu.requests.map(e => e.fault)).toEqual(['status', 'status', 'status', undefined])
    expect(emu.faultsInjected).toBe(3)
  })

  it('status: is not processed', async () => {
    emu.injectFault({ kind: 'status', method: 'POST' })
    expect((await call('POST', numbers(), { body: { phone_number: '+15550001111' } })).status).toBe(500)
    expect(emu.records()).toEqual([])
  })

  it('html: a proxy error page', async () => {
    emu.injectFault({ kind: 'html' })
    const res = await call('GET', numbers())
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('text/html')
    expect(await res.text()).toBe('<html><body><h1>502 Bad Gateway</h1></body></html>')
  })

  it('reset: the connection dies and nothing is stored', async () => {
    emu.injectFault({ kind: 'reset', method: 'POST' })
    expect(await networkError(call('POST', numbers(), { body: { phone_number: '+15550001111' } }))).toBe('ECONNRESET')
    expect(emu.records()).toEqual([])
    expect(emu.requests[0]).toMatchObject({ status: 'reset', fault: 'reset' })
  })

  it('hang: never answers, and stop() still closes promptly', async () => {
    emu.injectFault({ kind: 'hang' })
    const hung = call('GET', numbers())
    await vi.waitFor(() => expect(emu.requests[0]?.status).toBe('hang'))
    const start = performance.now()
    await emu.stop()
    expect(performance.now() - start).toBeLessThan(500)
    expect(await networkError(hung)).not.toBe('')
  })

  it('hang: a client timeout gives up on it', async () => {
    emu.injectFault({ kind: 'hang' })
    expect(await networkError(call('GET', numbers(), { signal: AbortSignal.timeout(100) }))).toBe('TimeoutError')
  })

  it('malformed: 200 (201 for POST) with truncated JSON; not processed', async () => {
    emu.injectFault({ kind: 'malformed', times: 2 })
    const get = await call('GET', numbers())
    expect(get.status).toBe(200)
    expect(get.headers.get('content-type')).toBe('application/json')
    await expect(get.json()).rejects.toThrow()
    const post = await call('POST', numbers(), { body: { phone_number: '+15550001111' } })
    expect(post.status).toBe(201)
    expect(await post.text()).toBe('{"id": "abc", "phone_')
    expect(emu.records()).toEqual([])
  })

  it('stored-then-status: the number is created but the answer is a 500', async () => {
    emu.injectFault({ kind: 'stored-then-status', method: 'POST' })
    expect((await call('POST', numbers(), { body: { phone_number: '+15550001111' } })).status).toBe(500)
    expect(emu.records().map(r => r.phone_number)).toEqual(['+15550001111'])
  })

  it('stored-then-reset: the number is created but the connection dies', async () => {
    emu.injectFault({ kind: 'stored-then-reset', method: 'POST' })
    expect(await networkError(call('POST', numbers(), { body: { phone_number: '+15550001111' } }))).toBe('ECONNRESET')
    expect(emu.records()).toHaveLength(1)
  })

  it('redirect: 302 to a foreign Location', async () => {
    emu.injectFault({ kind: 'redirect' })
    emu.injectFault({ kind: 'redirect', location: 'http://127.0.0.1:1/elsewhere' })
    const res = await call('GET', numbers(), { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('http://127.0.0.2:9/stolen')
    expect((await call('GET', numbers(), { redirect: 'manual' })).headers.get('location')).toBe('http://127.0.0.1:1/elsewhere')
  })

  it('huge: streams a 200 JSON answer of the given size (default 10 MiB)', async () => {
    emu.injectFault({ kind: 'huge', sizeBytes: 100_000 })
    emu.injectFault({ kind: 'huge' })
    const small = await call('GET', numbers())
    expect(small.headers.get('content-type')).toBe('application/json')
    const text = await small.text()
    expect(text).toHaveLength(100_000)
    expect(text.startsWith('[ ')).toBe(true)
    const big = await call('GET', numbers())
    expect(big.status).toBe(200)
    expect((await big.arrayBuffer()).byteLength).toBe(10 * 1024 * 1024)
  })

  it('matches by method, path substring or RegExp, and honours times', async () => {
    emu.injectFault({ kind: 'status', status: 501, method: 'delete' })
    emu.injectFault({ kind: 'status', status: 502, path: /\/trunks\/trunk-2\/numbers$/, times: 2 })
    emu.injectFault({ kind: 'status', status: 503, path: '/inbound/', times: Infinity })
    expect((await call('GET', numbers())).status).toBe(200)
    expect((await call('DELETE', `${numbers()}/x`)).status).toBe(501)
    expect((await call('DELETE', `${numbers()}/x`)).status).toBe(404)
    expect((await call('GET', numbers('trunk-2'))).status).toBe(502)
    expect((await call('GET', numbers('trunk-2'))).status).toBe(502)
    expect((await call('GET', numbers('trunk-2'))).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await call('POST', '/inbound/setup', { body: {} })).status).toBe(503)
    emu.clearFaults()
    expect((await call('POST', '/inbound/setup', { body: {} })).status).toBe(422)
  })

  it('applies before authentication', async () => {
    emu.injectFault({ kind: 'status', status: 504 })
    expect((await call('GET', numbers(), { key: 'wrong' })).status).toBe(504)
    expect(emu.requests[0]).toMatchObject({ authorized: false, status: 504, fault: 'status' })
  })
})

describe('chaos', () => {
  /** Runs a fixed request sequence on a fresh emulator; reports each request's status and fault. */
  async function run(seed: number, opts: { rate?: number; kinds?: FaultKind[] } = {}): Promise<string[]> {
    await restart({ trunks: ['trunk-1'] })
    emu.chaos({ seed, rate: opts.rate ?? 0.5, kinds: opts.kinds, hangMs: 20, retryAfter: '3' })
    for (let i = 0; i < 40; i++) {
      const path = i % 2 === 0 ? numbers() : `${numbers()}/missing`
      const method = i % 2 === 0 ? 'POST' : 'DELETE'
      await call(method, path, { body: { phone_number: `+1555000${String(i).padStart(4, '0')}` } }).then(
        res => res.arrayBuffer(),
        () => undefined
      )
    }
    return emu.requests.map(e => `${e.status}/${e.fault ?? '-'}`)
  }

  it('gives the same faults for the same seed, and different ones for another seed', async () => {
    const a = await run(42)
    expect(a).toEqual(await run(42))
    expect(a).not.toEqual(await run(7))
    const faults = a.filter(s => !s.endsWith('/-'))
    expect(faults.length).toBeGreaterThan(5)
    expect(emu.faultsInjected).toBeGreaterThan(0)
  })

  it('uses the default menu: 5xx, 429 with retryAfter, reset, hang, stored-then-*', async () => {
    const seen = await run(1, { rate: 1 })
    expect(new Set(seen)).toEqual(
      new Set(['500/status', '502/status', '503/status', '429/status', 'reset/reset', 'hang/hang', '500/stored-then-status', 'reset/stored-then-reset'])
    )
  })

  it('sends its 429s with the chosen Retry-After', async () => {
    emu.chaos({ seed: 3, rate: 1, kinds: ['status'], retryAfter: '3' })
    const retryAfters = new Set<string | null>()
    for (let i = 0; i < 20; i++) {
      const res = await call('GET', numbers())
      if (res.status === 429) retryAfters.add(res.headers.get('retry-after'))
    }
    expect(retryAfters).toEqual(new Set(['3']))
    expect(emu.rateLimited).toBe(0) // chaos 429s are faults, not the rate limiter
  })

  it('is limited to the given kinds', async () => {
    const seen = await run(5, { kinds: ['html'] })
    expect(new Set(seen)).toEqual(new Set(['502/html', '201/-', '404/-']))
  })

  it('stores records on stored-then-* faults', async () => {
    await restart({ trunks: ['trunk-1'] })
    emu.chaos({ seed: 1, rate: 1, kinds: ['stored-then-reset'] })
    await networkError(call('POST', numbers(), { body: { phone_number: '+15550001111' } }))
    expect(emu.records()).toHaveLength(1)
  })

  it('is off at rate 0 and after chaos(null)', async () => {
    emu.chaos({ seed: 1, rate: 0 })
    expect((await call('GET', numbers())).status).toBe(200)
    emu.chaos({ seed: 1, rate: 1, kinds: ['status'] })
    expect((await call('GET', numbers())).status).not.toBe(200)
    emu.chaos(null)
    expect((await call('GET', numbers())).status).toBe(200)
    expect(emu.faultsInjected).toBe(1)
  })
})

describe('cli', () => {
  it('prints the URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['test/emulator/cli.ts', '--trunk', 'tr-9', '--agent', 'ag-1', '--key', 'cli-key', '--rate-limit', '100'], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    try {
      const lines = createInterface({ input: child.stdout })
      const [line] = (await once(lines, 'line')) as [string]
      const match = /^BOLNA_EMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line)
      expect(match).not.toBeNull()
      const base = match![1]!
      const res = await fetch(`${base}/sip-trunks/trunks/tr-9/numbers`, { headers: { authorization: 'Bearer cli-key' } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual([])
      child.kill('SIGTERM')
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})

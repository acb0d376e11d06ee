import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BolnaEmulator } from './emulator/bolna-emulator.ts'
import type { EmulatorOptions, FaultKind, PhoneNumberRecord, TrunkNumberRecord } from './emulator/bolna-emulator.ts'

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

// ---- the /trunk family ----

const T1 = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const T2 = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e22'
const trunkNumbers = (trunk = T1): string => `/trunk/trunks/${trunk}/numbers`

async function addNumber(e164: string, trunk = T1, extra: object = {}): Promise<TrunkNumberRecord> {
  const { status, json } = await callJson('POST', trunkNumbers(trunk), { body: { e164, destination_key: e164.slice(1), ...extra } })
  expect(status).toBe(201)
  return json as TrunkNumberRecord
}

describe('the /trunk family', () => {
  beforeEach(() => {
    emu.addTrunk(T1, { api: 'trunk' })
    emu.addTrunk(T2, { api: 'trunk', name: 'Second', is_active: false, inbound_enabled: false, default_inbound_agent_id: 'agent-1' })
  })

  it('GET /trunk/trunks and /trunk/trunks/{id} answer Trunk objects; only /trunk trunks', async () => {
    const trunk = {
      id: T1,
      name: `Trunk ${T1}`,
      description: null,
      preset: 'custom',
      is_active: true,
      inbound_enabled: true,
      outbound_enabled: true,
      channels: 10,
      default_inbound_agent_id: null,
      auth_username: null,
      transport: 'udp',
      ip_acls: [],
      gateways: [],
      health: 'healthy',
      active_calls: 0,
      numbers: []
    }
    expect(await callJson('GET', `/trunk/trunks/${T1}`)).toEqual({ status: 200, json: trunk })
    const list = await callJson('GET', '/trunk/trunks')
    expect(list.status).toBe(200)
    expect(list.json).toEqual([trunk, { ...trunk, id: T2, name: 'Second', is_active: false, inbound_enabled: false, default_inbound_agent_id: 'agent-1' }])
    emu.setOptions({ listShape: 'envelope' }) // the /trunk list stays a bare array
    expect(Array.isArray((await callJson('GET', '/trunk/trunks')).json)).toBe(true)
  })

  it('keeps each trunk in its family: the other family answers 404', async () => {
    const noLive = { status: 404, json: { detail: 'No live trunk found' } }
    expect(await callJson('GET', '/trunk/trunks/nope')).toEqual(noLive)
    expect(await callJson('GET', '/trunk/trunks/trunk-1')).toEqual(noLive)
    expect(await callJson('POST', trunkNumbers('trunk-1'), { body: { e164: '+15550001111', destination_key: '15550001111' } })).toEqual(noLive)
    expect(await callJson('DELETE', `${trunkNumbers('trunk-1')}/x`)).toEqual(noLive)
    const legacyNotFound = { status: 404, json: { error: 404, message: 'trunk not found' } }
    expect(await callJson('GET', `/sip-trunks/trunks/${T1}`)).toEqual(legacyNotFound)
    expect(await callJson('GET', numbers(T1))).toEqual(legacyNotFound)
    expect(await callJson('POST', numbers(T1), { body: { phone_number: '+15550001111' } })).toEqual(legacyNotFound)
    expect(emu.records()).toEqual([])
    expect(() => emu.addTrunk(T1, { api: 'sip-trunks' })).toThrow(/cannot also be/)
    expect(() => emu.setOptions({ trunks: [T1] })).toThrow(/cannot also be/)
    expect(() => emu.addTrunk('trunk-1', { default_inbound_agent_id: 'agent-1' })).toThrow(/\/trunk trunks only/)
    expect(emu.trunk(T1)?.api).toBe('trunk')
    expect(emu.trunk('trunk-1')).toMatchObject({ id: 'trunk-1', api: 'sip-trunks', is_active: true, inbound_enabled: true })
    expect(emu.trunk('nope')).toBeUndefined()
  })

  it('adds a number: 201 and the Number object, which the trunk then lists', async () => {
    const res = await callJson('POST', trunkNumbers(), { body: { e164: '+12025550143', destination_key: '2025550143', agent_id: 'agent-1' } })
    expect(res).toEqual({
      status: 201,
      json: {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        trunk_id: T1,
        e164: '+12025550143',
        destination_key: '2025550143',
        agent_id: 'agent-1',
        last_inbound_at: null,
        last_outbound_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        is_deleted: false,
        deleted_at: null
      }
    })
    expect((await callJson('GET', `/trunk/trunks/${T1}`)).json.numbers).toEqual([res.json])
    expect(emu.records<TrunkNumberRecord>(T1)).toEqual([res.json])
    expect(emu.numbers(T1)).toEqual([
      {
        id: res.json.id,
        number: '+12025550143',
        name: null,
        agent_id: 'agent-1',
        destination_key: '2025550143',
        deleted: false,
        created_at: res.json.created_at
      }
    ])
  })

  it('answers trunkAddStatus: 201 by default, 200 when set', async () => {
    await addNumber('+12025550143')
    emu.setOptions({ trunkAddStatus: 200 })
    const res = await callJson('POST', trunkNumbers(), { body: { e164: '+12025550144', destination_key: 'x' } })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ e164: '+12025550144', destination_key: 'x', agent_id: null })
  })

  it('validates the body FastAPI-style, every field at once, before the trunk lookup', async () => {
    const detail = async (body: unknown, trunk = T1): Promise<Json> => {
      const res = await callJson('POST', trunkNumbers(trunk), { body })
      expect(res.status).toBe(422)
      return res.json.detail
    }
    expect(await detail({}, 'nope')).toEqual([
      { loc: ['body', 'e164'], msg: 'Field required', type: 'missing' },
      { loc: ['body', 'destination_key'], msg: 'Field required', type: 'missing' }
    ])
    for (const e164 of ['12025550143', '+02025550143', '+123456', '+1234567890123456', '+1 202 555 0143']) {
      expect(await detail({ e164, destination_key: 'k' })).toEqual([
        { loc: ['body', 'e164'], msg: "String should match pattern '^\\+[1-9]\\d{6,14}$'", type: 'string_pattern_mismatch' }
      ])
    }
    expect(await detail({ e164: 12025550143, destination_key: '' })).toEqual([
      { loc: ['body', 'e164'], msg: 'Input should be a valid string', type: 'string_type' },
      { loc: ['body', 'destination_key'], msg: 'String should have at least 1 character', type: 'string_too_short' }
    ])
    expect(await detail({ e164: '+1234567', destination_key: 5, agent_id: 7 })).toEqual([
      { loc: ['body', 'destination_key'], msg: 'Input should be a valid string', type: 'string_type' },
      { loc: ['body', 'agent_id'], msg: 'Input should be a valid string', type: 'string_type' }
    ])
    const [unknownAgent] = await detail({ e164: '+1234567', destination_key: '1234567', agent_id: 'ghost' })
    expect(unknownAgent).toMatchObject({ loc: ['body', 'agent_id'], type: 'value_error' })
    expect(await callJson('POST', trunkNumbers(), { rawBody: '{' })).toEqual({ status: 422, json: { detail: 'invalid JSON body' } })
    expect(emu.records()).toEqual([])
    await addNumber('+1234567') // 7 digits is the shortest allowed
    await addNumber('+123456789012345', T1, { agent_id: null }) // 15 the longest
  })

  it('applies duplicates (accept, reject) to /trunk as well', async () => {
    await addNumber('+12025550143')
    await addNumber('+12025550143')
    expect(emu.numbers(T1)).toHaveLength(2)
    emu.setOptions({ duplicates: 'reject' })
    expect(await callJson('POST', trunkNumbers(), { body: { e164: '+12025550143', destination_key: 'k' } })).toEqual({
      status: 409,
      json: { error: 409, message: 'Phone number already exists on this trunk' }
    })
  })

  it('refuses a number live on another trunk of either family, by digits (otherTrunkConflict 409, 422)', async () => {
    emu.addTrunk('trunk-3', { is_active: false })
    emu.seed('trunk-3', { phone_number: '+12025550199' }) // an inactive trunk holds nothing against others
    await addNumber('+12025550199')
    await create('1 (202) 555-0143', 'trunk-1')
    const legacy409 = { error: 409, message: 'Phone number already exists on another active trunk' }
    expect(await callJson('POST', trunkNumbers(), { body: { e164: '+12025550143', destination_key: 'k' } })).toEqual({ status: 409, json: legacy409 })
    const onTrunk = await addNumber('+12025550150')
    expect(await callJson('POST', numbers('trunk-2'), { body: { phone_number: '12025550150' } })).toEqual({ status: 409, json: legacy409 })

    emu.setOptions({ otherTrunkConflict: '422' })
    const msg = 'Phone number already exists on another active trunk'
    expect(await callJson('POST', trunkNumbers(T2), { body: { e164: '+12025550143', destination_key: 'k' } })).toEqual({
      status: 422,
      json: { detail: [{ loc: ['body', 'e164'], msg, type: 'value_error' }] }
    })
    expect(await callJson('POST', numbers('trunk-2'), { body: { phone_number: '+12025550150' } })).toEqual({
      status: 422,
      json: { detail: [{ loc: ['body', 'phone_number'], msg, type: 'value_error' }] }
    })
    // once removed, the number can go elsewhere
    expect((await call('DELETE', `${trunkNumbers()}/${onTrunk.id}`)).status).toBe(200)
    await create('+12025550150', 'trunk-2')
  })

  it('soft-deletes a number: 200 "Number removed", then 404; flagged is_deleted in the trunk', async () => {
    const n = await addNumber('+12025550143', T1, { agent_id: 'agent-1' })
    const other = await addNumber('+12025550144', T2)
    expect((await callJson('DELETE', `${trunkNumbers()}/${other.id}`)).status).toBe(404) // not on this trunk
    expect(await callJson('DELETE', `${trunkNumbers()}/${n.id}`)).toEqual({ status: 200, json: { message: 'Number removed' } })
    const [row] = (await callJson('GET', `/trunk/trunks/${T1}`)).json.numbers
    expect(row).toMatchObject({ id: n.id, is_deleted: true, deleted_at: expect.any(String), agent_id: 'agent-1' })
    const gone = { status: 404, json: { detail: 'Number not found' } }
    expect(await callJson('DELETE', `${trunkNumbers()}/${n.id}`)).toEqual(gone)
    expect(await callJson('DELETE', `${trunkNumbers()}/unknown`)).toEqual(gone)
    expect(emu.numbers(T1)).toEqual([])
    expect(emu.numbers(T1, { includeDeleted: true })).toEqual([expect.objectContaining({ id: n.id, deleted: true })])
    expect(emu.records<TrunkNumberRecord>(T1, { includeDeleted: true })[0]).toMatchObject({ is_deleted: true })
    await addNumber('+12025550143') // re-addable
  })

  it('PATCH /trunk/numbers/{id} sets the agent; null, an omitted field or an empty body clears it', async () => {
    const n = await addNumber('+12025550143')
    const patch = (body: CallOptions): Promise<{ status: number; json: Json }> => callJson('PATCH', `/trunk/numbers/${n.id}`, body)
    const set = await patch({ body: { agent_id: 'agent-2' } })
    expect(set).toEqual({ status: 200, json: { ...n, agent_id: 'agent-2', updated_at: expect.any(String) } })
    expect(emu.numbers(T1)[0]?.agent_id).toBe('agent-2')
    for (const clear of [{ body: { agent_id: null } }, { body: {} }, { rawBody: '' }]) {
      await patch({ body: { agent_id: 'agent-1' } })
      expect((await patch(clear)).json.agent_id).toBeNull()
      expect(emu.numbers(T1)[0]?.agent_id).toBeNull()
    }
    expect(await patch({ body: { agent_id: 'ghost' } })).toEqual({ status: 404, json: { detail: 'Agent not found' } })
    expect((await patch({ body: { agent_id: 5 } })).status).toBe(422)
    expect((await patch({ rawBody: '{' })).status).toBe(422)
    expect(await callJson('PATCH', '/trunk/numbers/unknown', { body: { agent_id: 'agent-1' } })).toEqual({
      status: 404,
      json: { detail: 'Number not found' }
    })
    const legacy = await create('+15550001111')
    expect((await call('PATCH', `/trunk/numbers/${legacy.id}`, { body: { agent_id: 'agent-1' } })).status).toBe(404)
    await call('DELETE', `${trunkNumbers()}/${n.id}`)
    expect((await patch({ body: { agent_id: 'agent-1' } })).status).toBe(404)
  })

  it('listLagMs hides a new number from the trunk, DELETE and PATCH; writes see it at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'))
    emu.setOptions({ listLagMs: 5000 })
    const n = await addNumber('+12025550143')
    expect((await callJson('GET', `/trunk/trunks/${T1}`)).json.numbers).toEqual([])
    expect((await call('DELETE', `${trunkNumbers()}/${n.id}`)).status).toBe(404)
    expect((await call('PATCH', `/trunk/numbers/${n.id}`, { body: { agent_id: 'agent-1' } })).status).toBe(404)
    expect((await call('POST', numbers('trunk-1'), { body: { phone_number: '+12025550143' } })).status).toBe(409)
    expect(emu.numbers(T1)).toHaveLength(1)
    vi.setSystemTime(new Date('2025-01-01T00:00:05Z'))
    expect((await callJson('GET', `/trunk/trunks/${T1}`)).json.numbers).toEqual([n])
    expect((await call('PATCH', `/trunk/numbers/${n.id}`, { body: { agent_id: 'agent-1' } })).status).toBe(200)
  })

  it('seeds /trunk numbers from e164 or phone_number, destination_key defaulting to the digits', async () => {
    emu.setOptions({ listLagMs: 60_000 })
    const a = emu.seed<TrunkNumberRecord>(T1, { e164: '+12025550143', agent_id: 'agent-7', created_at: '2024-05-01T00:00:00.000Z' })
    expect(a).toEqual({
      id: expect.any(String),
      trunk_id: T1,
      e164: '+12025550143',
      destination_key: '12025550143',
      agent_id: 'agent-7',
      last_inbound_at: null,
      last_outbound_at: null,
      created_at: '2024-05-01T00:00:00.000Z',
      updated_at: '2024-05-01T00:00:00.000Z',
      is_deleted: false,
      deleted_at: null
    })
    const b = emu.seed<TrunkNumberRecord>(T1, { phone_number: '+442071838750', destination_key: '02071838750', name: 'ignored', id: 'n-2', deleted: true })
    expect(b).toMatchObject({ id: 'n-2', e164: '+442071838750', destination_key: '02071838750', is_deleted: true, deleted_at: expect.any(String) })
    expect((await callJson('GET', `/trunk/trunks/${T1}`)).json.numbers).toEqual([a, b])
    expect(emu.agent('agent-7')).toMatchObject({ provider: 'plivo' })
    expect(emu.records()).toEqual([a]) // both families, each in its own shape
    expect(() => emu.seed(T1, {})).toThrow(/phone_number or e164/)
    expect(() => emu.seed(T1, { e164: '+12025550100', id: 'n-2' })).toThrow(/already exists/)
  })

  it('takes /trunk trunks from the newTrunks option; without trunks there is no default trunk-1', async () => {
    await restart({ newTrunks: [T1], agents: ['agent-1'] })
    expect(emu.trunk('trunk-1')).toBeUndefined()
    expect((await callJson('GET', '/trunk/trunks')).json.map((t: Json) => t.id)).toEqual([T1])
    emu.setOptions({ newTrunks: [T2] })
    expect((await callJson('GET', '/sip-trunks/trunks')).json).toEqual([])
    expect((await callJson('GET', '/trunk/trunks')).json.map((t: Json) => t.id)).toEqual([T1, T2])
    expect(() => new BolnaEmulator({ trunks: ['x'], newTrunks: ['x'] })).toThrow(/cannot also be/)
  })
})

describe('legacy trunk reads and mapping', () => {
  it('GET /sip-trunks/trunks lists legacy trunks, filtered by is_active', async () => {
    emu.addTrunk('trunk-2', { name: 'Two', is_active: false, inbound_enabled: false })
    emu.addTrunk(T1, { api: 'trunk' })
    const record = await create('+15550001111')
    const all = await callJson('GET', '/sip-trunks/trunks')
    expect(all.status).toBe(200)
    expect(all.json.map((t: Json) => [t.id, t.name, t.is_active, t.inbound_enabled])).toEqual([
      ['trunk-1', 'Trunk trunk-1', true, true],
      ['trunk-2', 'Two', false, false]
    ])
    expect(all.json[0].phone_numbers).toEqual([record])
    expect(all.json[0]).toEqual((await callJson('GET', '/sip-trunks/trunks/trunk-1')).json)
    expect((await callJson('GET', '/sip-trunks/trunks?is_active=true')).json.map((t: Json) => t.id)).toEqual(['trunk-1'])
    expect((await callJson('GET', '/sip-trunks/trunks?is_active=false')).json.map((t: Json) => t.id)).toEqual(['trunk-2'])
    expect(await callJson('GET', '/sip-trunks/trunks?is_active=maybe')).toEqual({
      status: 422,
      json: { detail: [{ loc: ['query', 'is_active'], msg: 'Input should be a valid boolean, unable to interpret input', type: 'bool_parsing' }] }
    })
  })

  it('/inbound/unlink needs phone_number_id only; an agent_id sent with it is ignored', async () => {
    const seeded = emu.seed('trunk-1', { phone_number: '+15550001111', agent_id: 'agent-1' })
    expect(await callJson('POST', '/inbound/unlink', { body: { phone_number_id: seeded.id } })).toEqual({
      status: 200,
      json: { message: 'Agent unlinked' }
    })
    expect(emu.records()[0]?.agent_id).toBeNull()
    await call('POST', '/inbound/setup', { body: { agent_id: 'agent-1', phone_number_id: seeded.id } })
    expect((await call('POST', '/inbound/unlink', { body: { phone_number_id: seeded.id, agent_id: 'ghost' } })).status).toBe(200)
    expect(emu.records()[0]?.agent_id).toBeNull()
    expect(await callJson('POST', '/inbound/unlink', { body: { agent_id: 'agent-1' } })).toEqual({
      status: 422,
      json: { detail: [{ loc: ['body', 'phone_number_id'], msg: 'field required', type: 'missing' }] }
    })
  })

  it('/inbound/setup maps legacy numbers only, and switches the agent to ulaw', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    const onTrunk = emu.seed(T1, { e164: '+12025550143' })
    expect((await call('POST', '/inbound/setup', { body: { agent_id: 'agent-1', phone_number_id: onTrunk.id } })).status).toBe(404)
    const record = await create('+15550001111')
    expect(emu.agent('agent-1')).toMatchObject({ provider: 'plivo', format: 'wav' })
    expect((await call('POST', '/inbound/setup', { body: { agent_id: 'agent-1', phone_number_id: record.id } })).status).toBe(200)
    expect(emu.agent('agent-1')).toMatchObject({ provider: 'plivo', format: 'ulaw' })
  })
})

describe('GET /v2/agent/{id}', () => {
  const agentBody = (id: string, provider: string, format: string): Json => ({
    id,
    agent_name: `Agent ${id}`,
    agent_type: 'other',
    agent_status: 'processed',
    created_at: expect.any(String),
    updated_at: expect.any(String),
    agent_prompts: {},
    tasks: [{ task_type: 'conversation', tools_config: { input: { provider, format }, output: { provider, format } } }]
  })

  it('answers the agent with its provider in the conversation task; 404 when unknown', async () => {
    expect(await callJson('GET', '/v2/agent/agent-1')).toEqual({ status: 200, json: agentBody('agent-1', 'plivo', 'wav') })
    emu.addAgent('agent-3', { provider: 'trunk' })
    emu.addAgent('agent-4', { provider: 'twilio', name: 'Four' })
    expect((await callJson('GET', '/v2/agent/agent-3')).json).toEqual(agentBody('agent-3', 'trunk', 'ulaw'))
    expect((await callJson('GET', '/v2/agent/agent-4')).json).toEqual({ ...agentBody('agent-4', 'twilio', 'wav'), agent_name: 'Four' })
    emu.addAgent('agent-4', { provider: 'sip-trunk' }) // an existing agent takes the new settings
    expect(emu.agent('agent-4')).toMatchObject({ provider: 'sip-trunk', format: 'ulaw' })
    expect(await callJson('GET', '/v2/agent/ghost')).toEqual({ status: 404, json: { error: 404, message: 'agent not found' } })
  })

  it('follows a PATCHed telephony_provider: ulaw for sip-trunk and trunk, wav otherwise', async () => {
    const provider = async (p: string): Promise<Json> => {
      expect((await call('PATCH', '/v2/agent/agent-1', { body: { agent_config: { telephony_provider: p } } })).status).toBe(200)
      return (await callJson('GET', '/v2/agent/agent-1')).json.tasks[0].tools_config
    }
    expect(await provider('sip-trunk')).toEqual({ input: { provider: 'sip-trunk', format: 'ulaw' }, output: { provider: 'sip-trunk', format: 'ulaw' } })
    expect(await provider('trunk')).toEqual({ input: { provider: 'trunk', format: 'ulaw' }, output: { provider: 'trunk', format: 'ulaw' } })
    expect(await provider('twilio')).toEqual({ input: { provider: 'twilio', format: 'wav' }, output: { provider: 'twilio', format: 'wav' } })
    expect(emu.agent('agent-1')?.agent_config).toMatchObject({ telephony_provider: 'twilio' })
    await call('PATCH', '/v2/agent/agent-1', { body: { agent_config: { agent_name: 'Renamed' } } })
    expect((await callJson('GET', '/v2/agent/agent-1')).json.agent_name).toBe('Renamed')
  })
})

// ---- §5 options ----

interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A request through node:http, which (unlike fetch) leaves a compressed body as it came. */
function rawCall(method: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(emu.url + path, { method, headers: { authorization: `Bearer ${KEY}`, ...headers } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('options', () => {
  it('softDeleted: lists and trunk objects of both families include deleted rows, or omit them', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    const live = emu.seed('trunk-1', { phone_number: '+15550001111' })
    emu.seed('trunk-1', { phone_number: '+15550002222', deleted: true })
    const liveNew = emu.seed<TrunkNumberRecord>(T1, { e164: '+15550003333' })
    emu.seed(T1, { e164: '+15550004444', deleted: true })
    const views = async (): Promise<Json[]> => [
      (await callJson('GET', numbers())).json,
      (await callJson('GET', '/sip-trunks/trunks/trunk-1')).json.phone_numbers,
      (await callJson('GET', '/sip-trunks/trunks')).json[0].phone_numbers,
      (await callJson('GET', `/trunk/trunks/${T1}`)).json.numbers,
      (await callJson('GET', '/trunk/trunks')).json[0].numbers
    ]
    const included = await views()
    for (const list of included.slice(0, 3)) expect(list.map((r: Json) => r.deleted)).toEqual([false, true])
    for (const list of included.slice(3)) expect(list.map((r: Json) => r.is_deleted)).toEqual([false, true])
    emu.setOptions({ softDeleted: 'omitted' })
    const omitted = await views()
    for (const list of omitted.slice(0, 3)) expect(list).toEqual([live])
    for (const list of omitted.slice(3)) expect(list).toEqual([liveNew])
  })

  it('listShape: legacy number and trunk lists are bare arrays, or {"data":[…]}', async () => {
    const record = await create('+15550001111')
    expect((await callJson('GET', numbers())).json).toEqual([record])
    const bareTrunks = (await callJson('GET', '/sip-trunks/trunks')).json
    expect(bareTrunks.map((t: Json) => t.id)).toEqual(['trunk-1', 'trunk-2'])
    emu.setOptions({ listShape: 'envelope' })
    expect(await callJson('GET', numbers())).toEqual({ status: 200, json: { data: [record] } })
    expect((await callJson('GET', '/sip-trunks/trunks')).json).toEqual({ data: bareTrunks })
    expect((await callJson('GET', '/sip-trunks/trunks/trunk-1')).json.phone_numbers).toEqual([record]) // inside an object: no envelope
  })

  it('legacyAgentId: legacy records carry agent_id, or have no such key at all', async () => {
    const seeded = emu.seed('trunk-1', { phone_number: '+15550001111', agent_id: 'agent-1' })
    expect((await callJson('GET', numbers())).json[0].agent_id).toBe('agent-1')
    emu.setOptions({ legacyAgentId: 'absent' })
    const created = (await callJson('POST', numbers(), { body: { phone_number: '+15550002222' } })).json
    const listed = (await callJson('GET', numbers())).json
    const inTrunk = (await callJson('GET', '/sip-trunks/trunks/trunk-1')).json.phone_numbers
    for (const r of [created, ...listed, ...inTrunk]) expect(Object.hasOwn(r, 'agent_id')).toBe(false)
    const { agent_id: _, ...rest } = seeded
    expect(listed[0]).toEqual(rest)
    expect(emu.records()[0]?.agent_id).toBe('agent-1') // the inspection helpers still tell the truth
  })

  it('legacyTrunkNumbers: legacy trunk objects carry phone_numbers, have no such key, or carry null; the list is unaffected', async () => {
    const record = await create('+15550001111')
    const trunkObjects = async (): Promise<Json[]> => [
      (await callJson('GET', '/sip-trunks/trunks/trunk-1')).json,
      (await callJson('GET', '/sip-trunks/trunks')).json[0]
    ]
    for (const t of await trunkObjects()) expect(t.phone_numbers).toEqual([record])
    emu.setOptions({ legacyTrunkNumbers: 'omitted' })
    for (const t of await trunkObjects()) {
      expect(Object.hasOwn(t, 'phone_numbers')).toBe(false)
      expect(t).toMatchObject({ id: 'trunk-1', is_active: true, inbound_enabled: true })
    }
    expect((await callJson('GET', numbers())).json).toEqual([record])
    emu.setOptions({ legacyTrunkNumbers: 'null' })
    for (const t of await trunkObjects()) expect(t).toHaveProperty('phone_numbers', null)
    expect((await callJson('GET', numbers())).json).toEqual([record])
    expect(() => emu.setOptions({ legacyTrunkNumbers: 'absent' as never })).toThrow(RangeError)
  })

  it('trunkNumbersKey: a /trunk trunk object lists its numbers under numbers, or under phone_numbers', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    const seeded = emu.seed<TrunkNumberRecord>(T1, { e164: '+15550001111' })
    const objects = async (): Promise<Json[]> => [(await callJson('GET', `/trunk/trunks/${T1}`)).json, (await callJson('GET', '/trunk/trunks')).json[0]]
    for (const t of await objects()) expect([t.numbers, Object.hasOwn(t, 'phone_numbers')]).toEqual([[seeded], false])
    emu.setOptions({ trunkNumbersKey: 'phone_numbers' })
    for (const t of await objects()) expect([t.phone_numbers, Object.hasOwn(t, 'numbers')]).toEqual([[seeded], false])
    expect(() => emu.setOptions({ trunkNumbersKey: 'data' as never })).toThrow(RangeError)
  })

  it("legacyName: legacy records carry name, or have no such key (the request's name is still stored)", async () => {
    emu.setOptions({ legacyName: 'absent' })
    const created = await create('+15550001111', 'trunk-1', { name: 'Front desk' })
    const listed = (await callJson('GET', numbers())).json
    const inTrunk = (await callJson('GET', '/sip-trunks/trunks/trunk-1')).json.phone_numbers
    for (const r of [created, ...listed, ...inTrunk]) expect([Object.hasOwn(r, 'name'), r.phone_number]).toEqual([false, '+15550001111'])
    expect(emu.records()[0]?.name).toBe('Front desk')
    emu.setOptions({ legacyName: 'present' })
    expect((await callJson('GET', numbers())).json[0].name).toBe('Front desk')
  })

  it('legacyAddIdKey: the legacy add answers its id under id, or under phone_number_id; lists keep id', async () => {
    const first = await create('+15550001111')
    expect(first.id).toBe(emu.records()[0]?.id)
    emu.setOptions({ legacyAddIdKey: 'phone_number_id' })
    const second = (await create('+15550002222')) as unknown as Json
    expect([Object.hasOwn(second, 'id'), second.phone_number_id]).toEqual([false, emu.records()[1]?.id])
    expect((await callJson('GET', numbers())).json.map((r: Json) => r.id)).toEqual(emu.records().map(r => r.id))
  })

  it('trunkProvider: PATCH /v2/agent accepts "trunk", or refuses it with a 422 and changes nothing', async () => {
    const patch = (provider: string) => callJson('PATCH', '/v2/agent/agent-1', { body: { agent_config: { telephony_provider: provider } } })
    expect((await patch('trunk')).status).toBe(200)
    expect(emu.agent('agent-1')?.provider).toBe('trunk')
    await patch('plivo')
    emu.setOptions({ trunkProvider: 'refused' })
    const refused = await patch('trunk')
    expect(refused.status).toBe(422)
    expect(refused.json.detail[0].loc).toEqual(['body', 'agent_config', 'telephony_provider'])
    expect([emu.agent('agent-1')?.provider, emu.agent('agent-1')?.agent_config.telephony_provider]).toEqual(['plivo', 'plivo'])
    expect((await patch('sip-trunk')).status).toBe(200)
  })

  it('notFoundBodies: Bolna\'s texts (legacy), or {"detail":"Not Found"} for every 404 (generic)', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    const requests: Array<[string, string, unknown]> = [
      ['GET', numbers('nope'), undefined],
      ['DELETE', `${numbers()}/gone`, undefined],
      ['POST', '/inbound/setup', { agent_id: 'agent-1', phone_number_id: 'gone' }],
      ['POST', '/inbound/setup', { agent_id: 'ghost', phone_number_id: 'gone' }],
      ['GET', '/trunk/trunks/nope', undefined],
      ['DELETE', `${trunkNumbers()}/gone`, undefined],
      ['PATCH', '/trunk/numbers/gone', { agent_id: null }],
      ['GET', '/v2/agent/ghost', undefined],
      ['GET', '/nowhere', undefined]
    ]
    const bodies = async (): Promise<unknown[]> => {
      const out: unknown[] = []
      for (const [method, path, body] of requests) {
        const res = await callJson(method, path, { body })
        expect(res.status).toBe(404)
        out.push(res.json)
      }
      return out
    }
    expect(await bodies()).toEqual([
      { error: 404, message: 'trunk not found' },
      { error: 404, message: 'SIP trunk phone number not found in database' },
      { error: 404, message: 'SIP trunk phone number not found in database' },
      { error: 404, message: "Phone number doesn't exist." },
      { detail: 'No live trunk found' },
      { detail: 'Number not found' },
      { detail: 'Number not found' },
      { error: 404, message: 'agent not found' },
      { detail: 'Not Found' }
    ])
    const n = await addNumber('+12025550143')
    expect(await callJson('PATCH', `/trunk/numbers/${n.id}`, { body: { agent_id: 'ghost' } })).toEqual({ status: 404, json: { detail: 'Agent not found' } })
    emu.setOptions({ notFoundBodies: 'generic' })
    expect(await bodies()).toEqual(requests.map(() => ({ detail: 'Not Found' })))
    expect(await callJson('PATCH', `/trunk/numbers/${n.id}`, { body: { agent_id: 'ghost' } })).toEqual({ status: 404, json: { detail: 'Not Found' } })
  })

  it('forbidden: a wrong key is always "Unrecognized access token"; not-authorised refuses the right key too', async () => {
    const wrong = { status: 403, json: { detail: 'Unrecognized access token' } }
    expect(await callJson('GET', numbers(), { key: 'wrong' })).toEqual(wrong)
    expect((await call('GET', numbers())).status).toBe(200)
    emu.setOptions({ forbidden: 'not-authorised' })
    const refused = { status: 403, json: { detail: 'Not authorised' } }
    for (const path of [numbers(), '/sip-trunks/trunks', '/trunk/trunks', '/v2/agent/agent-1']) expect(await callJson('GET', path)).toEqual(refused)
    expect(await callJson('GET', numbers(), { key: 'wrong' })).toEqual(wrong)
    expect((await call('GET', '/nowhere')).status).toBe(404)
    emu.setOptions({ forbidden: 'bad-key' })
    expect((await call('GET', numbers())).status).toBe(200)
  })

  it('forbiddenTrunks: requests on those trunks (either family) answer 403 "Not authorised"', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    const legacy = emu.seed('trunk-2', { phone_number: '+15550001111' })
    const onTrunk = emu.seed(T1, { e164: '+15550002222' })
    emu.setOptions({ forbiddenTrunks: ['trunk-2', T1, 'unknown-trunk'] })
    const refused = { status: 403, json: { detail: 'Not authorised' } }
    const attempts: Array<[string, string, unknown]> = [
      ['GET', numbers('trunk-2'), undefined],
      ['GET', '/sip-trunks/trunks/trunk-2', undefined],
      ['POST', numbers('trunk-2'), { phone_number: '+15550009999' }],
      ['DELETE', `${numbers('trunk-2')}/${legacy.id}`, undefined],
      ['POST', '/inbound/setup', { agent_id: 'agent-1', phone_number_id: legacy.id }],
      ['POST', '/inbound/unlink', { phone_number_id: legacy.id }],
      ['GET', numbers('unknown-trunk'), undefined],
      ['GET', `/trunk/trunks/${T1}`, undefined],
      ['POST', trunkNumbers(), { e164: '+15550009999', destination_key: 'k' }],
      ['DELETE', `${trunkNumbers()}/${onTrunk.id}`, undefined],
      ['PATCH', `/trunk/numbers/${onTrunk.id}`, { agent_id: 'agent-1' }]
    ]
    for (const [method, path, body] of attempts) expect(await callJson(method, path, { body }), `${method} ${path}`).toEqual(refused)
    expect(emu.numbers('trunk-2')).toHaveLength(1)
    expect(emu.numbers(T1)).toHaveLength(1)
    expect((await call('GET', numbers('trunk-1'))).status).toBe(200)
    expect((await call('GET', '/sip-trunks/trunks')).status).toBe(200)
    emu.setOptions({ forbiddenTrunks: [] }) // replaces the list
    expect((await call('GET', numbers('trunk-2'))).status).toBe(200)
  })

  it('compression: every answer body compressed as set, whatever Accept-Encoding says', async () => {
    const record = await create('+15550001111')
    const plain = await rawCall('GET', numbers())
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(plain.body.toString())).toEqual([record])
    const decoders = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync } as const
    for (const encoding of ['gzip', 'deflate', 'br'] as const) {
      emu.setOptions({ compression: encoding })
      const res = await rawCall('GET', numbers(), { 'accept-encoding': 'identity' })
      expect(res.headers['content-encoding']).toBe(encoding)
      expect(res.headers['content-type']).toBe('application/json')
      expect(Number(res.headers['content-length'])).toBe(res.body.length)
      expect(JSON.parse(decoders[encoding](res.body).toString())).toEqual([record])
      const refused = await rawCall('GET', numbers(), { authorization: 'Bearer wrong' })
      expect(refused.status).toBe(403)
      expect(JSON.parse(decoders[encoding](refused.body).toString())).toEqual({ detail: 'Unrecognized access token' })
    }
    emu.setOptions({ compression: 'gzip' })
    emu.injectFault({ kind: 'html' })
    emu.injectFault({ kind: 'huge', sizeBytes: 200_000 })
    const html = await rawCall('GET', numbers())
    expect(gunzipSync(html.body).toString()).toContain('502 Bad Gateway')
    const huge = await rawCall('GET', numbers())
    expect(huge.headers['content-encoding']).toBe('gzip')
    expect(huge.body.length).toBeLessThan(200_000)
    expect(gunzipSync(huge.body).length).toBe(200_000)
    expect((await callJson('GET', numbers())).json).toEqual([record]) // fetch decodes it as a client should
    emu.setOptions({ compression: 'none' })
    expect((await rawCall('GET', numbers())).headers['content-encoding']).toBeUndefined()
  })

  it('rateLimitRetryAfter: rate-limit 429s carry Retry-After, or none when false', async () => {
    emu.setOptions({ rateLimitPerMinute: 1 })
    expect((await call('GET', numbers())).status).toBe(200)
    const withHeader = await call('GET', numbers())
    expect(withHeader.status).toBe(429)
    expect(Number(withHeader.headers.get('retry-after'))).toBeGreaterThanOrEqual(59)
    emu.setOptions({ rateLimitRetryAfter: false })
    const without = await call('GET', numbers())
    expect(without.status).toBe(429)
    expect(without.headers.get('retry-after')).toBeNull()
    expect(await without.json()).toEqual({ error: 429, message: 'Rate limit exceeded' })
  })

  it('agentRateLimitPerMinute: a separate window for /v2/agent/{id}, off by default', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const t0 = new Date('2025-01-01T00:00:00Z').getTime()
    vi.setSystemTime(t0)
    for (let i = 0; i < 5; i++) expect((await call('GET', '/v2/agent/agent-1')).status).toBe(200)
    emu.setOptions({ agentRateLimitPerMinute: 2 })
    expect((await call('GET', '/v2/agent/agent-1')).status).toBe(200)
    expect((await call('PATCH', '/v2/agent/agent-2', { body: { agent_config: {} } })).status).toBe(200)
    vi.setSystemTime(t0 + 15_000)
    const limited = await call('GET', '/v2/agent/agent-1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('45')
    for (let i = 0; i < 3; i++) expect((await call('GET', numbers())).status).toBe(200) // other paths are not in that window
    expect((await call('GET', '/v2/agent/agent-1/executions')).status).toBe(404) // nor is any other agent path
    expect(emu.rateLimited).toBe(1)
    vi.setSystemTime(t0 + 60_000)
    expect((await call('GET', '/v2/agent/agent-1')).status).toBe(200)
    // with both limits, an agent request needs room in both windows
    emu.setOptions({ rateLimitPerMinute: 1 })
    vi.setSystemTime(t0 + 200_000)
    expect((await call('GET', numbers())).status).toBe(200)
    expect((await call('GET', '/v2/agent/agent-1')).status).toBe(429)
  })

  it('checks every option value, in the constructor and in setOptions', () => {
    const bad: Array<Partial<EmulatorOptions>> = [
      { duplicates: 'maybe' as never },
      { otherTrunkConflict: 409 as never },
      { trunkAddStatus: 204 as never },
      { softDeleted: 'hidden' as never },
      { listShape: 'wrapped' as never },
      { legacyAgentId: 'null' as never },
      { notFoundBodies: 'fastapi' as never },
      { forbidden: 'nope' as never },
      { compression: 'zstd' as never },
      { rateLimitRetryAfter: 'yes' as never },
      { agentRateLimitPerMinute: -1 },
      { listLagMs: Number.NaN }
    ]
    for (const opts of bad) {
      expect(() => new BolnaEmulator(opts), JSON.stringify(opts)).toThrow(RangeError)
      expect(() => emu.setOptions(opts), JSON.stringify(opts)).toThrow(RangeError)
    }
  })
})

describe('stored-then-hang', () => {
  it('stores the number, then never answers (the socket is destroyed after hangMs)', async () => {
    emu.injectFault({ kind: 'stored-then-hang', method: 'POST', hangMs: 50 })
    expect(await networkError(call('POST', numbers(), { body: { phone_number: '+15550001111' } }))).not.toBe('')
    expect(emu.records().map(r => r.phone_number)).toEqual(['+15550001111'])
    expect(emu.requests[0]).toMatchObject({ status: 'hang', fault: 'stored-then-hang' })
  })

  it('without hangMs it hangs until the client gives up; works on /trunk too', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    emu.injectFault({ kind: 'stored-then-hang', path: '/trunk/' })
    const post = call('POST', trunkNumbers(), { body: { e164: '+12025550143', destination_key: 'k' }, signal: AbortSignal.timeout(100) })
    expect(await networkError(post)).toBe('TimeoutError')
    expect(emu.numbers(T1).map(n => n.number)).toEqual(['+12025550143'])
  })

  it('is a chaos kind, drawn with the chaos hangMs', async () => {
    emu.chaos({ seed: 1, rate: 1, kinds: ['stored-then-hang'], hangMs: 20 })
    await networkError(call('POST', numbers(), { body: { phone_number: '+15550001111' } }))
    expect(emu.records()).toHaveLength(1)
  })
})

describe('numbers() and records() across families', () => {
  it('numbers() gives one shape for legacy and /trunk numbers', async () => {
    emu.addTrunk(T1, { api: 'trunk' })
    const legacy = emu.seed('trunk-1', { phone_number: '919876543210', name: 'Mumbai', agent_id: 'agent-1', created_at: '2024-01-01T00:00:00.000Z' })
    const onTrunk = emu.seed<TrunkNumberRecord>(T1, { e164: '+919876543211', destination_key: '09876543211' })
    expect(emu.numbers('trunk-1')).toEqual([
      {
        id: legacy.id,
        number: '919876543210',
        name: 'Mumbai',
        agent_id: 'agent-1',
        destination_key: null,
        deleted: false,
        created_at: '2024-01-01T00:00:00.000Z'
      }
    ])
    expect(emu.numbers(T1)).toEqual([
      { id: onTrunk.id, number: '+919876543211', name: null, agent_id: null, destination_key: '09876543211', deleted: false, created_at: onTrunk.created_at }
    ])
    expect(emu.numbers('nope')).toEqual([])
    expect(emu.records<PhoneNumberRecord | TrunkNumberRecord>()).toEqual([legacy, onTrunk])
  })
})

describe('cli', () => {
  // The CLI runs .ts straight through Node 24's type stripping; vitest itself may run on an older node.
  // On Windows node_modules/.bin/node is a shell shim that spawn cannot run: CI's setup-node is Node 24.
  const NODE = process.platform !== 'win32' && existsSync('node_modules/.bin/node') ? resolve('node_modules/.bin/node') : process.execPath

  /** Spawns the CLI and resolves to its URL once printed (rejects if it exits first). */
  async function startCli(args: string[], stderr: string[] = []): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; base: string }> {
    const child = spawn(NODE, ['test/emulator/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    createInterface({ input: child.stderr }).on('line', line => stderr.push(line))
    const lines = createInterface({ input: child.stdout })
    const first = once(lines, 'line') as Promise<[string]>
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`cli exited with ${String(code)} before printing its URL: ${stderr.join('\n')}`)
    })
    const [line] = await Promise.race([first, exited])
    const match = /^BOLNA_EMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line)
    expect(match).not.toBeNull()
    return { child, base: match![1]! }
  }

  async function stopCli(child: ChildProcessByStdio<null, Readable, Readable>): Promise<number | null> {
    const exited = once(child, 'exit') as Promise<[number | null]>
    child.kill('SIGTERM')
    const [code] = await exited
    return code
  }

  it('prints the URL, serves, and exits cleanly on SIGTERM', async () => {
    const { child, base } = await startCli(['--trunk', 'tr-9', '--agent', 'ag-1', '--key', 'cli-key', '--rate-limit', '100'])
    try {
      const res = await fetch(`${base}/sip-trunks/trunks/tr-9/numbers`, { headers: { authorization: 'Bearer cli-key' } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual([])
      const code = await stopCli(child)
      // Windows has no SIGTERM handler to run: kill() ends the process outright.
      if (process.platform !== 'win32') expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })

  it('takes /trunk trunks, a seed file, --number, the §5 options, and logs requests with --log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bolna-emulator-cli-'))
    const seedFile = join(dir, 'seed.json')
    writeFileSync(
      seedFile,
      JSON.stringify({
        trunks: [
          { id: T1, api: 'trunk', numbers: [{ e164: '+12025550143', agent_id: 'ag-2' }] },
          { id: 'tr-9', numbers: [{ phone_number: '919876543210', name: 'Mumbai', agent_id: 'ag-2' }] }
        ],
        agents: [{ id: 'ag-2', provider: 'trunk' }]
      })
    )
    const stderr: string[] = []
    const flags = [
      '--compression',
      'gzip',
      '--list-shape',
      'envelope',
      '--trunk-add-status',
      '200',
      '--legacy-agent-id',
      'absent',
      '--legacy-trunk-numbers',
      'omitted',
      '--legacy-name',
      'absent',
      '--log'
    ]
    const numbersFlags = ['--number', 'tr-9=+15550001111', '--number', `${T2}=+15550002222`]
    const { child, base } = await startCli(['--new-trunk', T2, '--seed', seedFile, ...numbersFlags, ...flags], stderr)
    try {
      const call = (method: string, path: string, body?: unknown): Promise<Response> =>
        fetch(base + path, { method, headers: { authorization: 'Bearer test-key' }, body: body === undefined ? undefined : JSON.stringify(body) })
      const list = await call('GET', '/sip-trunks/trunks/tr-9/numbers')
      expect(list.headers.get('content-encoding')).toBe('gzip')
      const { data } = (await list.json()) as Json
      expect(data.map((r: Json) => [r.phone_number, r.name, Object.hasOwn(r, 'agent_id')])).toEqual([
        ['919876543210', undefined, false],
        ['+15550001111', undefined, false]
      ])
      expect(Object.hasOwn((await (await call('GET', '/sip-trunks/trunks/tr-9')).json()) as Json, 'phone_numbers')).toBe(false)
      expect(((await (await call('GET', `/trunk/trunks/${T1}`)).json()) as Json).numbers).toEqual([
        expect.objectContaining({ e164: '+12025550143', destination_key: '12025550143', agent_id: 'ag-2' })
      ])
      expect(((await (await call('GET', `/trunk/trunks/${T2}`)).json()) as Json).numbers).toEqual([expect.objectContaining({ e164: '+15550002222' })])
      const agent = (await (await call('GET', '/v2/agent/ag-2')).json()) as Json
      expect(agent.tasks[0].tools_config.input).toEqual({ provider: 'trunk', format: 'ulaw' })
      expect((await call('POST', `/trunk/trunks/${T2}/numbers`, { e164: '+15550003333', destination_key: '15550003333' })).status).toBe(200)
      expect((await call('GET', '/sip-trunks/trunks/trunk-1')).status).toBe(404) // --new-trunk without --trunk: no default trunk-1
      expect(await stopCli(child)).toBe(0)
      expect(stderr.filter(line => / -> /.test(line))).toEqual([
        'GET /sip-trunks/trunks/tr-9/numbers -> 200',
        'GET /sip-trunks/trunks/tr-9 -> 200',
        `GET /trunk/trunks/${T1} -> 200`,
        `GET /trunk/trunks/${T2} -> 200`,
        'GET /v2/agent/ag-2 -> 200',
        `POST /trunk/trunks/${T2}/numbers -> 200`,
        'GET /sip-trunks/trunks/trunk-1 -> 404'
      ])
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('exits 2 with the usage on a bad flag value', async () => {
    for (const args of [
      ['--compression', 'zstd'],
      ['--number', 'no-equals-sign'],
      ['--trunk-add-status', '204'],
      ['--legacy-trunk-numbers', 'absent'],
      ['--trunk-numbers-key', 'data'],
      ['--legacy-name', 'none'],
      ['--legacy-add-id-key', 'uuid'],
      ['--trunk-provider', 'maybe'],
      ['--seed', '/nonexistent.json']
    ]) {
      const child = spawn(NODE, ['test/emulator/cli.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code, args.join(' ')).toBe(2)
      expect(stderr).toContain('usage: node test/emulator/cli.ts')
    }
  })
})

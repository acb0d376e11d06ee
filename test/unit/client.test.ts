import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Agents } from '../../src/bolna/agents.js'
import { BolnaClient } from '../../src/bolna/client.js'
import { BolnaApiError } from '../../src/bolna/errors.js'
import { HttpClient } from '../../src/bolna/http.js'
import type { NumberToAdd } from '../../src/bolna/port.js'
import { RateLimiter } from '../../src/bolna/rate-limiter.js'
import { SipTrunksFamily } from '../../src/bolna/sip-trunks.js'
import { TrunkApiFamily } from '../../src/bolna/trunk.js'
import { realClock } from '../../src/clock.js'
import type { Clock } from '../../src/clock.js'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { trunk } from '../helpers/model.ts'

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

const t1 = trunk('t1')

beforeEach(async () => {
  emulator = new BolnaEmulator({ trunks: ['t1'] })
  await emulator.start()
  sleeps = []
})
afterEach(() => emulator.stop())

const want: NumberToAdd = { e164: '+919876543210', withPlus: false, e164CheckEnabled: false }

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

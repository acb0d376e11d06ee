// src/bolna/http.ts against a local node:http server each test scripts: headers sent, answers read
// (empty, malformed, compressed, too large, cut off), errors and their retry classes, the retry loop
// with its debug lines, the rate limiters it takes, and the Retry-After parser.
import { execFileSync } from 'node:child_process'
import dns from 'node:dns'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import zlib from 'node:zlib'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BolnaApiError } from '../../src/bolna/errors.js'
import { backoffMs, HttpClient, parseRetryAfter } from '../../src/bolna/http.js'
import type { HttpSettings } from '../../src/bolna/http.js'
import { RateLimiter } from '../../src/bolna/rate-limiter.js'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

type Handler = (res: ServerResponse, seen: Seen) => void

let server: Server
let base: string
let handlers: Handler[]
let seen: Seen[]
let connections: number
let sleeps: number[]

const TOKEN = 'secret-token'

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
    seen.push(entry)
    const handler = handlers.shift() ?? ((r: ServerResponse) => send(r, 200, '[]'))
    handler(res, entry)
  })
  server.on('connection', () => connections++)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})
beforeEach(() => {
  handlers = []
  seen = []
  connections = 0
  sleeps = []
})

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(body)
}

/** The next answers, in order. */
function answer(...next: Handler[]): void {
  handlers.push(...next)
}

function client(overrides: Partial<HttpSettings> = {}): HttpClient {
  return new HttpClient({
    baseUrl: new URL(base),
    token: TOKEN,
    timeoutMs: 1000,
    maxRetries: 0,
    sleep: async ms => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides
  })
}

const failure = async (promise: Promise<unknown>): Promise<BolnaApiError> => {
  try {
    await promise
  } catch (error) {
    if (error instanceof BolnaApiError) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('a request', () => {
  it('carries the key, JSON headers and the body; an answer reuses the kept-alive connection', async () => {
    answer(
      r => send(r, 201, '{"id":"n1"}'),
      r => send(r, 200, '[]')
    )
    const http = client()
    expect(await http.request('POST', '/sip-trunks/trunks/t1/numbers', { phone_number: '1' }, 'unsafe')).toEqual({ status: 201, body: { id: 'n1' } })
    expect(await http.request('GET', '/sip-trunks/trunks/t1/numbers', undefined, 'idempotent')).toEqual({ status: 200, body: [] })
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/sip-trunks/trunks/t1/numbers', body: '{"phone_number":"1"}' })
    expect(seen[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/json',
      'user-agent': 'bolna-sip-trunk-number-action',
      'content-type': 'application/json',
      'content-length': '20'
    })
    expect(seen[1]!.headers['content-type']).toBeUndefined()
    expect(seen[1]!.body).toBe('')
    expect(connections).toBe(1)
  })

  it('keeps the path of a base URL, however many slashes end it', async () => {
    await client({ baseUrl: new URL(`${base}/api//`) }).request('GET', '/p', undefined, 'idempotent')
    expect(seen[0]!.url).toBe('/api/p')
  })

  it('an answer not read is not parsed; an empty or blank answer is no body', async () => {
    answer(
      r => send(r, 200, 'OK'),
      r => send(r, 200, ''),
      r => send(r, 200, '  \n')
    )
    const http = client()
    expect(await http.request('DELETE', '/p', undefined, 'idempotent', 'ignore')).toEqual({ status: 200, body: undefined })
    expect(await http.request('GET', '/p', undefined, 'idempotent')).toEqual({ status: 200, body: undefined })
    expect(await http.request('GET', '/p', undefined, 'idempotent')).toEqual({ status: 200, body: undefined })
  })

  it('malformed JSON is a bad answer, retryable, ambiguous only for a write', async () => {
    answer(
      r => send(r, 200, '{nope'),
      r => send(r, 200, '{nope')
    )
    const read = await failure(client().request('GET', '/p', undefined, 'idempotent'))
    expect(read.message).toBe('GET /p answered with malformed JSON')
    expect(read.details).toEqual({ kind: 'bad-answer', method: 'GET', path: '/p', retryable: true, ambiguous: false, accepted: true })
    expect((await failure(client().request('POST', '/p', {}, 'unsafe'))).details.ambiguous).toBe(true)
  })

  it('a status outside 2xx is an error, 300 included; the key is never repeated back', async () => {
    answer(
      r => send(r, 300, ''),
      r => send(r, 400, JSON.stringify({ message: `bad key ${TOKEN}` }))
    )
    expect((await failure(client().request('GET', '/p', undefined, 'idempotent'))).kind).toBe('redirect')
    const echoed = await failure(client().request('GET', '/p', undefined, 'idempotent'))
    expect(echoed.message).toBe('GET /p failed with 400: bad key ***')
  })

  it('the key is taken out of answers that spell it with JSON escapes, in strings and in keys', async () => {
    answer(
      r => send(r, 200, '"\\u0073ecret-token and more"'),
      r => send(r, 200, '{"list":[{"\\u0073ecret-token":"a \\u0073ecret-token"}],"n":1}'),
      r => send(r, 400, '{"\\u0073ecret-token": 1}')
    )
    const http = client()
    expect((await http.request('GET', '/p', undefined, 'idempotent')).body).toBe('*** and more')
    expect((await http.request('GET', '/p', undefined, 'idempotent')).body).toEqual({ list: [{ '***': 'a ***' }], n: 1 })
    const error = await failure(http.request('GET', '/p', undefined, 'idempotent'))
    expect(error.message).toBe('GET /p failed with 400: {"***":1}')
  })

  it('an error answer without the key is shown as Bolna wrote it; one too deep to write back loses its reason, not the key', async () => {
    const deep = `${'{"a":'.repeat(20_000)}"\\u0073ecret-token"${'}'.repeat(20_000)}`
    answer(
      r => send(r, 400, '{ "code": 7 }'),
      r => send(r, 400, deep)
    )
    expect((await failure(client().request('GET', '/p', undefined, 'idempotent'))).message).toBe('GET /p failed with 400: { "code": 7 }')
    expect((await failure(client().request('GET', '/p', undefined, 'idempotent'))).message).toBe('GET /p failed with 400')
  })

  it('with no key there is nothing to take out', async () => {
    answer(
      r => send(r, 200, '{"a":"b","c":["d"]}'),
      r => send(r, 400, 'x'),
      r => send(r, 400, '{ "code": 7 }')
    )
    const http = client({ token: '' })
    expect((await http.request('GET', '/p', undefined, 'idempotent')).body).toEqual({ a: 'b', c: ['d'] })
    expect((await failure(http.request('GET', '/p', undefined, 'idempotent'))).message).toBe('GET /p failed with 400: x')
    expect((await failure(http.request('GET', '/p', undefined, 'idempotent'))).message).toBe('GET /p failed with 400: { "code": 7 }')
  })

  it('a request node:http refuses to send (a header it cannot encode) is a plain, final network error', async () => {
    const error = await failure(client({ token: 'bad\ntoken', maxRetries: 3 }).request('POST', '/p', {}, 'unsafe'))
    expect(error.message).toMatch(/^POST \/p could not be sent: /)
    expect(error.details).toMatchObject({ kind: 'network', retryable: false, ambiguous: false })
    expect(seen).toEqual([])
    expect(sleeps).toEqual([])
  })
})

describe('compressed answers', () => {
  const json = '{"ok":true}'
  const cases: [string, Buffer][] = [
    ['gzip', zlib.gzipSync(json)],
    ['x-gzip', zlib.gzipSync(json)],
    [' GZIP ', zlib.gzipSync(json)],
    ['deflate', zlib.deflateSync(json)],
    ['deflate', zlib.deflateRawSync(json)],
    ['br', zlib.brotliCompressSync(json)],
    ['identity', Buffer.from(json)],
    ['deflate, gzip', zlib.gzipSync(zlib.deflateSync(json))],
    ['identity, br', zlib.brotliCompressSync(json)]
  ]
  for (const [encoding, body] of cases) {
    it(`decodes Content-Encoding ${JSON.stringify(encoding)}`, async () => {
      answer(r => send(r, 200, body, { 'content-encoding': encoding }))
      expect((await client().request('GET', '/p', undefined, 'idempotent')).body).toEqual({ ok: true })
    })
  }

  it('an unknown encoding is not guessed at, even when the body happens to be brotli', async () => {
    answer(r => send(r, 200, zlib.brotliCompressSync(json), { 'content-encoding': 'compress' }))
    expect((await failure(client().request('GET', '/p', undefined, 'idempotent'))).kind).toBe('bad-answer')
  })

  it('an encoding it cannot decode is a bad answer, ambiguous for a write, accepted only when 2xx', async () => {
    answer(
      r => send(r, 200, json, { 'content-encoding': 'compress' }),
      r => send(r, 201, Buffer.from('not gzip'), { 'content-encoding': 'gzip' }),
      r => send(r, 502, Buffer.from('not gzip'), { 'content-encoding': 'gzip' })
    )
    const unknown = await failure(client().request('GET', '/p', undefined, 'idempotent'))
    expect(unknown.message).toBe('GET /p answered a body encoded as "compress" that could not be decoded')
    expect(unknown.details).toEqual({ kind: 'bad-answer', method: 'GET', path: '/p', status: 200, retryable: true, ambiguous: false, accepted: true })
    const corrupt = await failure(client().request('POST', '/p', {}, 'unsafe'))
    expect(corrupt.details).toMatchObject({ kind: 'bad-answer', status: 201, ambiguous: true, accepted: true })
    // A 5xx carried out nothing for sure: a write may be sent again after looking.
    const failed = await failure(client({ maxRetries: 0 }).request('POST', '/p', {}, 'unsafe'))
    expect(failed.details).toMatchObject({ kind: 'bad-answer', status: 502, ambiguous: true, accepted: false })
  })

  it('decoding stops at the size cap (no decompression bomb), and says so', async () => {
    for (const [encoding, body] of [
      ['gzip', zlib.gzipSync(JSON.stringify({ pad: 'x'.repeat(200_000) }))],
      ['deflate', zlib.deflateSync(JSON.stringify({ pad: 'x'.repeat(200_000) }))],
      ['br', zlib.brotliCompressSync(JSON.stringify({ pad: 'x'.repeat(200_000) }))]
    ] as const) {
      answer(r => send(r, 200, body, { 'content-encoding': encoding }))
      const error = await failure(client({ maxAnswerBytes: 100_000 }).request('GET', '/p', undefined, 'idempotent'))
      expect(error.message).toBe('GET /p answered more than 100000 bytes, more than this action reads; it stopped reading')
      expect(error.details).toMatchObject({ kind: 'bad-answer', retryable: false })
    }
  })

  it.for(['plain', 'gzip'])('past 1 MiB, answers are read one at a time (%s: by its decoded size)', async (kind, { expect }) => {
    // The first answer sends 2 MiB and stalls, holding the large-answer slot; the second (2 MiB once
    // decoded, a few KiB as gzip) must wait for it, and is read once the first is done.
    const pad = 'x'.repeat(2 * 1024 * 1024)
    let finishFirst: (() => void) | undefined
    answer(
      r => {
        r.writeHead(200, { 'content-type': 'application/json' })
        r.write(`{"pad":"${pad}`)
        finishFirst = () => r.end('"}')
      },
      r => (kind === 'gzip' ? send(r, 200, zlib.gzipSync(JSON.stringify({ pad })), { 'content-encoding': 'gzip' }) : send(r, 200, JSON.stringify({ pad })))
    )
    const c = client({ maxAnswerBytes: 8 * 1024 * 1024, timeoutMs: 20_000 })
    const first = c.request('GET', '/p', undefined, 'idempotent')
    while (!finishFirst) await new Promise(resolve => setTimeout(resolve, 10))
    await new Promise(resolve => setTimeout(resolve, 300))
    let secondDone = false
    const second = c.request('GET', '/p', undefined, 'idempotent').finally(() => (secondDone = true))
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(seen).toHaveLength(2)
    expect(secondDone).toBe(false)
    finishFirst()
    const answers = await Promise.all([first, second])
    expect(answers.map(a => (a.body as { pad: string }).pad.length)).toEqual([pad.length, pad.length])
  })
})

describe('answers cut off', () => {
  it('an answer of exactly the cap is read; one byte more is refused, with its status, ambiguous for a write', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(990) })
    answer(
      r => send(r, 200, body),
      r => send(r, 201, `${body} `)
    )
    expect((await client({ maxAnswerBytes: body.length }).request('GET', '/p', undefined, 'idempotent')).body).toEqual({ pad: 'x'.repeat(990) })
    const error = await failure(client({ maxAnswerBytes: body.length }).request('POST', '/p', {}, 'unsafe'))
    expect(error.message).toBe(`POST /p answered more than ${body.length} bytes, more than this action reads; it stopped reading`)
    expect(error.details).toEqual({ kind: 'bad-answer', method: 'POST', path: '/p', status: 201, retryable: false, ambiguous: true, accepted: true })
  })

  it('a GET cut off by size is not ambiguous', async () => {
    answer(r => send(r, 200, 'x'.repeat(50)))
    expect((await failure(client({ maxAnswerBytes: 10 }).request('GET', '/p', undefined, 'idempotent'))).details.ambiguous).toBe(false)
  })

  it('a connection lost in the middle of an answer is a network error at once, not a timeout', async () => {
    answer(r => {
      r.writeHead(200, { 'content-length': '1000' })
      r.write('[1,')
      setTimeout(() => r.socket?.destroy(), 20)
    })
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 5000 }).request('POST', '/p', {}, 'unsafe'))
    expect(error.details).toMatchObject({ kind: 'network', retryable: true, ambiguous: true })
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('a hung request times out: ambiguous, retryable, in seconds', async () => {
    answer(() => {})
    const error = await failure(client({ timeoutMs: 200 }).request('POST', '/p', {}, 'unsafe'))
    expect(error.message).toBe('POST /p timed out after 0.2 s')
    expect(error.details).toEqual({ kind: 'timeout', method: 'POST', path: '/p', retryable: true, ambiguous: true })
  })
})

describe('retries', () => {
  it('repeats a retryable failure, logging each request and each retry; a success ends it', async () => {
    const lines: string[] = []
    answer(r => send(r, 503, 'down'))
    const answerOf = await client({ maxRetries: 2, debug: line => lines.push(line) }).request('GET', '/p', undefined, 'idempotent')
    expect(answerOf.status).toBe(200)
    expect(sleeps).toEqual([125])
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^GET \/p -> 503 in \d+ ms$/)
    // The time the request took, not a date.
    expect(Number(/in (\d+) ms/.exec(lines[0]!)?.[1])).toBeLessThan(60_000)
    expect(lines[1]).toBe('retrying GET /p in 125 ms (GET /p failed with 503: down)')
    expect(lines[2]).toMatch(/^GET \/p -> 200 in \d+ ms$/)
  })

  it('a connection refused is logged as no answer, and even a write is repeated (nothing was sent)', async () => {
    const lines: string[] = []
    const closed = new HttpClient({
      baseUrl: new URL('http://127.0.0.1:9'),
      token: 't',
      timeoutMs: 1000,
      maxRetries: 1,
      sleep: async () => {},
      debug: l => lines.push(l)
    })
    const error = await failure(closed.request('POST', '/p', {}, 'unsafe'))
    expect(error.details).toMatchObject({ kind: 'network', retryable: true, ambiguous: false })
    expect(error.message).toBe('POST /p failed: network error (ECONNREFUSED)')
    expect(lines.filter(l => l.startsWith('POST /p -> no answer in '))).toHaveLength(2)
  })

  it('an unsafe write whose answer may hide a stored record is not repeated', async () => {
    answer(r => send(r, 502, ''))
    const error = await failure(client({ maxRetries: 3 }).request('POST', '/p', {}, 'unsafe'))
    expect(error.details).toMatchObject({ status: 502, ambiguous: true })
    expect(seen).toHaveLength(1)
  })

  it('only a Retry-After holds back the requests after it; a plain backoff does not', async () => {
    const held: number[] = []
    const limiter = new RateLimiter(
      0,
      async ms => void held.push(ms),
      () => 1_000_000
    )
    const http = client({ maxRetries: 1, limiter })
    answer(r => send(r, 503, ''))
    await http.request('GET', '/p', undefined, 'idempotent')
    expect(held).toEqual([])
    answer(r => send(r, 429, '', { 'retry-after': '3' }))
    await http.request('GET', '/p', undefined, 'idempotent')
    expect(held).toEqual([3000])
    expect(sleeps).toEqual([125, 3000])
  })

  it('requests to /v2/agent/… also take the agent limiter', async () => {
    let taken = 0
    const agentLimiter = { take: async () => void taken++, pauseFor: () => {} } as unknown as RateLimiter
    const http = client({ agentLimiter })
    await http.request('GET', '/v2/agent/ag1', undefined, 'idempotent', 'ignore')
    await http.request('GET', '/sip-trunks/v2/agent/', undefined, 'idempotent')
    await http.request('GET', '/v2/agents', undefined, 'idempotent')
    expect(taken).toBe(1)
  })
})

describe('failures before any answer', () => {
  /** Name resolution answers with `failure` for the next request. */
  async function withLookupFailure<T>(failure: Error, work: () => Promise<T>): Promise<T> {
    const original = dns.lookup
    const failing = (_host: string, options: unknown, callback?: (error: Error) => void) => {
      const done = typeof options === 'function' ? (options as (error: Error) => void) : callback
      process.nextTick(() => done?.(failure))
    }
    dns.lookup = failing as unknown as typeof dns.lookup
    try {
      return await work()
    } finally {
      dns.lookup = original
    }
  }
  const unresolved = () => client({ baseUrl: new URL('http://bolna.invalid'), maxRetries: 1 })

  for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
    it(`a name that does not resolve (${code}) never reached the server: even a write is repeated`, async () => {
      const error = await withLookupFailure(Object.assign(new Error('lookup failed'), { code }), () =>
        failure(unresolved().request('POST', '/p', {}, 'unsafe'))
      )
      expect(error.message).toBe(`POST /p failed: network error (${code})`)
      expect(error.details).toMatchObject({ kind: 'network', retryable: true, ambiguous: false })
      expect(sleeps).toEqual([125])
    })
  }

  it('the code is read from the cause when the error itself has none; none at all is a lost connection', async () => {
    const nested = Object.assign(new Error('lookup failed'), { cause: { cause: { code: 'ENOTFOUND' } } })
    expect((await withLookupFailure(nested, () => failure(unresolved().request('POST', '/p', {}, 'unsafe')))).details.ambiguous).toBe(false)
    const bare = Object.assign(new Error('lookup failed'), { cause: 'text' })
    const lost = await withLookupFailure(bare, () => failure(unresolved().request('POST', '/p', {}, 'unsafe')))
    expect(lost.message).toBe('POST /p failed: network error (connection lost)')
    expect(lost.details).toMatchObject({ kind: 'network', retryable: true, ambiguous: true })
  })
})

describe('https', () => {
  let tls: ReturnType<typeof createTlsServer>
  let tlsBase: string
  let tlsConnections = 0

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-test-'))
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost'
      ],
      { stdio: 'ignore' }
    )
    tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => send(res, 200, '[]'))
    tls.on('secureConnection', () => tlsConnections++)
    await new Promise<void>(resolve => tls.listen(0, '127.0.0.1', resolve))
    tlsBase = `https://localhost:${(tls.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    tls.closeAllConnections()
    await new Promise(resolve => tls.close(resolve))
  })

  it('a certificate the client refuses is a final network error, never ambiguous', async () => {
    const error = await failure(client({ baseUrl: new URL(tlsBase), maxRetries: 3 }).request('POST', '/p', {}, 'unsafe'))
    expect(error.message).toBe("POST /p failed: the server's TLS certificate was refused (DEPTH_ZERO_SELF_SIGNED_CERT); check api_base_url")
    expect(error.details).toEqual({ kind: 'network', method: 'POST', path: '/p', retryable: false, ambiguous: false })
    expect(sleeps).toEqual([])
  })

  it('keeps its connection alive between requests, as over http', async () => {
    const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    // Node warns, once a process, that this variable turns certificate checks off: here that is the
    // point, so the warning is not printed (npm test prints only results when it passes).
    const emitWarning = process.emitWarning
    process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
      if (!String(warning).includes('NODE_TLS_REJECT_UNAUTHORIZED')) emitWarning.call(process, warning, ...rest)
    }) as typeof process.emitWarning
    try {
      tlsConnections = 0
      const http = client({ baseUrl: new URL(tlsBase) })
      await http.request('GET', '/p', undefined, 'idempotent')
      await http.request('GET', '/p', undefined, 'idempotent')
      expect(tlsConnections).toBe(1)
    } finally {
      process.emitWarning = emitWarning
      if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous
    }
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it('seconds, whole or decimal, around blanks', () => {
    expect(parseRetryAfter('10', now)).toBe(10_000)
    expect(parseRetryAfter('1.25', now)).toBe(1250)
    expect(parseRetryAfter(' 2.5 ', now)).toBe(2500)
    expect(parseRetryAfter('0', now)).toBe(0)
  })
  it('an HTTP date, in the past as 0, far ahead capped', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('5 Jan 2026 00:00:00 GMT', now)).toBe(60_000)
  })
  it('anything else is no Retry-After', () => {
    for (const value of ['', 'soon', 'in 5 s', '0x10', null]) expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})

describe('retry timing', () => {
  it('Retry-After in seconds or as an HTTP date, capped at 60 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('86400', now)).toBe(60_000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
  it('full jitter: a random wait below an exponential ceiling', () => {
    expect(backoffMs(0, () => 0.999)).toBeLessThan(250)
    expect(backoffMs(3, () => 0.5)).toBe(1000)
    expect(backoffMs(20, () => 0.999)).toBeLessThan(8000)
    expect(backoffMs(5, () => 0)).toBe(0)
  })
})

// Values written to hurt: the key spelled with JSON escapes in an answer.
describe('a hostile answer', () => {
  /** A key with a "/" too: JSON may write it "\/". */
  const KEY = 'sk/hostile-7d1e'
  /** Every character of the key as a JSON \u escape: no substring of the raw answer is the key. */
  const ESCAPED = [...KEY].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

  describe('the key spelled with JSON escapes in an answer', () => {
    let server: Server | undefined
    afterEach(() => server?.close())

    /** An HttpClient against a server that answers `status` with `body`, whatever the request. */
    async function answering(status: number, body: string): Promise<HttpClient> {
      server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body))
      await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      return new HttpClient({ baseUrl: new URL(`http://127.0.0.1:${port}`), token: KEY, timeoutMs: 2_000, maxRetries: 0 })
    }

    it('is taken out of every decoded string and key of a success', async () => {
      const raw = `{"data":[{"id":"r1","name":"${ESCAPED}","nested":{"x":["a ${ESCAPED} b"]},"${ESCAPED}":1,"slash":"${KEY.replace('/', '\\/')}"}]}`
      expect(raw).not.toContain(KEY)
      expect(JSON.stringify(JSON.parse(raw))).toContain(KEY)
      const { body } = await (await answering(200, raw)).request('GET', '/x', undefined, 'idempotent')
      expect(JSON.stringify(body)).not.toContain(KEY)
      expect(body).toEqual({ data: [{ id: 'r1', name: '***', nested: { x: ['a *** b'] }, '***': 1, slash: '***' }] })
    })

    it('is taken out of an answer nested as deep as an answer is read, without recursion', async () => {
      // Deeper answers are refused before they are parsed (http.ts MAX_JSON_DEPTH).
      const deep = `${'['.repeat(64)}"${ESCAPED}"${']'.repeat(64)}`
      const { body } = await (await answering(200, deep)).request('GET', '/x', undefined, 'idempotent')
      let inner: unknown = body
      while (Array.isArray(inner)) inner = inner[0]
      expect(inner).toBe('***')
    })

    it("is taken out of an error's reason", async () => {
      const http = await answering(422, `{"message":"key ${ESCAPED} is not allowed"}`)
      const error = await http.request('POST', '/x', {}, 'unsafe').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(BolnaApiError)
      expect((error as Error).message).toBe('Bolna refused POST /x (422): key *** is not allowed')
    })

    it('leaves answers without the key as they are', async () => {
      const raw = '{"message":"caf\\u00e9 \\"quoted\\""}'
      expect((await (await answering(200, raw)).request('GET', '/x', undefined, 'idempotent')).body).toEqual({ message: 'café "quoted"' })
      const error = await (await answering(409, raw)).request('POST', '/x', {}, 'unsafe').catch((e: unknown) => e)
      expect((error as Error).message).toBe('Bolna refused POST /x (409): café "quoted"')
    })
  })
})

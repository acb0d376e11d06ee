// A loopback HTTP emulator of Bolna's SIP-trunk numbers API (see /work/shared/bolna-api.md),
// with the live service's quirks (403 on a bad key, list lag, duplicate creates, soft deletes,
// rate limiting) and injectable network/server faults for tests, the demo and benchmarks.
//
// Runs directly under Node 24's type stripping: erasable TypeScript and `node:` built-ins only.

import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface EmulatorOptions {
  /** Every request must carry `Authorization: Bearer <apiKey>`; default 'test-key'. */
  apiKey?: string
  /** Trunk ids that exist; default ['trunk-1']. */
  trunks?: string[]
  /** Agent ids that exist; default []. */
  agents?: string[]
  /** A created record stays out of lists (and 404s on DELETE / inbound) for this long; default 0. */
  listLagMs?: number
  /** What a POST of a number already live on the same trunk does; default 'accept' (a duplicate). */
  duplicates?: 'accept' | 'reject'
  /** Delay before every answer; default 0. */
  latencyMs?: number
  /** Requests per sliding 60 s window; default 0 = unlimited. */
  rateLimitPerMinute?: number
  host?: string
  port?: number
}

export interface PhoneNumberRecord {
  id: string
  phone_number: string
  name: string | null
  byot_trunk_id: string
  telephony_provider: 'sip-trunk'
  deleted: boolean
  user_id: string
  agent_id: string | null
  created_at: string
  updated_at: string
}

export interface RequestLogEntry {
  method: string
  /** Raw request target as received, query string included. */
  path: string
  status: number | 'reset' | 'hang'
  authorized: boolean
  /** The parsed JSON body, when the request had one that parsed. */
  body?: unknown
  /** Arrival time, ms since the epoch. */
  at: number
  /** The kind of fault applied to this request, if any. */
  fault?: string
}

export type FaultKind = 'status' | 'html' | 'reset' | 'hang' | 'malformed' | 'stored-then-status' | 'stored-then-reset' | 'redirect' | 'huge'

export interface Fault {
  kind: FaultKind
  /** Only requests with this method (case-insensitive); default any. */
  method?: string
  /** A substring of, or a RegExp tested against, the raw path; default any. */
  path?: string | RegExp
  /** How many matching requests it hits; default 1 (Infinity allowed). */
  times?: number
  status?: number
  retryAfter?: string
  body?: string
  location?: string
  sizeBytes?: number
}

export interface ChaosOptions {
  seed: number
  /** Probability (0..1) that a request gets a fault. */
  rate: number
  kinds?: FaultKind[]
  /** Retry-After of chaos 429s; default '1'. */
  retryAfter?: string
  /** How long a chaos hang lasts before the socket is destroyed; default 60000. */
  hangMs?: number
  /** Only requests with these methods are faulted; default all. */
  methods?: string[]
}

export interface SeedRecord {
  phone_number: string
  name?: string | null
  deleted?: boolean
  agent_id?: string | null
  id?: string
}

export interface AgentState {
  id: string
  agent_config: Record<string, unknown>
}

type JsonObject = Record<string, unknown>

interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

type Outcome =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'reset' }
  | { kind: 'hang'; destroyAfterMs?: number }
  | { kind: 'huge'; sizeBytes: number; headers: Record<string, string> }

interface RequestBody {
  text: string
  tooLarge: boolean
}

interface StoredRecord {
  record: PhoneNumberRecord
  /** Epoch ms from which lists, DELETE and inbound calls see the record. */
  visibleAt: number
}

/** A fault about to be applied: an injected one, or one drawn by chaos (which may set hangMs). */
interface AppliedFault extends Fault {
  hangMs?: number
}

interface QueuedFault {
  fault: Fault
  remaining: number
}

interface Chaos {
  rate: number
  methods?: string[]
  random: () => number
  menu: Array<(random: () => number) => AppliedFault>
}

type Handler = (params: string[], body: RequestBody) => Reply

interface Route {
  /** Literal segments, or null for a captured (percent-decoded) segment. */
  pattern: Array<string | null>
  methods: Record<string, Handler>
}

const USER_ID = 'user-emulator'
const MAX_BODY_BYTES = 1024 * 1024
const RATE_WINDOW_MS = 60_000
const DEFAULT_HUGE_BYTES = 10 * 1024 * 1024
const DEFAULT_CHAOS_HANG_MS = 60_000
const DEFAULT_REDIRECT = 'http://127.0.0.2:9/stolen'
const PROXY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>'
const TRUNCATED_JSON = '{"id": "abc", "phone_'
const E164 = /^\+[1-9]\d{6,14}$/
const DEFAULT_CHAOS_KINDS: FaultKind[] = ['status', 'reset', 'hang', 'stored-then-status', 'stored-then-reset']

export class BolnaEmulator {
  /** Every request received, in order. */
  requests: RequestLogEntry[] = []
  /** 429s sent by the rate limiter (not by faults). */
  rateLimited = 0
  /** Faults applied, injected and chaos alike. */
  faultsInjected = 0

  #apiKey: string
  #listLagMs: number
  #duplicates: 'accept' | 'reject'
  #latencyMs: number
  #rateLimitPerMinute: number
  #host: string
  #port: number

  #trunks = new Set<string>()
  #agents = new Map<string, JsonObject>()
  #records: StoredRecord[] = []
  #faults: QueuedFault[] = []
  #chaos: Chaos | undefined
  #rateWindow: number[] = []

  #server: Server | undefined
  #url: string | undefined
  #sockets = new Set<Socket>()
  #timers = new Set<NodeJS.Timeout>()

  #routes: Route[] = [
    {
      pattern: ['sip-trunks', 'trunks', null, 'numbers'],
      methods: {
        GET: ([trunk = '']) => this.#listNumbers(trunk),
        POST: ([trunk = ''], body) => this.#createNumber(trunk, body)
      }
    },
    {
      pattern: ['sip-trunks', 'trunks', null, 'numbers', null],
      methods: { DELETE: ([trunk = '', id = '']) => this.#deleteNumber(trunk, id) }
    },
    {
      pattern: ['sip-trunks', 'trunks', null],
      methods: { GET: ([trunk = '']) => this.#getTrunk(trunk) }
    },
    {
      pattern: ['inbound', 'setup'],
      methods: { POST: (_, body) => this.#mapAgent(body, 'setup') }
    },
    {
      pattern: ['inbound', 'unlink'],
      methods: { POST: (_, body) => this.#mapAgent(body, 'unlink') }
    },
    {
      pattern: ['v2', 'agent', null],
      methods: { PATCH: ([agent = ''], body) => this.#patchAgent(agent, body) }
    }
  ]

  constructor(opts: EmulatorOptions = {}) {
    this.#apiKey = opts.apiKey ?? 'test-key'
    this.#listLagMs = nonNegative('listLagMs', opts.listLagMs ?? 0)
    this.#duplicates = opts.duplicates ?? 'accept'
    this.#latencyMs = nonNegative('latencyMs', opts.latencyMs ?? 0)
    this.#rateLimitPerMinute = nonNegative('rateLimitPerMinute', opts.rateLimitPerMinute ?? 0)
    this.#host = opts.host ?? '127.0.0.1'
    this.#port = opts.port ?? 0
    for (const id of opts.trunks ?? ['trunk-1']) this.addTrunk(id)
    for (const id of opts.agents ?? []) this.addAgent(id)
  }

  // ---- lifecycle ----

  get url(): string {
    if (this.#url === undefined) throw new Error('BolnaEmulator is not started')
    return this.#url
  }

  async start(): Promise<string> {
    if (this.#server) throw new Error('BolnaEmulator is already started')
    const server = createServer((req, res) => void this.#handle(req, res))
    server.on('connection', socket => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    const { port } = server.address() as AddressInfo
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host
    this.#url = `http://${host}:${port}`
    return this.#url
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (!server) return
    this.#server = undefined
    this.#url = undefined
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    const closed = new Promise<void>(resolve => server.close(() => resolve()))
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
    await closed
  }

  // ---- configuration and state ----

  /** Changes behaviour at runtime. trunks/agents are added; host/port take effect on the next start(). */
  setOptions(p: Partial<EmulatorOptions>): void {
    if (p.apiKey !== undefined) this.#apiKey = p.apiKey
    if (p.listLagMs !== undefined) this.#listLagMs = nonNegative('listLagMs', p.listLagMs)
    if (p.duplicates !== undefined) this.#duplicates = p.duplicates
    if (p.latencyMs !== undefined) this.#latencyMs = nonNegative('latencyMs', p.latencyMs)
    if (p.rateLimitPerMinute !== undefined) {
      this.#rateLimitPerMinute = nonNegative('rateLimitPerMinute', p.rateLimitPerMinute)
    }
    if (p.host !== undefined) this.#host = p.host
    if (p.port !== undefined) this.#port = p.port
    for (const id of p.trunks ?? []) this.addTrunk(id)
    for (const id of p.agents ?? []) this.addAgent(id)
  }

  addTrunk(id: string): void {
    this.#trunks.add(id)
  }

  addAgent(id: string): void {
    if (!this.#agents.has(id)) this.#agents.set(id, {})
  }

  /** Puts a record in place, visible at once. Creates the trunk (and agent) if needed. */
  seed(trunkId: string, r: SeedRecord): PhoneNumberRecord {
    if (r.id !== undefined && this.#records.some(s => s.record.id === r.id)) {
      throw new Error(`a record with id ${r.id} already exists`)
    }
    this.addTrunk(trunkId)
    if (r.agent_id) this.addAgent(r.agent_id)
    const record = newRecord(trunkId, r.phone_number, r.name ?? null, r.id)
    record.deleted = r.deleted ?? false
    record.agent_id = r.agent_id ?? null
    this.#records.push({ record, visibleAt: 0 })
    return { ...record }
  }

  /** Copies of the stored records, ignoring lag; live ones only unless includeDeleted. */
  records(trunkId?: string, opts: { includeDeleted?: boolean } = {}): PhoneNumberRecord[] {
    return this.#records
      .map(s => s.record)
      .filter(r => trunkId === undefined || r.byot_trunk_id === trunkId)
      .filter(r => opts.includeDeleted === true || !r.deleted)
      .map(r => ({ ...r }))
  }

  agent(id: string): AgentState | undefined {
    const config = this.#agents.get(id)
    return config === undefined ? undefined : { id, agent_config: structuredClone(config) }
  }

  writes(): RequestLogEntry[] {
    return this.requests.filter(e => e.method === 'POST' || e.method === 'DELETE' || e.method === 'PATCH')
  }

  clearLog(): void {
    this.requests = []
  }

  // ---- faults ----

  injectFault(f: Fault): void {
    const times = f.times ?? 1
    if (!(times > 0)) throw new RangeError('Fault.times must be > 0')
    this.#faults.push({ fault: { ...f }, remaining: times })
  }

  clearFaults(): void {
    this.#faults = []
  }

  /** Random faults from a seeded PRNG: the same seed and request sequence give the same faults. */
  chaos(c: ChaosOptions | null): void {
    if (c === null) {
      this.#chaos = undefined
      return
    }
    if (!(c.rate >= 0 && c.rate <= 1)) throw new RangeError('chaos rate must be within 0..1')
    const kinds = c.kinds ?? DEFAULT_CHAOS_KINDS
    if (kinds.length === 0) throw new RangeError('chaos kinds must not be empty')
    const menu = kinds.flatMap(kind => chaosMenu(kind, c.retryAfter ?? '1', c.hangMs ?? DEFAULT_CHAOS_HANG_MS))
    this.#chaos = { rate: c.rate, methods: c.methods, random: mulberry32(c.seed), menu }
  }

  // ---- request pipeline ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {})
    try {
      const at = Date.now()
      const body = await readBody(req)
      const entry: RequestLogEntry = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: 0,
        authorized: this.#isAuthorized(req),
        at
      }
      const parsed = parseJson(body.text)
      if (parsed !== undefined) entry.body = parsed.value
      const outcome = this.#decide(entry, body)
      entry.status = statusOf(outcome)
      this.requests.push(entry)
      if (outcome.kind !== 'hang') await this.#delay(this.#latencyMs)
      await this.#send(req, res, outcome)
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        send(res, json(500, { detail: `emulator error: ${(err as Error).message}` }))
      }
    }
  }

  /** Decides the answer; processing (and so any state change) happens here, before latency. */
  #decide(entry: RequestLogEntry, body: RequestBody): Outcome {
    const limited = this.#checkRateLimit(entry.at)
    if (limited) return { kind: 'reply', reply: limited }
    const fault = this.#takeFault(entry)
    const process = (): Reply => this.#process(entry, body)
    if (!fault) return { kind: 'reply', reply: process() }
    this.faultsInjected++
    entry.fault = fault.kind
    return applyFault(fault, entry.method, process)
  }

  #process(entry: RequestLogEntry, body: RequestBody): Reply {
    if (!entry.authorized) return json(403, { detail: 'Invalid API key' })
    if (body.tooLarge) return json(413, { detail: 'Request body too large' })
    const segments = splitPath(entry.path)
    const match = segments && this.#matchRoute(segments)
    if (!match) return json(404, { detail: 'Not Found' })
    const handler = match.route.methods[entry.method]
    if (!handler) {
      return json(405, { detail: 'Method Not Allowed' }, { allow: Object.keys(match.route.methods).join(', ') })
    }
    return handler(match.params, body)
  }

  #isAuthorized(req: IncomingMessage): boolean {
    const m = /^Bearer (.*)$/i.exec(req.headers.authorization ?? '')
    return m !== null && m[1] === this.#apiKey
  }

  #checkRateLimit(now: number): Reply | undefined {
    const limit = this.#rateLimitPerMinute
    if (limit <= 0) return undefined
    const window = this.#rateWindow
    for (let first = window[0]; first !== undefined && first <= now - RATE_WINDOW_MS; first = window[0]) {
      window.shift()
    }
    if (window.length < limit) {
      window.push(now)
      return undefined
    }
    this.rateLimited++
    // A slot frees when enough of the oldest requests leave the window to drop below the limit.
    const freeing = window[window.length - limit] ?? now
    const retryAfter = Math.max(1, Math.ceil((freeing + RATE_WINDOW_MS - now) / 1000))
    return json(429, { error: 429, message: 'Rate limit exceeded' }, { 'retry-after': String(retryAfter) })
  }

  /** The first matching injected fault, else a chaos draw (chaos only draws when none matched). */
  #takeFault(entry: RequestLogEntry): AppliedFault | undefined {
    const index = this.#faults.findIndex(q => faultMatches(q.fault, entry.method, entry.path))
    const queued = this.#faults[index]
    if (queued) {
      queued.remaining--
      if (queued.remaining <= 0) this.#faults.splice(index, 1)
      return queued.fault
    }
    const chaos = this.#chaos
    if (!chaos || (chaos.methods && !chaos.methods.includes(entry.method))) return undefined
    if (chaos.random() >= chaos.rate) return undefined
    const pick = chaos.menu[Math.floor(chaos.random() * chaos.menu.length)]
    return pick?.(chaos.random)
  }

  async #send(req: IncomingMessage, res: ServerResponse, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'reply':
        send(res, outcome.reply)
        return
      case 'reset':
        if (!req.socket.destroyed) req.socket.resetAndDestroy() // an RST, so the client sees ECONNRESET
        return
      case 'hang':
        if (outcome.destroyAfterMs !== undefined) this.#later(outcome.destroyAfterMs, () => req.socket.destroy())
        return
      case 'huge':
        await streamPadding(res, outcome.sizeBytes, outcome.headers)
        return
    }
  }

  #delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise(resolve => this.#later(ms, resolve))
  }

  /** A timer that stop() clears, so a stopped emulator never keeps the process alive. */
  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, ms)
    this.#timers.add(timer)
  }

  #matchRoute(segments: string[]): { route: Route; params: string[] } | undefined {
    for (const route of this.#routes) {
      if (route.pattern.length !== segments.length) continue
      const params: string[] = []
      const matches = route.pattern.every((literal, i) => {
        const segment = segments[i] ?? ''
        if (literal !== null) return literal === segment
        params.push(segment)
        return segment !== '' // like FastAPI, a path parameter is never empty
      })
      if (matches) return { route, params }
    }
    return undefined
  }

  // ---- endpoints ----

  #listNumbers(trunkId: string): Reply {
    if (!this.#trunks.has(trunkId)) return TRUNK_NOT_FOUND()
    return json(200, this.#visibleRecords(trunkId))
  }

  #getTrunk(trunkId: string): Reply {
    if (!this.#trunks.has(trunkId)) return TRUNK_NOT_FOUND()
    return json(200, {
      id: trunkId,
      name: `Trunk ${trunkId}`,
      provider: 'custom',
      phone_numbers: this.#visibleRecords(trunkId)
    })
  }

  #createNumber(trunkId: string, raw: RequestBody): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    const invalid = validateCreate(body.value)
    if (invalid) return invalid
    if (!this.#trunks.has(trunkId)) return TRUNK_NOT_FOUND()
    const phone = body.value.phone_number as string
    if (body.value.e164_check_enabled === true && !E164.test(phone)) {
      return json(422, { error: 422, message: 'phone_number must be in E.164 format' })
    }
    const conflict = this.#findConflict(trunkId, phone)
    if (conflict) return conflict
    const record = newRecord(trunkId, phone, (body.value.name as string | null | undefined) ?? null)
    this.#records.push({ record, visibleAt: Date.now() + this.#listLagMs })
    return json(201, record)
  }

  #findConflict(trunkId: string, phone: string): Reply | undefined {
    const key = numberKey(phone)
    const same = this.#records.filter(s => !s.record.deleted && numberKey(s.record.phone_number) === key)
    if (same.some(s => s.record.byot_trunk_id !== trunkId)) {
      return json(409, { error: 409, message: 'Phone number already exists on another active trunk' })
    }
    if (same.length > 0 && this.#duplicates === 'reject') {
      return json(409, { error: 409, message: 'Phone number already exists on this trunk' })
    }
    return undefined
  }

  #deleteNumber(trunkId: string, id: string): Reply {
    if (!this.#trunks.has(trunkId)) return TRUNK_NOT_FOUND()
    const record = this.#visibleLiveRecord(id)
    if (!record || record.byot_trunk_id !== trunkId) {
      return json(404, { error: 404, message: 'phone number not found' })
    }
    record.deleted = true
    record.agent_id = null // removing a number also removes its agent mapping
    record.updated_at = new Date().toISOString()
    return json(200, { message: 'Phone number deleted' })
  }

  #mapAgent(raw: RequestBody, action: 'setup' | 'unlink'): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    const invalid = requireString(body.value, 'agent_id') ?? requireString(body.value, 'phone_number_id')
    if (invalid) return invalid
    const agentId = body.value.agent_id as string
    if (!this.#agents.has(agentId)) return AGENT_NOT_FOUND()
    const record = this.#visibleLiveRecord(body.value.phone_number_id as string)
    if (!record) return json(404, { error: 404, message: 'phone number not found in database' })
    record.agent_id = action === 'setup' ? agentId : null
    record.updated_at = new Date().toISOString()
    return json(200, { message: action === 'setup' ? 'Agent mapped to phone number' : 'Agent unlinked' })
  }

  #patchAgent(agentId: string, raw: RequestBody): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    const config = body.value.agent_config
    if (config === undefined) return fieldError('agent_config', 'field required', 'missing')
    if (!isObject(config)) return fieldError('agent_config', 'Input should be a valid dictionary', 'dict_type')
    const stored = this.#agents.get(agentId)
    if (!stored) return AGENT_NOT_FOUND()
    Object.assign(stored, structuredClone(config))
    return json(200, { message: 'success', state: 'updated' })
  }

  // ---- record lookups ----

  #visibleRecords(trunkId: string): PhoneNumberRecord[] {
    const now = Date.now()
    return this.#records.filter(s => s.record.byot_trunk_id === trunkId && s.visibleAt <= now).map(s => s.record)
  }

  /** A live record that the lag window no longer hides. */
  #visibleLiveRecord(id: string): PhoneNumberRecord | undefined {
    const now = Date.now()
    const stored = this.#records.find(s => s.record.id === id && !s.record.deleted && s.visibleAt <= now)
    return stored?.record
  }
}

// ---- answers ----

function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) }
}

const TRUNK_NOT_FOUND = (): Reply => json(404, { error: 404, message: 'trunk not found' })
const AGENT_NOT_FOUND = (): Reply => json(404, { error: 404, message: 'agent not found' })

function fieldError(field: string, msg: string, type: string): Reply {
  return json(422, { detail: [{ loc: ['body', field], msg, type }] })
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) })
  res.end(reply.body)
}

function statusOf(outcome: Outcome): RequestLogEntry['status'] {
  switch (outcome.kind) {
    case 'reply':
      return outcome.reply.status
    case 'huge':
      return 200
    default:
      return outcome.kind
  }
}

/** Streams '[' then spaces up to sizeBytes, honouring backpressure so it never sits in memory. */
async function streamPadding(res: ServerResponse, sizeBytes: number, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json', ...headers })
  const chunk = Buffer.alloc(64 * 1024, ' ')
  let sent = 0
  if (sizeBytes > 0) {
    res.write('[')
    sent = 1
  }
  while (sent < sizeBytes && !res.destroyed) {
    const n = Math.min(chunk.length, sizeBytes - sent)
    sent += n
    if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) await drained(res)
  }
  res.end()
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

// ---- faults ----

function faultMatches(f: Fault, method: string, path: string): boolean {
  if (f.method !== undefined && f.method.toUpperCase() !== method.toUpperCase()) return false
  if (f.path === undefined) return true
  if (typeof f.path === 'string') return path.includes(f.path)
  f.path.lastIndex = 0 // a /g or /y RegExp would otherwise carry state between requests
  return f.path.test(path)
}

function applyFault(f: AppliedFault, method: string, process: () => Reply): Outcome {
  const extra: Record<string, string> = f.retryAfter === undefined ? {} : { 'retry-after': f.retryAfter }
  const reply = (status: number, contentType: string, body: string, headers = extra): Outcome => ({
    kind: 'reply',
    reply: { status, headers: { 'content-type': contentType, ...headers }, body }
  })
  const injectedStatus = (fallback: number): Outcome => {
    const status = f.status ?? fallback
    return reply(status, 'application/json', f.body ?? JSON.stringify({ error: status, message: `injected ${status}` }))
  }
  switch (f.kind) {
    case 'status':
      return injectedStatus(500)
    case 'html':
      return reply(f.status ?? 502, 'text/html', f.body ?? PROXY_PAGE)
    case 'reset':
      return { kind: 'reset' }
    case 'hang':
      return f.hangMs === undefined ? { kind: 'hang' } : { kind: 'hang', destroyAfterMs: f.hangMs }
    case 'malformed':
      return reply(method === 'POST' ? 201 : 200, 'application/json', f.body ?? TRUNCATED_JSON)
    case 'stored-then-status':
      process()
      return injectedStatus(500)
    case 'stored-then-reset':
      process()
      return { kind: 'reset' }
    case 'redirect':
      return reply(302, 'text/plain', f.body ?? '', { ...extra, location: f.location ?? DEFAULT_REDIRECT })
    case 'huge':
      return { kind: 'huge', sizeBytes: f.sizeBytes ?? DEFAULT_HUGE_BYTES, headers: extra }
  }
}

/** What chaos can pick for one kind; 'status' stands for a 5xx and a 429, as two equally likely entries. */
function chaosMenu(kind: FaultKind, retryAfter: string, hangMs: number): Array<(random: () => number) => AppliedFault> {
  switch (kind) {
    case 'status':
      return [random => ({ kind, status: [500, 502, 503][Math.floor(random() * 3)] ?? 500 }), () => ({ kind, status: 429, retryAfter })]
    case 'hang':
      return [() => ({ kind, hangMs })]
    default:
      return [() => ({ kind })]
  }
}

/** The mulberry32 PRNG: tiny, fast and good enough for reproducible fault schedules. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---- request parsing ----

/** Reads the whole body, keeping at most MAX_BODY_BYTES (the rest is drained and dropped). */
function readBody(req: IncomingMessage): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }))
    req.on('error', reject)
  })
}

function parseJson(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return undefined
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return undefined
  }
}

function parseObjectBody(body: RequestBody): { value: JsonObject } | { reply: Reply } {
  const parsed = parseJson(body.text)
  if (!parsed) return { reply: json(422, { detail: 'invalid JSON body' }) }
  // A JSON body that is not an object has none of the fields, so it fails field validation.
  return { value: isObject(parsed.value) ? parsed.value : {} }
}

function validateCreate(body: JsonObject): Reply | undefined {
  const phone = body.phone_number
  if (typeof phone !== 'string' || phone === '') return fieldError('phone_number', 'field required', 'missing')
  const name = body.name
  if (name !== undefined && name !== null && typeof name !== 'string') {
    return fieldError('name', 'Input should be a valid string', 'string_type')
  }
  for (const field of ['e164_check_enabled', 'is_active']) {
    const value = body[field]
    if (value !== undefined && typeof value !== 'boolean') {
      return fieldError(field, 'Input should be a valid boolean', 'bool_type')
    }
  }
  return undefined
}

function requireString(body: JsonObject, field: string): Reply | undefined {
  const value = body[field]
  return typeof value === 'string' && value !== '' ? undefined : fieldError(field, 'field required', 'missing')
}

/** Splits the raw path (query dropped) on '/', then percent-decodes each segment once. */
function splitPath(rawPath: string): string[] | undefined {
  const path = rawPath.split('?')[0] ?? ''
  try {
    return path
      .split('/')
      .slice(1)
      .map(segment => decodeURIComponent(segment))
  } catch {
    return undefined // a malformed %-escape names no resource
  }
}

// ---- helpers ----

function newRecord(trunkId: string, phone: string, name: string | null, id?: string): PhoneNumberRecord {
  const now = new Date().toISOString()
  return {
    id: id ?? randomUUID(),
    phone_number: phone,
    name,
    byot_trunk_id: trunkId,
    telephony_provider: 'sip-trunk',
    deleted: false,
    user_id: USER_ID,
    agent_id: null,
    created_at: now,
    updated_at: now
  }
}

/** Numbers compare by their digits, so '+91 98765-43210' and '919876543210' are the same DID. */
function numberKey(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return digits === '' ? phone : digits
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0`)
  return value
}

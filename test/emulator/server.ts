// The BolnaEmulator class: the loopback HTTP server, authentication, rate limiting, faults,
// compression and the request log, around the state (store.ts) and the routes (routes-*.ts).

import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Transform, Writable } from 'node:stream'
import { brotliCompressSync, createBrotliCompress, createDeflate, createGzip, deflateSync, gzipSync } from 'node:zlib'
import { applyFault, FaultInjector } from './faults.ts'
import type { ChaosOptions, Fault, Outcome } from './faults.ts'
import { GENERIC_NOT_FOUND, json, matchRoute, NOT_AUTHORISED, parseJson, queryOf, splitPath } from './http.ts'
import type { Reply, RequestBody, RequestLogEntry, Route } from './http.ts'
import { applyOptions, defaultConfig } from './options.ts'
import type { Compression, Config, EmulatorOptions } from './options.ts'
import { agentRoutes } from './routes-agents.ts'
import { sipTrunkRoutes } from './routes-sip-trunks.ts'
import { trunkRoutes } from './routes-trunk.ts'
import { agentState, familyRecord, numberView, Store } from './store.ts'
import type { AgentSettings, AgentState, NumberView, PhoneNumberRecord, SeedRecord, TrunkNumberRecord, TrunkSettings, TrunkState } from './store.ts'

const MAX_BODY_BYTES = 1024 * 1024
const RATE_WINDOW_MS = 60_000

export class BolnaEmulator {
  /** Every request received, in order. */
  requests: RequestLogEntry[] = []
  /** 429s sent by the rate limiters (not by faults). */
  rateLimited = 0
  /** Faults applied, injected and chaos alike. */
  faultsInjected = 0

  #config: Config = defaultConfig()
  #store = new Store()
  #faults = new FaultInjector()
  #rateWindow = new SlidingWindow()
  #agentRateWindow = new SlidingWindow()
  #routes: Route[]

  #server: Server | undefined
  #url: string | undefined
  #sockets = new Set<Socket>()
  #timers = new Set<NodeJS.Timeout>()

  constructor(opts: EmulatorOptions = {}) {
    applyOptions(this.#config, opts)
    const ctx = { store: this.#store, config: this.#config }
    this.#routes = [...sipTrunkRoutes(ctx), ...trunkRoutes(ctx), ...agentRoutes(ctx)]
    const legacy = opts.trunks ?? (opts.newTrunks === undefined ? ['trunk-1'] : [])
    for (const id of legacy) this.addTrunk(id, { api: 'sip-trunks' })
    for (const id of opts.newTrunks ?? []) this.addTrunk(id, { api: 'trunk' })
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
      server.listen(this.#config.port, this.#config.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    const { port } = server.address() as AddressInfo
    const host = this.#config.host.includes(':') ? `[${this.#config.host}]` : this.#config.host
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

  /**
   * Changes behaviour at runtime. trunks/newTrunks/agents are added; forbiddenTrunks replaces the list;
   * host/port take effect on the next start().
   */
  setOptions(p: Partial<EmulatorOptions>): void {
    applyOptions(this.#config, p)
    for (const id of p.trunks ?? []) this.addTrunk(id, { api: 'sip-trunks' })
    for (const id of p.newTrunks ?? []) this.addTrunk(id, { api: 'trunk' })
    for (const id of p.agents ?? []) this.addAgent(id)
  }

  /**
   * Creates a trunk (legacy unless settings.api is 'trunk'), or applies settings to an existing one.
   * Throws when settings.api names the other family of an existing trunk.
   */
  addTrunk(id: string, settings: TrunkSettings = {}): TrunkState {
    return { ...this.#store.addTrunk(id, settings) }
  }

  /** A copy of the trunk's state, or undefined. */
  trunk(id: string): TrunkState | undefined {
    const trunk = this.#store.trunk(id)
    return trunk && { ...trunk }
  }

  /** Creates an agent (provider 'plivo', format 'wav' unless told), or applies settings to an existing one. */
  addAgent(id: string, settings: AgentSettings = {}): void {
    this.#store.addAgent(id, settings)
  }

  /**
   * Puts a number in place, visible at once (no lag), and returns it in its family's shape
   * (PhoneNumberRecord for legacy, TrunkNumberRecord for /trunk: pass that type for a /trunk trunk).
   * Creates the trunk (as legacy) and the agent if they do not exist.
   */
  seed<R extends PhoneNumberRecord | TrunkNumberRecord = PhoneNumberRecord>(trunkId: string, r: SeedRecord): R {
    return familyRecord(this.#store.seed(trunkId, r)) as R
  }

  /**
   * Copies of the stored records in their family's shape, ignoring lag; live ones only unless
   * includeDeleted. Legacy records always carry agent_id here (whatever legacyAgentId says).
   */
  records<R extends PhoneNumberRecord | TrunkNumberRecord = PhoneNumberRecord>(trunkId?: string, opts: { includeDeleted?: boolean } = {}): R[] {
    return this.#store.list(trunkId, opts.includeDeleted === true).map(n => familyRecord(n) as R)
  }

  /** A trunk's numbers in one shape for both families, ignoring lag; live ones only unless includeDeleted. */
  numbers(trunkId: string, opts: { includeDeleted?: boolean } = {}): NumberView[] {
    return this.#store.list(trunkId, opts.includeDeleted === true).map(numberView)
  }

  agent(id: string): AgentState | undefined {
    const agent = this.#store.agents.get(id)
    return agent && agentState(agent)
  }

  writes(): RequestLogEntry[] {
    return this.requests.filter(e => e.method === 'POST' || e.method === 'DELETE' || e.method === 'PATCH')
  }

  clearLog(): void {
    this.requests = []
  }

  // ---- faults ----

  injectFault(f: Fault): void {
    this.#faults.inject(f)
  }

  clearFaults(): void {
    this.#faults.clear()
  }

  /** Random faults from a seeded PRNG: the same seed and request sequence give the same faults. */
  chaos(c: ChaosOptions | null): void {
    this.#faults.chaos(c)
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
      this.#config.onRequest?.(entry)
      if (outcome.kind !== 'hang') await this.#delay(this.#config.latencyMs)
      await this.#send(req, res, outcome)
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        send(res, json(500, { detail: `emulator error: ${(err as Error).message}` }), 'none')
      }
    }
  }

  /** Decides the answer; processing (and so any state change) happens here, before latency. */
  #decide(entry: RequestLogEntry, body: RequestBody): Outcome {
    const limited = this.#checkRateLimit(entry)
    if (limited) return { kind: 'reply', reply: limited }
    const fault = this.#faults.take(entry.method, entry.path)
    const process = (): Reply => this.#process(entry, body)
    if (!fault) return { kind: 'reply', reply: process() }
    this.faultsInjected++
    entry.fault = fault.kind
    return applyFault(fault, entry.method, process)
  }

  /** Order: API key, body size, route, access (forbidden), then the endpoint. */
  #process(entry: RequestLogEntry, body: RequestBody): Reply {
    if (!entry.authorized) return json(403, { detail: 'Unrecognized access token' })
    if (body.tooLarge) return json(413, { detail: 'Request body too large' })
    const segments = splitPath(entry.path)
    const match = segments && matchRoute(this.#routes, segments)
    if (!match) return json(404, GENERIC_NOT_FOUND)
    const handler = match.route.methods[entry.method]
    if (!handler) {
      return json(405, { detail: 'Method Not Allowed' }, { allow: Object.keys(match.route.methods).join(', ') })
    }
    if (this.#config.forbidden === 'not-authorised') return json(403, NOT_AUTHORISED)
    const trunkParam = match.route.trunkParam
    const trunkId = trunkParam === undefined ? undefined : match.params[trunkParam]
    if (trunkId !== undefined && this.#config.forbiddenTrunks.has(trunkId)) return json(403, NOT_AUTHORISED)
    return handler(match.params, body, queryOf(entry.path))
  }

  #isAuthorized(req: IncomingMessage): boolean {
    const m = /^Bearer (.*)$/i.exec(req.headers.authorization ?? '')
    return m !== null && m[1] === this.#config.apiKey
  }

  /** The overall window, and for `/v2/agent/{id}` also the agent window; a request must fit both. */
  #checkRateLimit(entry: RequestLogEntry): Reply | undefined {
    const now = entry.at
    const { rateLimitPerMinute: limit, agentRateLimitPerMinute: agentLimit } = this.#config
    const agentLimited = agentLimit > 0 && isAgentPath(entry.path)
    const wait = Math.max(limit > 0 ? this.#rateWindow.wait(limit, now) : 0, agentLimited ? this.#agentRateWindow.wait(agentLimit, now) : 0)
    if (wait === 0) {
      if (limit > 0) this.#rateWindow.add(now)
      if (agentLimited) this.#agentRateWindow.add(now)
      return undefined
    }
    this.rateLimited++
    const headers: Record<string, string> = this.#config.rateLimitRetryAfter ? { 'retry-after': String(wait) } : {}
    return json(429, { error: 429, message: 'Rate limit exceeded' }, headers)
  }

  async #send(req: IncomingMessage, res: ServerResponse, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'reply':
        send(res, outcome.reply, this.#config.compression)
        return
      case 'reset':
        if (!req.socket.destroyed) req.socket.resetAndDestroy() // an RST, so the client sees ECONNRESET
        return
      case 'hang':
        if (outcome.destroyAfterMs !== undefined) this.#later(outcome.destroyAfterMs, () => req.socket.destroy())
        return
      case 'huge':
        await streamPadding(res, outcome.sizeBytes, outcome.headers, this.#config.compression)
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
}

/** A sliding 60 s window of request times. */
class SlidingWindow {
  #times: number[] = []

  /** 0 when a request fits under limit now, else the whole seconds (>= 1) until a slot frees. */
  wait(limit: number, now: number): number {
    const times = this.#times
    for (let first = times[0]; first !== undefined && first <= now - RATE_WINDOW_MS; first = times[0]) times.shift()
    if (times.length < limit) return 0
    // A slot frees when enough of the oldest requests leave the window to drop below the limit.
    const freeing = times[times.length - limit] ?? now
    return Math.max(1, Math.ceil((freeing + RATE_WINDOW_MS - now) / 1000))
  }

  add(now: number): void {
    this.#times.push(now)
  }
}

function isAgentPath(rawPath: string): boolean {
  const segments = splitPath(rawPath)
  return segments !== undefined && segments.length === 3 && segments[0] === 'v2' && segments[1] === 'agent' && segments[2] !== ''
}

// ---- answers ----

function compress(body: Buffer, encoding: Exclude<Compression, 'none'>): Buffer {
  switch (encoding) {
    case 'gzip':
      return gzipSync(body)
    case 'deflate':
      return deflateSync(body)
    case 'br':
      return brotliCompressSync(body)
  }
}

function send(res: ServerResponse, reply: Reply, compression: Compression): void {
  const plain = Buffer.from(reply.body)
  const body = compression === 'none' ? plain : compress(plain, compression)
  const encoding: Record<string, string> = compression === 'none' ? {} : { 'content-encoding': compression }
  res.writeHead(reply.status, { ...reply.headers, ...encoding, 'content-length': String(body.length) })
  res.end(body)
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

/** Streams '[' then spaces up to sizeBytes (before compression), honouring backpressure so it never sits in memory. */
async function streamPadding(res: ServerResponse, sizeBytes: number, headers: Record<string, string>, compression: Compression): Promise<void> {
  const encoding: Record<string, string> = compression === 'none' ? {} : { 'content-encoding': compression }
  res.writeHead(200, { 'content-type': 'application/json', ...headers, ...encoding })
  const compressor = compressorFor(compression)
  const sink: Writable = compressor ?? res
  compressor?.pipe(res)
  const chunk = Buffer.alloc(64 * 1024, ' ')
  let sent = 0
  if (sizeBytes > 0) {
    sink.write('[')
    sent = 1
  }
  while (sent < sizeBytes && !res.destroyed) {
    const n = Math.min(chunk.length, sizeBytes - sent)
    sent += n
    if (!sink.write(n === chunk.length ? chunk : chunk.subarray(0, n))) await drained(sink, res)
  }
  if (res.destroyed) compressor?.destroy()
  else sink.end()
}

function compressorFor(compression: Compression): Transform | undefined {
  switch (compression) {
    case 'none':
      return undefined
    case 'gzip':
      return createGzip()
    case 'deflate':
      return createDeflate()
    case 'br':
      return createBrotliCompress()
  }
}

/** Resolves when sink drains, or when res closes (the client went away). */
function drained(sink: Writable, res: ServerResponse): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      sink.off('drain', done)
      res.off('close', done)
      resolve()
    }
    sink.on('drain', done)
    res.on('close', done)
  })
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

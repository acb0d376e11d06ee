// Fault injection (a queue of faults matched by method and path) and chaos (random faults from a
// seeded PRNG): what a request gets instead of, or after, its normal processing.

import type { Reply } from './http.ts'

export type FaultKind =
  | 'status'
  | 'html'
  | 'reset'
  | 'hang'
  | 'malformed'
  | 'stored-then-status'
  | 'stored-then-reset'
  | 'stored-then-hang'
  | 'redirect'
  | 'huge'

export interface Fault {
  kind: FaultKind
  /** Only requests with this method (case-insensitive); default any. */
  method?: string
  /** A substring of, or a RegExp tested against, the raw path; default any. */
  path?: string | RegExp
  /** How many matching requests it hits; default 1 (Infinity allowed). */
  times?: number
  /** How many matching requests pass untouched before it starts hitting; default 0. */
  skip?: number
  status?: number
  retryAfter?: string
  body?: string
  location?: string
  sizeBytes?: number
  /** hang / stored-then-hang: destroy the socket after this long; default never (until stop()). */
  hangMs?: number
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

/** What the server does with a request. */
export type Outcome =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'reset' }
  | { kind: 'hang'; destroyAfterMs?: number }
  | { kind: 'huge'; sizeBytes: number; headers: Record<string, string> }

interface QueuedFault {
  fault: Fault
  remaining: number
  skip: number
}

interface Chaos {
  rate: number
  methods?: string[]
  random: () => number
  menu: Array<(random: () => number) => Fault>
}

const DEFAULT_HUGE_BYTES = 10 * 1024 * 1024
const DEFAULT_CHAOS_HANG_MS = 60_000
const DEFAULT_REDIRECT = 'http://127.0.0.2:9/stolen'
const PROXY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>'
const TRUNCATED_JSON = '{"id": "abc", "phone_'
const DEFAULT_CHAOS_KINDS: FaultKind[] = ['status', 'reset', 'hang', 'stored-then-status', 'stored-then-reset']

export class FaultInjector {
  #queue: QueuedFault[] = []
  #chaos: Chaos | undefined

  inject(f: Fault): void {
    const times = f.times ?? 1
    if (!(times > 0)) throw new RangeError('Fault.times must be > 0')
    this.#queue.push({ fault: { ...f }, remaining: times, skip: f.skip ?? 0 })
  }

  clear(): void {
    this.#queue = []
  }

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

  /** The first matching queued fault, else a chaos draw (chaos only draws when none matched). */
  take(method: string, path: string): Fault | undefined {
    const index = this.#queue.findIndex(q => faultMatches(q.fault, method, path) && q.skip-- <= 0)
    const queued = this.#queue[index]
    if (queued) {
      queued.remaining--
      if (queued.remaining <= 0) this.#queue.splice(index, 1)
      return queued.fault
    }
    const chaos = this.#chaos
    if (!chaos || (chaos.methods && !chaos.methods.includes(method))) return undefined
    if (chaos.random() >= chaos.rate) return undefined
    const pick = chaos.menu[Math.floor(chaos.random() * chaos.menu.length)]
    return pick?.(chaos.random)
  }
}

function faultMatches(f: Fault, method: string, path: string): boolean {
  if (f.method !== undefined && f.method.toUpperCase() !== method.toUpperCase()) return false
  if (f.path === undefined) return true
  if (typeof f.path === 'string') return path.includes(f.path)
  f.path.lastIndex = 0 // a /g or /y RegExp would otherwise carry state between requests
  return f.path.test(path)
}

/** The outcome of a faulted request; `process` runs the request for real (the stored-then-* kinds). */
export function applyFault(f: Fault, method: string, process: () => Reply): Outcome {
  const extra: Record<string, string> = f.retryAfter === undefined ? {} : { 'retry-after': f.retryAfter }
  const reply = (status: number, contentType: string, body: string, headers = extra): Outcome => ({
    kind: 'reply',
    reply: { status, headers: { 'content-type': contentType, ...headers }, body }
  })
  const injectedStatus = (fallback: number): Outcome => {
    const status = f.status ?? fallback
    return reply(status, 'application/json', f.body ?? JSON.stringify({ error: status, message: `injected ${status}` }))
  }
  const hang = (): Outcome => (f.hangMs === undefined ? { kind: 'hang' } : { kind: 'hang', destroyAfterMs: f.hangMs })
  switch (f.kind) {
    case 'status':
      return injectedStatus(500)
    case 'html':
      return reply(f.status ?? 502, 'text/html', f.body ?? PROXY_PAGE)
    case 'reset':
      return { kind: 'reset' }
    case 'hang':
      return hang()
    case 'malformed':
      return reply(method === 'POST' ? 201 : 200, 'application/json', f.body ?? TRUNCATED_JSON)
    case 'stored-then-status':
      process()
      return injectedStatus(500)
    case 'stored-then-reset':
      process()
      return { kind: 'reset' }
    case 'stored-then-hang':
      process()
      return hang()
    case 'redirect':
      return reply(302, 'text/plain', f.body ?? '', { ...extra, location: f.location ?? DEFAULT_REDIRECT })
    case 'huge':
      return { kind: 'huge', sizeBytes: f.sizeBytes ?? DEFAULT_HUGE_BYTES, headers: extra }
  }
}

/** What chaos can pick for one kind; 'status' stands for a 5xx and a 429, as two equally likely entries. */
function chaosMenu(kind: FaultKind, retryAfter: string, hangMs: number): Array<(random: () => number) => Fault> {
  switch (kind) {
    case 'status':
      return [random => ({ kind, status: [500, 502, 503][Math.floor(random() * 3)] ?? 500 }), () => ({ kind, status: 429, retryAfter })]
    case 'hang':
    case 'stored-then-hang':
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

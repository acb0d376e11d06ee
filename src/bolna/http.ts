import http from 'node:http'
import https from 'node:https'
import { realClock } from '../clock.js'
import { AnswerBytes, codingsOf, decodedBytes, declaredLength } from './answer-body.js'
import { BolnaApiError, errorForStatus } from './errors.js'
import type { RateLimiter } from './rate-limiter.js'

export interface HttpSettings {
  baseUrl: URL
  token: string
  timeoutMs: number
  maxRetries: number
  limiter?: RateLimiter
  /** Also taken by requests on `/v2/agent/…`, which Bolna limits further (500/min). */
  agentLimiter?: RateLimiter
  /** Injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>
  /** Injectable so tests can pin the jitter. */
  random?: () => number
  /** One line per request: method, path, status, time — never headers. */
  debug?: (line: string) => void
  maxAnswerBytes?: number
}

/**
 * Which failures a request may repeat by itself.
 * - `idempotent`: any retryable failure (GET, DELETE, mapping calls).
 * - `unsafe`: only failures that prove nothing was stored (429, connection refused);
 *   anything else is thrown as `ambiguous` so the caller can look before writing again.
 */
export type RetryPolicy = 'idempotent' | 'unsafe'

export interface HttpAnswer {
  status: number
  body: unknown
  /** The answer's Content-Encoding, when it had one (the body is decoded already). */
  encoding?: string
}

const BACKOFF_BASE_MS = 250
const BACKOFF_CAP_MS = 8_000
const RETRY_AFTER_CAP_MS = 60_000
/** The most numbers one trunk is assumed to hold: answers are sized from it, not from a fixed cap. */
export const MAX_TRUNK_NUMBERS = 100_000
/** A legacy record with every field and a 255-character name is about 600 bytes of JSON; room for more. */
const BYTES_PER_RECORD = 640
/** The largest answer read: a trunk of MAX_TRUNK_NUMBERS numbers (61 MiB). */
export const MAX_ANSWER_BYTES = MAX_TRUNK_NUMBERS * BYTES_PER_RECORD
/**
 * Up to this much of each answer is read at once, whatever else is in flight; past it, an answer
 * waits for the one large-answer slot. A compressed answer counts by its decoded size, and is decoded
 * past it only in the slot. So the memory of answers in flight stays within concurrency × 1 MiB
 * (read and decoded) + one large answer, not concurrency × MAX_ANSWER_BYTES.
 */
const SMALL_ANSWER_BYTES = 1024 * 1024
/** Bolna's answers nest a few levels (a trunk, its numbers, a record, a field's object). */
export const MAX_JSON_DEPTH = 64
/** Keys of one object: a record or a trunk has a few dozen. */
export const MAX_JSON_KEYS = 1_000
/** Objects and arrays in one answer: a few per number of the largest trunk. */
export const MAX_JSON_CONTAINERS = MAX_TRUNK_NUMBERS * 4

/** One at a time: the answer that holds it may grow past SMALL_ANSWER_BYTES. */
class LargeAnswerSlot {
  private busy = false
  private readonly waiting: (() => void)[] = []
  acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true
      return Promise.resolve()
    }
    return new Promise(resolve => this.waiting.push(resolve))
  }
  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.busy = false
  }
}

/** Full-jitter exponential backoff: a random wait in [0, min(cap, base·2^attempt)). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt))
}

/** Retry-After in seconds or as an HTTP date, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS)
}

/** JSON over HTTPS with the key, timeouts, retries and the API's errors made readable. */
export class HttpClient {
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly maxAnswerBytes: number
  // Idle pooled sockets close after 4 s, before a server's keep-alive (commonly 5 s) would
  // close them under a request, which for an add would look like a lost answer.
  private readonly httpAgent = new http.Agent({ keepAlive: true, timeout: 4_000 })
  private readonly httpsAgent = new https.Agent({ keepAlive: true, timeout: 4_000 })
  private readonly largeAnswers = new LargeAnswerSlot()

  constructor(private readonly settings: HttpSettings) {
    this.sleep = settings.sleep ?? realClock.sleep
    this.random = settings.random ?? Math.random
    this.maxAnswerBytes = settings.maxAnswerBytes ?? MAX_ANSWER_BYTES
  }

  /**
   * One call, retried as `policy` allows. `answer: 'ignore'` is for calls whose answer is
   * not read (DELETE, mappings): a 2xx is success whatever its body.
   */
  async request(method: string, path: string, body: unknown, policy: RetryPolicy, answer: 'json' | 'ignore' = 'json'): Promise<HttpAnswer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, body, answer)
      } catch (error) {
        if (!(error instanceof BolnaApiError) || attempt >= this.settings.maxRetries || !mayRepeat(error, policy)) {
          throw error
        }
        const waitMs = error.details.retryAfterMs ?? backoffMs(attempt, this.random)
        if (error.details.retryAfterMs !== undefined) this.settings.limiter?.pauseFor(waitMs)
        this.settings.debug?.(`retrying ${method} ${path} in ${waitMs} ms (${error.message})`)
        await this.sleep(waitMs)
      }
    }
  }

  private async once(method: string, path: string, body: unknown, answerKind: 'json' | 'ignore'): Promise<HttpAnswer> {
    await this.settings.limiter?.take()
    if (path.startsWith('/v2/agent/')) await this.settings.agentLimiter?.take()
    const started = Date.now()
    let status: number | string = 'no answer'
    let release: (() => void) | undefined
    try {
      const answer = await this.exchange(method, path, body === undefined ? undefined : JSON.stringify(body))
      release = answer.release
      status = answer.status
      // An API that echoes the key (in an error message, a name) must not carry it into our logs,
      // outputs or comments: it is taken out of the raw text, and again out of every decoded
      // string, where JSON escapes ("\u0061…") would otherwise spell it out after parsing.
      const { token } = this.settings
      const text = withoutToken(answer.text, token)
      if (!isSuccess(answer.status)) {
        throw errorForStatus(method, path, answer.status, errorTextWithoutToken(text, token), parseRetryAfter(answer.retryAfter))
      }
      const parsed = answerKind === 'json' ? decodedWithoutToken(parseJson(text, method, path), token).value : undefined
      return { status: answer.status, body: parsed, ...(answer.encoding && { encoding: answer.encoding }) }
    } finally {
      release?.()
      this.settings.debug?.(`${method} ${path} -> ${status} in ${Date.now() - started} ms`)
    }
  }

  /**
   * One HTTP exchange over node:http(s): a keep-alive connection pool (a thousand requests
   * reuse a few sockets), a deadline for the whole exchange, redirects never followed
   * (node:http does not), and an answer cut off past maxAnswerBytes.
   */
  private exchange(method: string, path: string, payload: string | undefined): Promise<RawAnswer> {
    const { baseUrl, token, timeoutMs } = this.settings
    // Set the path on a copy of the base: resolving `path` against it would read a `//` as another host.
    const url = new URL(baseUrl.href)
    url.pathname = baseUrl.pathname.replace(/\/+$/, '') + path
    if (url.origin !== baseUrl.origin) throw new Error(`refusing to send the API key to ${url.origin}`)
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': 'bolna-sip-trunk-number-action'
    }
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
    const transport = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      let settled = false
      let request: http.ClientRequest | undefined
      // The large-answer slot: asked for once an answer outgrows SMALL_ANSWER_BYTES, held until it is parsed.
      let slot: 'none' | 'waiting' | 'held' = 'none'
      const releaseSlot = () => {
        if (slot === 'held') this.largeAnswers.release()
        slot = 'none'
      }
      const settle = (outcome: RawAnswer | BolnaApiError) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (outcome instanceof BolnaApiError) {
          releaseSlot()
          request?.destroy()
          reject(outcome)
        } else {
          resolve({ ...outcome, release: releaseSlot })
        }
      }
      const expire = () => settle(transportError(undefined, method, path, timeoutMs, true))
      let timer = setTimeout(expire, timeoutMs)
      const agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent
      try {
        request = transport.request(url, { method, headers, agent }, response => {
          const status = response.statusCode ?? 0
          const encoding = response.headers['content-encoding']
          const codings = codingsOf(encoding)
          const declared = declaredLength(response.headers['content-length'], encoding)
          if (declared !== undefined && declared > this.maxAnswerBytes) return settle(tooLarge(method, path, status, this.maxAnswerBytes))
          const bytes = new AnswerBytes(declared)
          if (declared !== undefined && declared <= SMALL_ANSWER_BYTES) bytes.presize()
          // Waiting for the slot is this run's own time, not the server's: the deadline restarts once it is held.
          const inSlot = (then: () => void) => {
            slot = 'waiting'
            clearTimeout(timer)
            void this.largeAnswers.acquire().then(() => {
              if (settled || slot !== 'waiting') return this.largeAnswers.release()
              slot = 'held'
              timer = setTimeout(expire, timeoutMs)
              then()
            })
          }
          const retryAfter = response.headers['retry-after']
          const answered = (body: Buffer | 'too large' | undefined) => {
            if (body === 'too large') return settle(tooLarge(method, path, status, this.maxAnswerBytes))
            if (body === undefined) return settle(badEncoding(method, path, status, encoding))
            settle({ status, text: body.toString('utf8'), retryAfter: typeof retryAfter === 'string' ? retryAfter : null, encoding })
          }
          response.on('data', (chunk: Buffer) => {
            if (bytes.size + chunk.byteLength > this.maxAnswerBytes) return settle(tooLarge(method, path, status, this.maxAnswerBytes))
            bytes.add(chunk)
            if (bytes.size <= SMALL_ANSWER_BYTES || slot !== 'none') return
            response.pause()
            inSlot(() => {
              bytes.presize()
              response.resume()
            })
          })
          response.on('end', () => {
            if (settled) return
            const raw = bytes.take()
            if (codings.length === 0) return answered(raw)
            // Decoded within the room of a small answer, or past it only in the large-answer slot,
            // so that a small compressed answer cannot grow to the limit beside others in flight.
            const whole = () => answered(decodedBytes(raw, codings, this.maxAnswerBytes))
            if (slot === 'held' || this.maxAnswerBytes <= SMALL_ANSWER_BYTES) return whole()
            const small = decodedBytes(raw, codings, SMALL_ANSWER_BYTES)
            if (small !== 'too large') return answered(small)
            inSlot(whole)
          })
          response.on('error', error => settle(transportError(error, method, path, timeoutMs, false)))
        })
      } catch (error) {
        // node:http refuses some requests before sending anything (e.g. a header it cannot encode).
        settle(
          new BolnaApiError(`${method} ${path} could not be sent: ${(error as Error).message}`, {
            kind: 'network',
            method,
            path,
            retryable: false,
            ambiguous: false
          })
        )
        return
      }
      request.on('error', error => settle(transportError(error, method, path, timeoutMs, false)))
      request.end(payload)
    })
  }
}

interface RawAnswer {
  status: number
  text: string
  retryAfter: string | null
  encoding?: string | undefined
  /** Frees the large-answer slot, once the answer is parsed. */
  release?: () => void
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

function badEncoding(method: string, path: string, status: number, encoding: string | undefined): BolnaApiError {
  return new BolnaApiError(`${method} ${path} answered a body encoded as ${JSON.stringify(encoding)} that could not be decoded`, {
    kind: 'bad-answer',
    method,
    path,
    status,
    retryable: true,
    ambiguous: method !== 'GET',
    accepted: isSuccess(status)
  })
}

function tooLarge(method: string, path: string, status: number, maxBytes: number): BolnaApiError {
  return new BolnaApiError(`${method} ${path} answered more than ${maxBytes} bytes, more than this action reads; it stopped reading`, {
    kind: 'bad-answer',
    method,
    path,
    status,
    retryable: false,
    ambiguous: method !== 'GET',
    accepted: isSuccess(status)
  })
}

function withoutToken(text: string, token: string): string {
  return token && text.includes(token) ? text.split(token).join('***') : text
}

/**
 * The parsed answer with the token taken out of every string and every key, in place. Walked
 * with a stack, not recursion: JSON.parse reads any depth, and an answer may be that deep.
 */
function decodedWithoutToken(value: unknown, token: string): { value: unknown; changed: boolean } {
  if (!token) return { value, changed: false }
  if (typeof value === 'string') return { value: withoutToken(value, token), changed: value.includes(token) }
  let changed = false
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const node = stack.pop()
    if (!node || typeof node !== 'object') continue
    const record = node as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const child = record[key]
      if (typeof child === 'string' && child.includes(token)) {
        record[key] = withoutToken(child, token)
        changed = true
      } else if (child && typeof child === 'object') {
        stack.push(child)
      }
      if (!Array.isArray(record) && key.includes(token)) {
        Object.defineProperty(record, withoutToken(key, token), { value: record[key], enumerable: true, writable: true, configurable: true })
        delete record[key]
        changed = true
      }
    }
  }
  return { value, changed }
}

/**
 * An error answer's text for its message: when its JSON spells the key with escapes, the
 * JSON again with the key taken out of the decoded strings; any other text as it is.
 */
function errorTextWithoutToken(text: string, token: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text
  }
  const { value, changed } = decodedWithoutToken(parsed, token)
  if (!changed) return text
  try {
    return JSON.stringify(value)
  } catch {
    // Too deep to write back: the message goes without the answer's reason.
    return ''
  }
}

function mayRepeat(error: BolnaApiError, policy: RetryPolicy): boolean {
  if (!error.details.retryable) return false
  return policy === 'idempotent' || !error.details.ambiguous
}

function parseJson(text: string, method: string, path: string): unknown {
  if (!text.trim()) return undefined
  const shape = jsonShapeProblem(text)
  if (shape) {
    throw new BolnaApiError(`${method} ${path} answered JSON ${shape}, more than any answer of Bolna's can hold; it was not read`, {
      kind: 'bad-answer',
      method,
      path,
      retryable: false,
      ambiguous: method !== 'GET',
      accepted: true
    })
  }
  try {
    return JSON.parse(text)
  } catch {
    // Only a 2xx answer is parsed.
    throw new BolnaApiError(`${method} ${path} answered with malformed JSON`, {
      kind: 'bad-answer',
      method,
      path,
      retryable: true,
      ambiguous: method !== 'GET',
      accepted: true
    })
  }
}

/**
 * One pass over the text, before JSON.parse: nesting past MAX_JSON_DEPTH, more objects and arrays
 * than MAX_JSON_CONTAINERS, an array longer than a trunk's numbers or an object with more keys than
 * any record has, is refused (a hostile answer would otherwise take hundreds of MiB and seconds to
 * parse and check). Strings are skipped, escapes included.
 */
export function jsonShapeProblem(text: string): string | undefined {
  let depth = 0
  let containers = 0
  // Per open container: 1 for an array, 0 for an object, and its commas so far.
  const isArray = new Uint8Array(MAX_JSON_DEPTH + 2)
  const commas = new Uint32Array(MAX_JSON_DEPTH + 2)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // A string: skip to its closing quote.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i)
        if (s === 0x5c) i++
        else if (s === 0x22) break
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`
      if (++containers > MAX_JSON_CONTAINERS) return `with more than ${MAX_JSON_CONTAINERS} objects and arrays`
      isArray[depth] = c === 0x5b ? 1 : 0
      commas[depth] = 0
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    } else if (c === 0x2c && depth > 0) {
      const count = (commas[depth] ?? 0) + 1
      commas[depth] = count
      if (isArray[depth] && count >= MAX_TRUNK_NUMBERS) return `with a list of more than ${MAX_TRUNK_NUMBERS} items`
      if (!isArray[depth] && count >= MAX_JSON_KEYS) return `with an object of more than ${MAX_JSON_KEYS} keys`
    }
  }
  return undefined
}

function transportError(error: unknown, method: string, path: string, timeoutMs: number, timedOut: boolean): BolnaApiError {
  if (error instanceof BolnaApiError) return error
  if (timedOut) {
    return new BolnaApiError(`${method} ${path} timed out after ${timeoutMs / 1000} s`, {
      kind: 'timeout',
      method,
      path,
      retryable: true,
      ambiguous: true
    })
  }
  const code = networkCode(error)
  if (code && TLS_CERTIFICATE_PROBLEM.test(code)) {
    // Not a passing fault: retrying would fail the same way.
    return new BolnaApiError(`${method} ${path} failed: the server's TLS certificate was refused (${code}); check api_base_url`, {
      kind: 'network',
      method,
      path,
      retryable: false,
      ambiguous: false
    })
  }
  // A refused connection never reached the server, so even a write is safe to repeat.
  const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
  return new BolnaApiError(`${method} ${path} failed: network error (${code ?? 'connection lost'})`, {
    kind: 'network',
    method,
    path,
    retryable: true,
    ambiguous: !neverSent
  })
}

const TLS_CERTIFICATE_PROBLEM = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/

function networkCode(error: unknown): string | undefined {
  for (let cause: unknown = error; cause && typeof cause === 'object'; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string') return code
  }
  return undefined
}

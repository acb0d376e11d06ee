import { visible } from '../text.js'

/**
 * Errors from the Bolna API, each carrying a message a user can act on.
 *
 * `retryable`: the same request may succeed later (5xx, 408, 429, network).
 * `ambiguous`: a write whose answer was lost — the server may have stored it.
 * `accepted`: the server answered 2xx, so a write was carried out; only its answer is unreadable.
 */
export type ApiErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'trunk-not-found'
  | 'agent-not-found'
  | 'conflict'
  | 'rejected'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'redirect'
  | 'bad-answer'

export class BolnaApiError extends Error {
  override readonly name = 'BolnaApiError'
  constructor(
    message: string,
    readonly details: {
      kind: ApiErrorKind
      method: string
      path: string
      status?: number
      reason?: string
      /** The start of the error answer's text (without the key), for the contract check to show its shape. */
      body?: string
      retryable: boolean
      ambiguous: boolean
      accepted?: boolean
      retryAfterMs?: number
    }
  ) {
    super(message)
  }

  get kind(): ApiErrorKind {
    return this.details.kind
  }
  get status(): number | undefined {
    return this.details.status
  }

  /** The same failure, classified further (by the family module that knows what the path names). */
  as(kind: ApiErrorKind, message: string): BolnaApiError {
    return new BolnaApiError(message, { ...this.details, kind })
  }
}

/**
 * A 404 on a path that names only one resource, as that resource's error: `kind` and a message that
 * says what to check (with Bolna's own words when it gave any). Other errors pass through unchanged.
 */
export function notFoundAs(error: unknown, kind: 'trunk-not-found' | 'agent-not-found', message: (said: string) => string): unknown {
  if (!(error instanceof BolnaApiError) || error.kind !== 'not-found') return error
  return error.as(kind, message(error.details.reason ? ` (Bolna said: ${error.details.reason})` : ''))
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504])
const MAX_REASON_CHARS = 300

/** Builds the error for an HTTP answer that was not a success. */
export function errorForStatus(method: string, path: string, status: number, body: string, retryAfterMs?: number): BolnaApiError {
  const reason = apiReason(body)
  const call = `${method} ${path}`
  const because = reason ? `: ${reason}` : ''
  const retryable = RETRYABLE_STATUSES.has(status)
  // A 429 was refused before any work; other retryable statuses may hide a stored write.
  const common = { method, path, status, reason, retryable, ambiguous: retryable && status !== 429, retryAfterMs, ...(body && { body: body.slice(0, 1_000) }) }
  if (status === 401) {
    return new BolnaApiError(
      `Bolna rejected the API key (401 on ${call}${because}): it is missing or malformed. Check the token input or the BOLNA_API_KEY secret.`,
      {
        ...common,
        kind: 'auth'
      }
    )
  }
  if (status === 403) {
    // Bolna answers 403 both for a bad key and for a good key without access: name both, and what was called.
    const [what, one] = path.startsWith('/v2/agent/')
      ? ['this agent', 'an agent']
      : path.startsWith('/inbound/')
        ? ['this number or agent', 'one']
        : ['this trunk', 'a trunk']
    return new BolnaApiError(
      `Bolna refused ${call} with 403${because || ' and no reason'}. Either the API key is wrong or expired (check the token input or the BOLNA_API_KEY secret), or it has no access to ${what}: SIP trunking not enabled for the account, or ${one} of another (sub)account.`,
      { ...common, kind: 'forbidden' }
    )
  }
  if (status === 404) return new BolnaApiError(`${call} answered 404 Not Found${because}`, { ...common, kind: 'not-found' })
  if (status === 409 || status === 422) {
    return new BolnaApiError(`Bolna refused ${call} (${status})${because || ' with no reason given'}`, {
      ...common,
      kind: 'conflict'
    })
  }
  if (status === 429) {
    return new BolnaApiError(`${call} was rate-limited by Bolna (429)${because}`, { ...common, kind: 'rate-limited' })
  }
  if (status >= 300 && status < 400) {
    return new BolnaApiError(
      `${call} answered a redirect (${status}); redirects are not followed, so the API key is never sent to another address. Check api_base_url.`,
      { ...common, kind: 'redirect', retryable: false, ambiguous: false }
    )
  }
  return new BolnaApiError(`${call} failed with ${status}${because}`, {
    ...common,
    kind: status >= 500 ? 'server' : 'rejected'
  })
}

/**
 * The API's reason, from any of its error shapes: {"error", "message"},
 * {"detail": "…"}, FastAPI's {"detail": [{loc, msg}]}, or a proxy's text/HTML page.
 */
export function apiReason(body: string): string {
  const text = body.trim()
  if (!text) return ''
  try {
    return clip(reasonFromJson(JSON.parse(text)) ?? text)
  } catch {
    return clip(
      text
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&[a-z]+;/gi, ' ')
    )
  }
}

function reasonFromJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const body = value as Record<string, unknown>
  if (typeof body.message === 'string' && body.message) return body.message
  if (typeof body.detail === 'string' && body.detail) return body.detail
  if (Array.isArray(body.detail)) {
    return body.detail
      .map((item: unknown) => {
        const entry = (item ?? {}) as { loc?: unknown; msg?: unknown }
        const where = Array.isArray(entry.loc) ? entry.loc.join('.') : ''
        const what = typeof entry.msg === 'string' ? entry.msg : JSON.stringify(item)
        return where ? `${where}: ${what}` : what
      })
      .join('; ')
  }
  if (typeof body.error === 'string' && body.error) return body.error
  return undefined
}

/** Bolna's reason as one line a person may be shown: at most MAX_REASON_CHARS, nothing invisible (see text.ts). */
function clip(text: string): string {
  return visible(text.replace(/\s+/g, ' ').trim(), MAX_REASON_CHARS)
}

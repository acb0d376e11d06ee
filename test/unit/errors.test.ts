import { describe, expect, it } from 'vitest'
import { apiReason, errorForStatus } from '../../src/bolna/errors.js'
import { backoffMs, parseRetryAfter } from '../../src/bolna/http.js'

describe('the API reason, from each error shape', () => {
  it('reads {"error", "message"}', () => {
    expect(apiReason('{"error":404,"message":"trunk not found"}')).toBe('trunk not found')
  })
  it('reads {"detail": "…"} and FastAPI detail arrays', () => {
    expect(apiReason('{"detail":"Invalid API key"}')).toBe('Invalid API key')
    expect(apiReason('{"detail":[{"loc":["body","phone_number"],"msg":"field required"}]}')).toBe('body.phone_number: field required')
  })
  it('strips a proxy HTML page to its text and cuts long bodies', () => {
    expect(apiReason('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway')
    const reason = apiReason('x'.repeat(5000))
    expect(reason.length).toBeLessThanOrEqual(301)
    expect(reason.endsWith('…')).toBe(true)
  })
})

describe('errors say what to do', () => {
  it("403 names both causes, a bad key and a key without access, with Bolna's text", () => {
    for (const reason of ['Unrecognized access token', 'Not authorised']) {
      const error = errorForStatus('GET', '/sip-trunks/trunks/t/numbers', 403, JSON.stringify({ detail: reason }))
      expect(error.message).toContain(`Bolna refused GET /sip-trunks/trunks/t/numbers with 403: ${reason}.`)
      expect(error.message).toMatch(
        /API key is wrong or expired .*token input or the BOLNA_API_KEY.* or it has no access to this trunk: SIP trunking not enabled for the account, or a trunk of another \(sub\)account/
      )
      expect(error.details).toMatchObject({ kind: 'forbidden', retryable: false })
    }
    // The access it may lack is to what the call names.
    expect(errorForStatus('GET', '/v2/agent/ag1', 403, '').message).toMatch(/no access to this agent: .*, or an agent of another \(sub\)account\.$/)
    expect(errorForStatus('POST', '/inbound/setup', 403, '').message).toMatch(/no access to this number or agent: .*, or one of another \(sub\)account\.$/)
  })
  it('401 means a missing or malformed key', () => {
    const error = errorForStatus('GET', '/p', 401, '{"error":401,"message":"Access denied"}')
    expect(error.message).toMatch(/rejected the API key \(401 on GET \/p: Access denied\): it is missing or malformed/)
    expect(error.details.kind).toBe('auth')
  })
  it('409 and 422 carry the API reason', () => {
    const error = errorForStatus('POST', '/p', 409, '{"error":409,"message":"Phone number already exists on another active trunk"}')
    expect(error.message).toBe('Bolna refused POST /p (409): Phone number already exists on another active trunk')
  })
  it('other statuses name method, path and status; 5xx may hide a stored write, 429 does not', () => {
    const server = errorForStatus('POST', '/p', 503, 'down')
    expect(server.message).toBe('POST /p failed with 503: down')
    expect(server.details).toMatchObject({ retryable: true, ambiguous: true })
    expect(errorForStatus('POST', '/p', 429, '').details).toMatchObject({ retryable: true, ambiguous: false })
    expect(errorForStatus('GET', '/p', 400, '').details.retryable).toBe(false)
  })
  it('a redirect is an error, never followed', () => {
    expect(errorForStatus('GET', '/p', 302, '').message).toMatch(/redirect \(302\).*not followed/)
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

// src/bolna/errors.ts in full: the error each HTTP status becomes (kind, retryable, ambiguous, message),
// and Bolna's reason read from every error body shape.
import { describe, expect, it } from 'vitest'
import { apiReason, errorForStatus } from '../../src/bolna/errors.js'

describe('BolnaApiError', () => {
  it('is an Error named BolnaApiError carrying its kind and status', () => {
    const error = errorForStatus('GET', '/p', 404, '')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('BolnaApiError')
    expect(error.kind).toBe('not-found')
    expect(error.status).toBe(404)
  })

  it('as(): the same failure under another kind and message, the original untouched', () => {
    const error = errorForStatus('DELETE', '/p', 404, '{"detail":"gone"}', 5)
    const classified = error.as('trunk-not-found', 'no trunk')
    expect(classified).not.toBe(error)
    expect(classified.message).toBe('no trunk')
    expect(classified.details).toEqual({ ...error.details, kind: 'trunk-not-found' })
    expect(error.kind).toBe('not-found')
  })
})

describe('errorForStatus', () => {
  const details = (status: number, body = '') => errorForStatus('POST', '/p', status, body).details

  it('404: not found, with the reason when there is one', () => {
    expect(errorForStatus('GET', '/p', 404, '').message).toBe('GET /p answered 404 Not Found')
    expect(errorForStatus('GET', '/p', 404, '{"detail":"Not Found"}').message).toBe('GET /p answered 404 Not Found: Not Found')
    expect(details(404)).toEqual({
      kind: 'not-found',
      method: 'POST',
      path: '/p',
      status: 404,
      reason: '',
      retryable: false,
      ambiguous: false,
      retryAfterMs: undefined
    })
  })

  it('409 and 422 are both conflicts; with no reason, it says so', () => {
    expect(errorForStatus('POST', '/p', 422, '').message).toBe('Bolna refused POST /p (422) with no reason given')
    expect(details(422)).toMatchObject({ kind: 'conflict', status: 422, retryable: false, ambiguous: false })
    expect(details(409, '{"message":"taken"}')).toMatchObject({ kind: 'conflict', reason: 'taken' })
  })

  it('403 with no reason says so', () => {
    expect(errorForStatus('GET', '/p', 403, '').message).toMatch(/^Bolna refused GET \/p with 403 and no reason\. Either the API key/)
  })

  it('429: rate-limited, retryable, never ambiguous (refused before any work), with its Retry-After', () => {
    const error = errorForStatus('POST', '/p', 429, '{"message":"slow down"}', 2000)
    expect(error.message).toBe('POST /p was rate-limited by Bolna (429): slow down')
    expect(error.details).toMatchObject({ kind: 'rate-limited', retryable: true, ambiguous: false, retryAfterMs: 2000 })
    expect(errorForStatus('POST', '/p', 429, '').message).toBe('POST /p was rate-limited by Bolna (429)')
  })

  it('3xx: a redirect, neither retried nor ambiguous', () => {
    for (const status of [300, 301, 307, 399]) {
      expect(details(status)).toMatchObject({ kind: 'redirect', retryable: false, ambiguous: false })
    }
    expect(errorForStatus('GET', '/p', 301, '').message).toBe(
      'GET /p answered a redirect (301); redirects are not followed, so the API key is never sent to another address. Check api_base_url.'
    )
  })

  it('other 4xx are rejections; 5xx are server failures; only the listed statuses are retried', () => {
    expect(details(400)).toMatchObject({ kind: 'rejected', retryable: false, ambiguous: false })
    expect(details(408)).toMatchObject({ kind: 'rejected', retryable: true, ambiguous: true })
    expect(details(499)).toMatchObject({ kind: 'rejected', retryable: false })
    expect(details(500)).toMatchObject({ kind: 'server', retryable: true, ambiguous: true })
    expect(details(501)).toMatchObject({ kind: 'server', retryable: false, ambiguous: false })
    for (const status of [502, 503, 504]) expect(details(status)).toMatchObject({ kind: 'server', retryable: true, ambiguous: true })
    expect(errorForStatus('GET', '/p', 500, '').message).toBe('GET /p failed with 500')
    expect(errorForStatus('GET', '/p', 418, 'teapot').message).toBe('GET /p failed with 418: teapot')
    // A status below 300 that is not a success (never seen in practice) is no redirect.
    expect(details(100)).toMatchObject({ kind: 'rejected' })
  })
})

describe('apiReason', () => {
  it('nothing for an empty or blank body', () => {
    expect(apiReason('')).toBe('')
    expect(apiReason(' \n\t ')).toBe('')
  })

  it('message first, then a detail string, then a detail list, then error; empty or non-string fields are skipped', () => {
    expect(apiReason('{"message":"m","detail":"d","error":"e"}')).toBe('m')
    expect(apiReason('{"message":"","detail":"d"}')).toBe('d')
    expect(apiReason('{"message":5,"detail":"d"}')).toBe('d')
    expect(apiReason('{"detail":"","error":"e"}')).toBe('e')
    expect(apiReason('{"error":"e"}')).toBe('e')
    expect(apiReason('{"error":""}')).toBe('{"error":""}')
    expect(apiReason('{"error":404}')).toBe('{"error":404}')
  })

  it('a FastAPI detail list: each item as loc: msg, joined', () => {
    const body = JSON.stringify({
      detail: [{ loc: ['body', 'e164'], msg: 'bad' }, { msg: 'no loc' }, { loc: 'body', msg: 'loc not a list' }, { loc: ['x'] }, null]
    })
    expect(apiReason(body)).toBe('body.e164: bad; no loc; loc not a list; x: {"loc":["x"]}; null')
  })

  it('JSON that is not an object is shown as it is', () => {
    expect(apiReason('"quoted"')).toBe('"quoted"')
    expect(apiReason('null')).toBe('null')
    expect(apiReason('[1,2]')).toBe('[1,2]')
  })

  it("a proxy's page: scripts and styles dropped, tags and entities become spaces, whitespace collapsed", () => {
    const page =
      '<html><head><style>\n body { color: red }\n</style><script type="x">var a = 1;\n</script></head><body><h1>Bad&nbsp;Gateway</h1><p>try<b>again</b></p></body></html>'
    expect(apiReason(page)).toBe('Bad Gateway try again')
    expect(apiReason('a&amp;b &lt;c&gt;')).toBe('a b c')
    expect(apiReason('before<script>x()</script>after')).toBe('before after')
    expect(apiReason('  two   words \n here ')).toBe('two words here')
  })

  it('long reasons are cut at 300 characters with an ellipsis; 300 exactly is kept whole', () => {
    expect(apiReason('x'.repeat(300))).toBe('x'.repeat(300))
    expect(apiReason('x'.repeat(301))).toBe(`${'x'.repeat(300)}…`)
    expect(apiReason(JSON.stringify({ message: 'y'.repeat(400) }))).toBe(`${'y'.repeat(300)}…`)
  })
})

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

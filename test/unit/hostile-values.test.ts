// Values written to hurt, from the API or an input: a key spelled with JSON escapes, names that
// GitHub would make links of, an api_base_url that carries a secret.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { BolnaApiError } from '../../src/bolna/errors.js'
import { HttpClient } from '../../src/bolna/http.js'
import { InputError, readSettings } from '../../src/inputs.js'
import { planChanges } from '../../src/plan.js'
import { cell, html, planMarkdown } from '../../src/render.js'
import { trunk, wanted } from '../helpers/model.ts'

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

describe('values cannot link in the summary or the PR comment', () => {
  const hostile = [
    'https://evil.test/login',
    'HTTP://EVIL.TEST',
    'ftp://evil.test',
    'www.evil.test',
    'WWW.Evil.Test',
    'mail admin@evil.test',
    '@everyone @acme/ops',
    'see #12 and acme/repo#3',
    'GH-45'
  ]
  /** What GitHub would link in rendered text: a bare URL, www., a mention or e-mail address, an issue reference. */
  const LINKABLE = /[a-z]:\/\/|www\.|@\w|#\d|GH-\d/i
  /** The text a reader sees: entities decoded, Markdown escapes undone. */
  const rendered = (text: string) =>
    text
      .replace(/\\(.)/g, '$1')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')

  it('breaks every bare URL, www., mention, e-mail address and issue reference with a zero-width space', () => {
    for (const value of hostile) {
      for (const escaper of [html, cell]) {
        const out = escaper(value)
        expect(rendered(out), `${escaper.name}(${value})`).not.toMatch(LINKABLE)
        expect(rendered(out).replaceAll('\u200b', ''), `${escaper.name}(${value})`).toBe(value)
      }
    }
    expect(html('https://evil.test')).toBe('https:&#8203;//evil.test')
    expect(html('www.evil.test')).toBe('www&#8203;.evil.test')
    expect(cell('a@evil.test #1')).toBe('a&#64;&#8203;evil.test #&#8203;1')
  })

  it('in the plan table, for names from the file and from Bolna alike', () => {
    const plan = planChanges(
      { trunks: [{ trunk: trunk('https://evil.test'), prune: false, numbers: hostile.map((name, i) => wanted(`9198765432${10 + i}`, { name })) }] },
      new Map([['https://evil.test', []]]),
      false
    )
    const markdown = planMarkdown(plan, 'n.yml')
    const rows = markdown.split('\n').filter(line => line.startsWith('| https'))
    expect(rows).toHaveLength(hostile.length)
    for (const [i, row] of rows.entries()) {
      expect(rendered(row)).not.toMatch(LINKABLE)
      expect(rendered(row).replaceAll('\u200b', '')).toContain(hostile[i])
    }
  })
})

describe('a refused api_base_url is echoed without what could be a secret', () => {
  const refuse = (url: string) => {
    try {
      readSettings(name => ({ token: 'key-123', trunk_id: 't', phone_number: '919876543210', api_base_url: url })[name] ?? '', {})
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error(`${url} was accepted`)
  }

  it('shows the scheme, host and path, with credentials, query and fragment as ***', () => {
    expect(refuse('https://user:hunter2@x.test/v1')).toBe(
      'Input "api_base_url" must not carry credentials, a query or a fragment (got "https://***@x.test/v1").'
    )
    expect(refuse('https://x.test/v1?api_key=hunter2#frag-hunter2')).toBe(
      'Input "api_base_url" must not carry credentials, a query or a fragment (got "https://x.test/v1?***#***").'
    )
    expect(refuse('http://hunter2@api.bolna.ai')).toBe(
      'Input "api_base_url" must use https (plain http is allowed only for loopback hosts: 127.0.0.0/8, localhost, ::1) (got "http://***@api.bolna.ai/").'
    )
    expect(refuse('user:hunter2@api.bolna.ai/v1?k=hunter2')).toMatch(/\(got "\*\*\*@api\.bolna\.ai\/v1\?\*\*\*"\)\.$/)
    expect(refuse('api.bolna.ai')).toMatch(/\(got "api\.bolna\.ai"\)\.$/)
    for (const url of ['https://a:hunter2@x.test', 'https://x.test/?hunter2', 'https://x.test/#hunter2', 'hunter2@x', 'ftp://u:hunter2@x.test']) {
      expect(refuse(url)).not.toContain('hunter2')
    }
  })
})

// An api_base_url that carries a secret, refused without echoing it (inputs.ts). This belongs in
// inputs.test.ts, which another change owns at the moment; the key in answers moved to http.test.ts,
// the links to render.test.ts.
import { describe, expect, it } from 'vitest'
import { InputError, readSettings } from '../../src/inputs.js'

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

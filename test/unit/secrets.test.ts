// src/secrets.ts: the step's two secrets, masked, found and redacted; values too short to be keys are not secrets.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Secrets } from '../../src/secrets.js'

const KEY = 'bn-1234567890abcdef'
const GH = 'ghs_0123456789abcdefXYZ'

describe('Secrets', () => {
  afterEach(() => vi.restoreAllMocks())

  it('masks each secret with the runner, first as it is, then in every encoding it may be spelled in', () => {
    const out: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      out.push(String(chunk))
      return true
    })
    new Secrets([KEY, GH, 'short', '']).mask()
    const lines = out.join('').split(/\r?\n/).filter(Boolean)
    expect(lines.slice(0, 2)).toEqual([`::add-mask::${KEY}`, `::add-mask::${GH}`])
    expect(lines).toContain(`::add-mask::${Buffer.from(KEY).toString('base64')}`)
    expect(lines.every(line => line.startsWith('::add-mask::') && !line.includes('short'))).toBe(true)
  })

  it('finds either secret anywhere in a text', () => {
    const secrets = new Secrets([KEY, GH])
    expect(secrets.foundIn(`a ${KEY} b`)).toBe(true)
    expect(secrets.foundIn(`x${GH}`)).toBe(true)
    expect(secrets.foundIn(KEY.slice(0, -1))).toBe(false)
    expect(secrets.foundIn('')).toBe(false)
  })

  it('redacts every occurrence of each secret, also as JSON escapes it', () => {
    const quoted = 'k"e\\y\u0001-long-enough'
    const secrets = new Secrets([KEY, GH, quoted])
    expect(secrets.redact(`${KEY} and ${KEY}; github ${GH}`)).toBe('*** and ***; github ***')
    expect(secrets.redact(JSON.stringify({ key: quoted }))).toBe('{"key":"***"}')
    expect(secrets.redact('nothing secret here')).toBe('nothing secret here')
  })

  it(`ignores values shorter than ${Secrets.MIN_LENGTH} characters: redacting them would garble ordinary text`, () => {
    const secrets = new Secrets(['a'.repeat(Secrets.MIN_LENGTH - 1), 'b'.repeat(Secrets.MIN_LENGTH)])
    expect(secrets.foundIn('aaaaaaa')).toBe(false)
    expect(secrets.redact('aaaaaaa bbbbbbbb')).toBe('aaaaaaa ***')
  })
})

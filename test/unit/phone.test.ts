import { describe, expect, it } from 'vitest'
import { e164Of } from '../../src/bolna/port.js'
import { e164CheckProblem, parsePhoneNumber } from '../../src/phone.js'

const e164 = (written: string) => {
  const parsed = parsePhoneNumber(written)
  return 'number' in parsed ? parsed.number.e164 : parsed.problem
}

describe('phone-number rules', () => {
  it('identifies a number by its E.164 form, whatever the formatting', () => {
    expect(e164('+91 98765-43210')).toBe('+919876543210')
    expect(e164('919876543210')).toBe('+919876543210')
    expect(e164('+1 (415) 555-0199')).toBe('+14155550199')
    expect(e164('1 415 555 0100')).toBe('+14155550100')
    expect(e164Of('+1 (415) 555-0199')).toBe('+14155550199')
    expect(e164Of('14155550199')).toBe('+14155550199')
  })

  it('remembers whether the user wrote the "+" (legacy trunks store it so)', () => {
    expect(parsePhoneNumber('+91 98765 43210')).toEqual({ number: { e164: '+919876543210', withPlus: true } })
    expect(parsePhoneNumber('91 98765 43210')).toEqual({ number: { e164: '+919876543210', withPlus: false } })
  })

  it('refuses a number without its country code, with a hint to write it internationally', () => {
    for (const national of ['(415) 555-0123', '415-555-0123', '4155550100']) {
      expect(e164(national)).toMatch(/not a possible phone number with a country code .*international form, country code first/)
    }
    expect(e164('+999 1234567')).toMatch(/not a possible phone number/)
  })

  it('refuses what is no phone number at all, with a reason', () => {
    expect(e164('')).toBe('is empty')
    expect(e164('91987abc')).toMatch(/only digits/)
    expect(e164('12345')).toMatch(/has 5 digits/)
    expect(e164('1234567890123456')).toMatch(/has 16 digits/)
    expect(e164('+91\n9876543210')).toMatch(/only digits/)
  })

  it('with e164_check_enabled, needs the "+" that makes Bolna read it as E.164', () => {
    expect(e164CheckProblem('+919876543210')).toBeUndefined()
    expect(e164CheckProblem('+91 98765 43210')).toBeUndefined()
    expect(e164CheckProblem('919876543210')).toMatch(/must start with "\+"/)
  })
})

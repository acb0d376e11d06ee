import { describe, expect, it } from 'vitest'
import { digitsOf, e164Problem, phoneNumberProblem } from '../../src/phone.js'

describe('phone-number rules', () => {
  it('identifies a number by its digits, whatever the formatting', () => {
    expect(digitsOf('+91 98765-43210')).toBe('919876543210')
    expect(digitsOf('+1 (415) 555-0123')).toBe('14155550123')
    expect(digitsOf('919876543210')).not.toBe(digitsOf('919876543211'))
  })

  it('accepts written forms of a DID and refuses the rest with a reason', () => {
    expect(phoneNumberProblem('919876543210')).toBeUndefined()
    expect(phoneNumberProblem('+1 (415) 555.0123')).toBeUndefined()
    expect(phoneNumberProblem('')).toBe('is empty')
    expect(phoneNumberProblem('91987abc')).toMatch(/only digits/)
    expect(phoneNumberProblem('12345')).toMatch(/has 5 digits/)
    expect(phoneNumberProblem('1234567890123456')).toMatch(/has 16 digits/)
    expect(phoneNumberProblem('+91\n9876543210')).toMatch(/only digits/)
  })

  it('checks E.164 strictly: +, no spaces, 7 to 15 digits, no leading 0', () => {
    expect(e164Problem('+919876543210')).toBeUndefined()
    expect(e164Problem('919876543210')).toMatch(/E\.164/)
    expect(e164Problem('+91 98765 43210')).toMatch(/E\.164/)
    expect(e164Problem('+0123456789')).toMatch(/E\.164/)
    expect(e164Problem('+1234567890123456')).toMatch(/E\.164/)
  })
})

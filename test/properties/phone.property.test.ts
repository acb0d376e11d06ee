import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { e164Of } from '../../src/bolna/port.js'
import { parsePhoneNumber } from '../../src/phone.js'

/** International numbers (country code first) of plans whose lengths libphonenumber knows. */
const digits = fc.oneof(
  fc.stringMatching(/^1[2-9]\d{2}[2-9]\d{6}$/), // US/Canada
  fc.stringMatching(/^91[6-9]\d{9}$/), // India, mobile
  fc.stringMatching(/^447\d{9}$/), // UK, mobile
  fc.stringMatching(/^49151\d{8}$/) // Germany, mobile
)

/** One number written the ways people write it: +, spaces, dashes, dots, parentheses. */
const spelling = (number: string) =>
  fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom('', ' ', '-', '.', ' - '), { minLength: number.length, maxLength: number.length }), fc.boolean())
    .map(([plus, separators, parens]) => {
      let text = [...number].map((digit, i) => (i > 0 ? separators[i]! : '') + digit).join('')
      if (parens && number.length > 4) text = `${number.slice(0, 2)} (${number.slice(2, 5)}) ${number.slice(5)}`
      return (plus ? '+' : '') + text
    })

const e164 = (written: string) => {
  const parsed = parsePhoneNumber(written)
  if (!('number' in parsed)) throw new Error(`${written} ${parsed.problem}`)
  return parsed.number.e164
}

describe('phone-number identity (properties)', () => {
  it('every spelling of a number is valid and has the one E.164 form: "+" and exactly its digits', () => {
    fc.assert(
      fc.property(
        digits.chain(number => fc.tuple(fc.constant(number), spelling(number))),
        ([number, written]) => {
          expect(e164(written)).toBe(`+${number}`)
        }
      )
    )
  })

  it('a record Bolna stores with separators matches the number written any other way', () => {
    fc.assert(
      fc.property(
        digits.chain(number => fc.tuple(spelling(number), spelling(number))),
        ([stored, written]) => {
          expect(e164Of(stored)).toBe(e164(written))
        }
      )
    )
  })

  it('different numbers never compare equal, however written', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(digits, digits)
          .filter(([a, b]) => a !== b)
          .chain(([a, b]) => fc.tuple(spelling(a), spelling(b))),
        ([a, b]) => e164(a) !== e164(b) && e164Of(a) !== e164Of(b)
      )
    )
  })

  it('parsing its own E.164 form gives it back (a fixed point)', () => {
    fc.assert(fc.property(digits, number => e164(e164(number)) === e164(number) && e164(number) === `+${number}`))
  })
})

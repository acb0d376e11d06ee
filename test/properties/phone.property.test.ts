import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { digitsOf, phoneNumberProblem } from '../../src/phone.js'
import { findNumber } from '../../src/plan.js'

const digits = fc.stringMatching(/^[1-9][0-9]{6,14}$/)

/** Whether the planner's matcher finds a record spelled `b` when the file says `a`. */
const sameNumber = (a: string, b: string) => findNumber([{ id: 'r', phone_number: b, name: null }], digitsOf(a)) !== undefined

/** One number written the ways people write it: +, spaces, dashes, dots, parentheses. */
const spelling = (number: string) =>
  fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom('', ' ', '-', '.', ' - '), { minLength: number.length, maxLength: number.length }), fc.boolean())
    .map(([plus, separators, parens]) => {
      let text = [...number].map((digit, i) => (i > 0 ? separators[i]! : '') + digit).join('')
      if (parens && number.length > 4) text = `${number.slice(0, 2)} (${number.slice(2, 5)}) ${number.slice(5)}`
      return (plus ? '+' : '') + text
    })

describe('phone-number normalisation (properties)', () => {
  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), text => digitsOf(digitsOf(text)) === digitsOf(text)))
  })

  it('formatting variants of one number compare equal, and are valid DIDs', () => {
    fc.assert(
      fc.property(
        digits.chain(number => fc.tuple(fc.constant(number), spelling(number), spelling(number))),
        ([number, a, b]) => {
          expect(sameNumber(a, b)).toBe(true)
          expect(sameNumber(a, number)).toBe(true)
          expect(phoneNumberProblem(a)).toBeUndefined()
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
        ([a, b]) => !sameNumber(a, b)
      )
    )
  })
})

/**
 * Phone-number rules. A number's identity is its digits: `+91 98765-43210`,
 * `919876543210` and `+919876543210` are one DID. What is sent to Bolna is the
 * number as the user wrote it (trimmed), since Bolna stores it exactly as sent.
 */

/** The digits that identify a number. */
export function digitsOf(phoneNumber: string): string {
  return phoneNumber.replace(/\D/g, '')
}

const WRITTEN_FORM = /^\+?[0-9][0-9 ().-]*$/
const MIN_DIGITS = 7
const MAX_DIGITS = 15
const E164 = /^\+[1-9]\d{6,14}$/

/** Why the number cannot be a DID, or undefined when it can. */
export function phoneNumberProblem(phoneNumber: string): string | undefined {
  if (!phoneNumber) return 'is empty'
  if (!WRITTEN_FORM.test(phoneNumber)) {
    return 'may hold only digits, an optional leading +, spaces, dashes, dots and parentheses'
  }
  const count = digitsOf(phoneNumber).length
  if (count < MIN_DIGITS || count > MAX_DIGITS) {
    return `has ${count} digits; a phone number has ${MIN_DIGITS} to ${MAX_DIGITS}`
  }
  return undefined
}

/** Why the number is not E.164, or undefined when it is. */
export function e164Problem(phoneNumber: string): string | undefined {
  if (E164.test(phoneNumber)) return undefined
  return 'is not in E.164 format, which e164_check_enabled requires: "+", the country code and the subscriber number, 7 to 15 digits with no spaces or dashes (e.g. +919876543210)'
}

import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { TRUNK_APIS } from './bolna/port.js'
import type { TrunkApi } from './bolna/port.js'

/**
 * Phone-number rules, one set for both modes. A number is written with its country code, and
 * its identity is its E.164 form: `+1 415 555 0100` and `14155550100` are the same line.
 * Bolna stores the string exactly as sent and matches inbound calls only with or without a
 * leading "+", so the action sends digits only (bolna/*.ts decide the spelling per family).
 */
export interface PhoneNumber {
  /** "+", the country code and the subscriber number. */
  e164: string
  /** The user wrote a leading "+". */
  withPlus: boolean
}

const WRITTEN_FORM = /^\+?[0-9(][0-9 ().-]*$/
const MIN_DIGITS = 7
const MAX_DIGITS = 15

export const INTERNATIONAL_HINT = 'write it in international form, country code first, e.g. "+14155550123" or "919876543210"'

/** The number, or why it cannot be a DID. */
export function parsePhoneNumber(written: string): { number: PhoneNumber } | { problem: string } {
  if (!written) return { problem: 'is empty' }
  if (!WRITTEN_FORM.test(written)) {
    return { problem: 'may hold only digits, an optional leading +, spaces, dashes, dots and parentheses' }
  }
  const digits = written.replace(/\D/g, '')
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
    return { problem: `has ${digits.length} digits; a phone number in international form has ${MIN_DIGITS} to ${MAX_DIGITS}` }
  }
  // Read as international whether or not a "+" was written: a number must carry its country code.
  const parsed = parsePhoneNumberFromString(`+${digits}`)
  if (!parsed?.isPossible()) {
    return { problem: `is not a possible phone number with a country code (a national number such as "(415) 555-0123" needs one): ${INTERNATIONAL_HINT}` }
  }
  return { number: { e164: parsed.number, withPlus: written.startsWith('+') } }
}

/** Why the number cannot be sent with e164_check_enabled (Bolna then enforces E.164), or undefined. */
export function e164CheckProblem(written: string): string | undefined {
  if (written.startsWith('+')) return undefined
  return 'must start with "+" when e164_check_enabled is true: Bolna then enforces E.164 ("+", the country code and the number, e.g. "+919876543210")'
}

/**
 * The number as it will be sent, or why it cannot be: the rules every number obeys, from the
 * inputs or from a numbers file. With e164_check_enabled, Bolna also needs the leading "+".
 */
export function numberToSend(written: string, e164CheckEnabled: boolean): { number: PhoneNumber } | { problem: string } {
  const parsed = parsePhoneNumber(written)
  const problem = 'problem' in parsed ? parsed.problem : e164CheckEnabled ? e164CheckProblem(written) : undefined
  return problem === undefined ? parsed : { problem }
}

/** Why a number on a trunk of this API cannot carry a destination_key (only `/trunk` has one), or undefined. */
export function destinationKeyProblem(api: TrunkApi): string | undefined {
  if (TRUNK_APIS[api].destinationKey) return undefined
  return `applies only to trunks with api: trunk; Bolna's ${TRUNK_APIS[api].title} has no such field`
}

/** What the carrier puts in the SIP Request-URI (`/trunk` only): one token, no spaces. */
export const DESTINATION_KEY = /^\S{1,64}$/

import * as core from '@actions/core'

/**
 * The step's secrets (the Bolna API key and the GitHub token): masked in the runner's log,
 * refused where an input or file carries them, and redacted from everything the step writes as
 * a last line of defence (see `redact`). One length threshold for all three: a value shorter than
 * MIN_LENGTH is too short to be a real key, and redacting it would garble ordinary text.
 *
 * As wide as the runner's own masker, and in every place it does not reach (the outputs, the
 * job summary, the PR comment, the files): each secret raw, JSON-escaped, URL-encoded,
 * HTML-escaped, in base64 at each of the three alignments it can take inside a longer text, and
 * base64 of `Bearer <secret>` (an Authorization header echoed back).
 */
export class Secrets {
  static readonly MIN_LENGTH = 8
  readonly #values: readonly string[]
  /** Every spelling of every secret, longest first (so a spelling inside a longer one is taken out with it). */
  readonly #spellings: readonly string[]
  readonly #pattern: RegExp | undefined

  constructor(values: readonly string[]) {
    this.#values = values.filter(value => value.length >= Secrets.MIN_LENGTH)
    this.#spellings = [...new Set(this.#values.flatMap(spellings))].filter(s => s.length >= Secrets.MIN_LENGTH).sort((a, b) => b.length - a.length)
    this.#pattern = this.#spellings.length ? new RegExp(this.#spellings.map(escapeRegExp).join('|'), 'g') : undefined
  }

  /** Tells the runner to mask every secret, in every spelling, in everything the step prints. */
  mask(): void {
    for (const spelling of new Set([...this.#values, ...this.#spellings])) core.setSecret(spelling)
  }

  /** True when the text holds any secret, in any spelling. */
  foundIn(text: string): boolean {
    if (!this.#pattern) return false
    this.#pattern.lastIndex = 0
    return this.#pattern.test(text)
  }

  /** The text with every spelling of every secret replaced by `***`. */
  redact(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, '***') : text
  }
}

let inUse = new Secrets([])

/** Makes these the secrets `redact` takes out (once, at the start of the step). */
export function useSecrets(secrets: Secrets): void {
  inUse = secrets
}

/** True when the text holds one of the step's secrets, in any spelling. */
export function holdsSecret(text: string): boolean {
  return inUse.foundIn(text)
}

/** The text with the step's secrets taken out: for every output, file, summary and comment the step writes. */
export function redact(text: string): string {
  return inUse.redact(text)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

const base64 = (bytes: Buffer) => bytes.toString('base64')
const base64Url = (text: string) => text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/**
 * The base64 characters that only the value's bytes decide, with `shift` bytes before it (0, 1
 * or 2: the three alignments a value can take in base64 of a longer text).
 */
function base64Inside(value: string, shift: number): string {
  const bytes = Buffer.from(value)
  const encoded = base64(Buffer.concat([Buffer.alloc(shift), bytes]))
  return encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6))
}

/** How a secret may be spelled in a text the step writes. */
function spellings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  const htmlBase = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const html = [
    htmlBase.replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    htmlBase.replace(/"/g, '&#34;').replace(/'/g, '&#x27;'),
    htmlBase.replace(/'/g, '&apos;')
  ]
  const url = encodeURIComponent(value)
  // Stricter encoders (RFC 3986) escape !'()* too; some write the hex in lower case.
  const strictUrl = url.replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const urls = [url, strictUrl, ...[url, strictUrl].map(u => u.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()))]
  const whole = [base64(Buffer.from(value)), base64(Buffer.from(`Bearer ${value}`)), base64(Buffer.from(`bearer ${value}`))]
  const inside = [0, 1, 2].map(shift => base64Inside(value, shift))
  const b64 = [...whole, ...inside]
  return [value, json, json.replace(/\//g, '\\/'), ...html, ...urls, ...b64, ...b64.map(base64Url)]
}

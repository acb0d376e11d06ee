import * as core from '@actions/core'

/**
 * The step's secrets (the Bolna API key and the GitHub token): masked in the runner's log,
 * refused where an input or file carries them, and redacted from any message as a last line
 * of defence. One length threshold for all three: a value shorter than MIN_LENGTH is too
 * short to be a real key, and redacting it would garble ordinary text.
 */
export class Secrets {
  static readonly MIN_LENGTH = 8
  readonly #values: readonly string[]

  constructor(values: readonly string[]) {
    this.#values = values.filter(value => value.length >= Secrets.MIN_LENGTH)
  }

  /** Tells the runner to mask every secret in everything the step prints. */
  mask(): void {
    for (const value of this.#values) core.setSecret(value)
  }

  /** True when the text holds any secret. */
  foundIn(text: string): boolean {
    return this.#values.some(value => text.includes(value))
  }

  /** The text with every secret replaced by `***`; also JSON-escaped spellings of it. */
  redact(text: string): string {
    let out = text
    for (const value of this.#values) {
      for (const spelling of new Set([value, JSON.stringify(value).slice(1, -1)])) out = out.split(spelling).join('***')
    }
    return out
  }
}

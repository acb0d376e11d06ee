/**
 * Outside text (from Bolna, GitHub, an input or the numbers file) on its way to a person: the log,
 * annotations, the job summary, the PR comment. `quote` is the one way out for such a value.
 */

/**
 * True when the text is one line of well-formed text: no control character (newline, tab,
 * NUL, ESC, DEL…) and no lone surrogate (which no URL or JSON encoder accepts).
 */
export function isOneLine(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return false
  }
  return !LONE_SURROGATE.test(text)
}

const LONE_SURROGATE = /\p{Cs}/u

export const ONE_LINE = 'must be one line with no control characters'

/** How much of a value `quote` shows: more than any value a numbers file may hold (255). */
export const MAX_SHOWN = 256

/**
 * What shows nothing, or changes how the text around it reads: control characters (C0, DEL, C1),
 * format characters (bidi overrides, embeddings and isolates, zero-width spaces and joiners, the
 * byte order mark, soft hyphens, tags), the line and paragraph separators, and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu
/** Also the backslash, so that an escape shown is never text that looks like one. */
const TO_ESCAPE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu
const SHORT_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

function escapeChar(char: string): string {
  const short = SHORT_ESCAPES[char]
  if (short) return short
  const code = char.codePointAt(0) ?? 0
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** The first `max` UTF-16 units of the text, never half a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}

/**
 * The value as a person may be shown it, without quotes: at most `max` characters of it, then
 * an ellipsis; every invisible character (see INVISIBLE), and the backslash, as a visible escape
 * (`\n`, `\u202e`, `\\`). No workflow command can start in it, and nothing in it hides or
 * reorders the text around it.
 */
export function visible(value: string | null | undefined, max = MAX_SHOWN): string {
  const text = value ?? ''
  const shown = cut(text, max)
  return `${shown.replace(TO_ESCAPE, escapeChar)}${shown.length < text.length ? '…' : ''}`
}

/**
 * A value from an input, a file or the API, safe to put in a log line or a message: quoted,
 * `"` and every invisible character escaped (see `visible`), and cut after MAX_SHOWN characters,
 * saying how long it was (`"AAAA…" (1048576 characters)`).
 */
export function quote(value: string | null | undefined): string {
  return quoteUpTo(value, MAX_SHOWN)
}

/** `quote`, showing at most `max` characters of the value. */
export function quoteUpTo(value: string | null | undefined, max: number): string {
  const text = value ?? ''
  const shown = cut(text, max)
  const inner = shown.replace(TO_ESCAPE, escapeChar).replace(/"/g, '\\"')
  return shown.length < text.length ? `"${inner}…" (${text.length} characters)` : `"${inner}"`
}

/**
 * A message that may hold outside text (an error, a warning): its own lines kept, any other
 * invisible character escaped, and at most `max` characters. A last line of defence for
 * messages built around values that were not quoted.
 */
export function visibleLines(message: string, max = 16 * 1024): string {
  const whole = message.replace(/\r\n/g, '\n')
  const text = cut(whole, max)
  const shown = text.replace(INVISIBLE, char => (char === '\n' ? char : escapeChar(char)))
  return text.length < whole.length ? `${shown}…` : shown
}

/**
 * Text for a value inside JSON (an output, a file) that a person may read: the same JSON, with
 * every invisible character written as its \u escape, which any JSON reader reads back exactly.
 */
export function jsonText(value: unknown, space?: number): string {
  // JSON.stringify already escapes C0 controls and lone surrogates; a raw newline is its own indentation.
  return (JSON.stringify(value, null, space) ?? 'null').replace(JSON_INVISIBLE, char =>
    [...Array(char.length).keys()].map(i => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')
  )
}

const JSON_INVISIBLE = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu

/** One line for any failure: an Error's message, a thrown string, or what else was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  let shown: string
  try {
    shown = JSON.stringify(error) ?? String(error)
  } catch {
    shown = String(error)
  }
  return `unexpected failure: ${visible(shown, 200)}`
}

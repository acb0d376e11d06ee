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

/**
 * A value from an input, a file or the API, safe to put in a log line or a message:
 * quoted, with newlines escaped, so it can never start a workflow command (`::…`).
 */
export function quote(value: string | null | undefined): string {
  return JSON.stringify(value ?? '')
}

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
  return `unexpected failure: ${shown.slice(0, 200)}`
}

/** True when the text holds no control character (no newline, tab, NUL, ESC, DEL…). */
export function isOneLine(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return false
  }
  return true
}

export const ONE_LINE = 'must be one line with no control characters'

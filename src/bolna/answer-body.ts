/**
 * An answer's bytes, read within the limits the HTTP client sets: gathered once (into one buffer of
 * the declared size where the answer declares one, else chunks joined once at the end), and decoded
 * from the Content-Encoding a proxy may apply unasked (gzip, deflate, br) within the same limit.
 */
import type { ZlibOptions } from 'node:zlib'

/** The bytes of one answer as they arrive. */
export class AnswerBytes {
  private chunks: Buffer[] = []
  private whole: Buffer | undefined
  size = 0

  /** `declared`: the answer's Content-Length, when it has a readable one within the limit. */
  constructor(private readonly declared: number | undefined) {}

  add(chunk: Buffer): void {
    const whole = this.whole
    if (whole && this.size + chunk.byteLength <= whole.byteLength) {
      chunk.copy(whole, this.size)
    } else {
      if (whole) {
        // More than declared (node:http does not let it happen; kept correct anyway): back to chunks.
        this.chunks = [whole.subarray(0, this.size)]
        this.whole = undefined
      }
      this.chunks.push(chunk)
    }
    this.size += chunk.byteLength
  }

  /**
   * From here on, the answer is copied into one buffer of its declared size as it arrives, so the
   * chunks are not held next to a joined copy: called at once for a small answer, and once it holds
   * the large-answer slot for a large one.
   */
  presize(): void {
    if (this.whole || this.declared === undefined || this.declared < this.size) return
    const whole = Buffer.allocUnsafeSlow(this.declared)
    let at = 0
    for (const chunk of this.chunks) at += chunk.copy(whole, at)
    this.chunks = []
    this.whole = whole
  }

  /** Every byte read, as one buffer; the chunks are let go. */
  take(): Buffer {
    if (this.whole) {
      const whole = this.whole.subarray(0, this.size)
      this.whole = undefined
      return whole
    }
    const joined = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size)
    this.chunks = []
    return joined
  }
}

/** The Content-Length of an answer the client reads as it is (no encoding), when it is a readable count. */
export function declaredLength(contentLength: string | undefined, encoding: string | undefined): number | undefined {
  if (codingsOf(encoding).length > 0 || contentLength === undefined || !/^\d{1,15}$/.test(contentLength)) return undefined
  return Number(contentLength)
}

/** The codings of a Content-Encoding, in the order they were applied ("identity" is none). */
export function codingsOf(encoding: string | undefined): string[] {
  return (encoding ?? '')
    .split(',')
    .map(coding => coding.trim().toLowerCase())
    .filter(coding => coding && coding !== 'identity')
}

/**
 * The answer decoded: its bytes, or `too large` when decoding passes `maxBytes` (a decompression
 * bomb stops there), or undefined when it cannot be decoded.
 */
export function decodedBytes(raw: Buffer, codings: readonly string[], maxBytes: number): Buffer | 'too large' | undefined {
  if (codings.length === 0) return raw
  // Loaded for an encoded answer only: the action asks for no encoding, so most runs never load it.
  const zlib = process.getBuiltinModule('node:zlib')
  let body = raw
  try {
    for (const coding of [...codings].reverse()) {
      const options = { maxOutputLength: maxBytes }
      if (coding === 'gzip' || coding === 'x-gzip') body = zlib.gunzipSync(body, options)
      else if (coding === 'deflate') body = inflateEither(body, options)
      else if (coding === 'br') body = zlib.brotliDecompressSync(body, options)
      else return undefined
    }
  } catch (error) {
    return tooLarge(error) ? 'too large' : undefined
  }
  return body
}

const tooLarge = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE'

/** "deflate" is zlib-wrapped by the standard, raw in some servers: accept both. */
function inflateEither(body: Buffer, options: ZlibOptions): Buffer {
  const zlib = process.getBuiltinModule('node:zlib')
  try {
    return zlib.inflateSync(body, options)
  } catch (error) {
    if (tooLarge(error)) throw error
    return zlib.inflateRawSync(body, options)
  }
}

/**
 * One path segment. An id that holds a character no Bolna id holds is never sent, even encoded:
 * a server or proxy that decodes `%2F` before routing would see another path. Ids read back from
 * Bolna come here too, so such a record is reported (its write fails with this reason), not sent.
 */
export function segment(id: string): string {
  const problem = idProblem(id)
  if (problem) throw new Error(`the id ${JSON.stringify(id)} ${problem}; it was not sent`)
  return encodeURIComponent(id)
}

/**
 * What no trunk, agent or number id holds: ULIDs and uuids are letters, digits and dashes. A path
 * separator (`/`, `\`), a query or fragment mark (`?`, `#`), a percent sign, whitespace or a
 * control (or invisible format) character would change the path a server or proxy routes.
 */
const UNSAFE_ID_CHARACTER = /[/\\?#%\s\p{Cc}\p{Cf}]/u

/** Why the id cannot be sent in a URL path, or undefined when it can. */
export function idProblem(id: string): string | undefined {
  if (isDotSegment(id)) return 'cannot be "." or ".." (a URL path would resolve it)'
  const found = UNSAFE_ID_CHARACTER.exec(id)?.[0]
  if (found === undefined) return undefined
  return `holds ${characterName(found)}, which no Bolna id holds (ULIDs and uuids never do): a server or proxy that decodes it before routing would see another path`
}

function characterName(c: string): string {
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  if (c === ' ') return 'a space'
  if (/\s/u.test(c)) return `whitespace (${code})`
  if (/[\p{Cc}\p{Cf}]/u.test(c)) return `a control character (${code})`
  return `"${c}"`
}

export function isDotSegment(id: string): boolean {
  return id === '.' || id === '..'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The id shape of Bolna's `/trunk` family (legacy `/sip-trunks` ids are opaque, ULID-like). */
export function isUuid(id: string): boolean {
  return UUID.test(id)
}

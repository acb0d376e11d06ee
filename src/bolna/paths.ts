/**
 * One path segment, whatever the id holds ('/', '?', '#'). URLs resolve '.' and '..'
 * however they are encoded (%2E too), so those two ids cannot be sent at all.
 */
export function segment(id: string): string {
  if (isDotSegment(id)) throw new Error(`the id ${JSON.stringify(id)} cannot be sent in a URL path`)
  return encodeURIComponent(id)
}

export function isDotSegment(id: string): boolean {
  return id === '.' || id === '..'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The id shape of Bolna's `/trunk` family (legacy `/sip-trunks` ids are opaque, ULID-like). */
export function isUuid(id: string): boolean {
  return UUID.test(id)
}

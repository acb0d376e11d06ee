// Answer and request plumbing shared by the emulator's modules: JSON answers, Bolna's error bodies,
// body parsing and path splitting. No state lives here.

import type { Config, NotFoundBodies } from './options.ts'
import type { Store } from './store.ts'

export type JsonObject = Record<string, unknown>

export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RequestLogEntry {
  method: string
  /** Raw request target as received, query string included. */
  path: string
  status: number | 'reset' | 'hang'
  authorized: boolean
  /** The parsed JSON body, when the request had one that parsed. */
  body?: unknown
  /** Arrival time, ms since the epoch. */
  at: number
  /** The kind of fault applied to this request, if any. */
  fault?: string
}

export interface RequestBody {
  text: string
  tooLarge: boolean
}

/** What a route handler gets: captured path segments (percent-decoded), the body and the query. */
export type Handler = (params: string[], body: RequestBody, query: URLSearchParams) => Reply

export interface Route {
  /** Literal segments, or null for a captured (percent-decoded) segment. */
  pattern: Array<string | null>
  methods: Record<string, Handler>
  /** Index (into the captured params) of a trunk id, which `forbiddenTrunks` is checked against. */
  trunkParam?: number
}

/** What the route modules work on: the state, and the options in force (read on every request). */
export interface RouteContext {
  store: Store
  config: Config
}

export const E164 = /^\+[1-9]\d{6,14}$/

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) }
}

/** A FastAPI-style 422: `{"detail":[{"loc":["body",field],"msg":…,"type":…}]}`. */
export function fieldError(field: string, msg: string, type: string, where = 'body'): Reply {
  return json(422, { detail: [{ loc: [where, field], msg, type }] })
}

/** The 404s the emulator can give, each with its 'legacy' (Bolna-like) text. */
export type NotFoundKind = 'sip-trunk' | 'sip-number' | 'sip-agent' | 'trunk' | 'trunk-number' | 'trunk-agent' | 'agent'

const LEGACY_NOT_FOUND: Record<NotFoundKind, unknown> = {
  'sip-trunk': { error: 404, message: 'trunk not found' },
  // Bolna's own texts, misleading as they are: a gone number "SIP trunk phone number…", an unknown agent "Phone number…"
  'sip-number': { error: 404, message: 'SIP trunk phone number not found in database' },
  'sip-agent': { error: 404, message: "Phone number doesn't exist." },
  trunk: { detail: 'No live trunk found' },
  'trunk-number': { detail: 'Number not found' },
  'trunk-agent': { detail: 'Agent not found' },
  agent: { error: 404, message: 'agent not found' }
}

export const GENERIC_NOT_FOUND = { detail: 'Not Found' }

export function notFound(bodies: NotFoundBodies, kind: NotFoundKind): Reply {
  return json(404, bodies === 'generic' ? GENERIC_NOT_FOUND : LEGACY_NOT_FOUND[kind])
}

/** A number already live elsewhere (or, with duplicates: 'reject', on this trunk), refused as the options say. */
export function conflictReply(config: Config, conflict: 'other' | 'same' | undefined, field: string): Reply | undefined {
  if (conflict === 'other') {
    const message = 'Phone number already exists on another active trunk'
    if (config.otherTrunkConflict === '422') return fieldError(field, message, 'value_error')
    return json(409, { error: 409, message })
  }
  if (conflict === 'same' && config.duplicates === 'reject') {
    return json(409, { error: 409, message: 'Phone number already exists on this trunk' })
  }
  return undefined
}

export const NOT_AUTHORISED = { detail: 'Not authorised' }

/** 403 for a trunk in `forbiddenTrunks` (a key without access to that trunk). */
export function forbiddenTrunk(config: Config, trunkId: string): Reply | undefined {
  return config.forbiddenTrunks.has(trunkId) ? json(403, NOT_AUTHORISED) : undefined
}

/** A list answer, bare or in a `{"data":[…]}` envelope (`listShape`). */
export function listAnswer(config: Config, items: unknown[]): Reply {
  return json(200, config.listShape === 'envelope' ? { data: items } : items)
}

export function parseJson(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return undefined
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return undefined
  }
}

/** The body as an object; non-JSON is a 422. With allowEmpty, an empty body is `{}`. */
export function parseObjectBody(body: RequestBody, allowEmpty = false): { value: JsonObject } | { reply: Reply } {
  if (allowEmpty && body.text.trim() === '') return { value: {} }
  const parsed = parseJson(body.text)
  if (!parsed) return { reply: json(422, { detail: 'invalid JSON body' }) }
  // A JSON body that is not an object has none of the fields, so it fails field validation.
  return { value: isObject(parsed.value) ? parsed.value : {} }
}

export function requireString(body: JsonObject, field: string): Reply | undefined {
  const value = body[field]
  return typeof value === 'string' && value !== '' ? undefined : fieldError(field, 'field required', 'missing')
}

/** Splits the raw path (query dropped) on '/', then percent-decodes each segment once. */
export function splitPath(rawPath: string): string[] | undefined {
  const path = rawPath.split('?')[0] ?? ''
  try {
    return path
      .split('/')
      .slice(1)
      .map(segment => decodeURIComponent(segment))
  } catch {
    return undefined // a malformed %-escape names no resource
  }
}

export function queryOf(rawPath: string): URLSearchParams {
  const at = rawPath.indexOf('?')
  return new URLSearchParams(at < 0 ? '' : rawPath.slice(at + 1))
}

export function matchRoute(routes: Route[], segments: string[]): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue
    const params: string[] = []
    const matches = route.pattern.every((literal, i) => {
      const segment = segments[i] ?? ''
      if (literal !== null) return literal === segment
      params.push(segment)
      return segment !== '' // like FastAPI, a path parameter is never empty
    })
    if (matches) return { route, params }
  }
  return undefined
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

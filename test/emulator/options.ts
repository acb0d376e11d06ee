// The emulator's options: where the API reference (§5) leaves a behaviour open, each plausible answer
// is an option value, the default first.

import type { RequestLogEntry } from './http.ts'

export type DuplicatesMode = 'accept' | 'reject'
export type OtherTrunkConflict = '409' | '422'
export type TrunkAddStatus = 201 | 200
export type SoftDeletedMode = 'included' | 'omitted'
export type ListShape = 'bare' | 'envelope'
export type LegacyAgentIdMode = 'present' | 'absent'
export type FieldShown = 'present' | 'absent'
export type LegacyTrunkNumbersMode = 'included' | 'omitted' | 'null'
export type NotFoundBodies = 'legacy' | 'generic'
export type ForbiddenMode = 'bad-key' | 'not-authorised'
export type Compression = 'none' | 'gzip' | 'deflate' | 'br'
export type TrunkNumbersKey = 'numbers' | 'phone_numbers'
export type LegacyNameMode = 'present' | 'absent' | 'null'
export type LegacyAddIdKey = 'id' | 'phone_number_id'
export type TrunkProviderMode = 'accepted' | 'refused'

export interface EmulatorOptions {
  /** Every request must carry `Authorization: Bearer <apiKey>`; default 'test-key'. */
  apiKey?: string
  /** Legacy (`/sip-trunks`) trunk ids that exist; default ['trunk-1']. */
  trunks?: string[]
  /** New (`/trunk`) trunk ids that exist; default []. */
  newTrunks?: string[]
  /** Agent ids that exist; default []. */
  agents?: string[]
  /** A created record stays out of lists (and 404s on DELETE / mapping) for this long; default 0. */
  listLagMs?: number
  /** What a POST of a number already live on the same trunk does; default 'accept' (a duplicate). */
  duplicates?: DuplicatesMode
  /** How a POST of a number live on another (active) trunk is refused; default '409'. */
  otherTrunkConflict?: OtherTrunkConflict
  /** Status of a successful `POST /trunk/trunks/{id}/numbers`; default 201. */
  trunkAddStatus?: TrunkAddStatus
  /** Whether lists and trunk objects show soft-deleted rows; default 'included'. */
  softDeleted?: SoftDeletedMode
  /** Legacy `GET …/numbers` and the trunk lists: a bare array or `{"data":[…]}`; default 'bare'. */
  listShape?: ListShape
  /** Whether legacy number records on the wire carry `agent_id`; default 'present'. */
  legacyAgentId?: LegacyAgentIdMode
  /** Whether the numbers inside a `/trunk` trunk object carry `agent_id`; default 'present'. */
  trunkNumberAgentId?: FieldShown
  /** Whether the numbers inside a `/trunk` trunk object carry `destination_key`; default 'present'. */
  trunkNumberDestinationKey?: FieldShown
  /** `phone_numbers` of legacy trunk objects: the list, no such key ('omitted'), or `null`; default 'included'. */
  legacyTrunkNumbers?: LegacyTrunkNumbersMode
  /** §5 "/trunk trunk object: key of the numbers array": `numbers` or `phone_numbers`; default 'numbers'. */
  trunkNumbersKey?: TrunkNumbersKey
  /** §5 "Legacy records carrying name": whether legacy number records on the wire carry `name`: as stored, no such key, or `null`; default 'present'. */
  legacyName?: LegacyNameMode
  /** §5 "Legacy add response id key": the id key of the legacy add's answer; default 'id'. */
  legacyAddIdKey?: LegacyAddIdKey
  /** §5 "Telephony provider \"trunk\"": whether `PATCH /v2/agent/{id}` accepts it; default 'accepted'. */
  trunkProvider?: TrunkProviderMode
  /** 404 bodies: Bolna's texts or FastAPI's `{"detail":"Not Found"}`; default 'legacy'. */
  notFoundBodies?: NotFoundBodies
  /** 'not-authorised': every request with the right key is a 403 `{"detail":"Not authorised"}`; default 'bad-key'. */
  forbidden?: ForbiddenMode
  /** Trunk ids (either family) whose requests are a 403 `{"detail":"Not authorised"}`; default []. */
  forbiddenTrunks?: string[]
  /** Content-Encoding of every answer body, whatever the request's Accept-Encoding; default 'none'. */
  compression?: Compression
  /** Delay before every answer; default 0. */
  latencyMs?: number
  /** Requests per sliding 60 s window; default 0 = unlimited. */
  rateLimitPerMinute?: number
  /** Requests to `/v2/agent/{id}` per sliding 60 s window (a separate window); default 0 = unlimited. */
  agentRateLimitPerMinute?: number
  /** Whether the rate limiter's 429s carry Retry-After; default true. */
  rateLimitRetryAfter?: boolean
  /** Called with each request's log entry once its answer is decided (e.g. the CLI's --log). */
  onRequest?: (entry: RequestLogEntry) => void
  host?: string
  port?: number
}

/** The options in force; the routes read it on every request, so setOptions() applies at once. */
export interface Config {
  apiKey: string
  listLagMs: number
  duplicates: DuplicatesMode
  otherTrunkConflict: OtherTrunkConflict
  trunkAddStatus: TrunkAddStatus
  softDeleted: SoftDeletedMode
  listShape: ListShape
  legacyAgentId: LegacyAgentIdMode
  trunkNumberAgentId: FieldShown
  trunkNumberDestinationKey: FieldShown
  legacyTrunkNumbers: LegacyTrunkNumbersMode
  trunkNumbersKey: TrunkNumbersKey
  legacyName: LegacyNameMode
  legacyAddIdKey: LegacyAddIdKey
  trunkProvider: TrunkProviderMode
  notFoundBodies: NotFoundBodies
  forbidden: ForbiddenMode
  forbiddenTrunks: Set<string>
  compression: Compression
  latencyMs: number
  rateLimitPerMinute: number
  agentRateLimitPerMinute: number
  rateLimitRetryAfter: boolean
  onRequest: ((entry: RequestLogEntry) => void) | undefined
  host: string
  port: number
}

export function defaultConfig(): Config {
  return {
    apiKey: 'test-key',
    listLagMs: 0,
    duplicates: 'accept',
    otherTrunkConflict: '409',
    trunkAddStatus: 201,
    softDeleted: 'included',
    listShape: 'bare',
    legacyAgentId: 'present',
    trunkNumberAgentId: 'present',
    trunkNumberDestinationKey: 'present',
    legacyTrunkNumbers: 'included',
    trunkNumbersKey: 'numbers',
    legacyName: 'present',
    legacyAddIdKey: 'id',
    trunkProvider: 'accepted',
    notFoundBodies: 'legacy',
    forbidden: 'bad-key',
    forbiddenTrunks: new Set(),
    compression: 'none',
    latencyMs: 0,
    rateLimitPerMinute: 0,
    agentRateLimitPerMinute: 0,
    rateLimitRetryAfter: true,
    onRequest: undefined,
    host: '127.0.0.1',
    port: 0
  }
}

/** Copies the given options into config, checking each (a bad value throws before anything changes). */
export function applyOptions(config: Config, p: Partial<EmulatorOptions>): void {
  const next: Config = { ...config }
  if (p.apiKey !== undefined) next.apiKey = p.apiKey
  if (p.listLagMs !== undefined) next.listLagMs = nonNegative('listLagMs', p.listLagMs)
  if (p.duplicates !== undefined) next.duplicates = oneOf('duplicates', p.duplicates, ['accept', 'reject'])
  if (p.otherTrunkConflict !== undefined) next.otherTrunkConflict = oneOf('otherTrunkConflict', p.otherTrunkConflict, ['409', '422'])
  if (p.trunkAddStatus !== undefined) next.trunkAddStatus = oneOf('trunkAddStatus', p.trunkAddStatus, [201, 200])
  if (p.softDeleted !== undefined) next.softDeleted = oneOf('softDeleted', p.softDeleted, ['included', 'omitted'])
  if (p.listShape !== undefined) next.listShape = oneOf('listShape', p.listShape, ['bare', 'envelope'])
  if (p.legacyAgentId !== undefined) next.legacyAgentId = oneOf('legacyAgentId', p.legacyAgentId, ['present', 'absent'])
  if (p.trunkNumberAgentId !== undefined) next.trunkNumberAgentId = oneOf('trunkNumberAgentId', p.trunkNumberAgentId, ['present', 'absent'])
  if (p.trunkNumberDestinationKey !== undefined) {
    next.trunkNumberDestinationKey = oneOf('trunkNumberDestinationKey', p.trunkNumberDestinationKey, ['present', 'absent'])
  }
  if (p.legacyTrunkNumbers !== undefined) {
    next.legacyTrunkNumbers = oneOf('legacyTrunkNumbers', p.legacyTrunkNumbers, ['included', 'omitted', 'null'])
  }
  if (p.trunkNumbersKey !== undefined) next.trunkNumbersKey = oneOf('trunkNumbersKey', p.trunkNumbersKey, ['numbers', 'phone_numbers'])
  if (p.legacyName !== undefined) next.legacyName = oneOf('legacyName', p.legacyName, ['present', 'absent', 'null'])
  if (p.legacyAddIdKey !== undefined) next.legacyAddIdKey = oneOf('legacyAddIdKey', p.legacyAddIdKey, ['id', 'phone_number_id'])
  if (p.trunkProvider !== undefined) next.trunkProvider = oneOf('trunkProvider', p.trunkProvider, ['accepted', 'refused'])
  if (p.notFoundBodies !== undefined) next.notFoundBodies = oneOf('notFoundBodies', p.notFoundBodies, ['legacy', 'generic'])
  if (p.forbidden !== undefined) next.forbidden = oneOf('forbidden', p.forbidden, ['bad-key', 'not-authorised'])
  if (p.forbiddenTrunks !== undefined) next.forbiddenTrunks = new Set(p.forbiddenTrunks)
  if (p.compression !== undefined) next.compression = oneOf('compression', p.compression, ['none', 'gzip', 'deflate', 'br'])
  if (p.latencyMs !== undefined) next.latencyMs = nonNegative('latencyMs', p.latencyMs)
  if (p.rateLimitPerMinute !== undefined) next.rateLimitPerMinute = nonNegative('rateLimitPerMinute', p.rateLimitPerMinute)
  if (p.agentRateLimitPerMinute !== undefined) {
    next.agentRateLimitPerMinute = nonNegative('agentRateLimitPerMinute', p.agentRateLimitPerMinute)
  }
  if (p.rateLimitRetryAfter !== undefined) next.rateLimitRetryAfter = oneOf('rateLimitRetryAfter', p.rateLimitRetryAfter, [true, false])
  if (p.onRequest !== undefined) next.onRequest = p.onRequest
  if (p.host !== undefined) next.host = p.host
  if (p.port !== undefined) next.port = p.port
  Object.assign(config, next)
}

export function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0`)
  return value
}

function oneOf<T>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new RangeError(`${name} must be one of ${allowed.map(a => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value
}

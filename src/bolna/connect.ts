import { realClock } from '../clock.js'
import type { Clock } from '../clock.js'
import { Agents } from './agents.js'
import { BolnaClient } from './client.js'
import { HttpClient } from './http.js'
import type { Bolna } from './port.js'
import { RateLimiter } from './rate-limiter.js'
import { SipTrunksFamily } from './sip-trunks.js'
import { TrunkApiFamily } from './trunk.js'

export interface ConnectionSettings {
  token: string
  apiBaseUrl: URL
  timeoutMs: number
  maxRetries: number
  requestsPerMinute: number
  settleMs: number
}

/** Bolna limits `/v2/agent/{id}` to 500 requests a minute; the action stays under it with a margin. */
const AGENT_REQUESTS_PER_MINUTE = 450

/** The Bolna port over HTTP, both families sharing one connection pool and one rate limit. */
export function connectToBolna(settings: ConnectionSettings, debug?: (line: string) => void, clock: Clock = realClock): Bolna {
  const perMinute = settings.requestsPerMinute
  const http = new HttpClient({
    baseUrl: settings.apiBaseUrl,
    token: settings.token,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    limiter: new RateLimiter(perMinute, clock.sleep, clock.now),
    agentLimiter: perMinute > 0 ? new RateLimiter(Math.min(perMinute, AGENT_REQUESTS_PER_MINUTE), clock.sleep, clock.now) : undefined,
    sleep: clock.sleep,
    debug
  })
  const families = { 'sip-trunks': new SipTrunksFamily(http), trunk: new TrunkApiFamily(http) }
  return new BolnaClient(families, new Agents(http), { settleMs: settings.settleMs, maxRetries: settings.maxRetries, clock })
}

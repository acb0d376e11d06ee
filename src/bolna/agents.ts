import { BolnaApiError } from './errors.js'
import type { HttpClient } from './http.js'
import { segment } from './paths.js'
import { quote } from '../text.js'

/** Bolna's agent endpoints, shared by both trunk families (shared/bolna-api.md §3). */
export class Agents {
  constructor(private readonly http: HttpClient) {}

  /** Throws `agent-not-found` when Bolna has no such agent (for this key). */
  async check(agentId: string): Promise<void> {
    try {
      await this.http.request('GET', `/v2/agent/${segment(agentId)}`, undefined, 'idempotent', 'ignore')
    } catch (error) {
      throw agentNotFound(error, agentId)
    }
  }

  async setTelephonyProvider(agentId: string, provider: string): Promise<void> {
    const body = { agent_config: { telephony_provider: provider } }
    try {
      await this.http.request('PATCH', `/v2/agent/${segment(agentId)}`, body, 'idempotent', 'ignore')
    } catch (error) {
      throw agentNotFound(error, agentId)
    }
  }
}

function agentNotFound(error: unknown, agentId: string): unknown {
  if (!(error instanceof BolnaApiError) || error.kind !== 'not-found') return error
  const reason = error.details.reason ? ` (Bolna said: ${error.details.reason})` : ''
  return error.as('agent-not-found', `agent ${quote(agentId)} not found${reason}: check the agent id and that it belongs to the API key's account`)
}

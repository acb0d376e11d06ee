import * as z from 'zod/mini'
import { validAnswer } from './answers.js'
import { BolnaApiError, notFoundAs } from './errors.js'
import type { FamilyRequest } from './family.js'
import type { HttpClient } from './http.js'
import { segment } from './paths.js'
import { quote } from '../text.js'

/** `AgentV2` as far as the action reads it (shared/bolna-api.md §3.2). */
export const agentRecord = z.looseObject({
  tasks: z.nullish(
    z.array(
      z.looseObject({
        task_type: z.nullish(z.string()),
        tools_config: z.nullish(z.looseObject({ input: z.nullish(z.looseObject({ provider: z.nullish(z.string()) })) }))
      })
    )
  )
})

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

  /**
   * The provider the agent calls out through: the conversation task's `tools_config.input.provider`
   * (the GET has no `telephony_provider` field); undefined where the answer does not show it.
   */
  async provider(agentId: string): Promise<string | undefined> {
    const path = `/v2/agent/${segment(agentId)}`
    let body: unknown
    try {
      body = (await this.http.request('GET', path, undefined, 'idempotent')).body
    } catch (error) {
      throw agentNotFound(error, agentId)
    }
    const tasks = validAnswer(agentRecord, body, 'GET', path).tasks ?? []
    const task = tasks.find(t => t.task_type === 'conversation') ?? tasks[0]
    return task?.tools_config?.input?.provider ?? undefined
  }

  async setTelephonyProvider(agentId: string, provider: string): Promise<void> {
    const { method, path, body } = telephonyRequest(agentId, provider)
    try {
      await this.http.request(method, path, body, 'idempotent', 'ignore')
    } catch (error) {
      throw providerRefused(agentNotFound(error, agentId), agentId, provider)
    }
  }
}

/** Where Bolna's docs name the provider "trunk" for agents answering `/trunk` numbers. */
export const TRUNK_PROVIDER_DOCS = 'https://www.bolna.ai/docs/api-reference/trunks/add_number'

/**
 * A 400 or 422 to the provider "trunk": Bolna's docs name it (reference §1.7), but its OpenAPI enum
 * and its own clients know only "sip-trunk" (§5). Said as what it is, with both names, what to check
 * and the docs; never retried (a 4xx is not), and never swapped for "sip-trunk", the legacy trunks'.
 */
function providerRefused(error: unknown, agentId: string, provider: string): unknown {
  if (!(error instanceof BolnaApiError) || provider !== 'trunk' || (error.status !== 400 && error.status !== 422)) return error
  const said = error.details.reason ? `: ${error.details.reason}` : ''
  return error.as(
    'rejected',
    `Bolna refused the telephony provider "trunk" for agent ${quote(agentId)} (${error.status} on PATCH ${error.details.path}${said}). Bolna's docs name "trunk" as the provider of agents that answer numbers of its newer /trunk API, but its API schema lists only "sip-trunk", the provider of legacy /sip-trunks trunks. Check in Bolna's dashboard which provider the agent shows, that its account has the newer SIP trunks, and that the trunk was made with the /trunk API (${TRUNK_PROVIDER_DOCS}). The provider was not retried, nor set to "sip-trunk".`
  )
}

/** The write that sets an agent's telephony provider (also part of the plan's fingerprint). */
export function telephonyRequest(agentId: string, provider: string): FamilyRequest {
  return { method: 'PATCH', path: `/v2/agent/${segment(agentId)}`, body: { agent_config: { telephony_provider: provider } } }
}

function agentNotFound(error: unknown, agentId: string): unknown {
  return notFoundAs(
    error,
    'agent-not-found',
    said => `agent ${quote(agentId)} not found${said}: check the agent id and that it belongs to the API key's account`
  )
}

// Agents: `GET /v2/agent/{id}` (§3.2) and `PATCH /v2/agent/{id}` (§3.1).

import { fieldError, isObject, json, notFound, parseObjectBody } from './http.ts'
import type { JsonObject, Reply, RequestBody, Route, RouteContext } from './http.ts'
import { nowIso, setProvider } from './store.ts'
import type { StoredAgent } from './store.ts'

export function agentRoutes(ctx: RouteContext): Route[] {
  const { store, config } = ctx
  const agentNotFound = (): Reply => notFound(config.notFoundBodies, 'agent')

  /** `AgentV2`, flat; the provider sits in the conversation task's tools_config, as on the live GET. */
  function agentObject(a: StoredAgent): JsonObject {
    const io = { provider: a.provider, format: a.format }
    return {
      id: a.id,
      agent_name: a.name,
      agent_type: 'other',
      agent_status: 'processed',
      created_at: a.createdAt,
      updated_at: a.updatedAt,
      agent_prompts: {},
      tasks: [{ task_type: 'conversation', tools_config: { input: { ...io }, output: { ...io } } }]
    }
  }

  function getAgent(agentId: string): Reply {
    const agent = store.agents.get(agentId)
    return agent ? json(200, agentObject(agent)) : agentNotFound()
  }

  function patchAgent(agentId: string, raw: RequestBody): Reply {
    const body = parseObjectBody(raw)
    if ('reply' in body) return body.reply
    const config = body.value.agent_config
    if (config === undefined) return fieldError('agent_config', 'field required', 'missing')
    if (!isObject(config)) return fieldError('agent_config', 'Input should be a valid dictionary', 'dict_type')
    const agent = store.agents.get(agentId)
    if (!agent) return agentNotFound()
    if (ctx.config.trunkProvider === 'refused' && config.telephony_provider === 'trunk') return providerRefused()
    Object.assign(agent.config, structuredClone(config))
    // "the agent's audio input/output format is automatically updated to match the provider" (§3.1)
    if (typeof config.telephony_provider === 'string') setProvider(agent, config.telephony_provider)
    if (typeof config.agent_name === 'string') agent.name = config.agent_name
    agent.updatedAt = nowIso()
    return json(200, { message: 'success', state: 'updated' })
  }

  /** trunkProvider 'refused': the OpenAPI enum (OA:2915-2921), which has no "trunk", enforced as FastAPI would. */
  function providerRefused(): Reply {
    const msg = "Input should be 'twilio', 'plivo', 'exotel', 'vobiz', 'sip-trunk' or 'default'"
    return json(422, { detail: [{ loc: ['body', 'agent_config', 'telephony_provider'], msg, type: 'enum' }] })
  }

  return [
    {
      pattern: ['v2', 'agent', null],
      methods: {
        GET: ([agent = '']) => getAgent(agent),
        PATCH: ([agent = ''], body) => patchAgent(agent, body)
      }
    }
  ]
}

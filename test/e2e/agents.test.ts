import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'bolna-agent-key-31aa'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-1'], agents: ['agent-a', 'agent-b'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

async function act(inputs: Record<string, string> = {}, files?: Record<string, string>): Promise<ActionRun> {
  const single: Record<string, string> = files ? {} : { trunk_id: 'trunk-1', phone_number: '919876543210' }
  const run = await runAction({ inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', ...single, ...inputs }, files })
  expect(run.everything).not.toContain(KEY)
  return run
}
const calls = (path: string) => emulator.requests.filter(r => r.path === path)
const failure = (run: ActionRun) => annotations(run).join('\n')

describe('one number and its agent', () => {
  it('maps a new number to the agent and switches the agent to sip-trunk', async () => {
    const run = await act({ agent_id: 'agent-a', set_agent_telephony: 'true' })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ status: 'created', agent_status: 'mapped' })
    const [record] = emulator.records('trunk-1')
    expect(record!.agent_id).toBe('agent-a')
    expect(calls('/inbound/setup')[0]!.body).toEqual({ agent_id: 'agent-a', phone_number_id: record!.id })
    // The agent is read first (GET /v2/agent/{id}), then switched because it is on another provider.
    expect(calls('/v2/agent/agent-a').map(r => r.method)).toEqual(['GET', 'PATCH'])
    expect(calls('/v2/agent/agent-a')[1]).toMatchObject({ body: { agent_config: { telephony_provider: 'sip-trunk' } } })
    expect(run.outputs.telephony_status).toBe('switched')
    expect(emulator.agent('agent-a')!.agent_config).toMatchObject({ telephony_provider: 'sip-trunk' })
  })

  it('makes no write when the number already answers on that agent, and the agent is on the trunk provider', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: 'agent-a' })
    emulator.addAgent('agent-a', { provider: 'sip-trunk' })
    const run = await act({ agent_id: 'agent-a', set_agent_telephony: 'true' })
    expect(run.outputs).toMatchObject({ status: 'exists', agent_status: 'unchanged', telephony_status: 'unchanged' })
    expect(emulator.writes()).toHaveLength(0)
    expect(calls('/v2/agent/agent-a').map(r => r.method)).toEqual(['GET'])
  })

  it('set_agent_telephony converges on every run: an agent on another provider is switched though its mapping was already made', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: 'agent-a' })
    const run = await act({ agent_id: 'agent-a', set_agent_telephony: 'true' })
    expect(run.outputs).toMatchObject({ status: 'exists', agent_status: 'unchanged', telephony_status: 'switched' })
    expect(emulator.agent('agent-a')).toMatchObject({ provider: 'sip-trunk', format: 'ulaw' })
    expect(run.stdout).toContain('Switched agent "agent-a" to the sip-trunk telephony provider (from "plivo").')
  })

  it('without set_agent_telephony, an agent the run maps on another provider is a warning', async () => {
    const run = await act({ agent_id: 'agent-a' })
    expect(run.code).toBe(0)
    expect(annotations(run, 'warning').join('\n')).toContain(
      'Agent "agent-a" calls out through the "plivo" provider, not "sip-trunk": its outbound calls will not use the trunk. Set set_agent_telephony: true to switch it.'
    )
    expect(run.outputs.warnings).toBe('1')
    expect(emulator.writes().filter(r => r.path.startsWith('/v2/agent'))).toHaveLength(0)
  })

  it('remaps a number from another agent, saying so', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: 'agent-b' })
    const run = await act({ agent_id: 'agent-a' })
    expect(run.outputs.agent_status).toBe('mapped')
    expect(run.stdout).toContain('Moved "919876543210" from agent "agent-b" to "agent-a".')
    expect(emulator.records('trunk-1')[0]!.agent_id).toBe('agent-a')
  })

  it('an unknown agent fails naming it, and the number stays added', async () => {
    const run = await act({ agent_id: 'agent-zzz' })
    expect(run.code).toBe(1)
    const record = emulator.records('trunk-1')[0]!
    expect(failure(run)).toContain(
      `"919876543210" on trunk "trunk-1" (id "${record.id}"): the number was added, but mapping it to agent "agent-zzz" failed: agent "agent-zzz" not found`
    )
    expect(run.outputs).toMatchObject({ status: 'created', number_id: record.id, agent_status: 'failed' })
    expect(calls('/inbound/setup')).toHaveLength(1)
  })

  it('a number still lagging is mapped once Bolna knows it', async () => {
    emulator.setOptions({ listLagMs: 2500 })
    const run = await act({ agent_id: 'agent-a' })
    expect(run.code).toBe(0)
    expect(run.outputs.agent_status).toBe('mapped')
    expect(calls('/inbound/setup').length).toBeGreaterThan(1)
    expect(calls('/inbound/setup').at(-1)!.status).toBe(200)
  })

  it('gives up on a lagging number after settle_seconds, saying the number was added', async () => {
    emulator.setOptions({ listLagMs: 10_000 })
    const run = await act({ agent_id: 'agent-a', settle_seconds: '1' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      /"919876543210" on trunk "trunk-1" .*: the number was added, but mapping it to agent "agent-a" failed: POST \/inbound\/setup answered 404 Not Found/
    )
  })

  it('a failed switch to sip-trunk fails the step, but the number stays mapped and says so', async () => {
    emulator.injectFault({ kind: 'status', status: 500, method: 'PATCH', times: 10 })
    const run = await act({ agent_id: 'agent-a', set_agent_telephony: 'true', max_retries: '1' })
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ status: 'created', agent_status: 'mapped' })
    expect(failure(run)).toMatch(
      /"919876543210" on trunk "trunk-1" \(id "[^"]+"\): the number is mapped, but switching agent "agent-a" to the sip-trunk telephony provider failed: PATCH \/v2\/agent\/agent-a failed with 500/
    )
    expect(emulator.records('trunk-1')[0]!.agent_id).toBe('agent-a')
  })

  it('dry_run reports a mapping as planned and writes nothing', async () => {
    const run = await act({ agent_id: 'agent-a', dry_run: 'true' })
    expect(run.outputs).toMatchObject({ status: 'planned', agent_status: 'planned' })
    expect(emulator.writes()).toHaveLength(0)
  })

  it('set_agent_telephony without agent_id names both inputs', async () => {
    const run = await act({ set_agent_telephony: 'true' })
    expect(failure(run)).toContain('Input "set_agent_telephony" needs "agent_id"')
  })
})

describe('a numbers file with agents', () => {
  const file = `version: 1
trunks:
  - trunk_id: trunk-1
    numbers:
      - phone_number: "919876543210"
        agent_id: agent-a
      - phone_number: "918888888888"
        agent_id: agent-b
      - phone_number: "917777777777"
      - phone_number: "916666666666"
        agent_id: agent-a
`
  it('plans and applies mappings, the plan and results carrying the agent', async () => {
    emulator.seed('trunk-1', { phone_number: '918888888888', agent_id: 'agent-a' })
    const plan = await act({ numbers_file: 'n.yml', dry_run: 'true' }, { 'n.yml': file })
    expect(plan.stdout).toContain('+ "919876543210" agent "agent-a"')
    expect(plan.stdout).toContain('~ "918888888888" agent "agent-a" -> "agent-b"')
    expect(plan.stdout).toContain('(1 agent mapping(s) to change)')
    expect(JSON.parse(plan.outputs.plan!).changes[1]).toMatchObject({ action: 'keep', agent_id: 'agent-b', agent_change: { from: 'agent-a', to: 'agent-b' } })

    const apply = await act({ numbers_file: 'n.yml', set_agent_telephony: 'true' }, { 'n.yml': file })
    expect(apply.code).toBe(0)
    expect(JSON.parse(apply.outputs.results!)).toMatchObject([
      { phone_number: '919876543210', status: 'created', agent_id: 'agent-a', agent_status: 'mapped' },
      { phone_number: '918888888888', status: 'exists', agent_id: 'agent-b', agent_status: 'mapped' },
      { phone_number: '917777777777', status: 'created' },
      { phone_number: '916666666666', status: 'created', agent_id: 'agent-a', agent_status: 'mapped' }
    ])
    // Each agent read once and switched once.
    expect(calls('/v2/agent/agent-a').map(r => r.method)).toEqual(['GET', 'PATCH'])
    expect(calls('/v2/agent/agent-b').map(r => r.method)).toEqual(['GET', 'PATCH'])
    expect(JSON.parse(apply.outputs.results!).map((r: { telephony_status?: string }) => r.telephony_status)).toEqual([
      'switched',
      'switched',
      undefined,
      'switched'
    ])

    emulator.clearLog()
    const again = await act({ numbers_file: 'n.yml', set_agent_telephony: 'true' }, { 'n.yml': file })
    expect(again.code).toBe(0)
    expect(emulator.writes()).toHaveLength(0)
    expect(JSON.parse(again.outputs.results!)[0]).toMatchObject({ status: 'exists', agent_status: 'unchanged' })
  })

  it("a failed switch to sip-trunk marks that agent's entries and fails the step; the mappings stay", async () => {
    emulator.injectFault({ kind: 'status', status: 500, method: 'PATCH', path: '/v2/agent/agent-b', times: 10 })
    const run = await act({ numbers_file: 'n.yml', set_agent_telephony: 'true', max_retries: '1' }, { 'n.yml': file })
    expect(run.code).toBe(1)
    const results = JSON.parse(run.outputs.results!)
    expect(results[0]).toMatchObject({ agent_id: 'agent-a', agent_status: 'mapped', telephony_status: 'switched' })
    expect(results[1]).toMatchObject({ agent_id: 'agent-b', agent_status: 'mapped', telephony_status: 'failed' })
    expect(results[1].error).toContain('the number is mapped, but switching agent "agent-b" to the sip-trunk telephony provider failed')
    expect(failure(run)).toContain('1 of 4 entries failed')
    expect(emulator.records('trunk-1').find(r => r.phone_number === '918888888888')!.agent_id).toBe('agent-b')
  })

  it('an unknown agent fails that entry only', async () => {
    const run = await act({ numbers_file: 'n.yml' }, { 'n.yml': file.replace('agent-b', 'agent-nope') })
    expect(run.code).toBe(1)
    const results = JSON.parse(run.outputs.results!)
    expect(results[1]).toMatchObject({
      status: 'created',
      agent_status: 'failed',
      error: expect.stringContaining('the number was added, but mapping it to agent "agent-nope" failed')
    })
    expect(results[0]).toMatchObject({ agent_status: 'mapped' })
    expect(emulator.records('trunk-1')).toHaveLength(4)
  })
})

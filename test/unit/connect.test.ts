// connectToBolna: the port over HTTP as the action builds it (both families, one connection pool,
// the overall rate limit and the tighter one on /v2/agent/{id}), against the emulator, on a fake clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectToBolna } from '../../src/bolna/connect.js'
import type { ConnectionSettings } from '../../src/bolna/connect.js'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeClock } from '../fakes/bolna-families.ts'
import { trunk } from '../helpers/model.ts'

let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ trunks: ['t1'], newTrunks: ['3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b'], agents: ['ag1'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

function connect(overrides: Partial<ConnectionSettings> = {}, clock = new FakeClock(), debug?: (line: string) => void) {
  const settings: ConnectionSettings = {
    token: 'test-key',
    apiBaseUrl: new URL(emulator.url),
    timeoutMs: 2000,
    maxRetries: 1,
    requestsPerMinute: 0,
    settleMs: 1000,
    ...overrides
  }
  return { bolna: connectToBolna(settings, debug, clock), clock }
}

describe('connectToBolna', () => {
  it('reaches both families and the agent endpoints with the key, logging each request', async () => {
    const lines: string[] = []
    const { bolna } = connect({}, new FakeClock(), line => lines.push(line))
    const { number } = await bolna.addNumber(trunk('t1'), { e164: '+919876543210', withPlus: false, e164CheckEnabled: false }, [])
    await bolna.setAgent(trunk('t1'), number, 'ag1')
    await bolna.useTrunkTelephony('ag1', 'sip-trunks')
    const onTrunk = trunk('3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b', 'trunk')
    await bolna.addNumber(onTrunk, { e164: '+14155550100', withPlus: true, e164CheckEnabled: false, agentId: 'ag1' }, [])
    expect(await bolna.listNumbers(trunk('t1'))).toMatchObject([{ stored: '919876543210', agent: { kind: 'agent', id: 'ag1' } }])
    expect(await bolna.listNumbers(onTrunk)).toMatchObject([{ stored: '+14155550100', agent: { kind: 'agent', id: 'ag1' } }])
    const writes = emulator.requests.filter(r => r.method !== 'GET').map(r => `${r.method} ${r.path}`)
    expect(writes).toEqual([
      'POST /sip-trunks/trunks/t1/numbers',
      'POST /inbound/setup',
      'PATCH /v2/agent/ag1',
      'POST /trunk/trunks/3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b/numbers'
    ])
    expect(lines).toHaveLength(emulator.requests.length)
    expect(lines[0]).toMatch(/^POST \/sip-trunks\/trunks\/t1\/numbers -> 201 in \d+ ms$/)
  })

  it('a wrong key is refused', async () => {
    const { bolna } = connect({ token: 'wrong' })
    await expect(bolna.listNumbers(trunk('t1'))).rejects.toThrow(/403|401/)
  })

  it('the settle time and retry budget reach the client: a lost add is looked for, then added again once', async () => {
    emulator.injectFault({ kind: 'reset', method: 'POST', times: 5 })
    const { bolna, clock } = connect({ settleMs: 1000, maxRetries: 1 })
    await expect(bolna.addNumber(trunk('t1'), { e164: '+919876543210', withPlus: false, e164CheckEnabled: false }, [])).rejects.toThrow(
      /within 1 s \(settle_seconds\)/
    )
    expect(emulator.requests.filter(r => r.method === 'POST')).toHaveLength(2)
    // Looked at 0, 250, 750 and 1000 ms (the deadline) after each add.
    expect(clock.sleeps.filter(ms => ms === 250 || ms === 500)).toEqual([250, 500, 250, 250, 500, 250])
  })

  it('/v2/agent/{id} is held to 450 a minute, under an overall limit of 1000', async () => {
    const agentSleeps = new FakeClock()
    const agents = connect({ requestsPerMinute: 1000 }, agentSleeps).bolna
    for (let i = 0; i < 14; i++) await agents.useTrunkTelephony('ag1', 'trunk')
    const listSleeps = new FakeClock()
    const lists = connect({ requestsPerMinute: 1000 }, listSleeps).bolna
    for (let i = 0; i < 14; i++) await lists.listNumbers(trunk('t1'))
    const total = (clock: FakeClock) => clock.sleeps.reduce((a, b) => a + b, 0)
    // A burst of 10, then one every 60 s / 440 (agents) against 60 s / 990 (everything else).
    expect(total(listSleeps)).toBeGreaterThan(0)
    expect(total(agentSleeps)).toBeGreaterThan(1.8 * total(listSleeps))
  })
})

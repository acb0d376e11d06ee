// Trunks of any size: the answer limit is sized by what a trunk can hold (not a fixed 5 MiB), and a
// hostile answer (deeply nested or very wide JSON) is refused at once, before it is parsed.
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import { emulatedStep, failure } from '../helpers/emulated-step.ts'

const KEY = 'large-trunks-key-0b7f3d'
const LEGACY = 'trunk-1'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const step = (t: TestContext) => emulatedStep(t.onTestFinished, KEY, { trunks: [LEGACY], newTrunks: [NEW] })

const FAMILIES = [
  { api: 'sip-trunks', trunk: LEGACY, path: `/sip-trunks/trunks/${LEGACY}`, toString: () => 'sip-trunks' },
  { api: 'trunk', trunk: NEW, path: `/trunk/trunks/${NEW}`, toString: () => 'trunk' }
] as const

describe.concurrent('a trunk larger than 5 MiB as JSON', () => {
  it.for(FAMILIES)('%s: 25,000 numbers are read; a number on it is found, a new one added and verified', async (f, t) => {
    const { emulator, run } = await step(t)
    for (let i = 0; i < 25_000; i++) {
      emulator.seed(f.trunk, { phone_number: `+1415${String(2000000 + i)}`, name: `Support line ${i} of the large trunk` })
    }
    const exists = await run({ trunk_api: f.api, trunk_id: f.trunk, phone_number: '+14152000042' })
    expect(exists.code, failure(exists)).toBe(0)
    expect(exists.outputs.status).toBe('exists')
    const answer = emulator.requests.find(r => r.method === 'GET')
    expect(answer?.status).toBe(200)
    const added = await run({ trunk_api: f.api, trunk_id: f.trunk, phone_number: '+14159999999' })
    expect(added.code, failure(added)).toBe(0)
    expect(added.outputs.status).toBe('created')
    expect(emulator.numbers(f.trunk)).toHaveLength(25_001)
  })
})

describe.concurrent('a hostile answer', () => {
  const hostile = [
    {
      name: '5 MiB nested',
      body: `{"numbers":[],"phone_numbers":[],"x":${'['.repeat(2_600_000)}${']'.repeat(2_600_000)}}`,
      says: 'nested deeper than 64 levels'
    },
    { name: '5 MiB of empty objects', body: `{"numbers":[${'{},'.repeat(1_700_000)}{}],"phone_numbers":[]}`, says: 'with a list of more than 100000 items' },
    {
      name: '5 MiB of keys',
      body: `{"numbers":[],"phone_numbers":[],${Array.from({ length: 450_000 }, (_, i) => `"k${i}":1`).join(',')}}`,
      says: 'with an object of more than 1000 keys'
    }
  ].flatMap(h => FAMILIES.map(f => ({ ...h, f, toString: () => `${h.name} (${f.api})` })))

  it.for(hostile)('%s is refused at once, saying why', async ({ f, body, says }, t) => {
    const { emulator, run } = await step(t)
    emulator.injectFault({ kind: 'status', status: 200, method: 'GET', path: f.path, body, times: Infinity })
    const started = Date.now()
    const refused = await run({ trunk_api: f.api, trunk_id: f.trunk, phone_number: '+14152000042', max_retries: '0', timeout_seconds: '20' })
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain(says)
    expect(emulator.writes()).toEqual([])
  })
})

// Trunks of any size: the answer limit is sized by what a trunk can hold (not a fixed 5 MiB), and a
// hostile answer (deeply nested or very wide JSON) is refused at once, before it is parsed.
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import { emulatedStep, failure } from '../helpers/emulated-step.ts'
import { MB, measured } from '../helpers/peak-rss.ts'

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
    // The emulator shares this worker with other tests: reading 25,000 records is given time.
    const exists = await run({ trunk_api: f.api, trunk_id: f.trunk, phone_number: '+14152000042', timeout_seconds: '30' })
    expect(exists.code, failure(exists)).toBe(0)
    expect(exists.outputs.status).toBe('exists')
    const answer = emulator.requests.find(r => r.method === 'GET')
    expect(answer?.status).toBe(200)
    const added = await run({ trunk_api: f.api, trunk_id: f.trunk, phone_number: '+14159999999', timeout_seconds: '30' })
    expect(added.code, failure(added)).toBe(0)
    expect(added.outputs.status).toBe('created')
    expect(emulator.numbers(f.trunk)).toHaveLength(25_001)
  })
})

// One at a time, after the tests above: the emulator serving 50,000 records shares this worker.
describe('a trunk of 50,000 numbers', () => {
  it.for(FAMILIES)('%s: read, planned and applied (10 added, verified) within 300 MB of peak RSS', { timeout: 300_000 }, async (f, t) => {
    const { emulator, runFile } = await step(t)
    const phone = (i: number) => `+1${620 + Math.floor(i / 10_000)}555${String(i % 10_000).padStart(4, '0')}`
    const lines = [`version: 1\ntrunks:\n  - trunk_id: ${f.trunk}\n    api: ${f.api}\n    numbers:`]
    for (let i = 0; i < 50_010; i++) {
      lines.push(f.api === 'trunk' ? `      - phone_number: "${phone(i)}"` : `      - phone_number: "${phone(i)}"\n        name: Line ${i} of the large trunk`)
      if (i >= 50_000) continue
      if (f.api === 'trunk') emulator.seed(f.trunk, { e164: phone(i) })
      else emulator.seed(f.trunk, { phone_number: phone(i).slice(1), name: `Line ${i} of the large trunk` })
    }
    const rss = await measured()
    const run = await runFile(`${lines.join('\n')}\n`, { requests_per_minute: '0', concurrency: '8', timeout_seconds: '60' }, rss.env)
    expect(run.code, failure(run)).toBe(0)
    expect(run.outputs.created).toBe('10')
    expect(run.stdout).toContain('Verified: 1 trunk(s)')
    expect(emulator.numbers(f.trunk)).toHaveLength(50_010)
    expect(await rss.peakRss()).toBeLessThanOrEqual(300 * MB)
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
    const rss = await measured()
    const started = Date.now()
    const refused = await run({ trunk_api: f.api, trunk_id: f.trunk, phone_number: '+14152000042', max_retries: '0', timeout_seconds: '20' }, rss.env)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(await rss.peakRss()).toBeLessThanOrEqual(150 * MB)
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain(says)
    expect(emulator.writes()).toEqual([])
  })
})

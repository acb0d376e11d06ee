// How many requests a run sends, and how fast: requests_per_minute spaces them end to end, and a
// first apply reads each trunk once before it writes (and once more to verify).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { runAction } from '../helpers/run-action.ts'

const KEY = 'bolna-request-budget-key-3c9d'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a', 'trunk-b'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

const act = (inputs: Record<string, string>, files: Record<string, string>) =>
  runAction({ files, inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', ...inputs } })

const numbersOn = (trunk: string, count: number, first = 0) =>
  [`  - trunk_id: ${trunk}`, '    numbers:', ...Array.from({ length: count }, (_, i) => `      - phone_number: "+9198${String(10_000_000 + first + i)}"`)].join(
    '\n'
  )

describe('the requests a run sends', () => {
  it('requests_per_minute is honoured end to end: 300 a minute spaces 32 requests over more than 3.5 s', async () => {
    // A burst of 10, then one every 60 s / 290: 22 more requests take ~4.5 s; the default 900 would take ~1.5 s.
    const file = `version: 1\ntrunks:\n${numbersOn('trunk-a', 30)}\n`
    const run = await act({ numbers_file: 'n.yml', requests_per_minute: '300' }, { 'n.yml': file })
    expect(run.code).toBe(0)
    expect(emulator.requests).toHaveLength(32)
    const span = emulator.requests.at(-1)!.at - emulator.requests[0]!.at
    expect(span).toBeGreaterThan(3500)
  })

  it('a first apply reads each trunk once before writing (and once more to verify)', async () => {
    const file = `version: 1\ntrunks:\n${numbersOn('trunk-a', 3)}\n${numbersOn('trunk-b', 3, 10)}\n`
    const run = await act({ numbers_file: 'n.yml', concurrency: '8' }, { 'n.yml': file })
    expect(run.code).toBe(0)
    const firstWrite = emulator.requests.findIndex(r => r.method === 'POST')
    const reads = (until?: number) =>
      emulator.requests
        .slice(0, until)
        .filter(r => r.method === 'GET')
        .map(r => r.path)
    expect(reads(firstWrite).sort()).toEqual(['/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-b'])
    expect(reads().sort()).toEqual(['/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-b', '/sip-trunks/trunks/trunk-b'])
  })
})

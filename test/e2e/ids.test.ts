// Ids are checked before any request: a trunk, agent or number id holding a path separator, a query
// or fragment mark, a percent sign, whitespace or a control character is refused, naming the input
// or the file's line, and ids Bolna answers with are never sent either (the record is reported).
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import { emulatedStep, failure } from '../helpers/emulated-step.ts'

const KEY = 'ids-key-91c3e0'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const step = (t: TestContext) => emulatedStep(t.onTestFinished, KEY, { trunks: ['trunk-1'], newTrunks: [NEW], agents: ['agent-a'] })

const BAD = [
  { id: 'trunk-1/../trunk-2', shows: '"/"' },
  { id: 'trunk-1\\x', shows: '"\\"' },
  { id: 'trunk-1?x=1', shows: '"?"' },
  { id: 'trunk-1#x', shows: '"#"' },
  // A workflow command writes "%" as "%25".
  { id: 'trunk-1%2F..', shows: '"%25"' },
  { id: 'trunk 1', shows: 'a space' },
  { id: 'trunk-1\u0007', shows: 'control character' },
  { id: 'trunk-1\u200b', shows: 'a control character (U+200B)' },
  { id: 'trunk-1\u00a0x', shows: 'whitespace (U+00A0)' }
].map(c => ({ ...c, toString: () => JSON.stringify(c.id) }))

describe.concurrent('ids from the inputs', () => {
  it.for(BAD)('trunk_id %s is refused before any request, naming the input', async ({ id, shows }, t) => {
    const { emulator, run } = await step(t)
    const refused = await run({ trunk_id: id, phone_number: '+14155550100' })
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain('trunk_id')
    expect(failure(refused)).toContain(shows)
    expect(emulator.requests).toEqual([])
  })

  it('agent_id with a "/" is refused before any request', async t => {
    const { emulator, run } = await step(t)
    const refused = await run({ trunk_id: 'trunk-1', phone_number: '+14155550100', agent_id: 'agent-a/../x' })
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain('agent_id')
    expect(failure(refused)).toContain('holds "/"')
    expect(emulator.requests).toEqual([])
  })

  it('export: a trunk_id with a "?" is refused before any request', async t => {
    const { emulator, run } = await step(t)
    const refused = await run({ export_file: 'out.yml', trunk_id: 'trunk-1?all=1' })
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain('holds "?"')
    expect(emulator.requests).toEqual([])
  })
})

describe.concurrent('ids in a numbers file', () => {
  it('a trunk_id and an agent_id that could change the path are refused on their lines; nothing is sent', async t => {
    const { emulator, runFile } = await step(t)
    const file = [
      'version: 1',
      'trunks:',
      '  - trunk_id: "trunk-1%2F..%2Ftrunk-2"',
      '    numbers:',
      '      - phone_number: "+14155550100"',
      '        agent_id: "agent-a#x"',
      ''
    ].join('\n')
    const refused = await runFile(file)
    expect(refused.code).toBe(1)
    // A workflow command writes "%" as "%25".
    expect(refused.stdout).toMatch(/::error [^\n]*file=numbers\.yml,line=3::trunks\[0\]\.trunk_id holds "%25"/)
    expect(refused.stdout).toMatch(/::error [^\n]*file=numbers\.yml,line=6::trunks\[0\]\.numbers\[0\]\.agent_id holds "#"/)
    expect(emulator.requests).toEqual([])
  })
})

describe.concurrent('ids read back from Bolna', () => {
  it('legacy: a duplicate record whose id holds "/" is reported, and no request carries it', async t => {
    const { emulator, runFile } = await step(t)
    emulator.seed('trunk-1', { phone_number: '+14155550100', created_at: '2026-01-01T00:00:00.000Z' })
    emulator.seed('trunk-1', { phone_number: '+14155550100', id: '../../trunks/trunk-2', created_at: '2026-02-01T00:00:00.000Z' })
    const run = await runFile(['version: 1', 'trunks:', '  - trunk_id: trunk-1', '    numbers:', '      - phone_number: "+14155550100"', ''].join('\n'))
    expect(run.code).toBe(1)
    expect(emulator.requests.filter(r => r.method !== 'GET')).toEqual([])
    expect(failure(run)).toContain('the id "../../trunks/trunk-2" holds "/"')
    expect(failure(run)).toContain('it was not sent')
  })

  it('/trunk: a number whose id holds "?" is not mapped; the entry says why', async t => {
    const { emulator, runFile } = await step(t)
    emulator.seed(NEW, { e164: '+14155550100', id: 'n1?agent_id=agent-a' })
    const file = [
      'version: 1',
      'trunks:',
      `  - trunk_id: "${NEW}"`,
      '    api: trunk',
      '    numbers:',
      '      - phone_number: "+14155550100"',
      '        agent_id: agent-a',
      ''
    ].join('\n')
    const run = await runFile(file)
    expect(run.code).toBe(1)
    expect(emulator.requests.filter(r => r.method !== 'GET')).toEqual([])
    expect(failure(run)).toContain('holds "?"')
    const results = JSON.parse(run.outputs.results ?? '[]') as { agent_status?: string }[]
    expect(results[0]).toMatchObject({ agent_status: 'failed' })
  })
})

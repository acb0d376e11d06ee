import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { InputError, readSettings } from '../../src/inputs.js'
import { parseNumbersFile } from '../../src/numbers-file.js'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { actionYml, annotations, runAction } from '../helpers/run-action.ts'

const TOKEN = 'fuzz-token-c4f1e2'
const NAMES = [
  'trunk_id',
  'phone_number',
  'name',
  'e164_check_enabled',
  'if_exists',
  'agent_id',
  'set_agent_telephony',
  'numbers_file',
  'prune',
  'max_deletes',
  'concurrency',
  'requests_per_minute',
  'fail_on_drift',
  'pr_comment',
  'dry_run',
  'api_base_url',
  'timeout_seconds',
  'max_retries',
  'settle_seconds'
]

/** Strings users and attackers type: unicode, control characters, huge values, near-misses. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\t', '\u0000', '\u001b', ':', '%', '/', '.', '?', '#', ' ', '+', '9', '-', '\u2028', '\u202e') }),
  fc.constantFrom(
    'true',
    'TRUE',
    'yes',
    '1',
    '-1',
    '0',
    '1e3',
    'NaN',
    'Infinity',
    '9'.repeat(400),
    '../../etc',
    '%2e%2e',
    '::error::x',
    'http://10.0.0.1',
    'https://api.bolna.ai/',
    '+919876543210'
  ),
  fc.string({ minLength: 5_000, maxLength: 20_000 })
)
/** Texts built from pieces of a numbers file and of YAML syntax, plus workflow-command bait. */
const yamlish = fc.string({
  unit: fc.constantFrom(
    'version: 1\n',
    'trunks:\n',
    '  - trunk_id: t\n',
    '    numbers:\n',
    '      - phone_number: "919876543210"\n',
    '        name: ',
    '::error::',
    '- ',
    ': ',
    '[',
    '{',
    '"',
    '&a ',
    '*a',
    '!!binary ',
    '\t',
    '\n',
    '  '
  )
})

const inputsArb = fc.record(Object.fromEntries(NAMES.map(n => [n, nasty])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>

describe('fuzzed inputs, in process', () => {
  beforeAll(() => void vi.spyOn(process.stdout, 'write').mockImplementation(() => true))
  afterAll(() => vi.restoreAllMocks())

  it('readSettings either gives settings or one InputError line naming an input, never the token', () => {
    fc.assert(
      fc.property(inputsArb, fc.boolean(), (inputs, useSingle) => {
        const all: Record<string, string> = { token: TOKEN, ...(useSingle ? { trunk_id: 't', phone_number: '919876543210' } : {}), ...inputs }
        try {
          readSettings(name => all[name]?.trim() ?? '', {})
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          const message = (error as Error).message
          expect(message).not.toContain('\n')
          expect(message).not.toContain(TOKEN)
          expect(message).toMatch(/^Input "[a-z_0-9]+"|^No Bolna API key/)
          expect(message.length).toBeLessThan(600)
        }
      }),
      { numRuns: 1_000 }
    )
  })

  it('parseNumbersFile never throws, whatever the text', async () => {
    const texts = fc.oneof(
      fc.string(),
      yamlish,
      fc.jsonValue().map(v => JSON.stringify(v)),
      fc
        .record({
          version: fc.jsonValue(),
          trunks: fc.array(fc.record({ trunk_id: fc.jsonValue(), numbers: fc.array(fc.dictionary(fc.string(), fc.jsonValue())) }))
        })
        .map(v => JSON.stringify(v))
    )
    await fc.assert(
      fc.asyncProperty(texts, async text => {
        const result = await parseNumbersFile(text)
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0)
          for (const p of result.problems) expect(p.line === undefined || p.line >= 1).toBe(true)
        }
      }),
      { numRuns: 800 }
    )
  })
})

describe('fuzzed inputs, end to end through dist/', () => {
  let emulator: BolnaEmulator
  beforeAll(async () => {
    emulator = new BolnaEmulator({ apiKey: TOKEN, trunks: ['t'] })
    await emulator.start()
  })
  afterAll(() => emulator.stop())

  it('exits 0 or 1 with a one-line reason, no stack trace, no token, no malformed request path', async () => {
    const names = Object.keys((await actionYml()).inputs).filter(n => n !== 'token' && n !== 'github_token' && n !== 'api_base_url')
    const cases = fc.sample(
      fc.record(Object.fromEntries(names.map(n => [n, nasty.map(v => v.replaceAll('\u0000', '').slice(0, 20_000))])), { requiredKeys: [] }),
      { numRuns: 24, seed: 7 }
    )
    for (const fuzzed of cases as Record<string, string>[]) {
      const base = { token: TOKEN, api_base_url: emulator.url, timeout_seconds: '2', max_retries: '0', trunk_id: 't', phone_number: '919876543210' }
      const run = await runAction({ inputs: { ...base, ...fuzzed } })
      expect([0, 1]).toContain(run.code)
      expect(run.everything).not.toContain(TOKEN)
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+|node:internal|TypeError|ReferenceError/)
      if (run.code === 1) {
        const failures = annotations(run).filter(line => line.startsWith('::error::'))
        expect(failures, JSON.stringify(fuzzed).slice(0, 300)).toHaveLength(1)
      }
    }
    // Ids holding a path character, whitespace or a percent sign are refused before any request.
    const unsafeIds = fc.sample(
      fc.tuple(
        fc.string({ unit: fc.constantFrom('a', '0', '.'), maxLength: 8 }),
        fc.constantFrom('/', '?', '#', '%', ' ', '\\', '\t'),
        fc.string({ maxLength: 8 })
      ),
      { numRuns: 8, seed: 17 }
    )
    for (const [head, bad, tail] of unsafeIds) {
      const before = emulator.requests.length
      const run = await runAction({ inputs: { token: TOKEN, api_base_url: emulator.url, trunk_id: `${head}${bad}${tail}`, phone_number: '919876543299' } })
      expect(run.code).toBe(1)
      expect(emulator.requests.length).toBe(before)
    }
    // Ids and names that pass the input checks reach the API: their requests must keep their shape.
    const emulatorIds = fc.string({
      unit: fc.constantFrom('a', 'Z', '0', '.', ';', '&', '=', '+', 'ü', '😀', ':', '@', '-', '_'),
      minLength: 1,
      maxLength: 24
    })
    const ids = fc.sample(fc.tuple(emulatorIds, emulatorIds, fc.string({ maxLength: 40 })), { numRuns: 12, seed: 13 })
    for (const [i, [trunk, agent, name]] of ids.entries()) {
      if (trunk === '.' || trunk === '..') continue
      emulator.addTrunk(trunk)
      emulator.addAgent(agent)
      const run = await runAction({
        inputs: { token: TOKEN, api_base_url: emulator.url, trunk_id: trunk, phone_number: `91987654${String(3000 + i)}`, agent_id: agent, name }
      })
      expect([0, 1]).toContain(run.code)
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+|node:internal|TypeError|ReferenceError/)
    }
    expect(emulator.requests.filter(r => r.method === 'POST').length).toBeGreaterThan(5)

    const files = fc.sample(fc.oneof(nasty, yamlish), { numRuns: 10, seed: 11 })
    for (const text of files) {
      const run = await runAction({ inputs: { token: TOKEN, api_base_url: emulator.url, numbers_file: 'n.yml', max_retries: '0' }, files: { 'n.yml': text } })
      expect([0, 1]).toContain(run.code)
      expect(run.everything).not.toContain(TOKEN)
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+|node:internal|TypeError|ReferenceError/)
      if (run.code === 1) expect(annotations(run).filter(line => line.startsWith('::error::'))).toHaveLength(1)
    }
    for (const request of emulator.requests) {
      expect(request.path).toMatch(/^\/(sip-trunks\/trunks\/[^/?#]+(\/numbers(\/[^/?#]+)?)?|inbound\/(setup|unlink)|v2\/agent\/[^/?#]+)$/)
    }
  }, 300_000) // 46 runs of the action, one after the other: generous on a loaded 2-core machine
})

// The contract check (src/contract.ts) against the emulator: with all defaults it reports no
// difference; with each §5 option turned on in turn it reports exactly that option's difference
// and no other; and it never writes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { validAnswer } from '../../src/bolna/answers.js'
import { listenForDrift } from '../../src/bolna/drift.js'
import type { Drift } from '../../src/bolna/drift.js'
import { HttpClient } from '../../src/bolna/http.js'
import { records as legacyRecords } from '../../src/bolna/sip-trunks.js'
import { trunkRecord } from '../../src/bolna/trunk.js'
import type { TrunkRef } from '../../src/bolna/port.js'
import { realClock } from '../../src/clock.js'
import { checkApi, checkMarkdown, checkText, masked } from '../../src/contract.js'
import { contractCli } from '../../src/contract-cli.js'
import { probeWrites } from '../../src/contract-probe.js'
import type { CheckReport } from '../../src/contract.js'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import type { EmulatorOptions } from '../emulator/bolna-emulator.ts'

const KEY = 'contract-key-7c1f'
const LEGACY = '01HQXYZ123ABC456DEF'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const TRUNKS: TrunkRef[] = [
  { id: LEGACY, api: 'sip-trunks' },
  { id: NEW, api: 'trunk' }
]

let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: [LEGACY], newTrunks: [NEW], agents: ['agent-1'] })
  await emulator.start()
  // A number on each trunk, with a name and an agent: the fields §5 asks about have records to show in.
  emulator.seed(LEGACY, { phone_number: '919876543210', name: 'Mumbai Support Line', agent_id: 'agent-1' })
  emulator.seed(LEGACY, { phone_number: '919876500000', deleted: true })
  emulator.seed(NEW, { e164: '+12025550143', agent_id: 'agent-1' })
})
afterEach(() => emulator.stop())

function http(): HttpClient {
  return new HttpClient({ baseUrl: new URL(emulator.url), token: KEY, timeoutMs: 5_000, maxRetries: 0 })
}

const check = (): Promise<CheckReport> => checkApi(http(), { trunks: TRUNKS, agentId: 'agent-1' })
const options = (report: CheckReport): string[] => [...new Set(report.differences.map(d => d.option ?? `(no option) ${d.call}: ${d.what}`))]

/**
 * Each row of shared/bolna-api.md §5 with its emulator option turned on, and the difference the
 * read-only check must report: the same option, or none where only a write would show it (the
 * write probe's table covers those it can).
 */
const ROWS: Array<{ row: string; set: Partial<EmulatorOptions>; reports: string | null }> = [
  { row: 'Same number added twice to the same trunk', set: { duplicates: 'reject' }, reports: null },
  { row: 'A number on another trunk', set: { otherTrunkConflict: '422' }, reports: null },
  { row: '/trunk add-number status', set: { trunkAddStatus: 200 }, reports: null },
  { row: '/trunk trunk object: key of the numbers array', set: { trunkNumbersKey: 'phone_numbers' }, reports: "trunkNumbersKey: 'phone_numbers'" },
  { row: 'Legacy records carrying name', set: { legacyName: 'absent' }, reports: "legacyName: 'absent'" },
  { row: 'Telephony provider "trunk"', set: { trunkProvider: 'refused' }, reports: null },
  { row: 'Legacy add response id key', set: { legacyAddIdKey: 'phone_number_id' }, reports: null },
  { row: 'Soft-deleted rows in lists', set: { softDeleted: 'omitted' }, reports: null },
  { row: 'List answer shape', set: { listShape: 'envelope' }, reports: "listShape: 'envelope'" },
  { row: 'Legacy records carrying agent_id', set: { legacyAgentId: 'absent' }, reports: "legacyAgentId: 'absent'" },
  { row: '/trunk numbers carrying agent_id', set: { trunkNumberAgentId: 'absent' }, reports: "trunkNumberAgentId: 'absent'" },
  { row: '/trunk numbers carrying destination_key', set: { trunkNumberDestinationKey: 'absent' }, reports: "trunkNumberDestinationKey: 'absent'" },
  { row: 'Legacy records with name null (a read cannot tell it from no name)', set: { legacyName: 'null' }, reports: null },
  { row: 'List lag after an add', set: { listLagMs: 2_000 }, reports: null },
  { row: '404 bodies', set: { notFoundBodies: 'generic' }, reports: "notFoundBodies: 'generic'" },
  { row: '403', set: { forbidden: 'not-authorised' }, reports: "forbidden: 'not-authorised'" },
  { row: 'Compressed answers (gzip)', set: { compression: 'gzip' }, reports: "compression: 'gzip'" },
  { row: 'Compressed answers (br)', set: { compression: 'br' }, reports: "compression: 'br'" },
  { row: 'Legacy trunk object without phone_numbers', set: { legacyTrunkNumbers: 'omitted' }, reports: "legacyTrunkNumbers: 'omitted'" },
  { row: 'Legacy trunk object with phone_numbers null', set: { legacyTrunkNumbers: 'null' }, reports: "legacyTrunkNumbers: 'null'" },
  { row: 'Rate limit', set: { rateLimitPerMinute: 1_000, rateLimitRetryAfter: false }, reports: null }
]

describe('the read-only contract check against the emulator', () => {
  it('reports no difference with every default, reads every field the action relies on, and writes nothing', async () => {
    const report = await check()
    expect(report.differences).toEqual([])
    expect(report.failed).toBe(0)
    expect(report.calls.map(c => `${c.call} -> ${c.status}`)).toEqual([
      'GET /sip-trunks/trunks -> 200',
      `GET /sip-trunks/trunks/${LEGACY} -> 200`,
      `GET /sip-trunks/trunks/${LEGACY}/numbers -> 200`,
      'GET /sip-trunks/trunks/contract-check-no-such-trunk -> 404',
      'GET /trunk/trunks -> 200',
      `GET /trunk/trunks/${NEW} -> 200`,
      'GET /trunk/trunks/00000000-0000-4000-8000-000000000000 -> 404',
      'GET /v2/agent/agent-1 -> 200'
    ])
    const fieldsOf = (call: string) => report.calls.find(c => c.call === call)?.fields.map(f => `${f.field} ${f.state} ${f.found}/${f.of}`)
    expect(fieldsOf(`GET /sip-trunks/trunks/${LEGACY}`)).toEqual([
      'phone_numbers found 1/1',
      'phone_numbers[].id found 2/2',
      'phone_numbers[].phone_number found 2/2',
      'phone_numbers[].name found 2/2',
      'phone_numbers[].deleted found 2/2',
      'phone_numbers[].agent_id found 2/2',
      'phone_numbers[].created_at found 2/2',
      'is_active found 1/1',
      'inbound_enabled found 1/1'
    ])
    expect(fieldsOf('GET /v2/agent/agent-1')).toContain('tasks[].tools_config.input.provider found 1/1')
    expect(emulator.requests.every(r => r.method === 'GET')).toBe(true)
  })

  it.each(ROWS)('§5 "$row": reports exactly that difference and no other, and writes nothing', async ({ set, reports }) => {
    emulator.setOptions(set)
    const report = await check()
    expect(options(report)).toEqual(reports === null ? [] : [reports])
    expect(emulator.writes()).toEqual([])
  })

  it('reports a field of another type and a field it does not know, without an option to blame', async () => {
    emulator.injectFault({
      kind: 'status',
      status: 200,
      path: `/trunk/trunks/${NEW}`,
      body: JSON.stringify({ numbers: [{ id: 7, e164: '+12025550143' }], novel: 1 })
    })
    const report = await check()
    const whats = report.differences.map(d => `${d.what}${d.option ? ` [${d.option}]` : ''}`)
    expect(whats).toEqual(expect.arrayContaining(['numbers[].id: other type (number)', "novel: a field Bolna's documentation does not name"]))
    expect(report.differences.filter(d => d.field).map(d => d.what)).toContain('numbers[].id: other type (number)')
  })
})

describe('what the report shows', () => {
  it('masks numbers but their last 4 digits, shows ids in full, and never the key', async () => {
    const report = await check()
    const markdown = checkMarkdown(report)
    const text = checkText(report)
    for (const out of [markdown, text]) {
      expect(out).not.toContain(KEY)
      expect(out).not.toMatch(/9876543210|2025550143|Mumbai/)
      expect(out).toContain(LEGACY)
      expect(out).toContain('agent-1')
    }
    expect(text).toContain('••••••••3210')
    expect(text).toContain('+•••••••0143')
    expect(text).toContain('text (19 characters)')
    expect(masked('+91 98765-43210')).toBe('+••••••••3210')
    expect(masked('12')).toBe('12')
  })

  it('says each difference with its emulator option, in Markdown cells that cannot break the table', async () => {
    emulator.setOptions({ legacyName: 'absent' })
    const markdown = checkMarkdown(await check())
    expect(markdown).toContain('### Bolna API check: 2 difference\\(s\\)')
    expect(markdown).toMatch(/phone\\_numbers\\\[\\\]\.name: missing in 2 of 2 records \| legacyName: 'absent' \|/)
    for (const line of markdown.split('\n').filter(l => l.startsWith('|'))) expect(line.split(/(?<!\\)\|/).length).toBeGreaterThanOrEqual(4)
  })
})

/** The write probe's rows: the §5 options only a write shows, on the family each applies to. */
const PROBE_ROWS: Array<{ row: string; api: 'sip-trunks' | 'trunk'; set: Partial<EmulatorOptions>; reports: RegExp | null }> = [
  { row: 'defaults (legacy)', api: 'sip-trunks', set: {}, reports: null },
  { row: 'defaults (/trunk)', api: 'trunk', set: {}, reports: null },
  { row: '/trunk add-number status', api: 'trunk', set: { trunkAddStatus: 200 }, reports: /^trunkAddStatus: 200$/ },
  { row: 'Legacy add response id key', api: 'sip-trunks', set: { legacyAddIdKey: 'phone_number_id' }, reports: /^legacyAddIdKey: 'phone_number_id'$/ },
  { row: 'Soft-deleted rows in lists (legacy)', api: 'sip-trunks', set: { softDeleted: 'omitted' }, reports: /^softDeleted: 'omitted'$/ },
  { row: 'Soft-deleted rows in lists (/trunk)', api: 'trunk', set: { softDeleted: 'omitted' }, reports: /^softDeleted: 'omitted'$/ },
  { row: 'List lag after an add', api: 'sip-trunks', set: { listLagMs: 1_500 }, reports: /^listLagMs: \d{4}$/ },
  { row: 'Legacy records carrying name', api: 'sip-trunks', set: { legacyName: 'absent' }, reports: /^legacyName: 'absent'$/ },
  { row: 'Legacy records with name null', api: 'sip-trunks', set: { legacyName: 'null' }, reports: /^legacyName: 'null'$/ },
  { row: 'Same number added twice (not seen: one add)', api: 'sip-trunks', set: { duplicates: 'reject' }, reports: null }
]

describe('the write probe against the emulator', () => {
  it.each(PROBE_ROWS)('$row: reports exactly that difference, and leaves the trunk as it was', async ({ api, set, reports }) => {
    emulator.setOptions(set)
    const trunk = TRUNKS.find(t => t.api === api) as TrunkRef
    const before = emulator.numbers(trunk.id)
    const probe = await probeWrites(http(), trunk, '+14155550100', { settleMs: 5_000, clock: realClock, pollMs: 100 })
    expect(probe.failed, probe.lines.join('\n')).toBe(false)
    const found = [...new Set(probe.differences.map(d => d.option ?? `(no option) ${d.what}`))]
    if (reports === null) expect(found).toEqual([])
    else expect(found).toEqual([expect.stringMatching(reports)])
    expect(emulator.numbers(trunk.id)).toEqual(before)
    expect(emulator.writes().map(w => w.method)).toEqual(['POST', 'DELETE'])
  })

  it('records the add status, the answer keys, and when the list showed the number', async () => {
    emulator.setOptions({ listLagMs: 1_200 })
    const probe = await probeWrites(http(), TRUNKS[0] as TrunkRef, '+14155550100', { settleMs: 5_000, clock: realClock, pollMs: 100 })
    expect(probe.lines[0]).toMatch(
      /^POST \/sip-trunks\/trunks\/01HQXYZ123ABC456DEF\/numbers -> 201; answer keys: agent_id, byot_trunk_id, created_at, .*phone_number/
    )
    expect(probe.lines[1]).toMatch(/^the trunk showed \+•••••••0100 after about \d+ ms \(\d+ reads\)$/)
    expect(probe.lines.join('\n')).not.toContain('4155550100')
  })

  it('refuses a number the trunk already holds, without writing', async () => {
    const probe = await probeWrites(http(), TRUNKS[0] as TrunkRef, '+919876543210', { settleMs: 1_000, clock: realClock })
    expect([probe.failed, probe.lines]).toEqual([true, [expect.stringMatching(/is already on trunk/)]])
    expect(emulator.writes()).toEqual([])
  })
})

describe('npm run contract', () => {
  async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const code = await contractCli(
      argv,
      { BOLNA_API_KEY: KEY, BOLNA_API_BASE_URL: emulator.url, ...env },
      {
        out: t => {
          out += t
        },
        err: t => {
          err += t
        },
        clock: realClock
      }
    )
    return { code, out, err }
  }

  it('prints the table and exits 0 when every field is there, 1 when one the action relies on is missing', async () => {
    const ok = await cli(['--trunk', LEGACY, '--agent', 'agent-1'])
    expect([ok.code, ok.err]).toEqual([0, ''])
    expect(ok.out).toMatch(/^Bolna API check: no difference/)
    expect(ok.out).toContain('phone_numbers[].agent_id')
    emulator.setOptions({ legacyAgentId: 'absent' })
    const drift = await cli(['--trunk', LEGACY])
    expect(drift.code).toBe(1)
    expect(drift.out).toContain("[emulator option legacyAgentId: 'absent']")
    emulator.setOptions({ legacyAgentId: 'present', listShape: 'envelope' })
    expect((await cli(['--trunk', LEGACY])).code).toBe(0) // a difference, but no field the action relies on
    expect(emulator.writes()).toEqual([])
  })

  it('takes the trunk and its family from the environment, and exits 2 when a read fails', async () => {
    expect((await cli([], { BOLNA_TRUNK_ID: NEW, BOLNA_TRUNK_API: 'trunk' })).code).toBe(0)
    const refused = await cli(['--trunk', LEGACY], { BOLNA_API_KEY: 'wrong-key-123456' })
    expect(refused.code).toBe(2)
    expect(refused.out).toContain('403')
    expect(refused.out + refused.err).not.toContain('wrong-key-123456')
  })

  it('refuses to write without a --number and one --trunk named on the command line, and without a key', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--write', '--trunk', LEGACY], {}, /--write needs --number/],
      [['--write', '--number', '+14155550100'], { BOLNA_TRUNK_ID: LEGACY }, /--write needs exactly one --trunk/],
      [['--write', '--number', '+14155550100', '--trunk', LEGACY, '--trunk', 'x'], {}, /--write needs exactly one --trunk/],
      [['--write', '--number', '12', '--trunk', LEGACY], {}, /--number /],
      [['--number', '+14155550100', '--trunk', LEGACY], {}, /--number is for the write probe/],
      [['--trunk', LEGACY], { BOLNA_API_KEY: '' }, /No key: set BOLNA_API_KEY/],
      [['--trunk', LEGACY], { BOLNA_API_BASE_URL: 'http://example.com' }, /--base-url must use https/],
      [['--trunk', LEGACY, '--api', 'new'], {}, /--api must be sip-trunks or trunk/],
      [['--trunk', LEGACY, '--token', KEY], {}, /Unknown option '--token'/]
    ]
    for (const [argv, env, message] of cases) {
      const run = await cli(argv, env)
      expect([run.code, run.err], argv.join(' ')).toEqual([2, expect.stringMatching(message)])
      expect(run.err).not.toContain(KEY)
    }
    expect(emulator.writes()).toEqual([])
  })

  it('--write runs the probe after the read-only check', async () => {
    const run = await cli(['--trunk', NEW, '--api', 'trunk', '--write', '--number', '+14155550100', '--settle', '5'])
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/Write probe on trunk 3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21 \(trunk\) with \+•••••••0100:\n {2}POST .* -> 201/)
    expect(run.out).toContain("no difference from the action's reading of the API")
    expect(emulator.writes().map(w => w.method)).toEqual(['POST', 'DELETE'])
  })
})

describe('drift noted by a normal read (validAnswer)', () => {
  const noted = (body: unknown, schema: Parameters<typeof validAnswer>[0] = legacyRecords): { drift: Drift[]; threw: boolean } => {
    const drift: Drift[] = []
    const stop = listenForDrift(d => drift.push(d))
    let threw = false
    try {
      validAnswer(schema, body, 'GET', '/p')
    } catch {
      threw = true
    } finally {
      stop()
    }
    return { drift, threw }
  }
  const record = (n: number, extra: object = {}) => ({
    id: `id-${n}`,
    phone_number: `9198765432${n}`,
    name: null,
    deleted: false,
    agent_id: null,
    created_at: 'x',
    ...extra
  })

  it('notes an optional field that is absent (read as unknown), and says nothing when every field is there', () => {
    expect(noted([record(1), record(2)])).toEqual({ drift: [], threw: false })
    const { agent_id: _, ...withoutAgent } = record(3)
    expect(noted([record(1), withoutAgent])).toEqual({ drift: [{ call: 'GET /p', field: '[].agent_id', state: 'missing' }], threw: false })
  })

  it('notes a required field missing or of another type, past the sample too, and the read still fails', () => {
    expect(noted([record(1, { id: 5 })])).toEqual({ drift: [{ call: 'GET /p', field: '[].id', state: 'other type' }], threw: true })
    const many = Array.from({ length: 30 }, (_, i) => record(i))
    many[25] = record(25, { phone_number: 919876543225 })
    expect(noted(many)).toEqual({ drift: [{ call: 'GET /p', field: '[].phone_number', state: 'other type' }], threw: true })
    expect(noted({ numbers: 'none', is_active: true, inbound_enabled: true, default_inbound_agent_id: null }, trunkRecord)).toEqual({
      drift: [{ call: 'GET /p', field: 'numbers', state: 'other type' }],
      threw: true
    })
  })

  it('stops telling once the listener is removed', () => {
    const drift: Drift[] = []
    listenForDrift(d => drift.push(d))()
    validAnswer(legacyRecords, [{ id: 'a', phone_number: '1' }], 'GET', '/p')
    expect(drift).toEqual([])
  })
})

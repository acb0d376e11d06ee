// "Adopt what is live, and tell users why their calls would not arrive": export, and the warnings
// read from the trunk objects every run reads anyway.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun, RunOptions } from '../helpers/run-action.ts'

const KEY = 'bolna-health-export-key-77aa'
const LEGACY = '01HQLEGACYTRUNK0001'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const AGENT = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: [LEGACY], newTrunks: [NEW], agents: [AGENT] })
  await emulator.start()
})
afterEach(() => emulator.stop())

async function act(inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  const run = await runAction({ ...options, inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', ...inputs } })
  expect(run.everything, 'the token leaked').not.toContain(KEY)
  expect(run.stdout + run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}
const warnings = (run: ActionRun) => annotations(run, 'warning').join('\n')
const notices = (run: ActionRun) => annotations(run, 'notice').join('\n')

describe('export', () => {
  beforeEach(() => {
    emulator.seed(LEGACY, { phone_number: '919876543210', name: 'Mumbai Support Line', agent_id: AGENT })
    emulator.seed(LEGACY, { phone_number: '+1 (415) 555-0199', name: 'Stored with separators' })
    emulator.seed(LEGACY, { phone_number: '4155550100', name: 'Stored by hand, national' })
    emulator.seed(NEW, { e164: '+442079460958', destination_key: '02079460958', agent_id: AGENT })
    emulator.seed(NEW, { e164: '+14155550123' })
  })

  it('writes the numbers of the listed trunks, of both APIs; applying the export right away changes nothing', async () => {
    const legacy = await act({ export_file: 'exported/legacy.yml', trunk_id: LEGACY })
    expect(legacy.code).toBe(0)
    expect(legacy.outputs.exported).toBe('2')
    const legacyText = await readFile(join(legacy.workspace, 'exported/legacy.yml'), 'utf8')
    expect(legacyText).toMatch(/^# Exported from Bolna by the bolna-sip-trunk-number action on \d{4}-\d\d-\d\dT/)
    expect(legacyText).toContain(`      - phone_number: "919876543210"\n        name: "Mumbai Support Line"\n        agent_id: "${AGENT}"\n`)
    expect(legacyText).toContain('      - phone_number: "+1 (415) 555-0199"\n        name: "Stored with separators"\n')
    expect(legacyText).toMatch(/# "4155550100" \(id "[^"]+"\) is left out: as stored, it is not a possible phone number/)

    const fresh = await act({ export_file: 'new.yml', trunk_api: 'trunk', trunk_id: `${NEW},\n` }, { workspace: legacy.workspace })
    expect(fresh.code, fresh.stdout).toBe(0)
    expect(fresh.outputs.exported).toBe('2')
    const text = await readFile(join(fresh.workspace, 'new.yml'), 'utf8')
    expect(text).toContain(`  - trunk_id: "${NEW}"\n    api: trunk\n`)
    expect(text).toContain(`      - phone_number: "+442079460958"\n        agent_id: "${AGENT}"\n        destination_key: "02079460958"\n`)

    // Each export, applied right away: no difference shown, nothing written.
    for (const exported of ['exported/legacy.yml', 'new.yml']) {
      emulator.clearLog()
      const check = await act({ numbers_file: exported, fail_on_drift: 'true', dry_run: 'true' }, { workspace: legacy.workspace })
      expect(check.code, exported).toBe(0)
      expect(check.outputs.has_changes).toBe('false')
      const apply = await act({ numbers_file: exported }, { workspace: legacy.workspace })
      expect(apply.code, exported).toBe(0)
      expect(emulator.writes()).toHaveLength(0)
    }
  })

  it('with no trunk_id, every trunk of trunk_api the key can see', async () => {
    emulator.addTrunk('3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e99', { api: 'trunk' })
    const run = await act({ export_file: 'new.yml', trunk_api: 'trunk' })
    expect(run.code).toBe(0)
    expect(emulator.requests.map(r => `${r.method} ${r.path}`)[0]).toBe('GET /trunk/trunks')
    const text = await readFile(join(run.workspace, 'new.yml'), 'utf8')
    expect(text).toContain(`trunk_id: "${NEW}"`)
    expect(text).toContain('trunk_id: "3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e99"\n    api: trunk\n    numbers: []')
    expect(run.outputs.exported).toBe('2')
    expect(emulator.writes()).toHaveLength(0)
  })

  it('trunk_api: all writes every trunk of both APIs into one file; planning it right away changes nothing', async () => {
    emulator.addTrunk('3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e99', { api: 'trunk' })
    emulator.addTrunk('01HQLEGACYEMPTY0002')
    const run = await act({ export_file: '.github/bolna-numbers.yml', trunk_api: 'all' })
    expect(run.code, run.stdout).toBe(0)
    expect(emulator.requests.filter(r => r.method === 'GET' && /^\/(sip-trunks|trunk)\/trunks$/.test(r.path)).map(r => r.path)).toEqual([
      '/sip-trunks/trunks',
      '/trunk/trunks'
    ])
    const text = await readFile(join(run.workspace, '.github/bolna-numbers.yml'), 'utf8')
    expect(text).toContain('(every trunk of both APIs (trunk_api all) the key can see)')
    for (const [id, api] of [
      [LEGACY, 'sip-trunks'],
      ['01HQLEGACYEMPTY0002', 'sip-trunks'],
      [NEW, 'trunk'],
      ['3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e99', 'trunk']
    ]) {
      expect(text).toContain(`  - trunk_id: "${id}"\n    api: ${api}\n`)
    }
    expect(run.outputs.exported).toBe('4')
    expect(emulator.writes()).toHaveLength(0)

    // The one file, planned and applied right away: no difference, nothing written, on both APIs.
    emulator.clearLog()
    const check = await act({ numbers_file: '.github/bolna-numbers.yml', dry_run: 'true', fail_on_drift: 'true' }, { workspace: run.workspace })
    expect(check.code, check.stdout).toBe(0)
    expect(check.outputs).toMatchObject({ has_changes: 'false', to_add: '0', to_remove: '0', unchanged: '4' })
    const applied = await act({ numbers_file: '.github/bolna-numbers.yml', prune: 'true' }, { workspace: run.workspace })
    expect(applied.code, applied.stdout).toBe(0)
    expect(applied.outputs).toMatchObject({ created: '0', removed: '0' })
    expect(emulator.writes()).toHaveLength(0)
  })

  it('refuses a path outside the workspace, and single-number inputs beside it', async () => {
    const outside = await act({ export_file: '../elsewhere.yml', trunk_id: LEGACY })
    expect(annotations(outside).join('\n')).toContain('Input "export_file" must be a path inside the workspace')
    const mixed = await act({ export_file: 'x.yml', trunk_id: LEGACY, phone_number: '919876543210' })
    expect(annotations(mixed).join('\n')).toContain('Input "phone_number" must be empty when "export_file" is set')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('warnings: why calls would not arrive', () => {
  const file = (api: string, trunkId: string, numbers: string) => `version: 1
trunks:
  - trunk_id: ${trunkId}
    api: ${api}
    numbers:
${numbers}`

  it('an inactive trunk, and one whose numbers have agents but that takes no inbound calls, annotated on the trunk line; in the summary; fail_on_warnings fails', async () => {
    emulator.addTrunk('01HQINACTIVE', { is_active: false })
    emulator.addTrunk('01HQNOINBOUND', { inbound_enabled: false })
    emulator.seed('01HQINACTIVE', { phone_number: '919876543210', agent_id: AGENT })
    const text = `${file('sip-trunks', '01HQINACTIVE', `      - phone_number: "919876543210"\n        agent_id: ${AGENT}\n`)}  - trunk_id: 01HQNOINBOUND\n    numbers:\n      - phone_number: "919876543299"\n        agent_id: ${AGENT}\n`
    const run = await act({ numbers_file: 'n.yml', dry_run: 'true' }, { files: { 'n.yml': text } })
    expect(run.code).toBe(0)
    expect(run.outputs.warnings).toBe('2')
    expect(warnings(run)).toMatch(/::warning title=Bolna trunk,file=n\.yml,line=3::Trunk "01HQINACTIVE" is inactive: it takes no inbound calls/)
    expect(warnings(run)).toMatch(
      /line=8::Trunk "01HQNOINBOUND" has inbound calls disabled, yet "\+919876543299" has an agent to answer them: calls from the carrier are refused/
    )
    expect(notices(run)).toBe('')
    expect(run.summary).toContain('<h4>Warnings</h4>')
    expect(run.summary).not.toContain('<h4>Notices</h4>')

    const strict = await act({ numbers_file: 'n.yml', dry_run: 'true', fail_on_warnings: 'true' }, { files: { 'n.yml': text } })
    expect(strict.code).toBe(1)
    expect(annotations(strict).join('\n')).toContain('2 warning(s), and fail_on_warnings is true')
  })

  it('an outbound-only trunk (inbound disabled, no agents) is one notice, and fail_on_warnings does not fail on it', async () => {
    emulator.addTrunk('01HQNOINBOUND', { inbound_enabled: false })
    const text = file('sip-trunks', '01HQNOINBOUND', '      - phone_number: "919876543298"\n      - phone_number: "919876543297"\n')
    const run = await act({ numbers_file: 'n.yml', dry_run: 'true', fail_on_warnings: 'true' }, { files: { 'n.yml': text } })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.warnings).toBe('0')
    expect(warnings(run)).toBe('')
    expect(annotations(run, 'notice')).toEqual([
      '::notice title=Bolna trunk,file=n.yml,line=3::Trunk "01HQNOINBOUND" has inbound calls disabled and no agent answers its numbers: it places outbound calls only. If it should take calls, enable inbound and give its numbers an agent_id.'
    ])
    expect(run.summary).toContain('<h4>Notices</h4>')
    expect(run.summary).not.toContain('<h4>Warnings</h4>')
  })

  it('a warning lands on the line of its own trunk, from the parsed file: trunk-1 listed after trunk-10 (whose id contains it)', async () => {
    emulator.addTrunk('trunk-10', {})
    emulator.addTrunk('trunk-1', { is_active: false })
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: AGENT })
    const text = [
      '# trunk_id trunk-1 is the inactive one (this comment must not catch its warning)',
      'version: 1',
      'trunks:',
      '  - trunk_id: trunk-10',
      '    numbers: []',
      `  - {trunk_id: "trunk-1", numbers: [{phone_number: "919876543210", agent_id: ${JSON.stringify(AGENT)}}]}`,
      ''
    ].join('\n')
    const run = await act({ numbers_file: 'n.yml', dry_run: 'true' }, { files: { 'n.yml': text } })
    expect(run.code, run.stdout).toBe(0)
    expect(annotations(run, 'warning')).toEqual([expect.stringMatching(/^::warning title=Bolna trunk,file=n\.yml,line=6::Trunk "trunk-1" is inactive/)])
  })

  it('a run that fails still says its warnings: they may be why calls would not arrive', async () => {
    emulator.addTrunk('01HQINACTIVE', { is_active: false })
    emulator.injectFault({ kind: 'status', status: 422, method: 'POST', times: Infinity })
    const single = await act({ trunk_id: '01HQINACTIVE', phone_number: '919876543210', agent_id: AGENT })
    const text = file('sip-trunks', '01HQINACTIVE', `      - phone_number: "919876543211"\n        agent_id: ${AGENT}\n`)
    const files = await act({ numbers_file: 'n.yml' }, { files: { 'n.yml': text } })
    for (const run of [single, files]) {
      expect(run.code).toBe(1)
      expect(annotations(run).join('\n')).toMatch(/422/)
      expect(warnings(run)).toMatch(/Trunk "01HQINACTIVE" is inactive: it takes no inbound calls/)
      expect(run.outputs.warnings).toBe('1')
    }
    expect(warnings(files)).toMatch(/file=n\.yml,line=3::/)
  })

  it('a number nobody answers is a notice, not a warning: on /trunk only when the trunk has no default agent; on legacy trunks always', async () => {
    // The first use case: a caller-ID number, added without agent_id, on a healthy trunk.
    const run = await act({ trunk_api: 'trunk', trunk_id: NEW, phone_number: '+14155550111', fail_on_warnings: 'true' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.warnings).toBe('0')
    expect(warnings(run)).toBe('')
    expect(notices(run)).toContain(
      '"+14155550111" on trunk "3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21" has no agent, and the trunk has no default agent: inbound calls to it are refused, which suits a caller-ID number.'
    )

    emulator.addTrunk('3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e77', { api: 'trunk', default_inbound_agent_id: AGENT })
    const answered = await act({ trunk_api: 'trunk', trunk_id: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e77', phone_number: '+14155550112' })
    expect(answered.outputs.warnings).toBe('0')
    expect(notices(answered)).toBe('')
    // With an agent, only the agent's provider is left to warn about (it is not on "trunk"): a contradiction.
    const withAgent = await act({ trunk_api: 'trunk', trunk_id: NEW, phone_number: '+14155550113', agent_id: AGENT })
    expect(withAgent.outputs.warnings).toBe('1')
    expect(warnings(withAgent)).toContain(`Agent "${AGENT}" calls out through the "plivo" provider, not "trunk"`)

    const legacy = await act({ trunk_id: LEGACY, phone_number: '919876543211' })
    expect(legacy.outputs.warnings).toBe('0')
    expect(warnings(legacy)).toBe('')
    expect(notices(legacy)).toContain(`"+919876543211" on trunk "${LEGACY}" has no agent: inbound calls to it are refused`)
  })

  it('agent_id: null in the file says "no agent, on purpose": no notice for that number', async () => {
    const text = file('sip-trunks', LEGACY, '      - phone_number: "919876543214"\n        agent_id: null\n      - phone_number: "919876543215"\n')
    const run = await act({ numbers_file: 'n.yml', dry_run: 'true' }, { files: { 'n.yml': text } })
    expect(run.code, run.stdout).toBe(0)
    expect(annotations(run, 'notice')).toEqual([expect.stringContaining(`"+919876543215" on trunk "${LEGACY}" has no agent`)])
    const silent = await act(
      { numbers_file: 'n.yml', dry_run: 'true' },
      { files: { 'n.yml': text.replace('"919876543215"', '"919876543215"\n        agent_id: null') } }
    )
    expect(annotations(silent, 'notice')).toEqual([])
    expect(silent.outputs.warnings).toBe('0')
  })

  it('a legacy number whose agent Bolna does not show gives no warning (unknown is not none)', async () => {
    emulator.setOptions({ legacyAgentId: 'absent' })
    emulator.seed(LEGACY, { phone_number: '919876543212', agent_id: AGENT })
    const run = await act({ trunk_id: LEGACY, phone_number: '919876543212' })
    expect(run.outputs.warnings).toBe('0')
  })
})

describe('warnings stay readable at scale', () => {
  it('numbers no agent answers are one notice a trunk, naming the first five and counting the rest', async () => {
    const numbers = Array.from({ length: 40 }, (_, i) => `      - phone_number: "+9198${String(10_000_000 + i)}"\n`).join('')
    const run = await act(
      { numbers_file: 'n.yml', dry_run: 'true' },
      { files: { 'n.yml': `version: 1\ntrunks:\n  - trunk_id: ${LEGACY}\n    numbers:\n${numbers}` } }
    )
    expect(run.outputs.warnings).toBe('0')
    expect(annotations(run, 'notice')).toHaveLength(1)
    expect(notices(run)).toContain(
      `40 numbers on trunk "${LEGACY}" ("+919810000000", "+919810000001", "+919810000002", "+919810000003", "+919810000004" and 35 more) have no agent: inbound calls to them are refused, which suits a caller-ID number. To take calls, give each an agent_id; to say that none is wanted, write agent_id: null in a numbers file.`
    )
  })
})

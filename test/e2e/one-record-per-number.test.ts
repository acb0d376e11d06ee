// Exactly one record per number, the right one: healing duplicates keeps the record calls reach,
// is not counted as deleting numbers, and a run never says "Verified" over duplicates.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import type { EmulatorOptions } from '../emulator/bolna-emulator.ts'
import { emulatedStep, failure } from '../helpers/emulated-step.ts'

const KEY = 'one-record-key-5c0e2b'
const LEGACY = 'trunk-1'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const NUMBER = '+14155550199'

const step = (t: TestContext, options: EmulatorOptions = {}) =>
  emulatedStep(t.onTestFinished, KEY, { trunks: [LEGACY], newTrunks: [NEW], agents: ['agent-x', 'agent-y'], ...options })

const FAMILIES = [
  { api: 'sip-trunks', trunk: LEGACY, toString: () => 'sip-trunks' },
  { api: 'trunk', trunk: NEW, toString: () => 'trunk' }
] as const

const fileOf = (api: string, trunk: string, numbers: string[], extra: string[] = []) =>
  [
    'version: 1',
    'trunks:',
    `  - trunk_id: "${trunk}"`,
    `    api: ${api}`,
    ...extra,
    numbers.length ? '    numbers:' : '    numbers: []',
    ...numbers.map(n => `      - phone_number: "${n}"`),
    ''
  ].join('\n')

describe.concurrent('healing keeps the record calls reach', () => {
  it.for(FAMILIES)('%s: an older record without an agent and a newer one on agent-x; the file names no agent: the mapped one stays', async (f, t) => {
    const { emulator, runFile } = await step(t)
    const old = emulator.seed(f.trunk, { phone_number: NUMBER, created_at: '2026-01-01T00:00:00.000Z' })
    const mapped = emulator.seed(f.trunk, { phone_number: NUMBER, agent_id: 'agent-x', created_at: '2026-02-01T00:00:00.000Z' })
    const run = await runFile(fileOf(f.api, f.trunk, [NUMBER]))
    expect(run.code).toBe(0)
    expect(emulator.numbers(f.trunk).map(n => ({ id: n.id, agent: n.agent_id }))).toEqual([{ id: mapped.id, agent: 'agent-x' }])
    expect(run.stdout).toContain(`keeps the record with id "${mapped.id}" (the one agent "agent-x" answers); 1 duplicate record(s) removed`)
    expect(run.stdout).toContain(`- "${NUMBER}" (id "${old.id}", duplicate record)`)
  })

  it('/trunk: an export, then an apply of it, keeps the mapped record', async t => {
    const { emulator, run, runFile } = await step(t)
    emulator.seed(NEW, { phone_number: NUMBER, created_at: '2026-01-01T00:00:00.000Z' })
    const mapped = emulator.seed(NEW, { phone_number: NUMBER, agent_id: 'agent-x', created_at: '2026-02-01T00:00:00.000Z' })
    const exported = await run({ export_file: 'exported.yml', trunk_api: 'trunk', trunk_id: NEW })
    expect(exported.code).toBe(0)
    const text = await readFile(`${exported.workspace}/exported.yml`, 'utf8')
    expect(text).toContain('agent_id: "agent-x"')
    const applied = await runFile(text)
    expect(applied.code).toBe(0)
    expect(emulator.numbers(NEW).map(n => ({ id: n.id, agent: n.agent_id }))).toEqual([{ id: mapped.id, agent: 'agent-x' }])
  })

  it('the file names an agent: the record on that agent stays, though younger', async t => {
    const { emulator, runFile } = await step(t)
    emulator.seed(LEGACY, { phone_number: NUMBER, agent_id: 'agent-y', created_at: '2026-01-01T00:00:00.000Z' })
    const onX = emulator.seed(LEGACY, { phone_number: NUMBER, agent_id: 'agent-x', created_at: '2026-02-01T00:00:00.000Z' })
    const run = await runFile(`${fileOf('sip-trunks', LEGACY, [NUMBER])}        agent_id: agent-x\n`)
    expect(run.code).toBe(0)
    expect(emulator.numbers(LEGACY).map(n => n.id)).toEqual([onX.id])
    expect(run.stdout).toContain(`keeps the record with id "${onX.id}" (the one mapped to the file's agent "agent-x")`)
    expect(emulator.writes().filter(w => w.path.startsWith('/inbound'))).toEqual([])
  })

  it('Bolna shows no agents: the oldest stays, and the plan says the mapping is unknown', async t => {
    const { emulator, runFile } = await step(t, { legacyAgentId: 'absent' })
    const old = emulator.seed(LEGACY, { phone_number: NUMBER, created_at: '2026-01-01T00:00:00.000Z' })
    emulator.seed(LEGACY, { phone_number: NUMBER, agent_id: 'agent-x', created_at: '2026-02-01T00:00:00.000Z' })
    const run = await runFile(fileOf('sip-trunks', LEGACY, [NUMBER]), { dry_run: 'true' })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      `keeps the record with id "${old.id}" (the oldest: Bolna does not show which agent answers each record, so the mapping is unknown); 1 duplicate record(s) removed`
    )
  })
})

describe.concurrent('healing is not deletion', () => {
  it('250 duplicates after a crash and list lag are healed under max_deletes: 10; they are listed apart', async t => {
    const { emulator, runFile } = await step(t)
    const numbers = Array.from({ length: 250 }, (_, i) => `+1415555${String(1000 + i)}`)
    for (const n of numbers) {
      emulator.seed(LEGACY, { phone_number: n, created_at: '2026-01-01T00:00:00.000Z' })
      emulator.seed(LEGACY, { phone_number: n, created_at: '2026-01-02T00:00:00.000Z' })
    }
    const file = fileOf('sip-trunks', LEGACY, numbers)
    const planned = await runFile(file, { dry_run: 'true', max_deletes: '10' })
    expect(planned.code).toBe(0)
    expect(planned.stdout).toContain(
      'Plan: 0 to add, 0 to remove, 250 unchanged (250 duplicate record(s) of 250 number(s) to remove, each number keeping one).'
    )
    expect(planned.outputs).toMatchObject({ to_remove: '0', has_changes: 'true' })
    const applied = await runFile(file, { max_deletes: '10', concurrency: '8' })
    expect(applied.code).toBe(0)
    const held = emulator.numbers(LEGACY)
    expect(held).toHaveLength(250)
    expect(new Set(held.map(n => n.number)).size).toBe(250)
    expect(held.every(n => n.created_at.startsWith('2026-01-01'))).toBe(true)
  })

  it('max_deletes still guards removing numbers, duplicates or not', async t => {
    const { emulator, runFile } = await step(t)
    for (let i = 0; i < 3; i++) emulator.seed(LEGACY, { phone_number: `+1415555200${i}` })
    emulator.seed(LEGACY, { phone_number: NUMBER })
    emulator.seed(LEGACY, { phone_number: NUMBER })
    const run = await runFile(fileOf('sip-trunks', LEGACY, [NUMBER], ['    prune: true']), { prune: 'true', max_deletes: '2' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('The plan removes 3 numbers, more than max_deletes (2); nothing was changed.')
    expect(emulator.numbers(LEGACY)).toHaveLength(5)
  })
})

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

describe.concurrent('verification means one record each', () => {
  /** Another writer at once: each add this run makes is followed by a second record of the same number. */
  const anotherRunAddsToo = (emulator: import('../emulator/bolna-emulator.ts').BolnaEmulator) => {
    emulator.setOptions({
      onRequest: entry => {
        if (entry.method !== 'POST' || entry.status !== 201 || !entry.path.endsWith('/numbers')) return
        const { phone_number } = entry.body as { phone_number: string }
        emulator.seed(LEGACY, { phone_number, created_at: '2030-01-01T00:00:00.000Z' })
      }
    })
  }

  it('a duplicate that appears during the run is healed within it: one record, the one this run reports', async t => {
    const { emulator, runFile } = await step(t)
    anotherRunAddsToo(emulator)
    const run = await runFile(fileOf('sip-trunks', LEGACY, [NUMBER, '+14155550123']))
    expect(run.code).toBe(0)
    const held = emulator.numbers(LEGACY)
    expect(held.map(n => n.number).sort()).toEqual(['+14155550123', NUMBER])
    expect(run.stdout).toContain('Removed a duplicate record of')
    expect(run.stdout).toContain('Verified:')
    const results = JSON.parse(run.outputs.results ?? '[]') as { number_id: string }[]
    expect(results.map(r => r.number_id).sort()).toEqual(held.map(n => n.id).sort())
  })

  it('duplicates that cannot be healed fail the run with why, and it never says "Verified"', async t => {
    const { emulator, runFile } = await step(t)
    anotherRunAddsToo(emulator)
    emulator.injectFault({ kind: 'status', status: 500, method: 'DELETE', times: Infinity })
    const run = await runFile(fileOf('sip-trunks', LEGACY, [NUMBER]), { max_retries: '0', settle_seconds: '1' })
    expect(run.code).toBe(1)
    expect(emulator.numbers(LEGACY)).toHaveLength(2)
    expect(run.stdout).not.toContain('Verified')
    const why = failure(run)
    expect(why).toContain(`"${NUMBER}" is held by 2 records, not one`)
    expect(why).toContain('another run was likely writing the same trunks at once')
    expect(why).toContain('concurrency group')
  })

  it('single mode too: a duplicate that appears during the run is healed', async t => {
    const { emulator, run } = await step(t)
    anotherRunAddsToo(emulator)
    const added = await run({ trunk_id: LEGACY, phone_number: NUMBER })
    expect(added.code).toBe(0)
    expect(emulator.numbers(LEGACY)).toHaveLength(1)
    expect(added.outputs.number_id).toBe(emulator.numbers(LEGACY)[0]!.id)
  })

  it.for(FAMILIES)('%s: two runs of one 100-number file at once end with one record per number, and neither says "Verified" over duplicates', async (f, t) => {
    const { emulator, runFile } = await step(t, { latencyMs: 5 })
    const numbers = Array.from({ length: 100 }, (_, i) => `+1415556${String(1000 + i)}`)
    const file = fileOf(f.api, f.trunk, numbers)
    const runs = await Promise.all([runFile(file, { concurrency: '8' }), runFile(file, { concurrency: '8' })])
    const held = emulator.numbers(f.trunk)
    for (const run of runs) {
      if (run.code === 0) expect(run.stdout).toContain('Verified:')
      else expect(failure(run)).toContain('concurrency group')
    }
    expect(runs.some(r => r.code === 0)).toBe(true)
    expect(held.map(n => n.number).sort()).toEqual([...numbers].sort())
  })
})

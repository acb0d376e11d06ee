// A field Bolna does not show is unknown, not different (shared/bolna-api.md §5): no drift, no
// rename, no replace. Each field the reference does not confirm has an emulator option; with each
// of its values, applying a file and then re-running it writes nothing the second time.
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import type { EmulatorOptions } from '../emulator/bolna-emulator.ts'
import { emulatedStep } from '../helpers/emulated-step.ts'

const KEY = 'unknown-fields-key-7e21a0'
const LEGACY = 'trunk-1'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'

const step = (t: TestContext, options: EmulatorOptions = {}) =>
  emulatedStep(t.onTestFinished, KEY, { trunks: [LEGACY], newTrunks: [NEW], agents: ['agent-a'], ...options })

const legacyFile = (entries: string[]) => ['version: 1', 'trunks:', `  - trunk_id: ${LEGACY}`, '    numbers:', ...entries, ''].join('\n')
const trunkFile = (entries: string[]) => ['version: 1', 'trunks:', `  - trunk_id: "${NEW}"`, '    api: trunk', '    numbers:', ...entries, ''].join('\n')

describe.concurrent('legacy records without a name (legacyName)', () => {
  it.for(['absent', 'null'] as const)(
    "'%s': a named number in Bolna and another name in the file: no rename, no replace, no drift, nothing written",
    async (legacyName, t) => {
      const { emulator, runFile } = await step(t, { legacyName })
      const seeded = emulator.seed(LEGACY, { phone_number: '919876543210', name: 'Mumbai', agent_id: 'agent-a' })
      const file = legacyFile(['      - phone_number: "919876543210"', '        name: "Pune"', '      - phone_number: "14155550123"', '        name: "SF"'])
      const first = await runFile(file, { on_name_change: 'replace' })
      expect(first.code).toBe(0)
      expect(emulator.writes().map(w => `${w.method} ${w.path}`)).toEqual([`POST /sip-trunks/trunks/${LEGACY}/numbers`])
      for (let again = 0; again < 2; again++) {
        emulator.clearLog()
        const rerun = await runFile(file, { on_name_change: 'replace', fail_on_drift: 'true' })
        expect(rerun.code).toBe(0)
        expect(rerun.outputs).toMatchObject({ has_changes: 'false', to_add: '0', to_remove: '0', unchanged: '2' })
        expect(rerun.stdout).not.toContain('renamed')
        expect(emulator.writes()).toEqual([])
      }
      expect(emulator.numbers(LEGACY).find(n => n.number === '919876543210')).toMatchObject({ id: seeded.id, name: 'Mumbai', agent_id: 'agent-a' })
      const drift = await runFile(file, { dry_run: 'true', fail_on_drift: 'true' })
      expect(drift.code).toBe(0)
    }
  )
})

describe.concurrent('legacy records without agent_id (legacyAgentId)', () => {
  it("'absent': a file that names no agent: a re-run writes nothing", async t => {
    const { emulator, runFile } = await step(t, { legacyAgentId: 'absent' })
    emulator.seed(LEGACY, { phone_number: '919876543210', agent_id: 'agent-a' })
    const file = legacyFile(['      - phone_number: "919876543210"', '      - phone_number: "14155550123"'])
    expect((await runFile(file)).code).toBe(0)
    emulator.clearLog()
    const rerun = await runFile(file, { fail_on_drift: 'true' })
    expect(rerun.code).toBe(0)
    expect(rerun.outputs).toMatchObject({ has_changes: 'false', unchanged: '2' })
    expect(emulator.writes()).toEqual([])
    expect(emulator.numbers(LEGACY).find(n => n.number === '919876543210')?.agent_id).toBe('agent-a')
  })
})

describe.concurrent('/trunk numbers inside the trunk object (trunkNumberAgentId, trunkNumberDestinationKey)', () => {
  it.for([
    { trunkNumberAgentId: 'absent' as const, toString: (): string => 'without agent_id' },
    { trunkNumberDestinationKey: 'absent' as const, toString: (): string => 'without destination_key' },
    { trunkNumberAgentId: 'absent' as const, trunkNumberDestinationKey: 'absent' as const, toString: (): string => 'without either' }
  ])('%s: a re-run writes nothing and reports no difference', async (options, t) => {
    const { emulator, runFile } = await step(t, options)
    emulator.seed(NEW, { e164: '+919876543210', destination_key: '09876543210', agent_id: 'agent-a' })
    const file = trunkFile(['      - phone_number: "+919876543210"', '        destination_key: "919876543210"', '      - phone_number: "+14155550123"'])
    expect((await runFile(file)).code).toBe(0)
    emulator.clearLog()
    const rerun = await runFile(file, { fail_on_drift: 'true' })
    expect(rerun.code).toBe(0)
    expect(rerun.outputs).toMatchObject({ has_changes: options.trunkNumberDestinationKey ? 'false' : 'true', to_add: '0', unchanged: '2' })
    expect(emulator.writes()).toEqual([])
    expect(emulator.numbers(NEW).find(n => n.number === '+919876543210')).toMatchObject({ agent_id: 'agent-a', destination_key: '09876543210' })
  })
})

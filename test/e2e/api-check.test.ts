// check_api: true through the built action, and the one drift notice a normal run gives.
import { describe, expect, it } from 'vitest'
import { emulatedStep } from '../helpers/emulated-step.ts'
import { annotations } from '../helpers/run-action.ts'

const KEY = 'api-check-key-5d2e'
const LEGACY = '01HQXYZ123ABC456DEF'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'

const notices = (stdout: string): string[] => stdout.split('\n').filter(line => line.startsWith('::notice'))

describe.concurrent('check_api: true', () => {
  it('on its own: only reads, and puts the table in the job summary with numbers masked', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { trunks: [LEGACY], agents: ['agent-1'] })
    emulator.seed(LEGACY, { phone_number: '919876543210', name: 'Mumbai Support Line', agent_id: 'agent-1' })
    const result = await run({ check_api: 'true', trunk_id: LEGACY, agent_id: 'agent-1' })
    expect(result.code, result.stdout).toBe(0)
    expect(emulator.requests.map(r => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET'])
    expect(result.summary).toContain('### Bolna API check: no difference')
    expect(result.summary).toContain('••••••••3210')
    expect(result.summary).not.toMatch(/9876543210|Mumbai/)
    expect(notices(result.stdout)).toEqual([])
  })

  it('in single mode: reads, adds nothing, and gives one notice for the differences it found', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { newTrunks: [NEW], trunkNumbersKey: 'phone_numbers' })
    emulator.seed(NEW, { e164: '+12025550143' })
    const result = await run({ check_api: 'true', trunk_id: NEW, trunk_api: 'trunk', phone_number: '+14155550100' })
    expect(result.code, result.stdout).toBe(0)
    expect(emulator.writes()).toEqual([])
    expect(emulator.numbers(NEW).map(n => n.number)).toEqual(['+12025550143'])
    expect(result.summary).toContain("trunkNumbersKey: 'phone\\_numbers'")
    expect(notices(result.stdout)).toEqual([expect.stringMatching(/check_api: 1 difference\(s\) .*docs\/api-check\.md/)])
  })

  it('in file mode: reads every trunk of the file with its API, and writes nothing', async ({ onTestFinished }) => {
    const { emulator, runFile } = await emulatedStep(onTestFinished, KEY, { trunks: [LEGACY], newTrunks: [NEW], agents: ['agent-1'] })
    const file = [
      'version: 1',
      'trunks:',
      `  - trunk_id: ${LEGACY}`,
      '    numbers: [{ phone_number: "+14155550100", agent_id: agent-1 }]',
      `  - trunk_id: ${NEW}`,
      '    api: trunk',
      '    numbers: [{ phone_number: "+14155550101" }]'
    ].join('\n')
    const result = await runFile(file, { check_api: 'true', pr_comment: 'false' })
    expect(result.code, result.stdout).toBe(0)
    expect(emulator.writes()).toEqual([])
    const read = emulator.requests.map(r => r.path)
    expect(read).toEqual(expect.arrayContaining([`/sip-trunks/trunks/${LEGACY}`, `/trunk/trunks/${NEW}`, '/v2/agent/agent-1']))
  })

  it('fails the step, naming the reason, when a read fails (a wrong key)', async ({ onTestFinished }) => {
    const { run } = await emulatedStep(onTestFinished, KEY, { trunks: [LEGACY] })
    const result = await run({ check_api: 'true', trunk_id: LEGACY, token: 'not-the-key-1234' })
    expect(result.code).toBe(1)
    expect(annotations(result).join('\n')).toMatch(/check_api: \d read\(s\) failed/)
    expect(result.everything).not.toContain('not-the-key-1234')
  })

  it('needs a trunk', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { trunks: [LEGACY] })
    const result = await run({ check_api: 'true' })
    expect(result.code).toBe(1)
    expect(annotations(result).join('\n')).toMatch(/"trunk_id" is required/)
    expect(emulator.requests).toEqual([])
  })
})

describe.concurrent('drift in a normal run', () => {
  it('one notice per run, naming the call and the field, pointing to check_api', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { trunks: [LEGACY], legacyAgentId: 'absent', legacyName: 'absent' })
    emulator.seed(LEGACY, { phone_number: '919876543210' })
    emulator.seed(LEGACY, { phone_number: '919876543211' })
    const result = await run({ trunk_id: LEGACY, phone_number: '+14155550100' })
    expect(result.code, result.stdout).toBe(0)
    const drift = notices(result.stdout).filter(line => line.includes('check_api'))
    expect(drift).toHaveLength(1)
    expect(drift[0]).toContain(`GET /sip-trunks/trunks/${LEGACY}: phone_numbers[].name missing`)
    expect(drift[0]).toContain('phone_numbers[].agent_id missing')
    expect(drift[0]).toContain('Run the step once with check_api: true')
  })

  it('none when every answer has the fields the action reads, on either API', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { trunks: [LEGACY], newTrunks: [NEW] })
    emulator.seed(LEGACY, { phone_number: '919876543210' })
    emulator.seed(NEW, { e164: '+12025550143' })
    for (const inputs of <Record<string, string>[]>[
      { trunk_id: LEGACY, phone_number: '+14155550100' },
      { trunk_id: NEW, trunk_api: 'trunk', phone_number: '+14155550101' }
    ]) {
      const result = await run(inputs)
      expect(result.code, result.stdout).toBe(0)
      expect(notices(result.stdout).filter(line => line.includes('check_api'))).toEqual([])
    }
  })

  it('one for a /trunk trunk whose numbers are under phone_numbers, which the action still reads', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { newTrunks: [NEW], trunkNumbersKey: 'phone_numbers' })
    emulator.seed(NEW, { e164: '+14155550100' })
    const result = await run({ trunk_id: NEW, trunk_api: 'trunk', phone_number: '+14155550100' })
    expect(result.code, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('exists')
    expect(notices(result.stdout).filter(line => line.includes('check_api'))).toEqual([expect.stringContaining(`GET /trunk/trunks/${NEW}: numbers missing`)])
  })

  it('also when the action fails on the answer', async ({ onTestFinished }) => {
    const { emulator, run } = await emulatedStep(onTestFinished, KEY, { newTrunks: [NEW] })
    emulator.injectFault({ kind: 'status', status: 200, method: 'GET', path: `/trunk/trunks/${NEW}`, body: JSON.stringify({ id: NEW, is_active: 'yes' }) })
    const result = await run({ trunk_id: NEW, trunk_api: 'trunk', phone_number: '+14155550100' })
    expect(result.code).toBe(1)
    const drift = notices(result.stdout).filter(line => line.includes('check_api'))
    expect(drift).toEqual([expect.stringContaining(`GET /trunk/trunks/${NEW}: numbers missing; GET /trunk/trunks/${NEW}: is_active other type`)])
    expect(drift[0]).not.toContain('phone_numbers')
    expect(emulator.writes()).toEqual([])
  })
})

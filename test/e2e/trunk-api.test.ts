// The `/trunk` family end to end (shared/bolna-api.md §1): single mode with `trunk_api: trunk`, numbers
// files with `api: trunk` per trunk or in `defaults`, both families in one file, and the migration recipe.
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import type { EmulatorOptions } from '../emulator/bolna-emulator.ts'
import { calls, emulatedStep, failure, NUMBERS_FILE, occurrences } from '../helpers/emulated-step.ts'
import { annotations } from '../helpers/run-action.ts'

const KEY = 'trunk-api-key-8b42e0c7'
/** A `/trunk` trunk (uuid ids, as that family's). */
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
/** A legacy `/sip-trunks` trunk (ULID-like ids). */
const LEGACY = '01HQLEGACYTRUNK0001'

const step = (t: TestContext, options: EmulatorOptions = {}) =>
  emulatedStep(t.onTestFinished, KEY, { trunks: [LEGACY], newTrunks: [NEW], agents: ['agent-a', 'agent-b', 'agent-new', 'agent-legacy'], ...options })

const NAMES_NOTE = "names are not sent: Bolna's /trunk API has no label for a number"

describe.concurrent('single mode on a /trunk trunk', () => {
  const inputs = { trunk_api: 'trunk', trunk_id: NEW, phone_number: '+1 (415) 555-0199' }

  it('adds "+1 (415) 555-0199" as exactly {e164, destination_key}; the re-run writes nothing', async t => {
    const { emulator, run } = await step(t)
    const first = await run(inputs)
    expect(first.code).toBe(0)
    // Read through the trunk object (no other endpoint lists a /trunk trunk's numbers), then one add.
    expect(emulator.requests[0]).toMatchObject({ method: 'GET', path: `/trunk/trunks/${NEW}` })
    expect(emulator.requests.filter(r => r.method === 'GET').every(r => r.path === `/trunk/trunks/${NEW}`)).toBe(true)
    expect(emulator.writes().map(r => `${r.method} ${r.path}`)).toEqual([`POST /trunk/trunks/${NEW}/numbers`])
    expect(emulator.writes()[0]!.body).toEqual({ e164: '+14155550199', destination_key: '14155550199' })
    const numbers = emulator.numbers(NEW)
    expect(numbers).toHaveLength(1)
    expect(numbers[0]).toMatchObject({ number: '+14155550199', destination_key: '14155550199', agent_id: null })
    expect(first.outputs).toMatchObject({ status: 'created', number_id: numbers[0]!.id, phone_number: '+14155550199', trunk_id: NEW })
    expect(JSON.parse(first.outputs.number!)).toMatchObject({
      id: numbers[0]!.id,
      trunk_api: 'trunk',
      phone_number: '+14155550199',
      e164: '+14155550199',
      destination_key: '14155550199',
      name: null,
      // null: no agent (Bolna shows it); "unknown" is only for legacy records without the field.
      agent_id: null
    })

    emulator.clearLog()
    const again = await run({ ...inputs, phone_number: '14155550199' })
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({ status: 'exists', number_id: numbers[0]!.id, has_changes: 'false' })
    expect(emulator.writes()).toHaveLength(0)
    expect(emulator.numbers(NEW)).toHaveLength(1)
  })

  it('with agent_id, the add carries the agent and no mapping call follows; the re-run writes nothing', async t => {
    const { emulator, run } = await step(t)
    const first = await run({ ...inputs, agent_id: 'agent-new' })
    expect(first.code).toBe(0)
    expect(emulator.writes()).toHaveLength(1)
    expect(emulator.writes()[0]!.body).toEqual({ e164: '+14155550199', destination_key: '14155550199', agent_id: 'agent-new' })
    expect(calls(emulator, 'PATCH', /^\/trunk\/numbers\//)).toHaveLength(0)
    expect(calls(emulator, 'POST', /^\/inbound\//)).toHaveLength(0)
    expect(emulator.numbers(NEW)[0]!.agent_id).toBe('agent-new')
    expect(first.outputs).toMatchObject({ status: 'created', agent_status: 'mapped' })

    emulator.clearLog()
    const again = await run({ ...inputs, agent_id: 'agent-new' })
    expect(again.outputs).toMatchObject({ status: 'exists', agent_status: 'unchanged', has_changes: 'false' })
    expect(emulator.writes()).toHaveLength(0)
  })

  it('sends destination_key as given; a re-run without it warns that it differs and changes nothing', async t => {
    const { emulator, run } = await step(t)
    const first = await run({ ...inputs, destination_key: '4155550199' })
    expect(first.code).toBe(0)
    expect(emulator.writes()[0]!.body).toEqual({ e164: '+14155550199', destination_key: '4155550199' })
    expect(emulator.numbers(NEW)[0]!.destination_key).toBe('4155550199')
    expect(JSON.parse(first.outputs.number!).destination_key).toBe('4155550199')

    emulator.clearLog()
    const same = await run({ ...inputs, destination_key: '4155550199' })
    expect(same.outputs.status).toBe('exists')
    expect(annotations(same, 'warning').filter(w => w.includes('destination_key'))).toEqual([])
    const other = await run(inputs)
    expect(other.outputs.status).toBe('exists')
    expect(annotations(other, 'warning').join('\n')).toContain('has destination_key "4155550199", not "14155550199". no endpoint changes it')
    expect(emulator.writes()).toHaveLength(0)
    expect(emulator.numbers(NEW)).toHaveLength(1)
  })

  it.for(['415-555-0123', '(415) 555-0123'])('refuses the national number %s before any request, asking for the international form', async (written, t) => {
    const { emulator, run, runFile } = await step(t)
    const single = await run({ ...inputs, phone_number: written })
    expect(single.code).toBe(1)
    expect(failure(single)).toMatch(/Input "phone_number" is not a possible phone number with a country code .*write it in international form/)
    expect(failure(single)).toContain(`(got ${JSON.stringify(written)})`)

    const inFile = await runFile(`version: 1\ntrunks:\n  - trunk_id: ${NEW}\n    numbers:\n      - phone_number: "${written}"\n`, { trunk_api: 'trunk' })
    expect(inFile.code).toBe(1)
    expect(annotations(inFile)[0]).toContain(`line=5::trunks[0].numbers[0].phone_number ${JSON.stringify(written)} is not a possible phone number`)
    expect(annotations(inFile)[0]).toContain('write it in international form')
    expect(emulator.requests).toHaveLength(0)
  })

  it('inputs the /trunk API ignores (name, e164_check_enabled) are not sent, each said once in a notice naming it', async t => {
    const { emulator, run } = await step(t)
    const added = await run({ ...inputs, name: 'SF Front Desk', e164_check_enabled: 'true' })
    expect(added.code).toBe(0)
    expect(emulator.writes()[0]!.body).toEqual({ e164: '+14155550199', destination_key: '14155550199' })
    expect(annotations(added, 'notice')).toEqual([
      `::notice title=Input not used::Input "name" is not sent: Bolna's /trunk API has no label for a number (trunk_api is "trunk"). Remove it from the step.`,
      `::notice title=Input not used::Input "e164_check_enabled" is not sent: Bolna's /trunk API always checks E.164 (trunk_api is "trunk"). Remove it from the step.`,
      expect.stringContaining('has no agent')
    ])
    expect(occurrences(added.stdout, 'is not sent')).toBe(2)
    expect(emulator.numbers(NEW)[0]!.name).toBeNull()
    // On the legacy API both are sent, and nothing is said.
    const legacy = await run({ trunk_id: LEGACY, phone_number: '+919876543210', name: 'Mumbai', e164_check_enabled: 'true' })
    expect(legacy.code).toBe(0)
    expect(annotations(legacy, 'notice').filter(line => line.includes('Input not used'))).toEqual([])
    expect(emulator.writes().at(-1)!.body).toMatchObject({ name: 'Mumbai', e164_check_enabled: true })
  })

  it('destination_key with trunk_api sip-trunks is refused before any request', async t => {
    const { emulator, run } = await step(t)
    const refused = await run({ trunk_api: 'sip-trunks', trunk_id: LEGACY, phone_number: '+14155550199', destination_key: '4155550199' })
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain(
      'Input "destination_key" applies only to trunks with api: trunk; Bolna\'s legacy /sip-trunks API has no such field (trunk_api is "sip-trunks").'
    )
    expect(emulator.requests).toHaveLength(0)
  })

  it('a uuid trunk unknown to the legacy API names trunk_api: trunk; a non-uuid unknown to /trunk names sip-trunks', async t => {
    const { emulator, run } = await step(t)
    const legacy = await run({ trunk_api: 'sip-trunks', trunk_id: NEW, phone_number: '+14155550199' })
    expect(legacy.code).toBe(1)
    expect(failure(legacy)).toMatch(
      /Trunk "3f2b8c1e-[^"]+" not found on Bolna's legacy \/sip-trunks API \(Bolna said: trunk not found\)\. The id is a uuid, the shape of Bolna's newer \/trunk API: if the trunk is one of those, set trunk_api: trunk/
    )
    const trunk = await run({ trunk_api: 'trunk', trunk_id: LEGACY, phone_number: '+14155550199' })
    expect(trunk.code).toBe(1)
    expect(failure(trunk)).toMatch(
      /Trunk "01HQLEGACYTRUNK0001" not found on Bolna's \/trunk API \(Bolna said: No live trunk found\)\. The id is not a uuid, so it is likely a trunk of Bolna's legacy \/sip-trunks API: set trunk_api: sip-trunks/
    )
    expect(emulator.requests.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /sip-trunks/trunks/${NEW} 404`, `GET /trunk/trunks/${LEGACY} 404`])
  })
})

describe.concurrent('legacy single mode: digits only, "+" exactly when written', () => {
  it.for([
    ['+1 (415) 555-0199', '+14155550199'],
    ['1 415 555 0199', '14155550199']
  ])('sends %s as %s', async ([written, sent], t) => {
    const { emulator, run } = await step(t)
    const added = await run({ trunk_id: LEGACY, phone_number: written! })
    expect(added.code).toBe(0)
    expect(emulator.writes().map(w => w.body)).toEqual([{ phone_number: sent, e164_check_enabled: false }])
    expect(emulator.numbers(LEGACY).map(n => n.number)).toEqual([sent])
    expect(added.outputs).toMatchObject({ status: 'created', phone_number: sent })
  })
})

describe.concurrent('numbers files with /trunk trunks', () => {
  it('several named numbers on one /trunk trunk: the note once for that trunk, names sent only on the legacy trunk', async t => {
    const { emulator, runFile } = await step(t)
    const file = `version: 1
defaults:
  api: trunk
trunks:
  - trunk_id: ${NEW}
    numbers:
      - phone_number: "+14155550101"
        name: Front desk
      - phone_number: "+14155550102"
        name: Back office
      - phone_number: "+14155550103"
        name: Night line
  - trunk_id: ${LEGACY}
    api: sip-trunks
    numbers:
      - phone_number: "919876543210"
        name: Mumbai
`
    const applied = await runFile(file)
    expect(applied.code).toBe(0)
    expect(occurrences(applied.stdout, 'names are not sent')).toBe(1)
    expect(applied.stdout).toContain(`trunk "${NEW}" (trunk)\n  # ${NAMES_NOTE}\n  + "+14155550101"`)
    expect(JSON.parse(applied.outputs.plan!).notes).toEqual([{ trunk_id: NEW, note: NAMES_NOTE }])
    const bodies = (path: string) => calls(emulator, 'POST', path).map(r => r.body)
    const sent = bodies(`/trunk/trunks/${NEW}/numbers`).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    expect(sent).toEqual(['01', '02', '03'].map(n => ({ e164: `+141555501${n}`, destination_key: `141555501${n}` })))
    expect(bodies(`/sip-trunks/trunks/${LEGACY}/numbers`)).toEqual([{ phone_number: '919876543210', name: 'Mumbai', e164_check_enabled: false }])
    expect(
      emulator
        .numbers(NEW)
        .map(n => n.number)
        .sort()
    ).toEqual(['+14155550101', '+14155550102', '+14155550103'])
  })

  it('destination_key on a legacy trunk is annotated on its line, before any request', async t => {
    const { emulator, runFile } = await step(t)
    const file = `version: 1
trunks:
  - trunk_id: ${NEW}
    api: trunk
    numbers:
      - phone_number: "+14155550199"
        destination_key: "4155550199"
  - trunk_id: ${LEGACY}
    numbers:
      - phone_number: "+14155550123"
        destination_key: "4155550123"
`
    const refused = await runFile(file)
    expect(refused.code).toBe(1)
    // Only the legacy entry's key is a problem; the /trunk one is allowed.
    expect(annotations(refused)).toEqual([
      `::error title=Bolna numbers file,file=${NUMBERS_FILE},line=11::trunks[1].numbers[0].destination_key applies only to trunks with api: trunk; Bolna's legacy /sip-trunks API has no such field`,
      `::error::${NUMBERS_FILE} has 1 problem(s), annotated above; nothing was changed.`
    ])
    expect(emulator.requests).toHaveLength(0)
  })

  it("one legacy and one /trunk trunk with agents and set_agent_telephony: each agent gets its family's provider; the re-run writes nothing", async t => {
    const { emulator, runFile } = await step(t)
    const file = `version: 1
trunks:
  - trunk_id: ${LEGACY}
    numbers:
      - phone_number: "919876543210"
        name: Mumbai
        agent_id: agent-legacy
  - trunk_id: ${NEW}
    api: trunk
    numbers:
      - phone_number: "+14155550199"
        agent_id: agent-new
`
    const applied = await runFile(file, { set_agent_telephony: 'true' })
    expect(applied.code).toBe(0)
    const [legacy] = emulator.numbers(LEGACY)
    const [trunk] = emulator.numbers(NEW)
    expect(legacy).toMatchObject({ number: '919876543210', name: 'Mumbai', agent_id: 'agent-legacy' })
    expect(trunk).toMatchObject({ number: '+14155550199', destination_key: '14155550199', agent_id: 'agent-new' })
    // Legacy maps through /inbound/setup; /trunk in the add itself.
    expect(calls(emulator, 'POST', '/inbound/setup').map(r => r.body)).toEqual([{ agent_id: 'agent-legacy', phone_number_id: legacy!.id }])
    expect(calls(emulator, 'POST', `/trunk/trunks/${NEW}/numbers`)[0]!.body).toEqual({
      e164: '+14155550199',
      destination_key: '14155550199',
      agent_id: 'agent-new'
    })
    expect(calls(emulator, 'PATCH', /^\/trunk\/numbers\//)).toHaveLength(0)
    expect(calls(emulator, 'PATCH', '/v2/agent/agent-new').map(r => r.body)).toEqual([{ agent_config: { telephony_provider: 'trunk' } }])
    expect(calls(emulator, 'PATCH', '/v2/agent/agent-legacy').map(r => r.body)).toEqual([{ agent_config: { telephony_provider: 'sip-trunk' } }])
    expect(emulator.agent('agent-new')).toMatchObject({ provider: 'trunk', format: 'ulaw', agent_config: { telephony_provider: 'trunk' } })
    expect(emulator.agent('agent-legacy')).toMatchObject({ provider: 'sip-trunk', format: 'ulaw', agent_config: { telephony_provider: 'sip-trunk' } })
    expect(JSON.parse(applied.outputs.results!)).toMatchObject([
      { trunk_id: LEGACY, trunk_api: 'sip-trunks', status: 'created', agent_status: 'mapped', telephony_status: 'switched' },
      { trunk_id: NEW, trunk_api: 'trunk', status: 'created', agent_status: 'mapped', telephony_status: 'switched' }
    ])

    emulator.clearLog()
    const again = await runFile(file, { set_agent_telephony: 'true' })
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({ to_add: '0', to_remove: '0', unchanged: '2', has_changes: 'false' })
    expect(emulator.writes()).toHaveLength(0)
  })

  it('maps and unmaps existing /trunk numbers with PATCH /trunk/numbers/{id}; the re-run writes nothing', async t => {
    const { emulator, runFile } = await step(t)
    const unmapped = emulator.seed(NEW, { e164: '+14155550101' })
    const mapped = emulator.seed(NEW, { e164: '+14155550102', agent_id: 'agent-b' })
    const file = `version: 1
defaults: { api: trunk }
trunks:
  - trunk_id: ${NEW}
    numbers:
      - phone_number: "+14155550101"
        agent_id: agent-a
      - phone_number: "+14155550102"
        agent_id: null
`
    const plan = await runFile(file, { dry_run: 'true' })
    expect(plan.stdout).toContain('~ "+14155550101" agent none -> "agent-a"')
    expect(plan.stdout).toContain('~ "+14155550102" agent "agent-b" -> none')
    expect(plan.outputs).toMatchObject({ has_changes: 'true', to_add: '0' })
    expect(JSON.parse(plan.outputs.plan!).changes).toMatchObject([
      { action: 'keep', number_id: unmapped.id, agent_in_bolna: null, agent_id: 'agent-a', agent_change: { from: null, to: 'agent-a' } },
      { action: 'keep', number_id: mapped.id, agent_in_bolna: 'agent-b', agent_id: null, agent_change: { from: 'agent-b', to: null } }
    ])
    expect(emulator.writes()).toHaveLength(0)

    const applied = await runFile(file)
    expect(applied.code).toBe(0)
    expect(
      emulator
        .writes()
        .map(w => ({ method: w.method, path: w.path, body: w.body }))
        .sort((a, b) => a.path.localeCompare(b.path))
    ).toEqual(
      [
        { method: 'PATCH', path: `/trunk/numbers/${unmapped.id}`, body: { agent_id: 'agent-a' } },
        { method: 'PATCH', path: `/trunk/numbers/${mapped.id}`, body: { agent_id: null } }
      ].sort((a, b) => a.path.localeCompare(b.path))
    )
    expect(emulator.numbers(NEW).map(n => [n.number, n.agent_id])).toEqual([
      ['+14155550101', 'agent-a'],
      ['+14155550102', null]
    ])
    expect(JSON.parse(applied.outputs.results!).map((r: { agent_status: string }) => r.agent_status)).toEqual(['mapped', 'unmapped'])

    emulator.clearLog()
    expect((await runFile(file)).code).toBe(0)
    expect(emulator.writes()).toHaveLength(0)
  })

  it('agent_id: null on a legacy trunk sends POST /inbound/unlink with only phone_number_id', async t => {
    const { emulator, runFile } = await step(t)
    const seeded = emulator.seed(LEGACY, { phone_number: '919876543210', agent_id: 'agent-b' })
    const file = `version: 1\ntrunks:\n  - trunk_id: ${LEGACY}\n    numbers:\n      - phone_number: "919876543210"\n        agent_id: null\n`
    const applied = await runFile(file)
    expect(applied.code).toBe(0)
    expect(emulator.writes().map(w => ({ method: w.method, path: w.path, body: w.body }))).toEqual([
      { method: 'POST', path: '/inbound/unlink', body: { phone_number_id: seeded.id } }
    ])
    expect(emulator.numbers(LEGACY)[0]!.agent_id).toBeNull()
    expect(applied.stdout).toContain('Unmapped "919876543210" from agent "agent-b".')
    expect(JSON.parse(applied.outputs.results!)[0]).toMatchObject({ agent_id: null, agent_status: 'unmapped' })

    emulator.clearLog()
    expect((await runFile(file)).code).toBe(0)
    expect(emulator.writes()).toHaveLength(0)
  })

  it('prune on a /trunk trunk (trunk_api input) removes with DELETE /trunk/trunks/{id}/numbers/{nid}', async t => {
    const { emulator, runFile } = await step(t)
    const kept = emulator.seed(NEW, { e164: '+14155550101' })
    const gone = emulator.seed(NEW, { e164: '+14155550102' })
    const file = `version: 1\ntrunks:\n  - trunk_id: ${NEW}\n    prune: true\n    numbers:\n      - phone_number: "+14155550101"\n`
    const applied = await runFile(file, { trunk_api: 'trunk', prune: 'true' })
    expect(applied.code).toBe(0)
    expect(emulator.writes().map(w => `${w.method} ${w.path} ${w.status}`)).toEqual([`DELETE /trunk/trunks/${NEW}/numbers/${gone.id} 200`])
    expect(emulator.numbers(NEW).map(n => n.id)).toEqual([kept.id])
    expect(emulator.numbers(NEW, { includeDeleted: true }).find(n => n.id === gone.id)!.deleted).toBe(true)
    expect(JSON.parse(applied.outputs.results!)).toMatchObject([
      { phone_number: '+14155550101', status: 'exists' },
      { phone_number: '+14155550102', number_id: gone.id, status: 'removed', trunk_api: 'trunk' }
    ])

    emulator.clearLog()
    const again = await runFile(file, { trunk_api: 'trunk', prune: 'true' })
    expect(again.outputs).toMatchObject({ to_remove: '0', has_changes: 'false' })
    expect(emulator.writes()).toHaveLength(0)
  })

  it('migration: one apply moves the numbers from a legacy trunk to a /trunk trunk; the re-run writes nothing', async t => {
    const { emulator, runFile } = await step(t)
    const old = [
      emulator.seed(LEGACY, { phone_number: '919876543210', name: 'Mumbai', agent_id: 'agent-a' }),
      emulator.seed(LEGACY, { phone_number: '+14155550199' })
    ]
    const file = `version: 1
trunks:
  - trunk_id: ${LEGACY}
    prune: true
    numbers: []
  - trunk_id: ${NEW}
    api: trunk
    numbers:
      - phone_number: "919876543210"
        agent_id: agent-a
      - phone_number: "+14155550199"
`
    const inputs = { prune: 'true', max_deletes: '2', set_agent_telephony: 'true' }
    const plan = await runFile(file, { ...inputs, dry_run: 'true' })
    expect(plan.code).toBe(0)
    expect(plan.outputs).toMatchObject({ to_add: '2', to_remove: '2' })
    expect(emulator.writes()).toHaveLength(0)

    const applied = await runFile(file, inputs)
    expect(applied.code).toBe(0)
    expect(emulator.numbers(LEGACY)).toEqual([])
    expect(
      emulator
        .numbers(LEGACY, { includeDeleted: true })
        .map(n => n.id)
        .sort()
    ).toEqual(old.map(n => n.id).sort())
    expect(emulator.numbers(NEW).map(n => [n.number, n.destination_key, n.agent_id])).toEqual(
      expect.arrayContaining([
        ['+919876543210', '919876543210', 'agent-a'],
        ['+14155550199', '14155550199', null]
      ])
    )
    expect(emulator.numbers(NEW)).toHaveLength(2)
    // The removals went first: Bolna refuses a number live on another active trunk.
    const writes = emulator.writes()
    const lastDelete = writes.findLastIndex(w => w.method === 'DELETE')
    const firstAdd = writes.findIndex(w => w.method === 'POST')
    expect(lastDelete).toBeLessThan(firstAdd)
    expect(writes.filter(w => w.status === 409 || w.status === 422)).toEqual([])
    expect(emulator.agent('agent-a')!.provider).toBe('trunk')

    emulator.clearLog()
    const again = await runFile(file, inputs)
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({ to_add: '0', to_remove: '0', has_changes: 'false' })
    expect(emulator.writes()).toHaveLength(0)
  })
})

// Every answer Bolna's docs leave open (shared/bolna-api.md §5), each emulator option value at least
// once, through the action end to end: what the action must do is in §5's middle column.
import { describe, expect, it, vi } from 'vitest'
import type { TestContext } from 'vitest'
import type { BolnaEmulator, EmulatorOptions, RequestLogEntry } from '../emulator/bolna-emulator.ts'
import { calls, emulatedStep, failure } from '../helpers/emulated-step.ts'

const KEY = 'api-answers-key-4d9a11f3'
const LEGACY = 'trunk-1'
/** Another legacy trunk, active: a number live there blocks an add elsewhere. */
const ELSEWHERE = 'trunk-2'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'

const step = (t: TestContext, options: EmulatorOptions = {}) =>
  emulatedStep(t.onTestFinished, KEY, { trunks: [LEGACY, ELSEWHERE], newTrunks: [NEW], agents: ['agent-a', 'agent-b'], ...options })

/** What differs between the two families, for tests that run on both. */
interface Family {
  api: 'sip-trunks' | 'trunk'
  trunk: string
  /** The path that reads the trunk's numbers, and the one that adds one. */
  listPath: string
  addPath: string
  title: string
  /** The body field Bolna's 422 names. */
  field: string
  /** The 404 texts of the 'legacy' bodies: an unknown trunk, an unknown agent when mapping. */
  trunkNotFound: string
  mappingPath: (numberId: string) => string
}

const LEGACY_FAMILY: Family = {
  api: 'sip-trunks',
  trunk: LEGACY,
  listPath: `/sip-trunks/trunks/${LEGACY}`,
  addPath: `/sip-trunks/trunks/${LEGACY}/numbers`,
  title: 'legacy /sip-trunks API',
  field: 'phone_number',
  trunkNotFound: '{"error":404,"message":"trunk not found"}',
  mappingPath: () => '/inbound/setup'
}
const TRUNK_FAMILY: Family = {
  api: 'trunk',
  trunk: NEW,
  listPath: `/trunk/trunks/${NEW}`,
  addPath: `/trunk/trunks/${NEW}/numbers`,
  title: '/trunk API',
  field: 'e164',
  trunkNotFound: '{"detail":"No live trunk found"}',
  mappingPath: id => `/trunk/numbers/${id}`
}
const FAMILIES = [LEGACY_FAMILY, TRUNK_FAMILY]
const named = (f: Family) => ({ ...f, toString: () => f.api })

/** One number, the same on both families: legacy stores it as written ("+" included), /trunk as e164. */
const NUMBER = '+14155550199'
const single = (f: Family, inputs: Record<string, string> = {}) => ({ trunk_api: f.api, trunk_id: f.trunk, phone_number: NUMBER, ...inputs })
const fileOf = (f: Family, numbers: string[], opts: { prune?: boolean; agent?: string } = {}) =>
  [
    'version: 1',
    'trunks:',
    `  - trunk_id: ${f.trunk}`,
    `    api: ${f.api}`,
    ...(opts.prune ? ['    prune: true'] : []),
    numbers.length ? '    numbers:' : '    numbers: []',
    ...numbers.flatMap(n => [`      - phone_number: "${n}"`, ...(opts.agent ? [`        agent_id: ${opts.agent}`] : [])]),
    ''
  ].join('\n')

const results = (outputs: Record<string, string>) => JSON.parse(outputs.results ?? '[]') as Record<string, unknown>[]
/** The requests with this method that came after `entry` (one of emulator.requests). */
const after = (emulator: BolnaEmulator, entry: RequestLogEntry, method: string) =>
  emulator.requests.slice(emulator.requests.indexOf(entry) + 1).filter(r => r.method === method)

describe.concurrent('a number live on another trunk', () => {
  it.for(FAMILIES.flatMap(f => (['409', '422'] as const).map(status => ({ f, status, toString: () => `${status} on ${f.api}` }))))(
    'otherTrunkConflict %s: fails with Bolna\'s reason and "remove it from the other trunk first"',
    async ({ f, status }, t) => {
      const { emulator, run } = await step(t, { otherTrunkConflict: status })
      emulator.seed(ELSEWHERE, { phone_number: '14155550199' })
      const refused = await run(single(f, { settle_seconds: '1' }))
      expect(refused.code).toBe(1)
      const reason = status === '409' ? '' : `body.${f.field}: `
      expect(failure(refused)).toContain(
        `Bolna refused POST ${f.addPath} (${status}): ${reason}Phone number already exists on another active trunk. The number is not on trunk "${f.trunk}": if it is on another trunk, remove it from the other trunk first`
      )
      expect(emulator.numbers(f.trunk)).toEqual([])
      const [post] = calls(emulator, 'POST', f.addPath)
      expect(post!.status).toBe(Number(status))
      // A 409 may be a lagging duplicate, so the trunk is re-read until settle_seconds; a 422 is read once.
      const reads = after(emulator, post!, 'GET').length
      if (status === '409') expect(reads).toBeGreaterThanOrEqual(2)
      else expect(reads).toBe(1)
    }
  )
})

describe.concurrent('/trunk add status', () => {
  it.for([201, 200] as const)('trunkAddStatus %s: the add succeeds and its record is read', async (status, t) => {
    const { emulator, run } = await step(t, { trunkAddStatus: status })
    const added = await run(single(TRUNK_FAMILY))
    expect(added.code).toBe(0)
    expect(calls(emulator, 'POST', TRUNK_FAMILY.addPath).map(p => p.status)).toEqual([status])
    expect(added.outputs).toMatchObject({ status: 'created', number_id: emulator.numbers(NEW)[0]!.id })
  })
})

describe.concurrent('soft-deleted rows', () => {
  it.for(FAMILIES.flatMap(f => (['included', 'omitted'] as const).map(mode => ({ f, mode, toString: () => `${mode} on ${f.api}` }))))(
    'softDeleted %s: a deleted record does not count, is added again and never removed',
    async ({ f, mode }, t) => {
      const { emulator, runFile } = await step(t, { softDeleted: mode })
      const deleted = emulator.seed(f.trunk, { phone_number: NUMBER, deleted: true })
      const unlisted = emulator.seed(f.trunk, { phone_number: '+14155550111' })
      const applied = await runFile(fileOf(f, [NUMBER], { prune: true }), { prune: 'true' })
      expect(applied.code).toBe(0)
      expect(applied.outputs).toMatchObject({ to_add: '1', to_remove: '1', unchanged: '0' })
      // The deleted record was neither kept as the number nor pruned: one add, one removal of the live extra.
      expect(
        emulator
          .writes()
          .map(w => `${w.method} ${w.path}`)
          .sort()
      ).toEqual([`DELETE ${f.addPath}/${unlisted.id}`, `POST ${f.addPath}`])
      const live = emulator.numbers(f.trunk)
      expect(live.map(n => n.number)).toEqual([NUMBER])
      expect(live[0]!.id).not.toBe(deleted.id)
      expect(emulator.numbers(f.trunk, { includeDeleted: true })).toHaveLength(3)
    }
  )
})

describe.concurrent('legacy trunk object without its numbers, and list shape', () => {
  const LIST = `/sip-trunks/trunks/${LEGACY}/numbers`
  const cases = (['omitted', 'null', 'included'] as const).flatMap(numbers =>
    (['bare', 'envelope'] as const).map(shape => ({ numbers, shape, toString: () => `legacyTrunkNumbers ${numbers}, listShape ${shape}` }))
  )

  it.for(cases)('%s: the numbers are read from the trunk object, or else from the legacy list', async ({ numbers, shape }, t) => {
    const { emulator, runFile } = await step(t, { listShape: shape, legacyTrunkNumbers: numbers })
    const seeded = emulator.seed(LEGACY, { phone_number: '919876543210' })
    const file = fileOf(LEGACY_FAMILY, ['919876543210', NUMBER])
    const applied = await runFile(file)
    expect(applied.code).toBe(0)
    expect(applied.outputs).toMatchObject({ to_add: '1', unchanged: '1' })
    expect(emulator.writes().map(w => w.body)).toEqual([{ phone_number: NUMBER, e164_check_enabled: false }])
    expect(results(applied.outputs)[0]).toMatchObject({ status: 'exists', number_id: seeded.id })
    // Without `phone_numbers` (absent or null) every read of the trunk object is followed by one of the list.
    const trunkReads = calls(emulator, 'GET', LEGACY_FAMILY.listPath)
    const listReads = calls(emulator, 'GET', LIST)
    expect(trunkReads.length).toBeGreaterThan(0)
    expect(listReads.map(r => r.status)).toEqual(numbers === 'included' ? [] : trunkReads.map(() => 200))
    emulator.clearLog()
    expect((await runFile(file)).outputs).toMatchObject({ to_add: '0', unchanged: '2' })
    expect(emulator.writes()).toHaveLength(0)
    expect(calls(emulator, 'GET', LIST)).toHaveLength(numbers === 'included' ? 0 : 1)
  })
})

describe.concurrent('legacy records with and without agent_id', () => {
  const file = fileOf(LEGACY_FAMILY, ['919876543210'], { agent: 'agent-a' })

  it("'absent': the plan says the mapping is not shown and will be set; no drift; the apply maps, every time", async t => {
    const { emulator, run, runFile } = await step(t, { legacyAgentId: 'absent' })
    const seeded = emulator.seed(LEGACY, { phone_number: '919876543210', agent_id: 'agent-a' })
    const drift = await runFile(file, { dry_run: 'true', fail_on_drift: 'true' })
    expect(drift.code).toBe(0)
    expect(drift.outputs).toMatchObject({ has_changes: 'false', to_add: '0', unchanged: '1' })
    expect(drift.stdout).toContain('~ "919876543210" agent (not shown by Bolna: it will be set) -> "agent-a"')
    expect(drift.stdout).toContain('Plan: 0 to add, 0 to remove, 1 unchanged (1 mapping(s) Bolna does not show, to be set).')
    expect(JSON.parse(drift.outputs.plan!).changes[0]).toMatchObject({ agent_in_bolna: 'unknown', agent_change: { from: 'unknown', to: 'agent-a' } })

    const planned = await run({ trunk_id: LEGACY, phone_number: '919876543210', agent_id: 'agent-a', dry_run: 'true' })
    expect(planned.outputs).toMatchObject({ status: 'exists', agent_status: 'planned', has_changes: 'false' })
    expect(planned.stdout).toContain('Dry run: would set its agent to "agent-a".')
    expect(emulator.writes()).toHaveLength(0)

    for (let apply = 0; apply < 2; apply++) {
      emulator.clearLog()
      const applied = await runFile(file)
      expect(applied.code).toBe(0)
      expect(emulator.writes().map(w => ({ path: w.path, body: w.body, status: w.status }))).toEqual([
        { path: '/inbound/setup', body: { agent_id: 'agent-a', phone_number_id: seeded.id }, status: 200 }
      ])
      expect(results(applied.outputs)[0]).toMatchObject({ status: 'exists', agent_status: 'mapped' })
    }
    expect(emulator.numbers(LEGACY).map(n => n.agent_id)).toEqual(['agent-a'])
  })

  it("'present': a mapping Bolna shows is compared: none written when equal, drift when not", async t => {
    const { emulator, runFile } = await step(t, { legacyAgentId: 'present' })
    emulator.seed(LEGACY, { phone_number: '919876543210', agent_id: 'agent-a' })
    const clean = await runFile(file, { dry_run: 'true', fail_on_drift: 'true' })
    expect(clean.code).toBe(0)
    expect(clean.outputs.has_changes).toBe('false')
    expect(JSON.parse(clean.outputs.plan!).changes[0]).toMatchObject({ agent_in_bolna: 'agent-a', agent_change: null })
    expect((await runFile(file)).code).toBe(0)
    expect(emulator.writes()).toHaveLength(0)

    const drift = await runFile(file.replace('agent-a', 'agent-b'), { dry_run: 'true', fail_on_drift: 'true' })
    expect(drift.code).toBe(1)
    expect(drift.stdout).toContain('~ "919876543210" agent "agent-a" -> "agent-b"')
    expect(failure(drift)).toContain('Drift: Bolna does not match the numbers file')
  })
})

describe.concurrent('404s are decided by state, not by their words', () => {
  const cases = FAMILIES.flatMap(f => (['legacy', 'generic'] as const).map(bodies => ({ f, bodies, toString: () => `${bodies} bodies on ${f.api}` })))

  it.for(cases)('%s: a DELETE of a number already gone succeeds', async ({ f, bodies }, t) => {
    const { emulator, runFile } = await step(t, { notFoundBodies: bodies })
    const gone = emulator.seed(f.trunk, { phone_number: NUMBER })
    // The DELETE is done but its answer is lost; the retry gets Bolna's 404 (on legacy bodies: "SIP
    // trunk phone number not found in database", which names a trunk).
    emulator.injectFault({ kind: 'stored-then-reset', method: 'DELETE' })
    const pruned = await runFile(fileOf(f, [], { prune: true }), { prune: 'true' })
    expect(pruned.code).toBe(0)
    const deletes = calls(emulator, 'DELETE', `${f.addPath}/${gone.id}`)
    expect(deletes.map(d => d.status)).toEqual(['reset', 404])
    expect(after(emulator, deletes[1]!, 'GET').length).toBeGreaterThanOrEqual(1)
    expect(pruned.stdout).toContain(`Already gone: "${NUMBER}" (id "${gone.id}") from trunk "${f.trunk}".`)
    expect(results(pruned.outputs)).toMatchObject([{ status: 'removed', number_id: gone.id }])
    expect(emulator.numbers(f.trunk)).toEqual([])
  })

  it.for(cases)('%s: an unknown agent fails after one round, not after settle_seconds', async ({ f, bodies }, t) => {
    const { emulator, run } = await step(t, { notFoundBodies: bodies })
    const seeded = emulator.seed(f.trunk, { phone_number: NUMBER })
    const started = Date.now()
    const mapped = await run(single(f, { agent_id: 'agent-zzz', settle_seconds: '20' }))
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(mapped.code).toBe(1)
    const said = bodies === 'legacy' ? 'agent not found' : 'Not Found'
    expect(failure(mapped)).toContain(
      `on trunk "${f.trunk}" (id "${seeded.id}"): the number is on the trunk, but mapping it to agent "agent-zzz" failed: agent "agent-zzz" not found (Bolna said: ${said})`
    )
    expect(calls(emulator, f.api === 'trunk' ? 'PATCH' : 'POST', f.mappingPath(seeded.id)).map(r => r.status)).toEqual([404])
    expect(calls(emulator, 'GET', '/v2/agent/agent-zzz').map(r => r.status)).toEqual([404])
    expect(mapped.outputs).toMatchObject({ status: 'exists', agent_status: 'failed' })
  })

  it.for(cases)('%s: a trunk gone before the DELETE is reported as the trunk error', async ({ f, bodies }, t) => {
    const { emulator, runFile } = await step(t, { notFoundBodies: bodies })
    const kept = emulator.seed(f.trunk, { phone_number: NUMBER })
    const body = bodies === 'legacy' ? f.trunkNotFound : '{"detail":"Not Found"}'
    // The trunk is there for the plan, then gone: the DELETE and the re-read after it both answer 404.
    emulator.injectFault({ kind: 'status', status: 404, method: 'DELETE', body })
    emulator.setOptions({
      onRequest: entry => {
        if (entry.method === 'DELETE') emulator.injectFault({ kind: 'status', status: 404, method: 'GET', body, times: 5 })
      }
    })
    const pruned = await runFile(fileOf(f, [], { prune: true }), { prune: 'true' })
    expect(pruned.code).toBe(1)
    const said = bodies === 'legacy' ? (JSON.parse(body).message ?? JSON.parse(body).detail) : 'Not Found'
    expect(failure(pruned)).toContain(
      `"${NUMBER}" on trunk "${f.trunk}" (id "${kept.id}"): Trunk "${f.trunk}" not found on Bolna's ${f.title} (Bolna said: ${said}).`
    )
    expect(results(pruned.outputs)).toMatchObject([{ status: 'failed', number_id: kept.id }])
    // One DELETE (a 404 is not retried), then the trunk is read to say what the 404 meant.
    const [remove] = calls(emulator, 'DELETE', `${f.addPath}/${kept.id}`)
    expect(emulator.requests.map(r => `${r.method} ${r.status}`).slice(0, 3)).toEqual(['GET 200', 'DELETE 404', 'GET 404'])
    expect(emulator.requests.indexOf(remove!)).toBe(1)
    expect(emulator.writes()).toHaveLength(1)
    expect(emulator.numbers(f.trunk)).toHaveLength(1)
  })
})

describe.concurrent("403: a bad key or a key without access, with Bolna's text", () => {
  const both = (call: string, text: string) =>
    `Bolna refused ${call} with 403: ${text}. Either the API key is wrong or expired (check the token input or the BOLNA_API_KEY secret), or it has no access to this trunk: SIP trunking not enabled for the account, or a trunk of another (sub)account.`

  it.for(FAMILIES.map(named))("forbidden 'bad-key' (%s): a wrong key", async (f, t) => {
    const { emulator, run } = await step(t, { forbidden: 'bad-key' })
    const refused = await run(single(f, { token: 'wrong-key-0c41' }))
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain(both(`GET ${f.listPath}`, 'Unrecognized access token'))
    expect(refused.everything).not.toContain('wrong-key-0c41')
    expect(emulator.requests).toHaveLength(1)
  })

  it.for(FAMILIES.map(named))("forbidden 'not-authorised' (%s): the right key without access", async (f, t) => {
    const { emulator, run } = await step(t, { forbidden: 'not-authorised' })
    const refused = await run(single(f))
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain(both(`GET ${f.listPath}`, 'Not authorised'))
    expect(emulator.requests).toHaveLength(1)
  })

  it.for(FAMILIES.map(named))('forbiddenTrunks (%s): one trunk of the file refused; nothing is written on any', async (f, t) => {
    const { emulator, runFile } = await step(t, { forbiddenTrunks: [f.trunk] })
    const allowed = f.api === 'sip-trunks' ? TRUNK_FAMILY : LEGACY_FAMILY
    const file = `${fileOf(allowed, ['+14155550111'])}${fileOf(f, [NUMBER]).split('trunks:\n')[1]}`
    const refused = await runFile(file)
    expect(refused.code).toBe(1)
    expect(failure(refused)).toContain(both(`GET ${f.listPath}`, 'Not authorised'))
    expect(emulator.writes()).toHaveLength(0)
    expect(calls(emulator, 'GET', allowed.listPath)).toHaveLength(1)
  })
})

describe.concurrent('compressed answers', () => {
  it.for(
    FAMILIES.flatMap(f => (['none', 'gzip', 'deflate', 'br'] as const).map(compression => ({ f, compression, toString: () => `${compression} on ${f.api}` })))
  )('compression %s: lists and adds are read', async ({ f, compression }, t) => {
    const { emulator, runFile } = await step(t, { compression })
    const seeded = emulator.seed(f.trunk, { phone_number: '+919876543210' })
    const file = fileOf(f, ['+919876543210', NUMBER])
    const applied = await runFile(file)
    expect(applied.code).toBe(0)
    expect(applied.outputs).toMatchObject({ to_add: '1', unchanged: '1' })
    const added = emulator.numbers(f.trunk).find(n => n.number === NUMBER)!
    expect(results(applied.outputs)).toMatchObject([
      { status: 'exists', number_id: seeded.id },
      { status: 'created', number_id: added.id }
    ])
    expect(emulator.writes()).toHaveLength(1)
  })
})

/**
 * The emulator's clock: its list lag and its rate limiter's 60 s window read Date.now in this
 * process (the action runs in its own). It runs `speed` times real time; `set` moves it to a given
 * time (and, with `frozen`, holds it there until the next `set`), `jump` moves it on.
 */
function emulatorClock(t: TestContext, speed = 1) {
  const realNow = Date.now.bind(Date)
  let base = realNow()
  let since = base
  let frozen = false
  const now = () => (frozen ? base : base + (realNow() - since) * speed)
  const spy = vi.spyOn(Date, 'now').mockImplementation(now)
  t.onTestFinished(() => spy.mockRestore())
  const set = (ms: number, opts: { frozen?: boolean } = {}) => {
    base = ms
    since = realNow()
    frozen = opts.frozen ?? false
  }
  return { realNow, set, jump: (ms: number) => set(now() + ms) }
}

/** Longer than any test: a number added under it shows in lists only once the clock jumps by it. */
const LAG_MS = 600_000

// Not concurrent, from here on: these tests move the emulator's clock, which is this process's Date.now.
/** An add made outside the action (another run, the dashboard): stored, but not listed until the lag is over. */
async function addedElsewhere(emulator: BolnaEmulator, f: Family): Promise<string> {
  const body = f.api === 'trunk' ? { e164: NUMBER, destination_key: NUMBER.slice(1) } : { phone_number: NUMBER }
  const answer = await fetch(`${emulator.url}${f.addPath}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  expect(answer.status).toBe(201)
  const { id } = (await answer.json()) as { id: string }
  emulator.clearLog()
  return id
}

describe('duplicates: the action looks before it adds', () => {
  it.for(FAMILIES.map(named))("'reject' with a lagging list (%s): the 409 is settled by re-reading the trunk, and the run succeeds", async (f, t) => {
    const { emulator, run } = await step(t, { duplicates: 'reject', listLagMs: LAG_MS })
    const earlier = await addedElsewhere(emulator, f)
    const clock = emulatorClock(t)
    // The list still hides the number, so the action adds it; Bolna refuses the duplicate; then the list shows it.
    emulator.setOptions({ onRequest: e => e.status === 409 && clock.jump(LAG_MS) })
    const added = await run(single(f, { settle_seconds: '5' }))
    expect(added.code).toBe(0)
    const posts = calls(emulator, 'POST', f.addPath)
    expect(posts.map(p => p.status)).toEqual([409])
    expect(after(emulator, posts[0]!, 'GET').length).toBeGreaterThanOrEqual(1)
    expect(emulator.numbers(f.trunk).map(n => n.id)).toEqual([earlier])
    expect(added.outputs).toMatchObject({ status: 'exists', number_id: earlier })
  })

  it.for(FAMILIES.map(named))("'accept' with a lagging list (%s): a duplicate made while the list lagged is removed within the run", async (f, t) => {
    const { emulator, run } = await step(t, { duplicates: 'accept', listLagMs: LAG_MS })
    const earlier = await addedElsewhere(emulator, f)
    const clock = emulatorClock(t)
    // Bolna stores the add the action makes while its list hides the first record; then the list catches up.
    emulator.setOptions({ onRequest: e => e.method === 'POST' && e.status === 201 && clock.jump(LAG_MS) })
    const second = await run(single(f))
    expect(second.code).toBe(0)
    // The verifying read shows both: the newer record goes, and the step reports the one kept.
    const removed = calls(emulator, 'DELETE', new RegExp(`^${f.addPath}/`))
    expect(removed).toHaveLength(1)
    expect(removed[0]!.path).not.toBe(`${f.addPath}/${earlier}`)
    expect(second.outputs).toMatchObject({ status: 'created', number_id: earlier })
    expect(second.stdout).toContain('Removed a duplicate record of')
    expect(emulator.numbers(f.trunk).map(n => n.id)).toEqual([earlier])
    emulator.clearLog()
    const third = await run(single(f))
    expect(third.outputs).toMatchObject({ status: 'exists', number_id: earlier })
    expect(emulator.writes()).toEqual([])
  })
})

describe('an add whose answer is lost, on a lagging list', () => {
  it.for(FAMILIES.flatMap(f => (['stored-then-reset', 'stored-then-hang'] as const).map(kind => ({ f, kind, toString: () => `${kind} on ${f.api}` }))))(
    '%s: adopted once the list shows it, exactly one record',
    async ({ f, kind }, t) => {
      const clock = emulatorClock(t)
      const { emulator, run } = await step(t, { listLagMs: LAG_MS })
      emulator.injectFault({ kind, method: 'POST' })
      // Two looks find nothing; then the lag is over.
      let looks = 0
      emulator.setOptions({ onRequest: e => e.method === 'GET' && calls(emulator, 'POST', f.addPath).length > 0 && ++looks === 2 && clock.jump(LAG_MS) })
      const added = await run(single(f, { timeout_seconds: '1', settle_seconds: '6' }))
      expect(added.code).toBe(0)
      const posts = calls(emulator, 'POST', f.addPath)
      expect(posts.map(p => p.status)).toEqual([kind === 'stored-then-reset' ? 'reset' : 'hang'])
      // It looked until the number showed (twice in vain), instead of adding again.
      expect(after(emulator, posts[0]!, 'GET').length).toBeGreaterThanOrEqual(3)
      const numbers = emulator.numbers(f.trunk)
      expect(numbers).toHaveLength(1)
      expect(added.outputs).toMatchObject({ status: 'created', number_id: numbers[0]!.id })
    }
  )
})

describe('rate limits', () => {
  it('a 429 with Retry-After is waited out, then the add is retried; the run succeeds', async t => {
    const clock = emulatorClock(t)
    const { emulator, run } = await step(t, { rateLimitPerMinute: 1, rateLimitRetryAfter: true })
    // The list takes the minute's only slot; the add comes 59 s later (the clock stops there until
    // the 429), so the slot frees in a second.
    emulator.setOptions({
      onRequest: e => {
        if (e.method === 'GET' && e.status === 200) clock.set(e.at + 59_000, { frozen: true })
        if (e.status === 429) clock.set(e.at)
        // Then no more limit: later reads (the check that the number shows) are not what this tests.
        if (e.method === 'POST' && e.status === 201) emulator.setOptions({ rateLimitPerMinute: 0 })
      }
    })
    const added = await run(single(LEGACY_FAMILY))
    expect(added.code).toBe(0)
    expect(emulator.requests.slice(0, 3).map(r => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 429', 'POST 201'])
    const [, limited, retried] = emulator.requests
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950)
    expect(emulator.rateLimited).toBe(1)
    expect(emulator.numbers(LEGACY)).toHaveLength(1)
  })

  it('a 429 without Retry-After is retried after a backoff, without re-reading (nothing was stored)', async t => {
    const clock = emulatorClock(t)
    const { emulator, run } = await step(t, { rateLimitPerMinute: 1, rateLimitRetryAfter: false })
    // As above, and the minute is over by the time the action retries, whatever its backoff.
    emulator.setOptions({
      onRequest: e => {
        if (e.method === 'GET' && e.status === 200) clock.set(e.at + 59_000, { frozen: true })
        if (e.status === 429) clock.set(e.at + 2_000)
        if (e.method === 'POST' && e.status === 201) emulator.setOptions({ rateLimitPerMinute: 0 })
      }
    })
    const added = await run(single(TRUNK_FAMILY))
    expect(added.code).toBe(0)
    expect(emulator.requests.slice(0, 3).map(r => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 429', 'POST 201'])
    expect(emulator.rateLimited).toBe(1)
    expect(emulator.numbers(NEW)).toHaveLength(1)
  })

  it('agent calls stay under the /v2/agent limit: 30 agents read and switched (60 calls) and no 429', async t => {
    // One real second is the emulator's minute: a limit of 20 a "minute" refuses any 1 s holding more
    // than 20 agent calls. The action's agent limiter (450/min: a burst of 10, then one each 136 ms)
    // holds at most 17 in any second; 60 calls sent at once (concurrency 8) would get 429s.
    const clock = emulatorClock(t, 60)
    const agents = Array.from({ length: 30 }, (_, i) => `agent-${String(i).padStart(2, '0')}`)
    const { emulator, runFile } = await step(t, { agents, agentRateLimitPerMinute: 20, rateLimitRetryAfter: false })
    const agentCalls: number[] = []
    emulator.setOptions({ onRequest: e => e.path.startsWith('/v2/agent/') && agentCalls.push(clock.realNow()) })
    const file = ['version: 1', 'trunks:', `  - trunk_id: ${NEW}`, '    api: trunk', '    numbers:']
      .concat(agents.flatMap((agent, i) => [`      - phone_number: "+1415555${String(1000 + i)}"`, `        agent_id: ${agent}`]))
      .join('\n')
    const applied = await runFile(`${file}\n`, { set_agent_telephony: 'true', requests_per_minute: '100000', concurrency: '8', max_retries: '0' })
    expect(applied.code).toBe(0)
    expect(emulator.rateLimited).toBe(0)
    // Each agent is read (GET), then switched (PATCH).
    expect(agentCalls).toHaveLength(60)
    for (const agent of agents) expect(emulator.agent(agent)!.provider).toBe('trunk')
    // The spacing itself: 50 calls after the burst of 10, 60 s / 440 apart.
    expect(agentCalls.at(-1)! - agentCalls[0]!).toBeGreaterThanOrEqual(50 * (60_000 / 440) * 0.9)
  })
})

describe.concurrent('the two reads no published source confirms (§5)', () => {
  it('a /trunk trunk lists its numbers under "numbers" or "phone_numbers": both read alike, end to end', async t => {
    for (const key of ['numbers', 'phone_numbers'] as const) {
      const { emulator, run, runFile } = await step(t, { trunkNumbersKey: key })
      emulator.seed(NEW, { e164: '+14155550100' })
      const exists = await run(single(TRUNK_FAMILY, { phone_number: '+14155550100' }))
      expect(exists.outputs.status, key).toBe('exists')
      const added = await run(single(TRUNK_FAMILY))
      expect(added.outputs.status, key).toBe('created')
      emulator.clearLog()
      const again = await runFile(fileOf(TRUNK_FAMILY, ['+14155550100', NUMBER]))
      expect(again.code, `${key}: ${again.stdout}`).toBe(0)
      expect(again.outputs.created, key).toBe('0')
      expect(emulator.writes(), key).toEqual([])
      expect(emulator.records(NEW), key).toHaveLength(2)
    }
  })

  it('a /trunk trunk with its numbers under another key is a clear error naming the fields, and nothing is written', async t => {
    const { emulator, run, runFile } = await step(t)
    const odd = JSON.stringify({ id: NEW, name: 'Main', is_active: true, items: [{ id: 'n1', e164: NUMBER }] })
    emulator.injectFault({ kind: 'status', status: 200, body: odd, method: 'GET', path: `/trunk/trunks/${NEW}`, times: Infinity })
    for (const result of [await run(single(TRUNK_FAMILY)), await runFile(fileOf(TRUNK_FAMILY, [NUMBER]))]) {
      expect(result.code).toBe(1)
      expect(failure(result)).toContain(
        `GET /trunk/trunks/${NEW} answered with a trunk that has no list of numbers under "numbers" or "phone_numbers" (its fields: "id", "name", "is_active", "items"), so the numbers on it are unknown`
      )
    }
    expect(emulator.writes()).toEqual([])
    // A key that is there but is no list names that key.
    emulator.clearFaults()
    emulator.injectFault({
      kind: 'status',
      status: 200,
      body: JSON.stringify({ id: NEW, numbers: null }),
      method: 'GET',
      path: `/trunk/trunks/${NEW}`,
      times: Infinity
    })
    const nulled = await run(single(TRUNK_FAMILY))
    expect(nulled.code).toBe(1)
    expect(failure(nulled)).toMatch(/answered with an unexpected body at numbers: expected the trunk's "numbers" array/)
    expect(emulator.writes()).toEqual([])
  })

  it('Bolna refusing the provider "trunk" (422, or 400) says so with both names, what to check and the docs; one PATCH, no retry; the number stays added and mapped', async t => {
    for (const refusal of ['option', 400] as const) {
      const { emulator, run } = await step(t, refusal === 'option' ? { trunkProvider: 'refused' } : {})
      if (refusal === 400) {
        emulator.injectFault({
          kind: 'status',
          status: 400,
          body: '{"detail":"Invalid telephony provider"}',
          method: 'PATCH',
          path: '/v2/agent/agent-a',
          times: Infinity
        })
      }
      const result = await run(single(TRUNK_FAMILY, { agent_id: 'agent-a', set_agent_telephony: 'true', max_retries: '3' }))
      expect(result.code, String(refusal)).toBe(1)
      expect(result.outputs).toMatchObject({ status: 'created', agent_status: 'mapped', telephony_status: 'failed' })
      const said = failure(result)
      expect(said).toContain('Bolna refused the telephony provider "trunk" for agent "agent-a" (')
      expect(said).toContain(`${refusal === 400 ? 400 : 422} on PATCH /v2/agent/agent-a`)
      expect(said).toContain('lists only "sip-trunk", the provider of legacy /sip-trunks trunks')
      expect(said).toContain('Check in Bolna')
      expect(said).toContain('https://www.bolna.ai/docs/api-reference/trunks/add_number')
      expect(said).toContain('The provider was not retried, nor set to "sip-trunk".')
      const patches = calls(emulator, 'PATCH', '/v2/agent/agent-a')
      expect(patches, String(refusal)).toHaveLength(1)
      expect(emulator.records(NEW)).toHaveLength(1)
    }
  })

  it('a legacy agent refused "sip-trunk" is an ordinary refusal: the hedge is for "trunk" only', async t => {
    const { emulator, run } = await step(t)
    emulator.injectFault({ kind: 'status', status: 422, method: 'PATCH', path: '/v2/agent/agent-a', times: Infinity })
    const result = await run(single(LEGACY_FAMILY, { agent_id: 'agent-a', set_agent_telephony: 'true' }))
    expect(result.code).toBe(1)
    expect(failure(result)).not.toContain('Bolna refused the telephony provider "trunk"')
    expect(failure(result)).toContain('422')
  })
})

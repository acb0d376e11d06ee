import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'bolna-test-key-5f1c9a'
let emulator: BolnaEmulator
let url: string

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-1', 'trunk/2'] })
  url = await emulator.start()
})
afterEach(async () => {
  await emulator.stop()
})

const base = () => ({ token: KEY, api_base_url: url, trunk_id: 'trunk-1', phone_number: '919876543210', name: 'Mumbai Support Line', timeout_seconds: '2' })

async function act(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({ inputs: { ...base(), ...inputs }, env })
  expect(run.everything, 'the token leaked').not.toContain(KEY)
  expect(run.stderr + run.stdout, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}

const failure = (run: ActionRun) => annotations(run).join('\n')
const posts = () => emulator.requests.filter(r => r.method === 'POST')

describe('adding one number', () => {
  it('creates it, then finds it on the re-run without a second POST', async () => {
    const first = await act()
    expect(first.code).toBe(0)
    expect(first.outputs).toMatchObject({ status: 'created', phone_number: '919876543210', trunk_id: 'trunk-1' })
    const record = JSON.parse(first.outputs.number!)
    expect(record).toMatchObject({ id: first.outputs.number_id, name: 'Mumbai Support Line', trunk_api: 'sip-trunks', e164: '+919876543210' })
    expect(posts()[0]?.body).toEqual({ phone_number: '919876543210', name: 'Mumbai Support Line', e164_check_enabled: false })
    expect(first.summary).toContain('<h3>Bolna numbers: one number</h3>')
    expect(first.summary).toContain(first.outputs.number_id)

    const second = await act({ phone_number: '+91 98765-43210' })
    expect(second.code).toBe(0)
    expect(second.outputs).toMatchObject({ status: 'exists', number_id: first.outputs.number_id, has_changes: 'false' })
    expect(second.stdout).toContain(`"919876543210" is already on trunk "trunk-1" (id "${first.outputs.number_id}"); nothing to do.`)
    expect(first.stdout).toContain(`Added "919876543210" to trunk "trunk-1" (id "${first.outputs.number_id}").`)
    expect(first.outputs.has_changes).toBe('true')
    expect(posts()).toHaveLength(1)
    expect(emulator.records('trunk-1')).toHaveLength(1)
  })

  it('sends the number as written and the flag as a JSON boolean', async () => {
    const run = await act({ phone_number: ' +919876543210 ', e164_check_enabled: 'True', name: '' })
    expect(run.code).toBe(0)
    expect(posts()[0]?.body).toEqual({ phone_number: '+919876543210', e164_check_enabled: true })
  })

  it('ignores soft-deleted records and adds the number again', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', deleted: true })
    const run = await act()
    expect(run.outputs.status).toBe('created')
    expect(emulator.records('trunk-1')).toHaveLength(1)
  })

  it('warns when the existing number has another name, and changes nothing', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', name: 'Old name' })
    const run = await act()
    expect(run.outputs.status).toBe('exists')
    expect(annotations(run, 'warning').join('\n')).toMatch(/named "Old name", not "Mumbai Support Line"/)
    expect(emulator.writes()).toHaveLength(0)
  })

  it('if_exists: fail fails on an existing number, with its id', async () => {
    const seeded = emulator.seed('trunk-1', { phone_number: '919876543210' })
    const run = await act({ if_exists: 'fail' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain(`already on trunk "trunk-1" (id "${seeded.id}") and if_exists is "fail"`)
    expect(run.outputs.number_id).toBe(seeded.id)
  })

  it('dry_run with if_exists: fail fails as the real run would', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210' })
    const run = await act({ dry_run: 'true', if_exists: 'fail' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('and if_exists is "fail"')
  })

  it('dry_run looks and reports but writes nothing', async () => {
    const planned = await act({ dry_run: 'true' })
    expect(planned.outputs).toMatchObject({ status: 'planned', number_id: '' })
    const seeded = emulator.seed('trunk-1', { phone_number: '919876543210' })
    const exists = await act({ dry_run: 'true' })
    expect(exists.outputs).toMatchObject({ status: 'exists', number_id: seeded.id })
    expect(emulator.writes()).toHaveLength(0)
  })

  it('refuses a trunk id that holds a "/" before any request (test/e2e/ids.test.ts has the rest)', async () => {
    const run = await act({ trunk_id: 'trunk/2' })
    expect(run.code).toBe(1)
    expect(emulator.requests).toEqual([])
  })

  it('takes the key from BOLNA_API_KEY when the token input is empty', async () => {
    const run = await act({ token: '' }, { BOLNA_API_KEY: KEY })
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${KEY}`)
  })
})

describe('errors say what to do, and never show the key', () => {
  it('a rejected key (403) says so', async () => {
    const run = await act({ token: 'wrong-key-0000' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      /Bolna refused GET \/sip-trunks\/trunks\/trunk-1 with 403: Unrecognized access token\. Either the API key is wrong or expired .* or it has no access to this trunk/
    )
    expect(run.everything).not.toContain('wrong-key-0000')
  })

  it('an unknown trunk names it', async () => {
    const run = await act({ trunk_id: 'nope' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/Trunk "nope" not found on Bolna's legacy \/sip-trunks API \(Bolna said: trunk not found\)\. Check the trunk id/)
  })

  it('a uuid trunk not found on /sip-trunks names trunk_api, the likely fix', async () => {
    const run = await act({ trunk_id: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/not found on Bolna's legacy \/sip-trunks API .*a uuid, the shape of Bolna's newer \/trunk API: .*set trunk_api: trunk/)
  })

  it('a number active on another trunk carries the API reason (409) and the fix, after settle_seconds of looking', async () => {
    emulator.seed('trunk/2', { phone_number: '+919876543210' })
    const started = Date.now()
    const run = await act({ settle_seconds: '1' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      /Bolna refused POST \/sip-trunks\/trunks\/trunk-1\/numbers \(409\): Phone number already exists on another active trunk\. The number is not on trunk "trunk-1": if it is on another trunk, remove it from the other trunk first/
    )
    // The trunk was re-read until settle_seconds, not decided by the 409's words.
    expect(emulator.requests.filter(r => r.method === 'GET').length).toBeGreaterThan(2)
    expect(Date.now() - started).toBeGreaterThan(600)
  })

  it('other statuses give method, path, status and the message, retried first for 5xx', async () => {
    emulator.injectFault({ kind: 'status', status: 400, method: 'GET', body: '{"error":400,"message":"bad things"}' })
    const run = await act()
    expect(failure(run)).toContain('GET /sip-trunks/trunks/trunk-1 failed with 400: bad things')
    expect(emulator.requests).toHaveLength(1)
  })

  it('an input error names the input, before any request', async () => {
    const run = await act({ timeout_seconds: 'soon' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('Input "timeout_seconds" must be a number from 1 to 600 (got "soon")')
    expect(emulator.requests).toHaveLength(0)
  })

  it('refuses plain http to a non-loopback host', async () => {
    const run = await act({ api_base_url: 'http://api.bolna.ai' })
    expect(failure(run)).toMatch(/Input "api_base_url" must use https/)
  })

  it('refuses a name that could start a workflow command', async () => {
    const run = await act({ name: 'x\n::set-output name=status::hacked' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('Input "name" must be one line')
    expect(run.stdout).not.toMatch(/^::set-output/m)
  })

  it('a redirect is refused and the key goes nowhere else', async () => {
    emulator.injectFault({ kind: 'redirect', location: 'http://127.0.0.2:9/stolen' })
    const run = await act()
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/redirect \(302\).*not followed/)
  })
})

describe('calm under faults', () => {
  it('retries 5xx, HTML 502 pages, resets and malformed JSON on the list', async () => {
    emulator.injectFault({ kind: 'html', method: 'GET' })
    emulator.injectFault({ kind: 'reset', method: 'GET' })
    emulator.injectFault({ kind: 'malformed', method: 'GET' })
    const run = await act()
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('created')
    // …then one more list: the step ends only once Bolna shows the number it added.
    expect(emulator.requests.map(r => r.fault ?? r.status)).toEqual(['html', 'reset', 'malformed', 200, 201, 200])
  })

  it('honours Retry-After on 429 and retries the POST (nothing was stored)', async () => {
    emulator.injectFault({ kind: 'status', status: 429, retryAfter: '1', method: 'POST' })
    const run = await act()
    expect(run.code).toBe(0)
    expect(posts()).toHaveLength(2)
    expect(posts()[1]!.at - posts()[0]!.at).toBeGreaterThanOrEqual(950)
    // Retried directly: a 429 proves nothing was stored, so no look at the list in between
    // (the last GET verifies the result).
    expect(emulator.requests.map(r => r.method)).toEqual(['GET', 'POST', 'POST', 'GET'])
    expect(emulator.records('trunk-1')).toHaveLength(1)
  })

  it('a hang past timeout_seconds is retried', async () => {
    emulator.injectFault({ kind: 'hang', method: 'GET' })
    const run = await act({ timeout_seconds: '1' })
    expect(run.code).toBe(0)
    expect(emulator.requests.map(r => r.status)).toEqual(['hang', 200, 201, 200])
  })

  it('gives up after max_retries with the last reason', async () => {
    emulator.injectFault({ kind: 'status', status: 503, method: 'GET', times: 10 })
    const run = await act({ max_retries: '2' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('GET /sip-trunks/trunks/trunk-1 failed with 503: injected 503')
    expect(emulator.requests).toHaveLength(3)
  })

  it('never retries a 4xx other than 408 and 429', async () => {
    emulator.injectFault({ kind: 'status', status: 422, method: 'POST' })
    const run = await act()
    expect(run.code).toBe(1)
    expect(posts()).toHaveLength(1)
  })
})

describe('exactly once, on an emulator that accepts duplicates', () => {
  it('stored-then-500: adopts the stored record instead of adding a second', async () => {
    emulator.injectFault({ kind: 'stored-then-status', status: 500, method: 'POST' })
    const run = await act()
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('created')
    expect(posts()).toHaveLength(1)
    expect(emulator.records('trunk-1')).toHaveLength(1)
    expect(run.outputs.number_id).toBe(emulator.records('trunk-1')[0]!.id)
  })

  it('stored-then-reset with a 1.5 s list lag: polls until the record shows', async () => {
    emulator.setOptions({ listLagMs: 1500 })
    emulator.injectFault({ kind: 'stored-then-reset', method: 'POST' })
    const run = await act()
    expect(run.code).toBe(0)
    expect(posts()).toHaveLength(1)
    expect(emulator.requests.filter(r => r.method === 'GET' && r.at > posts()[0]!.at).length).toBeGreaterThanOrEqual(2)
    expect(emulator.records('trunk-1')).toHaveLength(1)
    expect(run.outputs.number_id).toBe(emulator.records('trunk-1')[0]!.id)
  })

  it('a lost answer that was NOT stored is added again, once, after settle_seconds of looking', async () => {
    emulator.injectFault({ kind: 'reset', method: 'POST' })
    const run = await act({ settle_seconds: '1' })
    expect(run.code).toBe(0)
    expect(posts()).toHaveLength(2)
    // Between the two adds: looking at the list, for about settle_seconds.
    const between = emulator.requests.filter(r => r.at > posts()[0]!.at && r.at < posts()[1]!.at)
    expect(between.length).toBeGreaterThanOrEqual(2)
    expect(between.every(r => r.method === 'GET')).toBe(true)
    expect(posts()[1]!.at - posts()[0]!.at).toBeGreaterThanOrEqual(750)
    expect(emulator.records('trunk-1')).toHaveLength(1)
  })

  it('a gateway timeout (504) on a POST that was stored is adopted too', async () => {
    emulator.injectFault({ kind: 'stored-then-status', status: 504, method: 'POST' })
    const run = await act()
    expect(run.code).toBe(0)
    expect(posts()).toHaveLength(1)
    expect(emulator.records('trunk-1')).toHaveLength(1)
  })
})

describe('debug lines', () => {
  it('log each request without headers', async () => {
    const run = await act({}, { RUNNER_DEBUG: '1' })
    expect(run.stdout).toMatch(/::debug::GET \/sip-trunks\/trunks\/trunk-1 -> 200 in \d+ ms/)
    expect(run.stdout).toMatch(/::debug::POST \/sip-trunks\/trunks\/trunk-1\/numbers -> 201 in \d+ ms/)
    expect(run.stdout.toLowerCase()).not.toContain('authorization')
  })
})

describe('start-up weight', () => {
  // What every single-number step pays before its first request: no built-in module it never uses.
  const PRELOAD = new URL('../helpers/module-log.mjs', import.meta.url).href

  /** The step's status output and the Node built-in modules its process loaded. */
  const builtinsOf = async (): Promise<{ status: string | undefined; loaded: string[] }> => {
    const log = join(await mkdtemp(join(tmpdir(), 'module-log-')), 'modules.txt')
    const run = await act({}, { NODE_OPTIONS: `--import=${PRELOAD}`, MODULE_LOG: log })
    expect(run.code).toBe(0)
    const lines = (await readFile(log, 'utf8')).split('\n')
    return { status: run.outputs.status, loaded: lines.filter(line => line.startsWith('NativeModule ')).map(line => line.slice('NativeModule '.length)) }
  }

  it('loads neither child_process (@actions/exec is stubbed out), nor zlib (no answer was encoded), nor v8', async () => {
    for (const status of ['created', 'exists']) {
      const run = await builtinsOf()
      expect(run.status).toBe(status)
      expect(run.loaded).toContain('http')
      expect(run.loaded).not.toContain('child_process')
      expect(run.loaded).not.toContain('zlib')
      expect(run.loaded).not.toContain('v8')
    }
  })

  it('loads zlib for an encoded answer, and decodes it', async () => {
    await emulator.stop()
    emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-1'], compression: 'gzip' })
    url = await emulator.start()
    const run = await builtinsOf()
    expect(run.status).toBe('created')
    expect(run.loaded).toContain('zlib')
  })
})

// run(), the step, in this process: the inputs as INPUT_* variables, GITHUB_OUTPUT and the job
// summary in temporary files, Bolna's emulator on loopback. The end-to-end tests run the built
// action in a child process; these run src/ itself, so that mutation testing (npm run mutate)
// sees the step's story: which mode runs, what each step reports, and how it fails.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi } from '../fakes/github-api.ts'
import { parseOutputs, prepareRun } from '../helpers/run-action.ts'

vi.mock('../../src/inputs.js', async original => {
  const actual = await original<typeof import('../../src/inputs.js')>()
  return { ...actual, readSettings: vi.fn(actual.readSettings) }
})

const core = await import('@actions/core')
const { readSettings } = await import('../../src/inputs.js')
const { run } = await import('../../src/main.js')

const KEY = 'main-test-key-5f3a91'
const FILE = 'numbers.yml'
let emulator: BolnaEmulator
let summaryFile: string

interface Step {
  /** process.exitCode after run(): 1 when the step failed. */
  code: number | undefined
  log: string
  outputs: Record<string, string>
  summary: string
  workspace: string
}

/** The workflow commands of one kind (`error`, `warning`, `notice`, `debug`) the step printed. */
const commands = (step: Step, kind: string) => step.log.split(/\r?\n/).filter(line => line.startsWith(`::${kind}`))

/**
 * Runs the step in this process with `inputs` over the key, the emulator's URL, a 2 s timeout and
 * a 1 s settle; `files` are written in its workspace. Every run is checked for the key and for a stack.
 */
async function step(inputs: Record<string, string>, options: { files?: Record<string, string>; env?: Record<string, string> } = {}): Promise<Step> {
  const prepared = await prepareRun({
    inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', settle_seconds: '1', ...inputs },
    files: options.files
  })
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) vi.stubEnv(name, undefined)
  for (const name of ['GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'RUNNER_DEBUG', 'BOLNA_API_KEY', 'GITHUB_ACTION']) vi.stubEnv(name, undefined)
  // @actions/core reads the summary file's name once: every run of this file writes the same one.
  for (const [name, value] of Object.entries({ ...prepared.env, GITHUB_STEP_SUMMARY: summaryFile, ...options.env })) vi.stubEnv(name, value)
  await writeFile(summaryFile, '')
  process.exitCode = undefined
  const printed: string[] = []
  const [stdout, stderr] = [process.stdout.write, process.stderr.write]
  const capture = ((chunk: unknown) => printed.push(String(chunk)) > 0) as typeof process.stdout.write
  process.stdout.write = capture
  process.stderr.write = capture
  try {
    await run()
  } finally {
    process.stdout.write = stdout
    process.stderr.write = stderr
  }
  const result: Step = {
    code: process.exitCode === undefined ? undefined : Number(process.exitCode),
    log: printed.join(''),
    outputs: parseOutputs(await readFile(prepared.outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    workspace: prepared.workspace
  }
  // ::add-mask:: commands carry the key to the runner, which never shows them.
  const shown = [result.log.replace(/^::add-mask::.*$/gm, ''), result.summary, JSON.stringify(result.outputs)].join('\n')
  expect(shown, 'the key leaked').not.toContain(KEY)
  expect(result.log, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return result
}

const fileStep = (file: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  step({ numbers_file: FILE, ...inputs }, { files: { [FILE]: file }, env })

const numbersFile = (numbers: Record<string, string[]>, extra = '') =>
  `version: 1\ntrunks:\n${Object.entries(numbers)
    .map(([trunk, list]) => `  - trunk_id: ${trunk}\n${extra}    numbers:\n${list.map(n => `      - phone_number: "${n}"\n        agent_id: null\n`).join('')}`)
    .join('')}`

const live = (trunk: string) =>
  emulator
    .records(trunk)
    .map(r => r.phone_number)
    .sort()

beforeAll(async () => {
  summaryFile = join(await mkdtemp(join(tmpdir(), 'main-test-')), 'step_summary')
})

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-1', 'trunk-2'], agents: ['agent-1'] })
  await emulator.start()
})

afterEach(async () => {
  await emulator.stop()
  vi.unstubAllEnvs()
  vi.mocked(readSettings).mockClear()
  process.exitCode = undefined
})

describe('run(): failures', () => {
  it('fails the step with one line for any throw, an Error or not, and never a stack', async () => {
    const errors: string[] = []
    for (const thrown of [new TypeError('boom'), 'a plain string', { weird: true }]) {
      vi.mocked(readSettings).mockImplementationOnce(() => {
        throw thrown
      })
      const result = await step({ trunk_id: 'trunk-1', phone_number: '+14155550100' })
      expect(result.code).toBe(1)
      errors.push(...commands(result, 'error'))
      expect(result.summary).toContain('Bolna numbers: failed')
      // Only a numbers file's problems are listed.
      expect(result.summary).not.toContain('<li>')
    }
    expect(errors).toEqual(['::error::boom', '::error::a plain string', '::error::unexpected failure: {"weird":true}'])
    expect(emulator.requests).toEqual([])
  })

  it('redacts the key from any failure message, in the log and the summary, as a last line of defence', async () => {
    vi.mocked(readSettings).mockImplementationOnce(() => {
      throw new Error(`upstream said: ${KEY} is wrong`)
    })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+14155550100' })
    expect(commands(result, 'error')).toEqual(['::error::upstream said: *** is wrong'])
    expect(result.summary).toContain('upstream said: \\*\\*\\* is wrong')
  })

  it('guards all the step prints: a line holding the key, from any module, is redacted and its invisible characters escaped', async () => {
    vi.mocked(readSettings).mockImplementationOnce(() => {
      core.info(`a module forgot: ${KEY} \u001b[31m`)
      throw new Error('stop')
    })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+14155550100' })
    expect(result.log).toContain('a module forgot: *** \\u001b[31m')
  })

  it('a bad input fails before any request, naming the input', async () => {
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+14155550100', max_retries: 'many' })
    expect(result.code).toBe(1)
    expect(commands(result, 'error')).toEqual([expect.stringMatching(/^::error::Input "max_retries" must be a whole number from 0 to 10/)])
    expect(emulator.requests).toEqual([])
  })
})

describe('run(): single mode, a one-entry plan', () => {
  it('adds the number, verifies it, and reports it as one number', async () => {
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', name: 'Mumbai', agent_id: 'agent-1' })
    expect(result.code, result.log).toBeUndefined()
    const [record] = emulator.records('trunk-1')
    expect(record).toMatchObject({ phone_number: '+919876543210', name: 'Mumbai', agent_id: 'agent-1' })
    expect(result.outputs).toMatchObject({
      status: 'created',
      number_id: record!.id,
      phone_number: '+919876543210',
      trunk_id: 'trunk-1',
      agent_status: 'mapped',
      has_changes: 'true',
      warnings: '1'
    })
    // The apply's own warning (the agent calls out through another provider) is reported, not lost.
    expect(commands(result, 'warning')).toEqual([expect.stringMatching(/^::warning title=Bolna trunk::Agent "agent-1" calls out through the "plivo" provider/)])
    expect(JSON.parse(result.outputs.number!)).toMatchObject({ id: record!.id, agent_id: 'agent-1' })
    expect(result.summary).toContain('<h3>Bolna numbers: one number</h3>')
    expect(result.summary).toContain('Verified: 1 trunk(s) written were read again and show the result.')
    expect(result.log).toContain('Verified: 1 trunk(s) written')
    expect(result.log).toContain(`Added "+919876543210" to trunk "trunk-1" (id "${record!.id}")`)
    // Single mode sets no file-mode outputs.
    expect(result.outputs).not.toHaveProperty('plan')
    expect(result.outputs).not.toHaveProperty('created')
  })

  it('a second run finds the number: exists, nothing written, nothing to verify', async () => {
    const inputs = { trunk_id: 'trunk-1', phone_number: '+919876543210', agent_id: 'agent-1' }
    await step(inputs)
    emulator.clearLog()
    const result = await step(inputs)
    expect(result.code).toBeUndefined()
    expect(emulator.writes()).toEqual([])
    expect(result.outputs).toMatchObject({ status: 'exists', has_changes: 'false', agent_status: 'unchanged', number_id: emulator.records('trunk-1')[0]!.id })
    expect(result.log).toContain('is already on trunk "trunk-1"')
    expect(result.log).not.toContain('Verified')
    expect(result.summary).not.toContain('Verified')
    expect(result.log).toContain('Nothing was written: Bolna already holds every number as wanted.')
    // The trunk is read once (the plan), and never again (nothing was written).
    expect(emulator.requests.filter(r => r.method === 'GET' && r.path === '/sip-trunks/trunks/trunk-1')).toHaveLength(1)
  })

  it('dry_run plans only: nothing written, the status is planned, the agent would be set', async () => {
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', agent_id: 'agent-1', dry_run: 'true' })
    expect(result.code).toBeUndefined()
    expect(emulator.writes()).toEqual([])
    expect(result.outputs).toMatchObject({ status: 'planned', agent_status: 'planned', number_id: '', has_changes: 'true' })
    expect(result.log).toContain('Dry run: would add "+919876543210" to trunk "trunk-1" and map it to agent "agent-1".')
  })

  it('dry_run of a number already there with its agent: exists, agent unchanged', async () => {
    emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: 'agent-1' })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', agent_id: 'agent-1', dry_run: 'true' })
    expect(result.outputs).toMatchObject({ status: 'exists', agent_status: 'unchanged', has_changes: 'false' })
    const other = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', dry_run: 'true' })
    expect(other.outputs).toMatchObject({ status: 'exists', agent_status: '' })
    expect(emulator.writes()).toEqual([])
  })

  it('if_exists: fail fails on a number already there, naming it and its id, and writes nothing', async () => {
    const seeded = emulator.seed('trunk-1', { phone_number: '+919876543210' })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', if_exists: 'fail' })
    expect(result.code).toBe(1)
    expect(commands(result, 'error')).toEqual([`::error::"+919876543210" is already on trunk "trunk-1" (id "${seeded.id}") and if_exists is "fail".`])
    expect(result.outputs).toMatchObject({ status: 'exists', number_id: seeded.id })
    expect(emulator.writes()).toEqual([])
    // A new number passes the same guard.
    const added = await step({ trunk_id: 'trunk-1', phone_number: '+14155550100', if_exists: 'fail' })
    expect(added.code).toBeUndefined()
    expect(added.outputs.status).toBe('created')
  })

  it("a failed add fails the step with Bolna's reason, and the number is reported as failed", async () => {
    emulator.injectFault({ kind: 'status', status: 400, method: 'POST', times: Number.POSITIVE_INFINITY, body: '{"detail":"number refused"}' })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210' })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('failed')
    // One entry: its line alone, with no id (none was made).
    expect(commands(result, 'error')).toEqual([expect.stringMatching(/^::error::"\+919876543210" on trunk "trunk-1": .*number refused/)])
    expect(result.log).not.toContain('Nothing was written')
    // Nothing was written, so nothing is said to be verified.
    expect(result.log).not.toContain('Verified')
    expect(live('trunk-1')).toEqual([])
  })
  it('a number held by two records: the older is kept and reported, the other removed', async () => {
    const older = emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: null, created_at: '2020-01-01T00:00:00Z' })
    const newer = emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: null, created_at: '2024-01-01T00:00:00Z' })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210' })
    expect(result.code, result.log).toBeUndefined()
    expect(result.outputs).toMatchObject({ status: 'exists', number_id: older.id, has_changes: 'true' })
    expect(emulator.records('trunk-1').map(r => r.id)).toEqual([older.id])
    expect(emulator.writes().map(w => `${w.method} ${w.path}`)).toEqual([`DELETE /sip-trunks/trunks/trunk-1/numbers/${newer.id}`])
  })

  it('of two records as old as each other, the one with the lower id is kept, whatever the order Bolna lists them in', async () => {
    const at = '2020-01-01T00:00:00Z'
    emulator.seed('trunk-1', { id: 'b-record', phone_number: '+919876543210', agent_id: null, created_at: at })
    emulator.seed('trunk-1', { id: 'a-record', phone_number: '+919876543210', agent_id: null, created_at: at })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210' })
    expect(result.outputs.number_id).toBe('a-record')
    expect(emulator.records('trunk-1').map(r => r.id)).toEqual(['a-record'])
  })

  it('a name that differs is warned about, never changed', async () => {
    emulator.seed('trunk-1', { phone_number: '+919876543210', name: 'Old name', agent_id: null })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', name: 'New name' })
    expect(result.code, result.log).toBeUndefined()
    expect(commands(result, 'warning')).toEqual([
      '::warning::The number on trunk "trunk-1" is named "Old name", not "New name". Bolna has no rename endpoint: remove and re-add the number to change it.'
    ])
    expect(emulator.writes()).toEqual([])
  })

  it('dry_run of a number there with another agent: the agent would be set', async () => {
    emulator.addAgent('agent-2')
    emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: 'agent-2' })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', agent_id: 'agent-1', dry_run: 'true' })
    expect(result.outputs).toMatchObject({ status: 'exists', agent_status: 'planned', has_changes: 'true' })
    expect(result.log).toContain('Dry run: would set its agent to "agent-1".')
    expect(emulator.writes()).toEqual([])
  })

  it('a record of the number that appears while the run writes is removed; the oldest is kept and reported', async () => {
    let seeded: { id: string } | undefined
    emulator.setOptions({
      onRequest: entry => {
        if (entry.method === 'POST' && !seeded)
          seeded = emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: null, created_at: '2020-01-01T00:00:00Z' })
      }
    })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210' })
    expect(result.code, result.log).toBeUndefined()
    expect(emulator.records('trunk-1').map(r => r.id)).toEqual([seeded!.id])
    expect(result.log).toMatch(
      /Removed a duplicate record of "\+919876543210" \(id "[^"]+"\) that appeared on trunk "trunk-1" while this run wrote \(another run at once\?\); kept id "/
    )
    expect(result.outputs.number_id).toBe(seeded!.id)
  })

  it('duplicates that cannot be removed fail the step as not verified, saying why they appear', async () => {
    emulator.setOptions({
      onRequest: entry => {
        if (entry.method === 'POST') emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: null, created_at: '2020-01-01T00:00:00Z' })
      }
    })
    emulator.injectFault({ kind: 'status', status: 500, method: 'DELETE', times: Number.POSITIVE_INFINITY })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', settle_seconds: '0', max_retries: '0' })
    expect(result.code).toBe(1)
    const [error] = commands(result, 'error')
    expect(error).toContain('Applied, but not verified: 1 trunk(s)')
    expect(error).toContain('"+919876543210" is held by 2 records, not one')
    expect(error).toContain('More than one record of a number appeared while this run wrote')
    // Nothing was removed, so nothing is said to be.
    expect(result.log).not.toContain('Removed a duplicate record')
  })

  it('a trunk that cannot be read again after the apply fails the step as not verified, saying why', async () => {
    emulator.setOptions({
      onRequest: entry => {
        if (entry.method === 'POST') emulator.injectFault({ kind: 'status', status: 500, method: 'GET', times: Number.POSITIVE_INFINITY })
      }
    })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', settle_seconds: '0', max_retries: '0' })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('created')
    expect(commands(result, 'error')[0]).toMatch(/Applied, but not verified: 1 trunk\(s\).*trunk "trunk-1": it could not be read again: /)
  })

  it('healing stops after three rounds when duplicates keep appearing', async () => {
    // A new record of the number after the add and after every read: each read shows one more than the last removal left.
    let posted = false
    emulator.setOptions({
      onRequest: entry => {
        if (entry.method === 'POST') posted = true
        if (posted && entry.method !== 'DELETE') emulator.seed('trunk-1', { phone_number: '+919876543210', agent_id: null, created_at: '2020-01-01T00:00:00Z' })
      }
    })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+919876543210', settle_seconds: '6' })
    expect(result.code).toBe(1)
    // Round 1 removes the run's own record (the seeded one is older), rounds 2 and 3 two records each; then no more.
    expect(emulator.writes().filter(w => w.method === 'DELETE')).toHaveLength(5)
    expect(commands(result, 'error')[0]).toMatch(/is held by \d+ records, not one/)
  })
})

describe('run(): file mode', () => {
  it('plans, applies, verifies and reports every trunk of the file', async () => {
    emulator.seed('trunk-2', { phone_number: '442071838750', agent_id: null })
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210', '14155550123'], 'trunk-2': ['442071838750'] }))
    expect(result.code, result.log).toBeUndefined()
    expect(live('trunk-1')).toEqual(['14155550123', '919876543210'])
    const both = await fileStep(numbersFile({ 'trunk-1': ['919876543210', '14155550123', '14155550124'], 'trunk-2': ['442071838750', '14155550125'] }))
    expect(both.summary).toContain('Verified: 2 trunk(s) written were read again and show the result.')
    expect(result.outputs).toMatchObject({
      to_add: '2',
      to_remove: '0',
      unchanged: '1',
      has_changes: 'true',
      created: '2',
      removed: '0',
      failed: '0',
      warnings: '0'
    })
    expect(JSON.parse(result.outputs.results!).map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'exists'])
    expect(result.summary).toContain('Applied')
    expect(result.summary).toContain('Verified: 1 trunk(s) written were read again and show the result.')
    // Every trunk is read once before the plan, and only the written one again.
    const reads = (trunk: string) => emulator.requests.filter(r => r.method === 'GET' && r.path.startsWith(`/sip-trunks/trunks/${trunk}`)).length
    expect([reads('trunk-1'), reads('trunk-2')]).toEqual([4, 3])
    expect(result.log).not.toContain('::debug::')
  })

  it('a file with problems fails with each one annotated on its line, in the summary too, before any request', async () => {
    const result = await fileStep('version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n      - phone_number: "call me"\n')
    expect(result.code).toBe(1)
    const errors = commands(result, 'error')
    expect(errors[0]).toMatch(/^::error title=Bolna numbers file,file=numbers\.yml,line=5::/)
    expect(errors.at(-1)).toBe('::error::numbers.yml has 1 problem(s), annotated above; nothing was changed.')
    expect(result.summary).toMatch(/<li>line 5: /)
    expect(emulator.requests).toEqual([])
  })

  it('max_deletes blocks a plan that removes too many, before any write', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210' })
    emulator.seed('trunk-1', { phone_number: '919876543211' })
    const file = numbersFile({ 'trunk-1': ['14155550123'] }, '    prune: true\n')
    const blocked = await fileStep(file, { prune: 'true', max_deletes: '1' })
    expect(blocked.code).toBe(1)
    expect(commands(blocked, 'error').join('\n')).toMatch(/max_deletes/)
    expect(blocked.outputs).toMatchObject({ to_add: '1', to_remove: '2' })
    expect(emulator.writes()).toEqual([])
    const allowed = await fileStep(file, { prune: 'true', max_deletes: '2' })
    expect(allowed.code, allowed.log).toBeUndefined()
    expect(live('trunk-1')).toEqual(['14155550123'])
    expect(allowed.outputs).toMatchObject({ created: '1', removed: '2' })
  })

  it('dry_run writes nothing; with fail_on_drift a plan with changes fails', async () => {
    const file = numbersFile({ 'trunk-1': ['919876543210'] })
    const dry = await fileStep(file, { dry_run: 'true' })
    expect(dry.code).toBeUndefined()
    expect(dry.summary).toContain('Dry run: nothing was changed.')
    const drift = await fileStep(file, { dry_run: 'true', fail_on_drift: 'true' })
    expect(drift.code).toBe(1)
    expect(commands(drift, 'error')).toEqual(['::error::Drift: Bolna does not match the numbers file (see the plan above).'])
    expect(emulator.writes()).toEqual([])
    expect(dry.outputs).not.toHaveProperty('created')
  })

  it('an entry that fails fails the step after the rest is written, and the results say which', async () => {
    emulator.injectFault({ kind: 'status', status: 400, method: 'POST', times: 1, body: '{"detail":"number refused"}' })
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210'], 'trunk-2': ['14155550123'] }), { concurrency: '1' })
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ created: '1', failed: '1' })
    expect(commands(result, 'error').join('\n')).toContain('number refused')
    expect([...live('trunk-1'), ...live('trunk-2')]).toHaveLength(1)
  })

  it('the entries that fail are listed one a line, under how many of all failed', async () => {
    emulator.injectFault({ kind: 'status', status: 400, method: 'POST', times: 2, body: '{"detail":"number refused"}' })
    const file = numbersFile({ 'trunk-1': ['919876543210'], 'trunk-2': ['14155550123', '14155550124'] })
    const result = await fileStep(file, { concurrency: '1', max_retries: '0' })
    const [error, ...rest] = commands(result, 'error')
    expect(rest).toEqual([])
    const lines = error!.split('%0A')
    expect(lines[0]).toBe('::error::2 of 3 entries failed; the rest were applied:')
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}"\+?\d+" on trunk "trunk-\d": .*number refused/),
      expect.stringMatching(/^ {2}"\+?\d+" on trunk "trunk-\d": .*number refused/)
    ])
  })

  it('what Bolna does not show within settle_seconds fails the step as not verified', async () => {
    emulator.setOptions({ listLagMs: 60_000 })
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210'] }), { settle_seconds: '0' })
    expect(result.code).toBe(1)
    expect(commands(result, 'error').join('\n')).toMatch(/Applied, but not verified: 1 trunk\(s\)/)
    expect(result.summary).toContain('Not verified: trunk')
    expect(result.outputs.created).toBe('1')
  })

  it('fail_on_warnings fails on a warning, after the work is done, and in a dry run too', async () => {
    emulator.addTrunk('trunk-1', { is_active: false })
    const file = numbersFile({ 'trunk-1': ['919876543210'] })
    const warned = await fileStep(file, { dry_run: 'true' })
    expect(warned.code).toBeUndefined()
    expect(warned.outputs.warnings).toBe('1')
    expect(commands(warned, 'warning')).toEqual([expect.stringMatching(/^::warning title=Bolna trunk,file=numbers\.yml,line=3::.*is inactive/)])
    const dry = await fileStep(file, { dry_run: 'true', fail_on_warnings: 'true' })
    expect(dry.code).toBe(1)
    expect(commands(dry, 'error')).toEqual([expect.stringMatching(/^::error::1 warning\(s\), and fail_on_warnings is true:%0A {2}.*is inactive/)])
    expect(emulator.writes()).toEqual([])
    const applied = await fileStep(file, { fail_on_warnings: 'true' })
    expect(applied.code).toBe(1)
    expect(live('trunk-1')).toEqual(['919876543210'])
    expect(commands(applied, 'error')[0]).toMatch(/fail_on_warnings is true/)
  })

  it('a read that fails stops the run before any write', async () => {
    emulator.setOptions({ forbiddenTrunks: ['trunk-2'] })
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210'], 'trunk-2': ['14155550123'] }))
    expect(result.code).toBe(1)
    expect(emulator.writes()).toEqual([])
    expect(result.summary).toContain('Bolna numbers: failed')
  })

  it('with step debug on, one line per request', async () => {
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210'] }), { dry_run: 'true' }, { RUNNER_DEBUG: '1' })
    expect(commands(result, 'debug').some(line => line.includes('GET') && line.includes('/sip-trunks/trunks/trunk-1'))).toBe(true)
  })

  it('a numbers_file outside the workspace is refused', async () => {
    const result = await step({ numbers_file: '../elsewhere.yml' })
    expect(result.code).toBe(1)
    expect(commands(result, 'error')).toEqual(['::error::Input "numbers_file" must be a path inside the workspace (got "../elsewhere.yml").'])
  })
  it('the first 50 problems are annotated, and the message says so', async () => {
    const bad = (count: number) =>
      `version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${Array.from({ length: count }, () => '      - phone_number: "call me"\n').join('')}`
    const many = await fileStep(bad(51))
    expect(commands(many, 'error').at(-1)).toBe('::error::numbers.yml has 51 problem(s), the first 50 annotated above; nothing was changed.')
    const fifty = await fileStep(bad(50))
    expect(commands(fifty, 'error').at(-1)).toBe('::error::numbers.yml has 50 problem(s), annotated above; nothing was changed.')
  })

  it('a name Bolna shows holding the key is never logged', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', name: `name ${KEY}`, agent_id: null })
    const result = await fileStep(
      'version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n      - phone_number: "919876543210"\n        name: Support\n        agent_id: null\n',
      {
        dry_run: 'true'
      }
    )
    expect(result.code, result.log).toBeUndefined()
    expect(result.log).toContain('"name ***"')
  })

  it('not verified: five reasons a trunk, then how many more; one line a trunk', async () => {
    emulator.setOptions({ listLagMs: 60_000 })
    const numbers = ['14155550100', '14155550101', '14155550102', '14155550103', '14155550104', '14155550105']
    const five = ['919876543210', '919876543211', '919876543212', '919876543213', '919876543214']
    const result = await fileStep(numbersFile({ 'trunk-1': numbers, 'trunk-2': five }), { settle_seconds: '0' })
    expect(result.code).toBe(1)
    const [error] = commands(result, 'error')
    expect(error).toContain('Applied, but not verified: 2 trunk(s) did not show the result within settle_seconds.')
    const lines = error!.split('%0A')
    expect(lines.filter(line => line.startsWith('  trunk '))).toEqual([
      `  trunk "trunk-1": ${numbers
        .slice(0, 5)
        .map(n => `"+${n}" is not listed`)
        .join('; ')}; and 1 more`,
      `  trunk "trunk-2": ${five.map(n => `"+${n}" is not listed`).join('; ')}`
    ])
    expect(error).not.toContain('More than one record')
  })

  it('the hint about runs at once is given when any trunk shows duplicates', async () => {
    emulator.setOptions({
      listLagMs: 60_000,
      onRequest: entry => {
        if (entry.method === 'POST' && entry.path.includes('trunk-1')) {
          for (const created_at of ['2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z'])
            emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: null, created_at })
        }
      }
    })
    emulator.injectFault({ kind: 'status', status: 500, method: 'DELETE', times: Number.POSITIVE_INFINITY })
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210'], 'trunk-2': ['14155550100'] }), { settle_seconds: '0', max_retries: '0' })
    const [error] = commands(result, 'error')
    expect(error).toContain('2 trunk(s) did not show the result')
    expect(error).toContain('is held by 2 records, not one')
    expect(error).toContain('More than one record of a number appeared while this run wrote')
  })

  it('fail_on_warnings with no warning passes; with two, it says both, one a line', async () => {
    const file = numbersFile({ 'trunk-1': ['919876543210'], 'trunk-2': ['14155550123'] })
    const clean = await fileStep(file, { dry_run: 'true', fail_on_warnings: 'true' })
    expect(clean.code, clean.log).toBeUndefined()
    emulator.addTrunk('trunk-1', { is_active: false })
    emulator.addTrunk('trunk-2', { is_active: false })
    const warned = await fileStep(file, { dry_run: 'true', fail_on_warnings: 'true' })
    const [error] = commands(warned, 'error')
    expect(error!.split('%0A')).toEqual([
      '::error::2 warning(s), and fail_on_warnings is true:',
      expect.stringMatching(/^ {2}.*"trunk-1".* is inactive/),
      expect.stringMatching(/^ {2}.*"trunk-2".* is inactive/)
    ])
  })
})

describe('run(): export mode', () => {
  it('writes the trunks named, saying where they came from', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: null })
    const result = await step({ export_file: 'out.yml', trunk_id: 'trunk-1' })
    expect(result.code, result.log).toBeUndefined()
    const text = await readFile(join(result.workspace, 'out.yml'), 'utf8')
    expect(text).toContain('(trunk_api sip-trunks, trunk_id trunk-1)')
    expect(text).toContain('919876543210')
    expect(text).not.toContain('trunk-2')
    expect(result.outputs.exported).toBe('1')
    expect(result.summary).toContain('<h3>Bolna numbers: export</h3>')
    expect(result.log).toContain('Exported 1 number(s) from 1 trunk(s) to "out.yml".')
    expect(emulator.writes()).toEqual([])
  })

  it('without trunk_id, every trunk of trunk_api the key can see', async () => {
    emulator.seed('trunk-2', { phone_number: '14155550123', agent_id: null })
    const result = await step({ export_file: 'out.yml' })
    expect(result.code, result.log).toBeUndefined()
    const text = await readFile(join(result.workspace, 'out.yml'), 'utf8')
    expect(text).toContain('(every trunk of trunk_api sip-trunks the key can see)')
    expect(text).toMatch(/trunk_id: "trunk-1"[\s\S]*trunk_id: "trunk-2"/)
    expect(result.log).toContain('Exported 1 number(s) from 2 trunk(s)')
  })

  it('a trunk that cannot be read fails the step after the others are written', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: null })
    emulator.setOptions({ forbiddenTrunks: ['trunk-2'] })
    const result = await step({ export_file: 'out.yml', trunk_id: 'trunk-1,trunk-2' })
    expect(result.code).toBe(1)
    expect(commands(result, 'error')).toEqual([expect.stringMatching(/^::error::Exported the other trunks; these could not be read:%0A {2}trunk "trunk-2": /)])
    expect(await readFile(join(result.workspace, 'out.yml'), 'utf8')).toContain('919876543210')
    expect(result.outputs.exported).toBe('1')
  })

  it('a trunk whose id a numbers file would refuse is left out with a warning; fail_on_warnings fails on it, after writing', async () => {
    emulator.addTrunk('bad/id')
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: null })
    const warned = await step({ export_file: 'out.yml' })
    expect(warned.code, warned.log).toBeUndefined()
    expect(warned.outputs).toMatchObject({ exported: '1', warnings: '1' })
    expect(commands(warned, 'warning')).toEqual([expect.stringMatching(/^::warning title=Bolna trunk::Trunk "bad\/id" is left out of the export: its id /)])
    const failed = await step({ export_file: 'out.yml', fail_on_warnings: 'true' })
    expect(failed.code).toBe(1)
    expect(commands(failed, 'error')).toEqual(['::error::1 trunk(s) left out, and fail_on_warnings is true.'])
    expect(await readFile(join(failed.workspace, 'out.yml'), 'utf8')).toContain('919876543210')
  })

  it('trunk_api: all exports the trunks of both APIs', async () => {
    emulator.addTrunk('new-1', { api: 'trunk' })
    const result = await step({ export_file: 'out.yml', trunk_api: 'all' })
    expect(result.code, result.log).toBeUndefined()
    const text = await readFile(join(result.workspace, 'out.yml'), 'utf8')
    expect(text).toContain('(every trunk of both APIs (trunk_api all) the key can see)')
    expect(text).toMatch(/trunk_id: "new-1"\n\s+api: trunk/)
    expect(result.log).toContain('from 3 trunk(s)')
  })

  it('an export_file outside the workspace is refused before any request', async () => {
    const result = await step({ export_file: '../out.yml' })
    expect(result.code).toBe(1)
    expect(commands(result, 'error')[0]).toContain('Input "export_file" must be a path inside the workspace')
    expect(emulator.requests).toEqual([])
  })
  it('fail_on_warnings passes an export that leaves nothing out; trunks that cannot be read are listed one a line', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', agent_id: null })
    const clean = await step({ export_file: 'out.yml', fail_on_warnings: 'true' })
    expect(clean.code, clean.log).toBeUndefined()
    emulator.addTrunk('trunk-3')
    emulator.setOptions({ forbiddenTrunks: ['trunk-2', 'trunk-3'] })
    const result = await step({ export_file: 'out.yml' })
    expect(commands(result, 'error')[0]!.split('%0A')).toEqual([
      '::error::Exported the other trunks; these could not be read:',
      expect.stringMatching(/^ {2}trunk "trunk-2": /),
      expect.stringMatching(/^ {2}trunk "trunk-3": /)
    ])
  })
})

describe('run(): check_api and drift', () => {
  it('check_api: true checks the API in place of the run, and writes nothing', async () => {
    const result = await step({ check_api: 'true', trunk_id: 'trunk-1' })
    expect(result.code, result.log).toBeUndefined()
    expect(emulator.writes()).toEqual([])
    expect(emulator.requests.length).toBeGreaterThan(0)
    expect(result.outputs).not.toHaveProperty('status')
  })

  it("one notice when Bolna's answers lack a field the action reads", async () => {
    emulator.setOptions({ legacyName: 'absent' })
    emulator.seed('trunk-1', { phone_number: '919876543210' })
    const result = await step({ trunk_id: 'trunk-1', phone_number: '+14155550100' })
    expect(result.code, result.log).toBeUndefined()
    const drift = commands(result, 'notice').filter(line => line.includes('check_api'))
    expect(drift).toEqual([expect.stringContaining('GET /sip-trunks/trunks/trunk-1: phone_numbers[].name missing')])
  })
})

describe('run(): file mode on a pull request, and the merge that applies its plan', () => {
  // prepareRun's github_token; @actions/github reads the API's URL and the event once: one fake for these tests.
  const GH_TOKEN = 'ghs_fake_default_github_token'
  const HEAD = '1111111111111111111111111111111111111111'
  const MERGE = '2222222222222222222222222222222222222222'
  let github: FakeGitHubApi
  let env: Record<string, string>
  const file = numbersFile({ 'trunk-1': ['919876543210'] })
  const ours = () => github.comments.filter(c => c.user === 'github-actions[bot]')
  const block = (body: string) =>
    JSON.parse(
      body
        .split('\n')[0]!
        .replace(/^<!-- bolna-sip-trunk-number /, '')
        .replace(/ -->$/, '')
    )

  beforeAll(async () => {
    github = new FakeGitHubApi(GH_TOKEN)
    const eventPath = join(await mkdtemp(join(tmpdir(), 'main-test-event-')), 'event.json')
    await writeFile(eventPath, JSON.stringify({ pull_request: { number: 12, head: { sha: HEAD } } }))
    env = {
      GITHUB_API_URL: await github.start(),
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/numbers',
      GITHUB_SHA: HEAD
    }
  })
  afterAll(() => github.stop())
  beforeEach(() => {
    github.comments = []
    github.requests = []
    github.forbidWrites = false
  })

  it('a dry run posts the plan; the merge applies exactly that plan, and nothing on a commit no pull request merged', async () => {
    const planned = await fileStep(file, { dry_run: 'true' }, env)
    expect(planned.code, planned.log).toBeUndefined()
    expect(ours()).toHaveLength(1)
    expect(block(ours()[0]!.body)).toMatchObject({ status: 'planned', commit: HEAD, dry_run: true, totals: { add: 1 } })
    expect(emulator.writes()).toEqual([])

    const { context } = await import('@actions/github')
    const sha = context.sha
    try {
      context.sha = '3333333333333333333333333333333333333333'
      const stray = await fileStep(file, {}, { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: context.sha })
      expect(stray.code).toBe(1)
      expect(commands(stray, 'error')[0]).toMatch(/^::error::require_reviewed_plan: commit 333333333333 came from no merged pull request/)
      expect(emulator.writes()).toEqual([])

      github.pullsByCommit.set(MERGE, [{ number: 12, merged_at: '2026-11-27T00:00:00Z', merge_commit_sha: MERGE, head: { sha: HEAD } }])
      context.sha = MERGE
      const merged = await fileStep(file, {}, { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: MERGE })
      expect(merged.code, merged.log).toBeUndefined()
      expect(merged.log).toContain('Applying the plan reviewed on pull request #12')
      expect(live('trunk-1')).toEqual(['919876543210'])
    } finally {
      context.sha = sha
    }
  })

  it('a file with problems: the comment says the run failed, and why', async () => {
    const result = await fileStep('version: 1\ntrunks: 7\n', { dry_run: 'true' }, env)
    expect(result.code).toBe(1)
    expect(ours()).toHaveLength(1)
    expect(block(ours()[0]!.body)).toMatchObject({ status: 'failed', totals: null, fingerprint: null })
    expect(ours()[0]!.body).toContain('numbers.yml has 1 problem')
  })

  it('a plan max_deletes blocks: the comment shows it blocked', async () => {
    emulator.seed('trunk-1', { phone_number: '14155550100' })
    const result = await fileStep(numbersFile({ 'trunk-1': ['919876543210'] }, '    prune: true\n'), { dry_run: 'true', prune: 'true', max_deletes: '0' }, env)
    expect(result.code).toBe(1)
    expect(block(ours()[0]!.body)).toMatchObject({ status: 'blocked', fingerprint: null, totals: { add: 1, remove: 1 } })
  })

  it('a failure after the plan was posted leaves the plan shown', async () => {
    emulator.addTrunk('trunk-1', { is_active: false })
    const result = await fileStep(file, { dry_run: 'true', fail_on_warnings: 'true' }, env)
    expect(result.code).toBe(1)
    expect(block(ours()[0]!.body)).toMatchObject({ status: 'planned' })
  })

  it('pr_comment: false writes no comment', async () => {
    const result = await fileStep(file, { dry_run: 'true', pr_comment: 'false' }, env)
    expect(result.code, result.log).toBeUndefined()
    expect(github.requests).toEqual([])
  })

  it('a comment that cannot be written after a failure is said, and the step fails with its own reason', async () => {
    github.forbidWrites = true
    const result = await fileStep('version: 1\ntrunks: 7\n', { dry_run: 'true' }, env)
    expect(result.code).toBe(1)
    const errors = commands(result, 'error')
    expect(errors.some(line => line.startsWith('::error::Could not write the plan comment on pull request #12 (403)'))).toBe(true)
    expect(errors.at(-1)).toMatch(/^::error::numbers\.yml has 1 problem\(s\)/)
  })
})

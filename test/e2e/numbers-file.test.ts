import { mkdtemp, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'bolna-file-key-77c1'
const GH_TOKEN = 'ghs_pr_comment_token_9d2e'
const FILE = 'bolna-numbers.yml'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a', 'trunk-b', 'trunk-other'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

const numbersFile = (opts: { prune?: boolean; extra?: string } = {}) => `version: 1
defaults:
  e164_check_enabled: false
trunks:
  - trunk_id: trunk-a
    prune: ${opts.prune ?? false}
    numbers:
      - phone_number: "919876543210"
        name: Mumbai Support Line
      - phone_number: "+14155550123"
        name: SF Front Desk
        e164_check_enabled: true
  - trunk_id: trunk-b
    numbers:
      - phone_number: "442071838750"
${opts.extra ?? ''}`

async function act(file: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({
    inputs: { token: KEY, api_base_url: emulator.url, numbers_file: FILE, timeout_seconds: '2', ...inputs },
    env,
    files: { [FILE]: file }
  })
  for (const secret of [KEY, GH_TOKEN]) expect(run.everything, 'a token leaked').not.toContain(secret)
  expect(run.stdout + run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}
const failure = (run: ActionRun) => annotations(run).join('\n')
const live = (trunk: string) =>
  emulator
    .records(trunk)
    .map(r => r.phone_number)
    .sort()

describe('plan', () => {
  it('dry_run prints the plan, sets its outputs, writes nothing', async () => {
    const run = await act(numbersFile(), { dry_run: 'true' })
    expect(run.code).toBe(0)
    expect(emulator.writes()).toHaveLength(0)
    expect(run.outputs).toMatchObject({ to_add: '3', to_remove: '0', unchanged: '0' })
    expect(run.stdout).toContain('trunk "trunk-a" (sip-trunks)\n  + "919876543210" name "Mumbai Support Line"')
    expect(run.stdout).toContain('Plan: 3 to add, 0 to remove, 0 unchanged.')
    const plan = JSON.parse(run.outputs.plan!)
    expect(plan.changes).toHaveLength(3)
    expect(plan.changes[0]).toMatchObject({ action: 'add', trunk_id: 'trunk-a', phone_number: '919876543210' })
    expect(run.summary).toContain('Bolna numbers: plan for `bolna-numbers.yml`')
    expect(run.summary).toContain('| trunk-a | `+` |')
    expect(emulator.requests.map(r => r.path).sort()).toEqual(['/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-b'])
  })

  it('reports a differing name as ! (this run cannot change it) and changes nothing for it', async () => {
    emulator.seed('trunk-a', { phone_number: '919876543210', name: 'Old' })
    const run = await act(numbersFile(), { dry_run: 'true' })
    expect(run.stdout).toContain(
      '! "919876543210" name in Bolna "Old", file says "Mumbai Support Line" (not renamed: set on_name_change: replace to remove and re-add it)'
    )
    expect(run.outputs).toMatchObject({ to_add: '2', unchanged: '1' })
  })
})

describe('apply', () => {
  it('applies, then a re-run makes only the list calls', async () => {
    const first = await act(numbersFile())
    expect(first.code).toBe(0)
    expect(live('trunk-a')).toEqual(['+14155550123', '919876543210'])
    // Each number's own fields, and the file's defaults for the rest.
    expect(emulator.writes().map(w => w.body)).toEqual(
      expect.arrayContaining([
        { phone_number: '919876543210', name: 'Mumbai Support Line', e164_check_enabled: false },
        { phone_number: '+14155550123', name: 'SF Front Desk', e164_check_enabled: true },
        { phone_number: '442071838750', e164_check_enabled: false }
      ])
    )
    expect(live('trunk-b')).toEqual(['442071838750'])
    const results = JSON.parse(first.outputs.results!)
    expect(results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created'])
    expect(results[0]).toMatchObject({
      trunk_id: 'trunk-a',
      phone_number: '919876543210',
      number_id: emulator.records('trunk-a').find(r => r.phone_number === '919876543210')!.id
    })

    emulator.clearLog()
    const second = await act(numbersFile())
    expect(second.code).toBe(0)
    expect(second.outputs).toMatchObject({ to_add: '0', unchanged: '3' })
    expect(emulator.requests).toHaveLength(2)
    expect(emulator.writes()).toHaveLength(0)
    expect(JSON.parse(second.outputs.results!).map((r: { status: string }) => r.status)).toEqual(['exists', 'exists', 'exists'])
    // A no-op apply says that nothing was written, not "Verified: 0 trunk(s) written".
    expect(first.stdout).toContain('Verified: 2 trunk(s) written were read again and show the result.')
    expect(second.stdout).toContain('Nothing was written: Bolna already holds every number as wanted.')
    expect(second.summary).toContain('Nothing was written: Bolna already holds every number as wanted.')
    expect(second.stdout + second.summary).not.toContain('Verified')
  })

  it('defaults.e164_check_enabled: true is what /sip-trunks gets for every number that does not set its own', async () => {
    // Missed bug 2 of issue 21: the file's default was ignored, and every number went out with false.
    const file = `version: 1
defaults:
  e164_check_enabled: true
trunks:
  - trunk_id: trunk-a
    numbers:
      - phone_number: "+919876543210"
      - phone_number: "14155550123"
        e164_check_enabled: false
  - trunk_id: trunk-b
    numbers:
      - phone_number: "+442071838750"
        name: London
`
    const run = await act(file)
    expect(run.code).toBe(0)
    expect(emulator.writes().map(w => w.body)).toEqual(
      expect.arrayContaining([
        { phone_number: '+919876543210', e164_check_enabled: true },
        { phone_number: '14155550123', e164_check_enabled: false },
        { phone_number: '+442071838750', name: 'London', e164_check_enabled: true }
      ])
    )
    expect(emulator.writes()).toHaveLength(3)

    // Under the default, a number without its "+" is refused on its line, before any request.
    emulator.clearLog()
    const refused = await act(file.replace('"+442071838750"', '"442071838750"'))
    expect(refused.code).toBe(1)
    expect(emulator.requests).toHaveLength(0)
    expect(annotations(refused)).toContainEqual(expect.stringMatching(/line=12::.*must start with "\+" when e164_check_enabled is true/))
  })

  it('one failing number does not stop the others; the step fails listing it', async () => {
    emulator.seed('trunk-other', { phone_number: '+442071838750' })
    // The 409 is given settle_seconds to show on trunk-b (it never does): 1 s, not the default 8.
    const run = await act(numbersFile(), { settle_seconds: '1' })
    expect(run.code).toBe(1)
    expect(live('trunk-a')).toEqual(['+14155550123', '919876543210'])
    const results = JSON.parse(run.outputs.results!)
    expect(results[2]).toMatchObject({ trunk_id: 'trunk-b', phone_number: '442071838750', status: 'failed', number_id: null })
    expect(results[2].error).toContain('Phone number already exists on another active trunk')
    expect(failure(run)).toContain('1 of 3 entries failed; the rest were applied:')
    expect(failure(run)).toContain('"442071838750" on trunk "trunk-b": Bolna refused POST')
  })

  it('an unknown trunk fails the run before any write', async () => {
    const run = await act(numbersFile({ extra: '  - trunk_id: nope\n    numbers: []\n' }))
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('Trunk "nope" not found')
    expect(emulator.writes()).toHaveLength(0)
  })
})

describe('prune: deletes need both switches and stay under max_deletes', () => {
  beforeEach(() => {
    emulator.seed('trunk-a', { phone_number: '911111111111' })
    emulator.seed('trunk-b', { phone_number: '912222222222' })
  })

  it('the prune input alone removes nothing', async () => {
    const run = await act(numbersFile({ prune: false }), { prune: 'true' })
    expect(run.code).toBe(0)
    expect(run.outputs.to_remove).toBe('0')
    expect(live('trunk-a')).toContain('911111111111')
    expect(run.stdout).toContain('= "911111111111"')
  })

  it('the trunk switch alone removes nothing', async () => {
    const run = await act(numbersFile({ prune: true }), { prune: 'false' })
    expect(run.outputs.to_remove).toBe('0')
    expect(live('trunk-a')).toContain('911111111111')
  })

  it('both switches remove only on that trunk; trunks not pruned keep their extras; unlisted trunks are not read', async () => {
    emulator.seed('trunk-other', { phone_number: '913333333333' })
    const run = await act(numbersFile({ prune: true }), { prune: 'true' })
    expect(emulator.requests.some(r => r.path.includes('trunk-other'))).toBe(false)
    expect(emulator.records('trunk-other')).toHaveLength(1)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('- "911111111111"')
    expect(live('trunk-a')).toEqual(['+14155550123', '919876543210'])
    expect(live('trunk-b')).toEqual(['442071838750', '912222222222'])
    expect(JSON.parse(run.outputs.results!).filter((r: { status: string }) => r.status === 'removed')).toHaveLength(1)
  })

  it('a plan over max_deletes fails before any write, in a dry run too', async () => {
    const dry = await act(numbersFile({ prune: true }), { prune: 'true', max_deletes: '0', dry_run: 'true' })
    expect(dry.code).toBe(1)
    const run = await act(numbersFile({ prune: true }), { prune: 'true', max_deletes: '0' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('The plan removes 1 numbers, more than max_deletes (0); nothing was changed.')
    expect(emulator.writes()).toHaveLength(0)
  })

  it('a number can move between trunks in one apply (removals go first)', async () => {
    const moved = numbersFile({ prune: true }).replace('"442071838750"', '"911111111111"\n      - phone_number: "442071838750"')
    const file = moved.replace('  - trunk_id: trunk-b\n', '  - trunk_id: trunk-b\n    prune: true\n')
    const run = await act(file, { prune: 'true' })
    expect(run.code).toBe(0)
    expect(live('trunk-a')).not.toContain('911111111111')
    expect(live('trunk-b')).toContain('911111111111')
  })
})

describe('a bad file', () => {
  it('annotates every problem on its line and makes no request', async () => {
    const bad = numbersFile().replace('name: SF Front Desk', 'nmae: SF Front Desk').replace('"442071838750"', '"4420"')
    const run = await act(bad)
    expect(run.code).toBe(1)
    // A wrong key and a wrong number: both reported in the one run, each on its line.
    expect(annotations(run)).toEqual([
      expect.stringMatching(/^::error title=Bolna numbers file,file=bolna-numbers\.yml,line=11::trunks\[0\]\.numbers\[1\]\.nmae: unknown key/),
      expect.stringMatching(/^::error title=Bolna numbers file,file=bolna-numbers\.yml,line=15::trunks\[1\]\.numbers\[0\]\.phone_number "4420" has 4 digits/),
      expect.stringMatching(/^::error::bolna-numbers\.yml has 2 problem\(s\), annotated above; nothing was changed\.$/)
    ])
    expect(emulator.requests).toHaveLength(0)
  })

  it('refuses a number listed on two trunks', async () => {
    const run = await act(numbersFile().replace('"442071838750"', '"+91 98765 43210"'))
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/line=15::.*is already listed on trunk "trunk-a"; Bolna allows one active trunk per number \(first on line 8\)/)
    expect(emulator.requests).toHaveLength(0)
  })

  it('a missing file, or one outside the workspace, is named', async () => {
    const missing = await runAction({ inputs: { token: KEY, api_base_url: emulator.url, numbers_file: 'nope.yml' } })
    expect(failure(missing)).toContain('nope.yml')
    expect(failure(missing)).toContain('cannot read the numbers file: no such file')
    const outside = await runAction({ inputs: { token: KEY, api_base_url: emulator.url, numbers_file: '../../etc/passwd' } })
    expect(failure(outside)).toContain('Input "numbers_file" must be a path inside the workspace')
    expect(emulator.requests).toHaveLength(0)
  })

  it('a symlink in the workspace to a file outside it is refused, not followed', async ({ skip }) => {
    // A valid numbers file outside the workspace: followed, the run would apply it.
    const target = join(await mkdtemp(join(tmpdir(), 'outside-')), 'numbers.yml')
    await writeFile(target, numbersFile())
    const workspace = await mkdtemp(join(tmpdir(), 'ws-'))
    try {
      await symlink(target, join(workspace, 'link.yml'))
    } catch (error) {
      // Windows lets only an administrator, or Developer Mode, create symlinks.
      if (process.platform === 'win32' && (error as NodeJS.ErrnoException).code === 'EPERM') return skip('creating a symlink needs privileges here')
      throw error
    }
    const linked = await runAction({ inputs: { token: KEY, api_base_url: emulator.url, numbers_file: 'link.yml' }, workspace })
    expect(linked.code).toBe(1)
    expect(failure(linked)).toContain('Input "numbers_file" must be a path inside the workspace (got "link.yml")')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('drift check', () => {
  it('dry_run + fail_on_drift exits 1 when a change is needed, 0 when none', async () => {
    const drift = await act(numbersFile(), { dry_run: 'true', fail_on_drift: 'true' })
    expect(drift.code).toBe(1)
    expect(failure(drift)).toContain('Drift: Bolna does not match the numbers file')
    expect((await act(numbersFile())).code).toBe(0)
    const clean = await act(numbersFile(), { dry_run: 'true', fail_on_drift: 'true' })
    expect(clean.code).toBe(0)
  })
})

describe('PR comment', () => {
  let github: FakeGitHubApi
  let env: Record<string, string>

  beforeEach(async () => {
    github = new FakeGitHubApi(GH_TOKEN)
    env = await pullRequestEnv(await github.start(), { number: 7 })
  })
  afterEach(() => github.stop())

  it('posts the plan once, then updates that comment in place', async () => {
    const first = await act(numbersFile(), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(first.code).toBe(0)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain('Plan: 3 to add, 0 to remove, 0 unchanged.')
    expect(github.comments[0]!.issue).toBe(7)

    emulator.seed('trunk-a', { phone_number: '919876543210', name: 'Mumbai Support Line' })
    await act(numbersFile(), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain('Plan: 2 to add, 0 to remove, 1 unchanged.')
    // Ask who the token is (GITHUB_TOKEN cannot say), list the comments, post; the answer names the
    // account, so the comment is signed again for it, and any older one of its own is looked for.
    // The second run finds its signed comment and updates it.
    const id = github.comments[0]!.id
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /user',
      'GET /repos/acme/numbers/issues/7/comments',
      'POST /repos/acme/numbers/issues/7/comments',
      `PATCH /repos/acme/numbers/issues/comments/${id}`,
      'GET /repos/acme/numbers/issues/7/comments',
      'GET /user',
      'GET /repos/acme/numbers/issues/7/comments',
      `PATCH /repos/acme/numbers/issues/comments/${id}`
    ])
  })

  it('collapses a long plan in <details>', async () => {
    const many = Array.from({ length: 25 }, (_, i) => `      - phone_number: "9198765${String(43000 + i)}"\n`).join('')
    const run = await act(
      numbersFile().replace('    numbers:\n      - phone_number: "442071838750"\n', `    numbers:\n${many}`),
      { dry_run: 'true', github_token: GH_TOKEN },
      env
    )
    expect(run.code).toBe(0)
    expect(github.comments[0]!.body).toContain('<details><summary>27 changes</summary>')
  })

  it('no github_token fails the step, saying what to set: the pull request must not show an older plan', async () => {
    const run = await act(numbersFile(), { dry_run: 'true', github_token: '' }, env)
    expect(run.code).toBe(1)
    expect(annotations(run).join('\n')).toContain('Could not write the plan comment on pull request #7: github_token is empty.')
    expect(annotations(run).join('\n')).toContain('or set pr_comment: false')
    expect(github.requests).toHaveLength(0)
  })

  it('a missing permission fails the step, naming it', async () => {
    github.forbidWrites = true
    const run = await act(numbersFile(), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(run.code).toBe(1)
    expect(annotations(run).join('\n')).toContain("Could not write the plan comment on pull request #7 (403), so it does not show this run's plan")
    expect(annotations(run).join('\n')).toContain('Give the job `permissions: { pull-requests: write }`')
  })

  it('pr_comment: false, or a push event, posts nothing', async () => {
    await act(numbersFile(), { dry_run: 'true', github_token: GH_TOKEN, pr_comment: 'false' }, env)
    await act(numbersFile(), { dry_run: 'true', github_token: GH_TOKEN }, { ...env, GITHUB_EVENT_NAME: 'push' })
    expect(github.requests).toHaveLength(0)
  })
})

// "A plan you can trust": the end state is verified, drift is honest, renames are opt-in, the
// PR comment is always this run's, every run leaves a record, and a misspelled input is refused.
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'bolna-trusted-plan-key-4e21'
const GH_TOKEN = 'ghs_trusted_plan_token_0c3f'
const FILE = 'bolna-numbers.yml'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a', 'trunk-b'], agents: ['agent-a', 'agent-b'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

const file = (numbers: string, trunkExtra = '') => `version: 1
trunks:
  - trunk_id: trunk-a
${trunkExtra}    numbers:
${numbers}`

async function act(text: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({
    inputs: { token: KEY, api_base_url: emulator.url, numbers_file: FILE, timeout_seconds: '2', ...inputs },
    env,
    files: { [FILE]: text }
  })
  for (const secret of [KEY, GH_TOKEN]) expect(run.everything, 'a token leaked').not.toContain(secret)
  expect(run.stdout + run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}
const failure = (run: ActionRun) => annotations(run).join('\n')
const one = (number: string, extra = '') => `      - phone_number: "${number}"\n${extra}`

describe('a verified end state', () => {
  it('two back-to-back runs against a list that lags 1.5 s make exactly one record', async () => {
    emulator.setOptions({ listLagMs: 1500 })
    const first = await act(file(one('919876543210')), { settle_seconds: '5' })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('Verified: 1 trunk(s) written were read again and show the result.')
    expect(first.summary).toContain('Verified: 1 trunk(s) written')
    // The second run starts at once: the first ended only when the list showed its add.
    const second = await act(file(one('919876543210')), { settle_seconds: '5' })
    expect(second.code).toBe(0)
    expect(emulator.numbers('trunk-a')).toHaveLength(1)
    expect(emulator.writes()).toHaveLength(1)
  })

  it('single mode too: the step ends once the list shows the number', async () => {
    emulator.setOptions({ listLagMs: 1200 })
    const inputs = { token: KEY, api_base_url: emulator.url, trunk_id: 'trunk-a', phone_number: '919876543210', settle_seconds: '5' }
    const first = await runAction({ inputs })
    expect(first.stdout).toContain('Verified: 1 trunk(s) written were read again and show the result.')
    const second = await runAction({ inputs })
    expect([first.outputs.status, second.outputs.status]).toEqual(['created', 'exists'])
    expect(emulator.numbers('trunk-a')).toHaveLength(1)
  })

  it('fails, saying what is missing, when the trunk never shows the write within settle_seconds', async () => {
    emulator.setOptions({ listLagMs: 10_000 })
    const run = await act(file(one('919876543210')), { settle_seconds: '1' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      /Applied, but not verified: 1 trunk\(s\) did not show the result within settle_seconds\..*trunk "trunk-a": "\+919876543210" is not listed/
    )
    expect(run.summary).toContain('Not verified: trunk trunk-a')
  })

  it('a no-op run reads each trunk once and writes nothing (no verification needed)', async () => {
    emulator.seed('trunk-a', { phone_number: '919876543210' })
    const run = await act(file(one('919876543210')))
    expect(run.code).toBe(0)
    expect(emulator.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /sip-trunks/trunks/trunk-a'])
  })
})

describe('honest drift', () => {
  it('fail_on_drift fails on a name that differs and on unlisted numbers of a prune: true trunk, whatever the prune input', async () => {
    emulator.seed('trunk-a', { phone_number: '919876543210', name: 'Old' })
    const named = await act(file(one('919876543210', '        name: New\n')), { dry_run: 'true', fail_on_drift: 'true' })
    expect(named.code).toBe(1)
    expect(named.outputs.has_changes).toBe('true')
    expect(named.stdout).toContain('! "919876543210" name in Bolna "Old", file says "New"')
    expect(failure(named)).toContain('Drift: Bolna does not match the numbers file')

    emulator.seed('trunk-a', { phone_number: '918888888888' })
    const held = await act(file(one('919876543210', '        name: Old\n'), '    prune: true\n'), { dry_run: 'true', fail_on_drift: 'true' })
    expect(held.code).toBe(1)
    expect(held.stdout).toMatch(/! "918888888888" \(id "[^"]+", not in the file; kept because the prune input is false\)/)
    expect(held.stdout).toContain('1 unlisted on a prune: true trunk, kept')

    const clean = await act(file(one('919876543210', '        name: Old\n')), { dry_run: 'true', fail_on_drift: 'true' })
    expect(clean.code).toBe(0)
    expect(clean.outputs.has_changes).toBe('false')
    expect(clean.summary).toContain('Dry run: nothing was changed.')
  })

  it('agent_id: null removes the mapping; an omitted agent_id leaves it; the plan shows the agent a number has', async () => {
    emulator.seed('trunk-a', { phone_number: '919876543210', agent_id: 'agent-a' })
    emulator.seed('trunk-a', { phone_number: '918888888888', agent_id: 'agent-b' })
    const text = file(`${one('919876543210', '        agent_id: null\n')}${one('918888888888')}`)
    const plan = await act(text, { dry_run: 'true' })
    expect(plan.stdout).toContain('~ "919876543210" agent "agent-a" -> none')
    const changes = JSON.parse(plan.outputs.plan!).changes
    expect(changes.map((c: { agent_in_bolna: string }) => c.agent_in_bolna)).toEqual(['agent-a', 'agent-b'])
    const apply = await act(text)
    expect(apply.code).toBe(0)
    expect(apply.stdout).toContain('Unmapped "919876543210" from agent "agent-a".')
    expect(emulator.requests.filter(r => r.path === '/inbound/unlink').map(r => r.body)).toEqual([{ phone_number_id: emulator.numbers('trunk-a')[0]!.id }])
    expect(emulator.numbers('trunk-a').map(n => n.agent_id)).toEqual([null, 'agent-b'])
  })
})

describe('renames, opt-in', () => {
  it('on_name_change: replace removes and re-adds the number with its new name and its agent; report only warns', async () => {
    const old = emulator.seed('trunk-a', { phone_number: '919876543210', name: 'Old', agent_id: 'agent-a' })
    const text = file(one('919876543210', '        name: New\n'))
    const plan = await act(text, { dry_run: 'true', on_name_change: 'replace' })
    expect(plan.stdout).toContain(`-/+ "919876543210" (id "${old.id}") renamed "Old" -> "New": removed and added back, agent "agent-a"`)
    expect(plan.outputs.to_remove).toBe('1')
    const blocked = await act(text, { on_name_change: 'replace', max_deletes: '0' })
    expect(blocked.code).toBe(1)
    expect(emulator.writes()).toHaveLength(0)

    const apply = await act(text, { on_name_change: 'replace' })
    expect(apply.code).toBe(0)
    expect(emulator.numbers('trunk-a')).toMatchObject([{ number: '919876543210', name: 'New', agent_id: 'agent-a' }])
    expect(emulator.numbers('trunk-a')[0]!.id).not.toBe(old.id)
    expect(JSON.parse(apply.outputs.results!)).toMatchObject([{ status: 'replaced', agent_status: 'mapped' }])
    expect((await act(text, { on_name_change: 'replace' })).outputs.has_changes).toBe('false')
  })
})

describe('the record of a run', () => {
  it('after an apply: created, removed and failed counts, and the whole plan and results as files', async () => {
    emulator.seed('trunk-a', { phone_number: '917777777777', name: 'Gone soon' })
    const run = await act(file(`${one('919876543210')}${one('918888888888', '        agent_id: agent-zzz\n')}`, '    prune: true\n'), { prune: 'true' })
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ created: '2', removed: '1', failed: '1' })
    expect(run.stdout).toContain('Applied: 2 created, 1 removed, 0 already there, 0 failed; of those, 1 with a failed agent mapping or telephony switch.')
    const results = JSON.parse(await readFile(run.outputs.results_file!, 'utf8'))
    expect(results).toEqual(JSON.parse(run.outputs.results!))
    expect(results.find((r: { status: string }) => r.status === 'removed')).toMatchObject({ name: 'Gone soon' })
    expect(JSON.parse(await readFile(run.outputs.plan_file!, 'utf8')).counts).toMatchObject({ add: 2, remove: 1 })
    expect(run.summary).toMatch(/<td>918888888888<\/td>.*the number was added, but mapping it to agent "agent-zzz" failed/)
  })

  it('the job summary says why on every failure, with the file problems', async () => {
    const run = await act(file(one('415-555-0123')))
    expect(run.code).toBe(1)
    expect(run.summary).toContain('<h3>Bolna numbers: failed</h3>')
    expect(run.summary).toMatch(/line 5: trunks\[0\]\.numbers\[0\]\.phone_number "415-555-0123" is not a possible phone number/)
    expect(emulator.requests).toHaveLength(0)
  })

  it('cuts the plan output past 256 KiB and says where the whole plan is', async () => {
    const numbers = Array.from({ length: 3000 }, (_, i) =>
      one(`+9198${String(10_000_000 + i)}`, '        name: A name long enough to make the plan output large\n')
    ).join('')
    const run = await act(file(numbers), { dry_run: 'true' })
    expect(run.code).toBe(0)
    const plan = JSON.parse(run.outputs.plan!)
    expect(plan.changes_cut).toBeGreaterThan(0)
    expect(plan.changes.length + plan.changes_cut).toBe(3000)
    expect(run.outputs.plan!.length).toBeLessThanOrEqual(256 * 1024 + 200)
    expect(JSON.parse(await readFile(run.outputs.plan_file!, 'utf8')).changes).toHaveLength(3000)
    expect(run.stdout).toContain(`The plan output lists the first ${plan.changes.length} of 3000 changes`)
  })
})

describe('inputs that would be ignored', () => {
  it('an input the action does not declare fails before any request, naming the nearest one', async () => {
    const run = await act(file(one('919876543210')), {}, { 'INPUT_DRY-RUN': 'true' })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('Input "dry-run" is not an input of this action; did you mean "dry_run"?')
    expect(emulator.requests).toHaveLength(0)
    const far = await act(file(one('919876543210')), {}, { INPUT_COLOUR: 'blue' })
    expect(failure(far)).toMatch(/Input "colour" is not an input of this action \(see action.yml/)
  })

  it('a non-default value for an input the mode ignores is an error naming it', async () => {
    const run = await act(file(one('919876543210')), { if_exists: 'fail' })
    expect(failure(run)).toContain('Input "if_exists" does nothing in file mode')
    const single = await runAction({ inputs: { token: KEY, api_base_url: emulator.url, trunk_id: 'trunk-a', phone_number: '919876543210', prune: 'true' } })
    expect(annotations(single).join('\n')).toContain('Input "prune" does nothing in single mode')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('the PR comment is always this run', () => {
  let github: FakeGitHubApi
  let env: Record<string, string>

  beforeEach(async () => {
    github = new FakeGitHubApi(GH_TOKEN)
    env = await pullRequestEnv(await github.start(), { number: 7, head: { sha: 'abcdef1234567890abcdef' } }, 'acme/numbers', {
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '4242'
    })
  })
  afterEach(() => github.stop())

  it('names the commit, links the run, says dry run; a later broken file rewrites it with the reason', async () => {
    const good = await act(file(one('919876543210')), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(good.code).toBe(0)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain('Plan: 1 to add')
    expect(github.comments[0]!.body).toContain(
      'Dry run: nothing was changed. Commit abcdef123456 · [run 4242](https://github.example/acme/numbers/actions/runs/4242)'
    )

    const broken = await act(file(one('415-555-0123')), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(broken.code).toBe(1)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain(': failed')
    // Markdown-escaped in the comment: compare without the escapes.
    expect(github.comments[0]!.body.replace(/\\/g, '')).toContain('has 1 problem(s), annotated above; nothing was changed.')
    expect(github.comments[0]!.body).not.toContain('Plan: 1 to add')
  })

  it('a plan blocked by max_deletes is posted as blocked', async () => {
    emulator.seed('trunk-a', { phone_number: '918888888888' })
    const run = await act(file(one('919876543210'), '    prune: true\n'), { dry_run: 'true', prune: 'true', max_deletes: '0', github_token: GH_TOKEN }, env)
    expect(run.code).toBe(1)
    expect(github.comments[0]!.body).toContain(': blocked')
    expect(github.comments[0]!.body.replace(/\\/g, '')).toContain('more than max_deletes (0)')
    expect(github.comments[0]!.body).toContain('Plan: 1 to add, 1 to remove')
  })

  it('never edits a comment with the marker written by someone else', async () => {
    const first = await act(file(one('919876543210')), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(first.code).toBe(0)
    const ours = github.comments[0]!
    const theirs = ours.body
    // Someone else's comment with the same marker, listed first.
    github.comments.unshift({ id: 1, issue: 7, user: 'mallory', body: theirs })
    await act(file(`${one('919876543210')}${one('918888888888')}`), { dry_run: 'true', github_token: GH_TOKEN }, env)
    expect(github.comments.find(c => c.user === 'mallory')!.body).toBe(theirs)
    expect(github.comments.find(c => c.id === ours.id)!.body).toContain('Plan: 2 to add')
  })
})

describe('apply what was reviewed (require_reviewed_plan)', () => {
  let github: FakeGitHubApi
  let pr: Record<string, string>
  let push: Record<string, string>
  const MERGE = 'feedfacecafe0123456789abcdef0123456789ab'

  beforeEach(async () => {
    github = new FakeGitHubApi(GH_TOKEN)
    pr = await pullRequestEnv(await github.start(), { number: 7, head: { sha: 'abcdef1234567890abcdef' } }, 'acme/numbers', { GITHUB_RUN_ID: '1' })
    // The push that merged it: the same repository and API, another event.
    const pushPath = join(dirname(pr.GITHUB_EVENT_PATH!), 'push.json')
    await writeFile(pushPath, JSON.stringify({ after: MERGE }))
    push = { ...pr, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: pushPath, GITHUB_SHA: MERGE }
    github.pullsByCommit.set(MERGE, [{ number: 7, merged_at: '2026-11-27T00:00:00Z', merge_commit_sha: MERGE, head: { sha: 'abcdef1234567890abcdef' } }])
  })
  afterEach(() => github.stop())

  const text = file(one('919876543210'))
  const apply = () => act(text, { github_token: GH_TOKEN, require_reviewed_plan: 'true' }, push)

  it('applies the plan the pull request showed', async () => {
    expect((await act(text, { dry_run: 'true', github_token: GH_TOKEN }, pr)).code).toBe(0)
    expect(github.comments[0]!.body).toMatch(/^<!-- bolna-sip-trunk-number \{.*"fingerprint":"[0-9a-f]{64}".*"signature":"[0-9a-f]{64}".*\} -->\n/)
    const run = await apply()
    expect(run.code, failure(run)).toBe(0)
    expect(run.stdout).toMatch(/Applying the plan reviewed on pull request #7 \(plan [0-9a-f]{16}\)/)
    expect(emulator.numbers('trunk-a')).toHaveLength(1)
  })

  it('refuses a plan that changed since the review, showing both, and writes nothing', async () => {
    await act(text, { dry_run: 'true', github_token: GH_TOKEN }, pr)
    emulator.seed('trunk-a', { phone_number: '919876543210', name: 'added by hand' })
    emulator.clearLog()
    const run = await apply()
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      /require_reviewed_plan: this plan is not the one reviewed on pull request #7, so nothing was changed\. Reviewed: Plan: 1 to add, 0 to remove, 0 unchanged \(plan [0-9a-f]{16}\)\. Now: Plan: 0 to add, 0 to remove, 1 unchanged \(plan [0-9a-f]{16}\)/
    )
    expect(emulator.writes()).toHaveLength(0)
  })

  it('refuses when no merged pull request, or no plan comment, is found', async () => {
    const noComment = await apply()
    expect(failure(noComment)).toContain('require_reviewed_plan: pull request #7 has no plan comment for "bolna-numbers.yml" from this action')
    github.pullsByCommit.clear()
    const noPull = await apply()
    expect(failure(noPull)).toContain(`require_reviewed_plan: commit ${MERGE.slice(0, 12)} came from no merged pull request`)
    expect(emulator.writes()).toHaveLength(0)
  })
})

// A reviewed plan no one can forge (issue 17): each attack a hostile collaborator tried on
// require_reviewed_plan, end to end through the fake GitHub API, is refused with nothing written;
// and a fresh plan of the same change, run on the pull request, then applies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { COMMENT_LIMIT, FakeGitHubApi, lengthIn, pullRequestEnv, pushEnv } from '../fakes/github-api.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'bolna-reviewed-plan-key-77c1'
const GH_TOKEN = 'ghs_reviewed_plan_token_9d2e'
const FILE = 'bolna-numbers.yml'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const HEAD = 'abcdef1234567890abcdef1234567890abcdef12'
const LATER_HEAD = '0123456789abcdef0123456789abcdef01234567'
const MERGE = 'feedfacecafe0123456789abcdef0123456789ab'

let emulator: BolnaEmulator
let github: FakeGitHubApi
let pr: Record<string, string>
let githubUrl: string

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a'], newTrunks: [NEW], agents: ['agent-a', 'good', 'null'] })
  await emulator.start()
  github = new FakeGitHubApi(GH_TOKEN)
  githubUrl = await github.start()
  pr = await prEnv(7, HEAD)
})
afterEach(async () => {
  await github.stop()
  await emulator.stop()
})

async function prEnv(number: number, head: string): Promise<Record<string, string>> {
  return pullRequestEnv(githubUrl, { number, head: { sha: head } }, 'acme/numbers', { GITHUB_RUN_ID: '31' })
}

async function act(text: string, inputs: Record<string, string>, env: Record<string, string>, timeoutSeconds = '2'): Promise<ActionRun> {
  const run = await runAction({
    inputs: { token: KEY, api_base_url: emulator.url, numbers_file: FILE, timeout_seconds: timeoutSeconds, github_token: GH_TOKEN, ...inputs },
    env,
    files: { [FILE]: text }
  })
  for (const secret of [KEY, GH_TOKEN]) expect(run.everything, 'a token leaked').not.toContain(secret)
  expect(run.stdout + run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}
const failure = (run: ActionRun) => annotations(run).join('\n')

/** The plan run on the pull request (a dry run that posts the comment). */
const plan = (text: string, env = pr) => act(text, { dry_run: 'true' }, env)
/** The apply on the push that merged pull request 7 (head `head`), requiring the reviewed plan. */
async function apply(text: string, head = HEAD, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return act(text, { require_reviewed_plan: 'true', ...inputs }, await pushEnv(github, pr, { sha: MERGE, number: 7, head }))
}
/** The comment the plan run left on pull request `issue`. */
const commentOn = (issue: number) => {
  const found = github.comments.filter(c => c.issue === issue)
  expect(found, `comments on #${issue}`).toHaveLength(1)
  return found[0]!
}

const legacy = (entries: string) => `version: 1\ntrunks:\n  - trunk_id: trunk-a\n    numbers:\n${entries}`
const onNew = (entries: string) => `version: 1\ntrunks:\n  - trunk_id: "${NEW}"\n    api: trunk\n    numbers:\n${entries}`

/** Refused before any write, saying so. */
function expectRefused(run: ActionRun, reason: RegExp): void {
  expect(run.code, run.stdout).toBe(1)
  expect(failure(run)).toMatch(/require_reviewed_plan: /)
  expect(failure(run)).toMatch(reason)
  expect(emulator.writes()).toHaveLength(0)
}

describe('the fingerprint is of the requests the apply sends', () => {
  const pairs: [string, string, string, () => void][] = [
    [
      'the number as sent: "14155550123" and "+14155550123"',
      legacy('      - phone_number: "14155550123"\n'),
      legacy('      - phone_number: "+14155550123"\n'),
      () => undefined
    ],
    [
      'agent_id: null (unmap) and an agent whose id is "null"',
      legacy('      - phone_number: "919876543210"\n        agent_id: null\n'),
      legacy('      - phone_number: "919876543210"\n        agent_id: "null"\n'),
      () => void emulator.seed('trunk-a', { phone_number: '919876543210', agent_id: 'agent-a' })
    ],
    [
      'fields run together on /trunk: destination_key "14155550123" and agent "good", or destination_key "good"',
      onNew('      - phone_number: "+14155550123"\n        name: "Main"\n        destination_key: "14155550123"\n        agent_id: good\n'),
      onNew('      - phone_number: "+14155550123"\n        name: "Main 14155550123 agent"\n        destination_key: "good"\n'),
      () => undefined
    ]
  ]

  it.each(pairs)('%s: planned as one, the other is refused; its own plan then applies', async (_, reviewed, merged, seed) => {
    seed()
    expect((await plan(reviewed)).code).toBe(0)
    emulator.clearLog()
    expectRefused(await apply(merged), /not the one reviewed on pull request #7/)

    expect((await plan(merged)).code).toBe(0)
    const run = await apply(merged)
    expect(run.code, failure(run)).toBe(0)
    expect(emulator.writes().length).toBeGreaterThan(0)
  })
})

describe('only the action’s own, unedited, newest comment counts', () => {
  const reviewed = legacy('      - phone_number: "919876543210"\n')
  const other = legacy('      - phone_number: "919876543210"\n      - phone_number: "918888888888"\n')
  /** The comment a plan of `other` gets on another pull request (#8), to copy from. */
  const otherComment = async () => {
    expect((await plan(other, await prEnv(8, HEAD))).code).toBe(0)
    return commentOn(8).body
  }

  it('the comment, edited to carry another plan’s block (or only its block), is refused; a fresh plan restores it', async () => {
    expect((await plan(reviewed)).code).toBe(0)
    const forged = await otherComment()
    const ours = commentOn(7)
    github.edit(ours.id, () => forged)
    expectRefused(await apply(other), /edited|not signed|signature/)
    github.edit(ours.id, () => forged.split('\n').slice(0, 2).join('\n'))
    expectRefused(await apply(other), /edited|not signed|signature/)

    // GITHUB_TOKEN cannot say who it is, and the edited comment is no longer signed: a new one is
    // posted, and the answer names the account, whose older plan comment then says it is replaced.
    expect((await plan(other)).code).toBe(0)
    const plans = github.comments.filter(c => c.issue === 7 && c.body.startsWith('<!-- bolna-sip-trunk-number'))
    expect(plans).toHaveLength(1)
    expect(plans[0]!.body).toContain('Plan: 2 to add')
    expect(github.comments.find(c => c.id === ours.id)!.body).toContain('is replaced by a newer one below')
    expect((await apply(other)).code).toBe(0)
  })

  it('an edit of the shown plan only, the hidden block untouched, voids the review', async () => {
    expect((await plan(reviewed)).code).toBe(0)
    github.edit(commentOn(7).id, body => body.replace('Plan: 1 to add', 'Plan: 0 to add'))
    expectRefused(await apply(reviewed), /edited|signature/)
    expect((await plan(reviewed)).code).toBe(0)
    expect((await apply(reviewed)).code).toBe(0)
  })

  it('a forged comment placed before the real one is not used', async () => {
    expect((await plan(reviewed)).code).toBe(0)
    const forged = await otherComment()
    github.addComment({ issue: 7, user: 'github-actions[bot]', body: forged }, true)
    expectRefused(await apply(other), /not the one reviewed on pull request #7/)
    expect((await apply(reviewed)).code).toBe(0)
  })

  it('a newer comment posted as the same bot by another workflow voids the review', async () => {
    expect((await plan(reviewed)).code).toBe(0)
    const forged = await otherComment()
    github.addComment({ issue: 7, user: 'github-actions[bot]', body: forged.replace(/Plan: 2 to add/, 'Plan: 1 to add') })
    expectRefused(await apply(reviewed), /newest/)
  })

  it('GET /user failing (a personal token in an outage) never makes github-actions[bot]’s comments count', async () => {
    github.login = 'octo-deployer'
    github.userEndpoint = 'ok'
    expect((await plan(reviewed)).code).toBe(0)
    expect(commentOn(7).user).toBe('octo-deployer')
    const forged = await otherComment()
    github.addComment({ issue: 7, user: 'github-actions[bot]', body: forged })
    github.userEndpoint = 'error'
    expectRefused(await apply(other), /not the one reviewed on pull request #7/)
    // During the outage, a fresh plan still finds and updates its own comment.
    expect((await plan(other)).code).toBe(0)
    expect(github.comments.filter(c => c.issue === 7 && c.user === 'octo-deployer')).toHaveLength(1)
    expect((await apply(other)).code).toBe(0)
  })

  it('a GitHub App token (GET /user 403) updates its own comment instead of posting one each run, and its plan applies', async () => {
    github.login = 'bolna-numbers[bot]'
    github.userEndpoint = 'forbidden'
    expect((await plan(other)).code).toBe(0)
    expect((await plan(reviewed)).code).toBe(0)
    expect(github.comments.filter(c => c.issue === 7)).toHaveLength(1)
    expect(commentOn(7).body).toContain('Plan: 1 to add')
    github.addComment({ issue: 7, user: 'github-actions[bot]', body: 'forged' })
    expect((await apply(reviewed)).code).toBe(0)
  })
})

describe('stale commits do not count', () => {
  const text = legacy('      - phone_number: "919876543210"\n')

  it('a plan of an older commit than the pull request’s final head is refused; a plan of the final head applies', async () => {
    expect((await plan(text)).code).toBe(0)
    expectRefused(await apply(text, LATER_HEAD), /commit abcdef123456.*final head commit 0123456789ab/)
    expect((await plan(text, await prEnv(7, LATER_HEAD))).code).toBe(0)
    expect((await apply(text, LATER_HEAD)).code).toBe(0)
  })
})

describe('the pull request never shows a stale plan', () => {
  const long = (count: number) =>
    legacy(
      Array.from(
        { length: count },
        (_, i) => `      - phone_number: "+9198${String(10_000_000 + i)}"\n        name: "${'Ünïcödé näme, lông ënough 日本 '.repeat(8).slice(0, 240)} ${i}"\n`
      ).join('')
    )

  it.each(['characters', 'bytes'] as const)('a plan too long for one comment (counted in %s) is shortened, shown and signed', async unit => {
    github.lengthUnit = unit
    expect((await plan(legacy('      - phone_number: "919876543210"\n'))).code).toBe(0)
    const run = await plan(long(320))
    expect(run.code, failure(run)).toBe(0)
    const body = commentOn(7).body
    expect(body).toContain('Plan: 320 to add')
    expect(lengthIn('bytes', body)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body).toMatch(/and \d+ more/)
    expect(body).toContain('plan_file')
    const applied = await apply(long(320))
    expect(applied.code, failure(applied)).toBe(0)
    expect(emulator.numbers('trunk-a')).toHaveLength(320)
  })

  it('a comment that cannot be written fails the step, saying so', async () => {
    github.forbidWrites = true
    const run = await plan(legacy('      - phone_number: "919876543210"\n'))
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/could not write the plan comment on pull request #7 \(403\)/i)
    expect(failure(run)).toContain('pull-requests: write')
  })
})

describe('every GitHub call is bounded by timeout_seconds and max_retries', () => {
  const text = legacy('      - phone_number: "919876543210"\n')

  it('a GitHub API that never answers ends the plan run, and the apply, within about timeout × (retries + 1) a call', async () => {
    github.hang = /./
    for (const run of [() => act(text, { dry_run: 'true', max_retries: '1' }, pr, '1'), () => apply(text, HEAD, { timeout_seconds: '1', max_retries: '1' })]) {
      const started = Date.now()
      const done = await run()
      expect(done.code).toBe(1)
      expect(failure(done)).toMatch(/GitHub .*(timed out|no answer)/i)
      expect(Date.now() - started).toBeLessThan(25_000)
    }
    expect(emulator.writes()).toHaveLength(0)
  }, 90_000)

  it('a 500 is retried within max_retries', async () => {
    expect((await plan(text)).code).toBe(0)
    github.failures = 2
    github.failPattern = /^GET .*\/comments$/
    expect((await apply(text, HEAD, { max_retries: '2' })).code).toBe(0)
  })
})

describe('reviewed plans by default', () => {
  const text = legacy('      - phone_number: "919876543210"\n')

  it('an apply on a push of a commit no pull request brought fails, naming the opt-out; the opt-out applies', async () => {
    const push = { ...(await pushEnv(github, pr, { sha: MERGE, number: 7, head: HEAD })), GITHUB_SHA: 'c0ffee0000000000000000000000000000000000' }
    const run = await act(text, {}, push)
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('require_reviewed_plan: false')
    expect(emulator.writes()).toHaveLength(0)
    const optOut = await act(text, { require_reviewed_plan: 'false' }, push)
    expect(optOut.code).toBe(0)
  })

  it('by default, a push applies the pull request’s reviewed plan; a dry run on a push needs none', async () => {
    expect((await act(text, { dry_run: 'true' }, await pushEnv(github, pr, { sha: MERGE, number: 7, head: HEAD }))).code).toBe(0)
    expect((await plan(text)).code).toBe(0)
    const run = await act(text, {}, await pushEnv(github, pr, { sha: MERGE, number: 7, head: HEAD }))
    expect(run.code, failure(run)).toBe(0)
    expect(run.stdout).toMatch(/Applying the plan reviewed on pull request #7/)
  })
})

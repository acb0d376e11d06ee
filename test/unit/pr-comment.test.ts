// The PR comment (src/pr-comment.ts) in this process, against the fake GitHub API on loopback: what
// it renders, its hidden metadata block, shortening to GitHub's limit in bytes, which comments are
// the action's own, and how a write that fails is said.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { GitHubApi, GitHubCallError } from '../../src/github-api.js'
import type { IssueComment } from '../../src/github-api.js'
import { planFingerprint } from '../../src/plan-fingerprint.js'
import { readBlock, renderBlock, signedBody, signingKey, verifiedBlock } from '../../src/plan-signature.js'
import type { CommentMetadata } from '../../src/plan-signature.js'
import { planChanges } from '../../src/plan.js'
import type { Plan } from '../../src/plan.js'
import { COMMENT_LIMIT, commentPlan, isForFile, ownComments } from '../../src/pr-comment.js'
import type { CommentSettings, PlanOutcome } from '../../src/pr-comment.js'
import { Secrets, useSecrets } from '../../src/secrets.js'
import { FakeGitHubApi } from '../fakes/github-api.ts'
import { stored, trunk, wanted } from '../helpers/model.ts'

const TOKEN = 'bolna-comment-key-0c7e'
const GH_TOKEN = 'ghs_comment_token_41aa'
const FILE = 'numbers.yml'
const PR = 7
const HEAD = '0123456789abcdef0123456789abcdef01234567'
const RUN_ID = '4242'
const BOT = 'github-actions[bot]'
const place = (author: string) => ({ repository: 'acme/numbers', pullRequest: PR, author })
const key = signingKey(TOKEN)

let github: FakeGitHubApi
let eventPath: string
const logged: string[] = []

const settings = (extra: Partial<CommentSettings> = {}): CommentSettings => ({
  token: TOKEN,
  githubToken: GH_TOKEN,
  timeoutMs: 2000,
  maxRetries: 0,
  dryRun: false,
  prComment: true,
  ...extra
})

/** A plan adding `count` numbers to trunk-1 (named `name` each) and keeping one. */
function plan(count = 2, name?: string): Plan {
  const numbers = Array.from({ length: count }, (_, i) => wanted(`+1415555${String(1000 + i)}`, { name, agentId: null }))
  return planChanges(
    { trunks: [{ trunk: trunk('trunk-1'), prune: false, numbers: [...numbers, wanted('+919876543210', { agentId: null })] }] },
    new Map([['trunk-1', [stored('n-1', '+919876543210')]]]),
    false
  )
}

const planned = (p: Plan = plan()): PlanOutcome => ({ status: 'planned', plan: p, fingerprint: planFingerprint(p, { setAgentTelephony: false }) })
const bodies = () => github.comments.map(c => c.body)
const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

let apiUrl: string

beforeAll(async () => {
  eventPath = join(await mkdtemp(join(tmpdir(), 'pr-comment-')), 'event.json')
  await writeFile(eventPath, JSON.stringify({ pull_request: { number: PR, head: { sha: HEAD } } }))
  // @actions/github reads the API's URL and the event once, when first loaded: one fake for the file.
  github = new FakeGitHubApi(GH_TOKEN)
  apiUrl = await github.start()
})

afterAll(() => github.stop())

beforeEach(() => {
  Object.assign(github, {
    comments: [],
    requests: [],
    forbidWrites: false,
    login: BOT,
    userEndpoint: 'forbidden',
    lengthUnit: 'characters',
    hang: undefined,
    failures: 0,
    failPattern: /./
  })
  for (const [name, value] of Object.entries({
    GITHUB_API_URL: apiUrl,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/numbers',
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
    GITHUB_SERVER_URL: 'https://github.com'
  }))
    vi.stubEnv(name, value)
  useSecrets(new Secrets([TOKEN, GH_TOKEN]))
  logged.length = 0
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => logged.push(String(chunk)) > 0)
})

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  useSecrets(new Secrets([]))
})

describe('commentPlan: when it writes', () => {
  it('writes nothing outside a pull request, or with pr_comment false', async () => {
    vi.stubEnv('GITHUB_EVENT_NAME', 'push')
    await commentPlan(planned(), FILE, settings())
    vi.stubEnv('GITHUB_EVENT_NAME', 'pull_request_target')
    await commentPlan(planned(), FILE, settings({ prComment: false }))
    expect(github.requests).toEqual([])
    // pull_request_target is a pull request event too.
    await commentPlan(planned(), FILE, settings())
    expect(github.comments).toHaveLength(1)
  })

  it('writes nothing for an event without a pull request number', async () => {
    const { context } = await import('@actions/github')
    const original = context.payload.pull_request
    context.payload.pull_request = undefined
    try {
      await commentPlan(planned(), FILE, settings({ githubToken: '' }))
    } finally {
      context.payload.pull_request = original
    }
    expect(github.requests).toEqual([])
  })

  it('an empty github_token fails, saying how to fix it', async () => {
    await expect(commentPlan(planned(), FILE, settings({ githubToken: '' }))).rejects.toThrow(
      'Could not write the plan comment on pull request #7: github_token is empty. Give the job `permissions: { pull-requests: write }` and a github_token, or set pr_comment: false.'
    )
    expect(github.requests).toEqual([])
  })
})

describe('commentPlan: the comment', () => {
  it('posts the plan under one hidden, signed block that carries kind, version, file, status, commit, fingerprint and totals', async () => {
    const outcome = planned()
    await commentPlan(outcome, FILE, settings())
    expect(github.comments).toHaveLength(1)
    const [comment] = github.comments
    expect(comment!.user).toBe(BOT)
    const body = comment!.body
    expect(body.split('\n')[0]).toMatch(/^<!-- bolna-sip-trunk-number \{.*\} -->$/)
    const metadata = verifiedBlock(key, body, place(BOT))
    expect(metadata).toEqual({
      kind: 'bolna-sip-trunk-number/plan',
      version: 1,
      file: FILE,
      status: 'planned',
      dry_run: false,
      commit: HEAD,
      fingerprint: outcome.status === 'planned' && outcome.fingerprint,
      totals: outcome.plan!.counts,
      signature: expect.stringMatching(/^[0-9a-f]{64}$/)
    })
    // Signed for this place: another author, pull request or repository does not verify.
    expect(verifiedBlock(key, body, place('someone'))).toBeUndefined()
    expect(verifiedBlock(key, body, { ...place(BOT), pullRequest: 8 })).toBeUndefined()
    expect(verifiedBlock(signingKey('another key'), body, place(BOT))).toBeUndefined()
    const { markdown } = readBlock(body)!
    expect(markdown).toMatch(/^### Bolna numbers: plan for `numbers\.yml`\n\n\*\*Plan: 2 to add, 0 to remove, 1 unchanged/)
    expect(markdown).toContain('| trunk-1 | `+` |')
    expect(markdown).not.toContain('too long for one comment')
    const fingerprint = outcome.status === 'planned' ? outcome.fingerprint : ''
    expect(
      markdown.endsWith(
        `\n<sub>Applied by this run. Commit ${HEAD.slice(0, 12)} · [run ${RUN_ID}](https://github.com/acme/numbers/actions/runs/${RUN_ID}) · plan ${fingerprint.slice(0, 16)}</sub>\n`
      )
    ).toBe(true)
    expect(logged.join('')).toContain(`Posted the plan comment on pull request #${PR}.`)
  })

  it('names the event\'s commit where the pull request does not, and says "unknown" where neither does', async () => {
    const { context } = await import('@actions/github')
    const [payload, sha] = [context.payload.pull_request, context.sha]
    try {
      context.payload.pull_request = { number: PR }
      await commentPlan(planned(), FILE, settings())
      expect(readBlock(bodies()[0]!)!.metadata.commit).toBe(sha)
      expect(bodies()[0]).toContain(`Commit ${sha.slice(0, 12)} ·`)
      context.sha = undefined as unknown as string
      await commentPlan(planned(), FILE, settings())
      expect(readBlock(bodies()[0]!)!.metadata.commit).toBe('')
      expect(bodies()[0]).toContain('Commit unknown ·')
    } finally {
      context.payload.pull_request = payload
      context.sha = sha
    }
  })

  it('a dry run says so in the footer and the block', async () => {
    await commentPlan(planned(), FILE, settings({ dryRun: true }))
    const [body] = bodies()
    expect(readBlock(body!)!.metadata.dry_run).toBe(true)
    expect(body).toContain('<sub>Dry run: nothing was changed. Commit 0123456789ab')
  })

  it("updates its own comment in place on the next run, and leaves everyone else's alone", async () => {
    const other = github.addComment({ issue: PR, user: 'mallory', body: 'not a plan' })
    await commentPlan(planned(plan(1)), FILE, settings())
    const first = github.comments.find(c => c.user === BOT)!
    // Someone else copies the action's comment: it is not the action's (not its author, not signed for them).
    const copy = github.addComment({ issue: PR, user: 'mallory', body: first.body })
    await commentPlan(planned(plan(3)), FILE, settings())
    expect(github.comments.map(c => c.id)).toEqual([other.id, first.id, copy.id])
    expect(readBlock(first.body)!.metadata.totals!.add).toBe(3)
    expect(copy.body).not.toBe(first.body)
    expect(other.body).toBe('not a plan')
    expect(logged.join('')).toContain(`Updated the plan comment on pull request #${PR}.`)
    // The comment written for another file is another comment.
    await commentPlan(planned(), 'other.yml', settings())
    expect(github.comments.filter(c => c.user === BOT)).toHaveLength(2)
  })

  it('a blocked plan shows the reason and the plan, with no fingerprint', async () => {
    const p = plan()
    await commentPlan({ status: 'blocked', reason: 'The plan removes 12 numbers, more than max_deletes (10).\nsecond line', plan: p }, FILE, settings())
    const read = readBlock(bodies()[0]!)!
    expect(read.metadata).toMatchObject({ status: 'blocked', fingerprint: null, totals: p.counts })
    expect(read.markdown).toMatch(
      /^### Bolna numbers: plan for `numbers\.yml`: blocked\n\n\*\*The plan removes 12 numbers, more than max\\_deletes \\\(10\\\)\.\*\*\n\n+\*\*Plan: 2 to add/
    )
    expect(read.markdown).not.toContain('second line')
    expect(read.markdown).not.toContain('· plan ')
    expect(read.markdown).toContain('| trunk-1 | `+` |')
    // A blocked apply wrote nothing: its footer must not say it applied.
    expect(read.markdown).toContain('<sub>Blocked: nothing was changed. Commit ')
    expect(read.markdown).not.toContain('Applied by this run')
  })

  it('a run that made no plan says why, with no totals', async () => {
    await commentPlan({ status: 'failed', reason: 'numbers.yml has 2 problem(s)' }, 'a`b.yml', settings())
    const read = readBlock(bodies()[0]!)!
    expect(read.metadata).toMatchObject({ status: 'failed', fingerprint: null, totals: null, file: 'a`b.yml' })
    expect(read.markdown).toBe(
      `### Bolna numbers: plan for \`a'b.yml\`: failed\n\n**numbers.yml has 2 problem\\(s\\)**\n\nNo plan was made: fix the problem (see the job summary and the annotations) and push again.\n` +
        `\n<sub>This run failed: its job summary says what was written. Commit ${HEAD.slice(0, 12)} · [run ${RUN_ID}](https://github.com/acme/numbers/actions/runs/${RUN_ID})</sub>\n`
    )
  })

  it("never shows the step's secrets, in the reason or anywhere else", async () => {
    await commentPlan({ status: 'failed', reason: `Bolna said ${TOKEN} and ${GH_TOKEN}` }, FILE, settings())
    const [body] = bodies()
    expect(body).not.toContain(TOKEN)
    expect(body).not.toContain(GH_TOKEN)
    expect(body).toContain('Bolna said \\*\\*\\* and \\*\\*\\*')
    expect(verifiedBlock(key, body!, place(BOT))).toBeDefined()
  })
})

describe("commentPlan: GitHub's limit, in bytes", () => {
  // The bodies as sent (the fake reads a request's chunks as text, which may split a character).
  const sent: string[] = []
  beforeEach(() => {
    sent.length = 0
    // A personal token: the login is known, so the comment is written once.
    github.userEndpoint = 'ok'
    const create = GitHubApi.prototype.createComment
    vi.spyOn(GitHubApi.prototype, 'createComment').mockImplementation(function (this: GitHubApi, issue, body) {
      sent.push(body)
      return create.call(this, issue, body)
    })
  })

  it('a plan too long keeps its totals and as many first rows as fit, saying where the whole plan is', async () => {
    // Names of 4-byte characters: 600 rows of about 1 KB in UTF-8, far fewer characters.
    const p = plan(600, '𝄞'.repeat(240))
    await commentPlan(planned(p), FILE, settings())
    const [body] = sent
    expect(bytes(body!)).toBeLessThanOrEqual(COMMENT_LIMIT)
    // Fitted tightly: one more row would not fit.
    expect(bytes(body!)).toBeGreaterThan(COMMENT_LIMIT - 1500)
    const { markdown, metadata } = readBlock(body!)!
    expect(metadata.totals!.add).toBe(600)
    expect(markdown).toContain('**Plan: 600 to add, 0 to remove, 1 unchanged')
    expect(markdown).toContain("> This plan is too long for one comment: it shows the totals and the first rows. The whole plan is in [the run's summary]")
    expect(markdown).toContain("and in the step's `plan_file` output.")
    expect(markdown).toMatch(/…and \d+ more: see the job summary/)
    expect(markdown.endsWith('</sub>\n')).toBe(true)
    expect(verifiedBlock(key, body!, place(BOT))).toBeDefined()
  })

  it('a plan that fits is shown whole', async () => {
    await commentPlan(planned(plan(40, '𝄞'.repeat(240))), FILE, settings())
    const { markdown } = readBlock(sent[0]!)!
    expect(markdown).not.toContain('too long')
    expect(markdown.match(/\| trunk-1 \| `\+` \|/g)).toHaveLength(40)
  })

  it('totals and notes too long even alone are cut on a character boundary, ending in "…"', async () => {
    // One note per /trunk trunk whose numbers have names (that API has no label): 500 notes of ~300 bytes each.
    const id = (i: number) => `t${'𝄞'.repeat(60)}${i}`
    const p = planChanges(
      { trunks: Array.from({ length: 500 }, (_, i) => ({ trunk: trunk(id(i), 'trunk'), prune: false, numbers: [wanted('+14155550100', { name: 'n' })] })) },
      new Map(),
      false
    )
    expect(p.notes).toHaveLength(500)
    await commentPlan(planned(p), FILE, settings())
    const [body] = sent
    expect(bytes(body!)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(bytes(body!)).toBeGreaterThan(COMMENT_LIMIT - 8)
    expect(body!.isWellFormed()).toBe(true)
    const { markdown, metadata } = readBlock(body!)!
    expect(metadata.totals!.add).toBe(500)
    expect(markdown).toMatch(/^### Bolna numbers: plan for `numbers\.yml`\n\n\*\*Plan: 500 to add/)
    expect(markdown).toMatch(/…\n> This plan is too long for one comment/)
    expect(markdown).not.toContain('| Trunk |')
    expect(verifiedBlock(key, body!, place(BOT))).toBeDefined()
  })
})

describe('commentPlan: failures', () => {
  it("a write GitHub forbids fails the step, saying the PR does not show this run's plan, and how to fix it", async () => {
    github.forbidWrites = true
    await expect(commentPlan(planned(), FILE, settings())).rejects.toThrow(
      /^Could not write the plan comment on pull request #7 \(403\), so it does not show this run's plan: .*\. Give the job `permissions: \{ pull-requests: write \}`/
    )
  })

  it('a server error says to re-run, with its status', async () => {
    github.failures = 5
    github.failPattern = /^POST/
    await expect(commentPlan(planned(), FILE, settings())).rejects.toThrow(
      /^Could not write the plan comment on pull request #7 \(500\), .*\. Re-run the job\.$/
    )
  })

  it('GitHub refusing the body (422) or not finding the pull request (404) is said as such', async () => {
    const refuse = (status: number) =>
      vi.spyOn(GitHubApi.prototype, 'createComment').mockRejectedValueOnce(new GitHubCallError(`the call answered ${status}`, status))
    refuse(422)
    await expect(commentPlan(planned(), FILE, settings())).rejects.toThrow(
      "Could not write the plan comment on pull request #7 (422), so it does not show this run's plan: the call answered 422. GitHub refused the body."
    )
    refuse(404)
    await expect(commentPlan(planned(), FILE, settings())).rejects.toThrow(
      /\(404\), .*: the call answered 404\. Give the job `permissions: \{ pull-requests: write \}`/
    )
    vi.spyOn(GitHubApi.prototype, 'createComment').mockRejectedValueOnce(new TypeError('boom'))
    await expect(commentPlan(planned(), FILE, settings())).rejects.toThrow(
      "Could not write the plan comment on pull request #7, so it does not show this run's plan: boom. Re-run the job."
    )
  })

  it('no answer: no status, re-run', async () => {
    github.hang = /^POST/
    await expect(commentPlan(planned(), FILE, settings({ timeoutMs: 300 }))).rejects.toThrow(
      /^Could not write the plan comment on pull request #7, so it does not show this run's plan: .*\. Re-run the job\.$/
    )
  })
})

describe("which comments are the action's", () => {
  const metadata: Omit<CommentMetadata, 'signature'> = {
    kind: 'bolna-sip-trunk-number/plan',
    version: 1,
    file: FILE,
    status: 'failed',
    dry_run: false,
    commit: HEAD,
    fingerprint: null,
    totals: null
  }
  const comment = (id: number, login: string, body: string, createdAt = `2026-11-2${id % 10}T00:00:00Z`): IssueComment => ({ id, login, body, createdAt })
  const signed = (login: string, file = FILE) => signedBody(key, { ...metadata, file }, 'text\n', place(login))

  it('isForFile: a plan comment naming the file, or one whose block cannot be read; nothing else', () => {
    expect(isForFile(comment(1, BOT, signed(BOT)), FILE)).toBe(true)
    expect(isForFile(comment(1, BOT, signed(BOT, 'other.yml')), FILE)).toBe(false)
    expect(isForFile(comment(1, BOT, '<!-- bolna-sip-trunk-number {broken -->\ntext'), FILE)).toBe(true)
    expect(isForFile(comment(1, BOT, `text\n${signed(BOT)}`), FILE)).toBe(false)
    expect(isForFile(comment(1, BOT, renderBlock({ ...metadata, signature: '' })), FILE)).toBe(true)
  })

  it("with a login: only that login's comments for the file, oldest first, ties by id", () => {
    const comments = [
      comment(5, BOT, signed(BOT), '2026-11-25T00:00:00Z'),
      comment(8, BOT, signed(BOT), '2026-11-20T00:00:00Z'),
      comment(9, BOT, signed(BOT), '2026-11-18T00:00:00Z'),
      comment(4, BOT, signed(BOT), '2026-11-20T00:00:00Z'),
      comment(3, BOT, '<!-- bolna-sip-trunk-number edited', '2026-11-20T00:00:00Z'),
      comment(2, 'mallory', signed('mallory')),
      comment(1, BOT, signed(BOT, 'other.yml'))
    ]
    expect(ownComments(comments, FILE, key, place, BOT).map(c => c.id)).toEqual([9, 3, 4, 8, 5])
  })

  it('without a login: the authors of comments signed for them, never a login guessed', () => {
    const comments = [
      comment(1, 'mallory', signed(BOT)),
      comment(2, 'app[bot]', signed('app[bot]')),
      comment(3, 'app[bot]', '<!-- bolna-sip-trunk-number edited'),
      comment(4, 'mallory', '<!-- bolna-sip-trunk-number edited')
    ]
    expect(ownComments(comments, FILE, key, place).map(c => c.id)).toEqual([2, 3])
    expect(ownComments(comments.slice(2), FILE, key, place)).toEqual([])
  })

  it("where none can be told to be the action's, the post names the account, and its older comments are retired", async () => {
    const broken = github.addComment({ issue: PR, user: BOT, body: '<!-- bolna-sip-trunk-number {"edited":true} -->\nold plan' })
    const otherFile = github.addComment({ issue: PR, user: BOT, body: signed(BOT, 'other.yml') })
    const mallory = github.addComment({ issue: PR, user: 'mallory', body: '<!-- bolna-sip-trunk-number {"edited":true} -->\nmallory' })
    await commentPlan(planned(), FILE, settings())
    const written = github.comments.at(-1)!
    // Signed for the account the answer named (the token could not say who it is).
    expect(verifiedBlock(key, written.body, place(BOT))).toBeDefined()
    expect(broken.body).toBe('_This plan comment for `numbers.yml` is replaced by a newer one below._\n')
    expect(otherFile.body).toBe(signed(BOT, 'other.yml'))
    expect(mallory.body).toContain('mallory')
  })

  it('the retired comment names a file with a backtick safely', async () => {
    const old = github.addComment({ issue: PR, user: BOT, body: '<!-- bolna-sip-trunk-number {"edited":true} -->\nold plan' })
    await commentPlan(planned(), 'a`b.yml', settings())
    expect(old.body).toBe("_This plan comment for `a'b.yml` is replaced by a newer one below._\n")
  })

  it('a personal token says who it is: its comments are its own, signed for it', async () => {
    github.userEndpoint = 'ok'
    github.login = 'octocat'
    await commentPlan(planned(plan(1)), FILE, settings())
    await commentPlan(planned(plan(2)), FILE, settings())
    expect(github.comments).toHaveLength(1)
    expect(verifiedBlock(key, github.comments[0]!.body, place('octocat'))?.totals?.add).toBe(2)
    expect(github.requests.filter(r => r.method === 'PATCH')).toHaveLength(1)
  })
})

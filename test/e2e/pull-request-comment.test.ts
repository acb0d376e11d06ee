// The plan's comment on a pull request: one per numbers file, updated in place, and a failure
// comment that never carries a secret — the github_token included, in any spelling.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { RunOptions } from '../helpers/run-action.ts'

const KEY = 'bolna-pr-comment-key-3c9d'
const GH_TOKEN = 'ghs_prCommentToken0123456789abcdefABCDEF'
let emulator: BolnaEmulator
let github: FakeGitHubApi
let env: Record<string, string>

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a', 'trunk-b'] })
  await emulator.start()
  github = new FakeGitHubApi(GH_TOKEN)
  env = await pullRequestEnv(await github.start(), { number: 9 })
})
afterEach(async () => {
  await github.stop()
  await emulator.stop()
})

const act = (inputs: Record<string, string>, options: Omit<RunOptions, 'inputs' | 'env'> = {}) =>
  runAction({ ...options, env, inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', max_retries: '0', github_token: GH_TOKEN, ...inputs } })

const numbersOn = (trunk: string, count: number, first = 0) =>
  [`  - trunk_id: ${trunk}`, '    numbers:', ...Array.from({ length: count }, (_, i) => `      - phone_number: "+9198${String(10_000_000 + first + i)}"`)].join(
    '\n'
  )

describe('one comment per numbers file', () => {
  it('two numbers files on one pull request keep a comment each: the marker names the file', async () => {
    const files = { 'a.yml': `version: 1\ntrunks:\n${numbersOn('trunk-a', 1)}\n`, 'b.yml': `version: 1\ntrunks:\n${numbersOn('trunk-b', 2, 10)}\n` }
    const workspace = await mkdtemp(join(tmpdir(), 'ws-'))
    for (const round of [1, 2]) {
      for (const file of ['a.yml', 'b.yml']) {
        const run = await act({ numbers_file: file, dry_run: 'true' }, { files, workspace })
        expect(run.code, `${file}, round ${round}`).toBe(0)
      }
    }
    expect(github.comments).toHaveLength(2)
    // The hidden block names the file.
    expect(github.comments.map(c => /^<!-- bolna-sip-trunk-number \{.*"file":"(\w\.yml)".*\} -->\n/.exec(c.body)?.[1])).toEqual(['a.yml', 'b.yml'])
    expect(github.comments[0]!.body).toContain('Plan: 1 to add')
    expect(github.comments[1]!.body).toContain('Plan: 2 to add')
  })
})

describe('a blocked plan', () => {
  it('an apply whose renames pass max_deletes posts the plan as blocked, with the reason and the totals, and writes nothing', async () => {
    // The second pin of the blocked comment (the first, a dry run over unlisted numbers, is in trusted-plan.test.ts):
    // here an apply, not a dry run, whose replacements count against max_deletes.
    emulator.seed('trunk-a', { phone_number: '919876543210', name: 'Old' })
    const file = 'version: 1\ntrunks:\n  - trunk_id: trunk-a\n    numbers:\n      - phone_number: "919876543210"\n        name: New\n'
    const run = await act({ numbers_file: 'n.yml', on_name_change: 'replace', max_deletes: '0' }, { files: { 'n.yml': file } })

    expect(run.code).toBe(1)
    expect(emulator.writes()).toHaveLength(0)
    expect(github.comments).toHaveLength(1)
    const { body } = github.comments[0]!
    expect(body).toMatch(/^<!-- bolna-sip-trunk-number \{.*"status":"blocked".*\} -->\n/)
    expect(body).toContain(': blocked')
    expect(body.replace(/\\/g, '')).toContain('more than max_deletes (0)')
  })
})

describe('the failure comment holds no secret', () => {
  /** Each spelling of the github_token an answer might echo: raw, base64, and base64 of its Authorization header. */
  const spellings = [GH_TOKEN, Buffer.from(GH_TOKEN).toString('base64'), Buffer.from(`Bearer ${GH_TOKEN}`).toString('base64')]

  it('Bolna failing the plan with a reason that echoes the github_token: the comment says why, with the token as ***', async () => {
    // The plan's read fails (no plan: the comment is rewritten with the reason), echoing the token three ways.
    emulator.injectFault({
      kind: 'status',
      status: 500,
      method: 'GET',
      times: Infinity,
      body: JSON.stringify({ message: `bad gateway for ${spellings.join(' / ')}` })
    })
    const run = await act({ numbers_file: 'n.yml' }, { files: { 'n.yml': `version: 1\ntrunks:\n${numbersOn('trunk-a', 1)}\n` } })

    expect(run.code).toBe(1)
    expect(annotations(run).join('\n')).toContain('bad gateway for ***')
    expect(github.comments).toHaveLength(1)
    const { body } = github.comments[0]!
    for (const spelling of spellings) expect(body).not.toContain(spelling)
    expect(body).toContain(': failed')
    expect(body).toContain('bad gateway for \\*\\*\\*')
    // Nor in the Markdown's own escapes: the comment with them undone still has no token.
    expect(body.replace(/\\(.)/g, '$1')).not.toContain(GH_TOKEN)
    expect(run.everything).not.toContain(GH_TOKEN)
    expect(run.stdout + run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  })
})

// The gaps a review found by putting bugs back one at a time: each test here fails when its bug
// is back. (The sixth, "a timed-out add that had been stored", is in api-answers.test.ts, with the
// emulator's stored-then-hang fault; the weak digitsOf property became the E.164 properties in
// test/properties/phone.property.test.ts.)
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { runAction } from '../helpers/run-action.ts'
import type { RunOptions } from '../helpers/run-action.ts'

const KEY = 'bolna-review-gaps-key-3c9d'
const GH_TOKEN = 'ghs_review_gaps_token_81f0'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a', 'trunk-b'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

const act = (inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}) =>
  runAction({ ...options, inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', ...inputs } })

const numbersOn = (trunk: string, count: number, first = 0) =>
  [`  - trunk_id: ${trunk}`, '    numbers:', ...Array.from({ length: count }, (_, i) => `      - phone_number: "+9198${String(10_000_000 + first + i)}"`)].join(
    '\n'
  )

describe('gaps a review found', () => {
  it('requests_per_minute is honoured end to end: 300 a minute spaces 32 requests over more than 3.5 s', async () => {
    // A burst of 10, then one every 60 s / 290: 22 more requests take ~4.5 s; the default 900 would take ~1.5 s.
    const file = `version: 1\ntrunks:\n${numbersOn('trunk-a', 30)}\n`
    const run = await act({ numbers_file: 'n.yml', requests_per_minute: '300' }, { files: { 'n.yml': file } })
    expect(run.code).toBe(0)
    expect(emulator.requests).toHaveLength(32)
    const span = emulator.requests.at(-1)!.at - emulator.requests[0]!.at
    expect(span).toBeGreaterThan(3500)
  })

  it('the github_token is masked too, before anything is logged', async () => {
    const run = await act({ trunk_id: 'trunk-a', phone_number: '919876543210', github_token: GH_TOKEN })
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines).toContain(`::add-mask::${GH_TOKEN}`)
    expect(lines.indexOf(`::add-mask::${GH_TOKEN}`)).toBeLessThan(lines.findIndex(line => !line.startsWith('::add-mask::')))
  })

  it('a first apply reads each trunk once before writing (and once more to verify)', async () => {
    const file = `version: 1\ntrunks:\n${numbersOn('trunk-a', 3)}\n${numbersOn('trunk-b', 3, 10)}\n`
    const run = await act({ numbers_file: 'n.yml', concurrency: '8' }, { files: { 'n.yml': file } })
    expect(run.code).toBe(0)
    const firstWrite = emulator.requests.findIndex(r => r.method === 'POST')
    const reads = (until?: number) =>
      emulator.requests
        .slice(0, until)
        .filter(r => r.method === 'GET')
        .map(r => r.path)
    expect(reads(firstWrite).sort()).toEqual(['/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-b'])
    expect(reads().sort()).toEqual(['/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-a', '/sip-trunks/trunks/trunk-b', '/sip-trunks/trunks/trunk-b'])
  })

  it('two numbers files on one pull request keep a comment each: the marker names the file', async () => {
    const github = new FakeGitHubApi(GH_TOKEN)
    try {
      const env = await pullRequestEnv(await github.start(), { number: 9 })
      const files = { 'a.yml': `version: 1\ntrunks:\n${numbersOn('trunk-a', 1)}\n`, 'b.yml': `version: 1\ntrunks:\n${numbersOn('trunk-b', 2, 10)}\n` }
      const workspace = await mkdtemp(join(tmpdir(), 'ws-'))
      for (const round of [1, 2]) {
        for (const file of ['a.yml', 'b.yml']) {
          const run = await act({ numbers_file: file, dry_run: 'true', github_token: GH_TOKEN }, { env, files, workspace })
          expect(run.code, `${file}, round ${round}`).toBe(0)
        }
      }
      expect(github.comments).toHaveLength(2)
      // The hidden block names the file.
      expect(github.comments.map(c => /^<!-- bolna-sip-trunk-number \{.*"file":"(\w\.yml)".*\} -->\n/.exec(c.body)?.[1])).toEqual(['a.yml', 'b.yml'])
      expect(github.comments[0]!.body).toContain('Plan: 1 to add')
      expect(github.comments[1]!.body).toContain('Plan: 2 to add')
    } finally {
      await github.stop()
    }
  })
})

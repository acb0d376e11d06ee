// Hostile files and answers, end to end through the built action: each is refused with a message
// the user can act on, at a bounded cost, and nothing secret or linkable reaches what it writes.
import { execFileSync } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'hostile-e2e-key-3b9f'
const GH_TOKEN = 'ghs_hostile_token_77'
const FILE = 'bolna-numbers.yml'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-1'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

const header = 'version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n'

/** Runs file mode on `content` (text, or bytes written as they are) in a workspace of its own. */
async function withFile(content: string | Uint8Array | ((path: string) => void), inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const workspace = await mkdtemp(join(tmpdir(), 'hostile-e2e-'))
  const path = join(workspace, FILE)
  if (typeof content === 'function') content(path)
  else await writeFile(path, content)
  const run = await runAction({
    inputs: { token: KEY, api_base_url: emulator.url, numbers_file: FILE, timeout_seconds: '2', max_retries: '0', ...inputs },
    env,
    workspace
  })
  expect(run.everything, 'the key leaked').not.toContain(KEY)
  expect(run.stdout + run.stderr, 'a stack trace or a crash').not.toMatch(/\n\s+at .+:\d+:\d+|heap out of memory|Maximum call stack/)
  return run
}
const fileAnnotations = (run: ActionRun) => annotations(run).filter(line => line.includes(`file=${FILE}`))
const failure = (run: ActionRun) => annotations(run).filter(line => line.startsWith('::error::'))

describe('hostile numbers files are refused before any request, quickly', () => {
  it('a 25 MiB file: by its size, before it is read whole or parsed', async () => {
    const entry = '      - phone_number: "1"\n'
    const started = Date.now()
    const run = await withFile(header + entry.repeat(Math.ceil((25 * 1024 * 1024) / entry.length)), {}, { NODE_OPTIONS: '--max-old-space-size=128' })
    expect(Date.now() - started).toBeLessThan(30_000) // generous on a loaded 2-core machine: parsed, 25 MiB would take minutes
    expect(run.code).toBe(1)
    expect(fileAnnotations(run)).toEqual([
      expect.stringMatching(/::the numbers file is 25\.0 MiB \(\d+ bytes\); a numbers file can be at most 5\.0 MiB \(5242880 bytes\)/)
    ])
    expect(emulator.requests).toHaveLength(0)
  })

  // Windows has no FIFOs (no mkfifo, no such file type).
  it.skipIf(process.platform === 'win32')('a named pipe: refused, not waited on', async () => {
    const run = await withFile(path => execFileSync('mkfifo', [path]))
    expect(run.code).toBe(1)
    expect(fileAnnotations(run)).toEqual([expect.stringMatching(/::cannot read the numbers file: it is a named pipe \(FIFO\), not a regular file$/)])
  })

  it('Latin-1 text: refused on its line, never sent as "Caf\\uFFFD"', async () => {
    const run = await withFile(Buffer.from(`${header}      - phone_number: "919876543210"\n        name: Caf\xE9\n`, 'latin1'))
    expect(run.code).toBe(1)
    expect(fileAnnotations(run)).toEqual([expect.stringMatching(/,line=6::line 6 is not UTF-8 text/)])
    expect(emulator.requests).toHaveLength(0)
  })

  it('100,000 "[": a message, not "Maximum call stack size exceeded"', async () => {
    for (const content of ['['.repeat(100_000), `&a ${'['.repeat(100_000)}`]) {
      const run = await withFile(content)
      expect(run.code).toBe(1)
      expect(fileAnnotations(run)).toEqual([expect.stringMatching(/,line=1::YAML: nested deeper than a numbers file can be \(at most 20 levels/)])
    }
  })

  it('thousands of bad entries: 50 annotations and a count of the rest; the failure gives the total', async () => {
    const run = await withFile(header + '      - phone_number: "1"\n'.repeat(5_000))
    expect(run.code).toBe(1)
    const annotated = fileAnnotations(run)
    expect(annotated).toHaveLength(51)
    // The first 1,000 are collected (the rest counted), and the count of the rest is said first.
    expect(annotated[0]).toMatch(/::and 4000 more problem\(s\) of the same kinds: only the first 1000 are listed$/)
    expect(annotated[1]).toMatch(/,line=5::trunks\[0\]\.numbers\[0\]\.phone_number "1" has 1 digits/)
    expect(annotated[50]).toMatch(/::…and 951 more problems, not annotated: fix these and run again to see them$/)
    expect(failure(run)).toEqual([expect.stringMatching(/^::error::bolna-numbers\.yml has 5000 problem\(s\)/)])
  })
})

describe('hostile answers', () => {
  it('the key spelled with JSON \\u escapes in a name reaches no output, summary, log or PR comment', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', name: 'PLACEHOLDER' })
    const escaped = [...KEY].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
    // The trunk object and the trunk's list both carry the number: whichever the action reads, its name is the escaped key.
    for (const [path, match] of [
      ['/sip-trunks/trunks/trunk-1', /^\/sip-trunks\/trunks\/trunk-1(\?|$)/],
      ['/sip-trunks/trunks/trunk-1/numbers', /^\/sip-trunks\/trunks\/trunk-1\/numbers(\?|$)/]
    ] as const) {
      const answer = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } })
      const body = (await answer.text()).replace('"PLACEHOLDER"', `"${escaped}"`)
      expect(body).toContain(escaped)
      expect(body).not.toContain(KEY)
      expect(JSON.stringify(JSON.parse(body))).toContain(KEY)
      emulator.injectFault({ kind: 'status', status: 200, method: 'GET', path: match, body, times: 20 })
    }

    const single = await runAction({ inputs: { token: KEY, api_base_url: emulator.url, trunk_id: 'trunk-1', phone_number: '919876543210', name: 'Desk' } })
    expect(single.code).toBe(0)
    expect(single.outputs.status).toBe('exists')
    expect(JSON.parse(single.outputs.number!).name).toBe('***')
    expect(single.everything).not.toContain(KEY)

    const github = new FakeGitHubApi(GH_TOKEN)
    try {
      const env = await pullRequestEnv(await github.start(), { number: 4 }, 'acme/n')
      const file = await withFile(`${header}      - phone_number: "919876543210"\n        name: Desk\n`, { dry_run: 'true', github_token: GH_TOKEN }, env)
      expect(file.code).toBe(0)
      expect(file.outputs.plan).toContain('"bolna":"***"')
      expect(github.comments).toHaveLength(1)
      expect(github.comments[0]!.body).toContain('name in Bolna "\\*\\*\\*"')
      expect(github.comments[0]!.body).not.toContain(KEY)
    } finally {
      await github.stop()
    }
  })
})

describe('values cannot link', () => {
  it('bare URLs, www., mentions and issue references in names are broken in the summary and the PR comment', async () => {
    const names = ['https://evil.test/login', 'www.evil.test', 'admin@evil.test', 'see #1']
    emulator.seed('trunk-1', { phone_number: '919876543299', name: 'http://bolna-side.test' })
    const github = new FakeGitHubApi(GH_TOKEN)
    try {
      const env = await pullRequestEnv(await github.start(), { number: 5 }, 'acme/n')
      const entries = names.map((name, i) => `      - phone_number: "91987654321${i}"\n        name: "${name}"\n`).join('')
      const run = await withFile(
        `${header}${entries}      - phone_number: "919876543299"\n        name: Desk\n`,
        { dry_run: 'true', github_token: GH_TOKEN },
        env
      )
      expect(run.code).toBe(0)
      expect(github.comments).toHaveLength(1)
      const comment = github.comments[0]!.body
      for (const [where, text] of [
        ['summary', run.summary],
        ['PR comment', comment]
      ] as const) {
        // The values are all there, as text…
        for (const name of [...names, 'http://bolna-side.test']) {
          expect(text.replaceAll('&#8203;', '').replaceAll('&#64;', '@'), `${where}: ${name}`).toContain(name)
        }
        // …and none of them is a URL, a www. domain, a mention or an issue reference to GitHub's autolinker.
        const values = text.replace(/\[run \d+\]\([^)]*\)/g, '')
        expect(values, where).not.toMatch(/https?:\/\/(evil|bolna-side)|www\.evil|@evil|#1\b/)
      }
    } finally {
      await github.stop()
    }
  })
})

describe('a refused api_base_url', () => {
  it('is echoed without its credentials, query or fragment', async () => {
    const run = await runAction({
      inputs: { token: KEY, api_base_url: 'https://deploy:hunter2@api.bolna.ai/v1?sig=hunter3#hunter4', trunk_id: 'trunk-1', phone_number: '919876543210' }
    })
    expect(run.code).toBe(1)
    expect(failure(run)).toEqual([
      '::error::Input "api_base_url" must not carry credentials, a query or a fragment (got "https://***@api.bolna.ai/v1?***#***").'
    ])
    expect(run.everything).not.toMatch(/hunter[234]/)
  })
})

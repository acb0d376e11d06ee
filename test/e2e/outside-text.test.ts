// Outside text (from Bolna, GitHub or the numbers file) through every place that shows it: the log,
// annotations, the job summary and the PR comment. Each string of the shared hostile list goes
// through each; none may start a workflow command, hide or reorder text, link, mention, or blow a limit.
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { emulatedStep } from '../helpers/emulated-step.ts'
import { HOSTILE_STRINGS, INVISIBLE, MARK, injected } from '../helpers/hostile-strings.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'outside-text-key-5c1a9e'
const GH_TOKEN = 'ghs_outside_text_token_93'
const MiB = 1024 * 1024

/** What a reader of the log sees: everything but the masking commands (the runner consumes those). */
const logOf = (run: ActionRun) => (run.stdout + run.stderr).replace(/^::add-mask::.*$/gm, '')

/** The checks every text a person reads must pass, wherever it is shown. */
function expectShownSafely(where: string, text: string): void {
  expect(injected(text), `${where}: an injected workflow command`).toEqual([])
  const invisible = INVISIBLE.exec(text.replace(/\r?\n/g, ''))
  expect(
    invisible &&
      `${where}: U+${invisible[0].codePointAt(0)!.toString(16)} at ${invisible.index}: ${JSON.stringify(text.slice(invisible.index - 40, invisible.index + 40))}`
  ).toBeNull()
  const longest = Math.max(...text.split('\n').map(line => line.length))
  expect(longest, `${where}: a line of ${longest} characters`).toBeLessThan(64 * 1024)
}

/** The checks for Markdown and HTML a person reads (the summary, a PR comment). */
function expectInertMarkup(where: string, text: string): void {
  expectShownSafely(where, text)
  expect(Buffer.byteLength(text), `${where}: over 1 MiB`).toBeLessThanOrEqual(MiB)
  // The run's own link in a PR comment's footer is the only link.
  const values = text.replace(/\[run [^\]]*\]\([^)]*\)/g, '')
  const live = /<img|<script|<\/td>\s*<\/tr>\s*<\/table>\s*<details|\]\(https?:\/\/|https?:\/\/evil|www\.evil|(^|[^&#\w])@octocat|#1\b/.exec(values)
  expect(live && `${where}: ${JSON.stringify(values.slice(live.index - 60, live.index + 60))}`).toBeNull()
}

async function withPullRequest(onTestFinished: TestContext['onTestFinished'], number: number) {
  const github = new FakeGitHubApi(GH_TOKEN)
  const env = await pullRequestEnv(await github.start(), { number }, 'acme/n')
  onTestFinished(() => github.stop())
  return { github, env }
}

describe('outside text is shown safely', () => {
  it('names and record ids from Bolna: the plan in the log, the summary and the PR comment', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const entries: string[] = []
    HOSTILE_STRINGS.forEach(({ value }, i) => {
      const phone = `9198765${String(43000 + i)}`
      // Ids too, where the answer stays under what the action reads (5 MiB).
      step.emulator.seed('trunk-1', { phone_number: phone, name: value, ...(value.length < 1000 && { id: `${value}-${i}` }) })
      entries.push(`      - phone_number: "${phone}"\n        name: Desk\n`)
    })
    const { github, env } = await withPullRequest(onTestFinished, 7)
    const run = await step.runFile(
      `version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${entries.join('')}`,
      { dry_run: 'true', github_token: GH_TOKEN },
      env
    )
    expect(run.code, run.stdout.slice(-2000)).toBe(0)
    expect(github.comments).toHaveLength(1)
    const comment = github.comments[0]!.body
    expectShownSafely('log', logOf(run))
    expectInertMarkup('summary', run.summary)
    expectInertMarkup('PR comment', comment)
    expect(comment.length).toBeLessThanOrEqual(65_536)
    // Shown, escaped, not dropped: the reader sees that the name holds a right-to-left override
    // (in Markdown, its backslash escaped once more).
    expect(logOf(run)).toContain(`"${MARK} invoice\\u202efdp.exe"`)
    expect(run.summary).toContain('invoice\\\\u202efdp.exe')
    expect(comment).toContain('invoice\\\\u202efdp.exe')
  })

  it.concurrent.for(HOSTILE_STRINGS.map(h => [h.label, h.value] as const))(
    'a name from Bolna in single mode (%s): its warning, the log and the summary',
    async ([, value], { onTestFinished }) => {
      const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
      step.emulator.seed('trunk-1', { phone_number: '919876543210', name: value })
      const run = await step.run({ trunk_id: 'trunk-1', phone_number: '919876543210', name: 'Desk' })
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^::warning::The number on trunk "trunk-1" is named ".*/m)
      expectShownSafely('log', logOf(run))
      expectInertMarkup('summary', run.summary)
    }
  )

  it('telephony providers from Bolna: the warning annotations, the summary, and the log of a switch', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const entries = HOSTILE_STRINGS.map(({ value }, i) => {
      step.emulator.addAgent(`agent-${i}`, { provider: value })
      return `      - phone_number: "9198765${String(44000 + i)}"\n        agent_id: agent-${i}\n`
    })
    const file = `version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${entries.join('')}`
    const warned = await step.runFile(file)
    expect(warned.code).toBe(0)
    expect(warned.outputs.warnings).toBe(String(HOSTILE_STRINGS.length))
    expectShownSafely('log', logOf(warned))
    expectInertMarkup('summary', warned.summary)

    const switched = await step.runFile(file, { set_agent_telephony: 'true' })
    expect(switched.code).toBe(0)
    expect(switched.stdout).toContain(
      'Switched agent "agent-6" to the sip-trunk telephony provider (from "plivo\\n::error title=INJECTED::pwned\\n::set-output'
    )
    expectShownSafely('log', logOf(switched))
    expectInertMarkup('summary', switched.summary)
  })

  it("Bolna's error reasons: the failure annotation, the results, the summary", async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const entries = HOSTILE_STRINGS.map(({ value }, i) => {
      step.emulator.injectFault({ kind: 'status', status: 422, method: 'POST', body: JSON.stringify({ message: value }) })
      return `      - phone_number: "9198765${String(45000 + i)}"\n`
    })
    const run = await step.runFile(`version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${entries.join('')}`, { concurrency: '1' })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(new RegExp(`^::error::${HOSTILE_STRINGS.length} of ${HOSTILE_STRINGS.length} entries failed`, 'm'))
    expectShownSafely('log', logOf(run))
    expectInertMarkup('summary', run.summary)
  })

  it.concurrent.for(HOSTILE_STRINGS.map(h => [h.label, h.value] as const))(
    "Bolna's reason for a failed read (%s): the failure, the summary and the failed-plan PR comment",
    async ([, value], { onTestFinished }) => {
      const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
      step.emulator.injectFault({ kind: 'status', status: 403, method: 'GET', body: JSON.stringify({ detail: value }), times: Infinity })
      const { github, env } = await withPullRequest(onTestFinished, 8)
      const run = await step.runFile('version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers: []\n', { github_token: GH_TOKEN, max_retries: '0' }, env)
      expect(run.code).toBe(1)
      expect(github.comments).toHaveLength(1)
      expectShownSafely('log', logOf(run))
      expectInertMarkup('summary', run.summary)
      expectInertMarkup('PR comment', github.comments[0]!.body)
    }
  )

  it('names from the numbers file: the plan in the log, the summary and the PR comment', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const entries = HOSTILE_STRINGS.filter(h => h.inFile).map(
      ({ value }, i) => `      - phone_number: "9198765${String(46000 + i)}"\n        name: ${JSON.stringify(value)}\n`
    )
    const { github, env } = await withPullRequest(onTestFinished, 9)
    const run = await step.runFile(
      `version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${entries.join('')}`,
      { dry_run: 'true', github_token: GH_TOKEN },
      env
    )
    expect(run.code, run.stdout.slice(-2000)).toBe(0)
    expectShownSafely('log', logOf(run))
    expectInertMarkup('summary', run.summary)
    expectInertMarkup('PR comment', github.comments[0]!.body)
  })
})

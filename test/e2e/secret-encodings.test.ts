// The Bolna key and the GitHub token, in every encoding the runner's masker knows and more, reach
// nothing the step writes: the log, the outputs, the job summary, the PR comment, plan_file,
// results_file and the exported file.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TestContext } from 'vitest'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { emulatedStep } from '../helpers/emulated-step.ts'
import type { ActionRun } from '../helpers/run-action.ts'

/** Characters that every encoding spells differently: quote, <, &, >, /, +, =. */
const KEY = 'sk-"enc<&>/+=key+9f'
const GH_TOKEN = 'ghs_enc/oded+token&<x>"9'

const b64 = (text: string) => Buffer.from(text).toString('base64')
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** Each secret as a text may carry it, by name. */
function encodings(secret: string): Record<string, string> {
  return {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    url: encodeURIComponent(secret),
    html: html(secret),
    base64: b64(secret),
    'base64 shifted by 1': b64(`x${secret}y`),
    'base64 shifted by 2': b64(`xy${secret}`),
    'base64 of Bearer': b64(`Bearer ${secret}`)
  }
}

const SPELLINGS = Object.entries({ key: KEY, github_token: GH_TOKEN }).flatMap(([which, secret]) =>
  Object.entries(encodings(secret)).map(([how, text]) => ({ label: `${which} ${how}`, text }))
)

/**
 * What would give a secret away: each encoding whole, and for base64 the characters that only
 * the secret decides at its alignment (a text around it changes only the edges).
 */
function giveaways(): { label: string; text: string }[] {
  return Object.entries({ key: KEY, github_token: GH_TOKEN }).flatMap(([which, secret]) => [
    ...Object.entries(encodings(secret)).map(([how, text]) => ({ label: `${which} ${how}`, text: how.startsWith('base64') ? text.slice(4, -4) : text })),
    ...[0, 1, 2].map(shift => ({ label: `${which} base64 at ${shift}`, text: b64(`${'x'.repeat(shift)}${secret}`).slice(4, -4) }))
  ])
}

function expectNoSecret(where: string, text: string): void {
  for (const { label, text: giveaway } of giveaways()) expect(text.includes(giveaway), `${where} holds the ${label}`).toBe(false)
}

/** Everything a run wrote: log, outputs, summary, and the files its outputs name. */
async function written(run: ActionRun): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const output of ['plan_file', 'results_file']) {
    if (run.outputs[output]) files[output] = await readFile(run.outputs[output]!, 'utf8')
  }
  return { log: (run.stdout + run.stderr).replace(/^::add-mask::.*$/gm, ''), outputs: JSON.stringify(run.outputs), summary: run.summary, ...files }
}

async function withPullRequest(onTestFinished: TestContext['onTestFinished'], number: number) {
  const github = new FakeGitHubApi(GH_TOKEN)
  const env = await pullRequestEnv(await github.start(), { number }, 'acme/n')
  onTestFinished(() => github.stop())
  return { github, env }
}

describe('no secret leaks, in any encoding', () => {
  it('names from Bolna: the plan in the log, the plan output and plan_file, the summary, the PR comment', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const entries = SPELLINGS.map(({ text }, i) => {
      const phone = `9198765${String(47000 + i)}`
      step.emulator.seed('trunk-1', { phone_number: phone, name: `name ${text} end` })
      return `      - phone_number: "${phone}"\n        name: Desk\n`
    })
    const { github, env } = await withPullRequest(onTestFinished, 11)
    const run = await step.runFile(
      `version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${entries.join('')}`,
      { dry_run: 'true', github_token: GH_TOKEN },
      env
    )
    expect(run.code, run.stdout.slice(-1500)).toBe(0)
    expect(run.outputs.plan).toContain('name ***')
    for (const [where, text] of Object.entries(await written(run))) expectNoSecret(where, text)
    expect(github.comments).toHaveLength(1)
    expectNoSecret('PR comment', github.comments[0]!.body)
  })

  it("Bolna's error reasons: the failure line, the results output and results_file, the summary", async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const entries = SPELLINGS.map(({ text }, i) => {
      step.emulator.injectFault({ kind: 'status', status: 422, method: 'POST', body: JSON.stringify({ message: `refused: ${text}` }) })
      return `      - phone_number: "9198765${String(48000 + i)}"\n`
    })
    const run = await step.runFile(`version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${entries.join('')}`, {
      concurrency: '1',
      github_token: GH_TOKEN
    })
    expect(run.code).toBe(1)
    expect(run.outputs.failed).toBe(String(SPELLINGS.length))
    for (const [where, text] of Object.entries(await written(run))) expectNoSecret(where, text)
  })

  it.concurrent.for(SPELLINGS.map(s => [s.label, s.text] as const))(
    "Bolna's reason for a failed read (%s): the failure, the summary and the failed-plan PR comment",
    async ([, text], { onTestFinished }) => {
      const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
      step.emulator.injectFault({ kind: 'status', status: 403, method: 'GET', body: JSON.stringify({ detail: `no: ${text}` }), times: Infinity })
      const { github, env } = await withPullRequest(onTestFinished, 12)
      const run = await step.runFile('version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers: []\n', { github_token: GH_TOKEN, max_retries: '0' }, env)
      expect(run.code).toBe(1)
      expect(github.comments).toHaveLength(1)
      expect(github.comments[0]!.body).toMatch(/Bolna refused GET/)
      for (const [where, written_] of Object.entries(await written(run))) expectNoSecret(where, written_)
      expectNoSecret('PR comment', github.comments[0]!.body)
    }
  )

  it('a name from Bolna in single mode: the number output, the log and the summary', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    step.emulator.seed('trunk-1', { phone_number: '919876543210', name: SPELLINGS.map(s => s.text).join(' ') })
    const run = await step.run({ trunk_id: 'trunk-1', phone_number: '919876543210', github_token: GH_TOKEN })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.outputs.number!).name).toMatch(/^\*\*\*/)
    for (const [where, text] of Object.entries(await written(run))) expectNoSecret(where, text)
  })

  it('names and ids from Bolna: the exported file, which then re-plans as no change', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    SPELLINGS.forEach(({ text }, i) => {
      step.emulator.seed('trunk-1', { phone_number: `9198765${String(49000 + i)}`, name: `name ${text}`, id: `id-${i}-${text}` })
    })
    const run = await step.run({ export_file: 'exported.yml', trunk_id: 'trunk-1', github_token: GH_TOKEN })
    expect(run.code, run.stdout.slice(-1500)).toBe(0)
    const exported = await readFile(join(run.workspace, 'exported.yml'), 'utf8')
    expectNoSecret('exported file', exported)
    for (const [where, text] of Object.entries(await written(run))) expectNoSecret(where, text)
    const check = await runInWorkspace(step, run.workspace)
    expect(check.code, check.stdout.slice(-1500)).toBe(0)
    expect(check.outputs.has_changes).toBe('false')
  })
})

async function runInWorkspace(step: Awaited<ReturnType<typeof emulatedStep>>, workspace: string): Promise<ActionRun> {
  const { runAction } = await import('../helpers/run-action.ts')
  return runAction({
    inputs: { token: KEY, api_base_url: step.emulator.url, timeout_seconds: '2', numbers_file: 'exported.yml', dry_run: 'true', fail_on_drift: 'true' },
    workspace
  })
}

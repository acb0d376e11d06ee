// GitHub's limits, counted as GitHub counts them, in UTF-8 bytes: the job summary at most 1 MiB on
// every run (past it, the runner drops the whole summary), each output at most 1 MiB. Table cells
// cap each value; plan_file and results_file keep the whole data.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { emulatedStep } from '../helpers/emulated-step.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'github-limits-key-8d2c'
const MiB = 1024 * 1024

function expectWithinLimits(run: ActionRun): void {
  expect(Buffer.byteLength(run.summary), 'the job summary').toBeLessThanOrEqual(MiB)
  for (const [name, value] of Object.entries(run.outputs)) expect(Buffer.byteLength(value), `output ${name}`).toBeLessThanOrEqual(MiB)
}

const phone = (i: number) => `9198${String(10_000_000 + i)}`
const fileOf = (names: readonly string[]) =>
  `version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n${names.map((name, i) => `      - phone_number: "${phone(i)}"\n        name: ${JSON.stringify(name)}\n`).join('')}`

describe("GitHub's limits, in bytes", () => {
  it('1,500 numbers with names of 180 CJK characters: plan and apply stay within the limits; the files keep every name whole', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const names = Array.from({ length: 1_500 }, (_, i) => `${i}${'界'.repeat(180 - String(i).length)}`)
    const file = fileOf(names)
    const planned = await step.runFile(file, { dry_run: 'true' })
    expect(planned.code).toBe(0)
    expectWithinLimits(planned)
    const plan = JSON.parse(await readFile(planned.outputs.plan_file!, 'utf8')) as { changes: { name: string }[] }
    expect(plan.changes.map(c => c.name)).toEqual(names)

    const applied = await step.runFile(file, { concurrency: '8' })
    expect(applied.code).toBe(0)
    expect(applied.outputs.created).toBe('1500')
    expectWithinLimits(applied)
    const results = JSON.parse(await readFile(applied.outputs.results_file!, 'utf8')) as { name: string }[]
    expect(results.map(r => r.name)).toEqual(names)
  }, 180_000)

  it('2,000 names of 255 characters that HTML and Markdown escaping multiply ("<@"): the summary stays within 1 MiB', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const names = Array.from({ length: 2_000 }, (_, i) => `${i}${'<@'.repeat(127)}`.slice(0, 255))
    const run = await step.runFile(fileOf(names), { dry_run: 'true' })
    expect(run.code).toBe(0)
    expectWithinLimits(run)
  }, 120_000)

  it('a 3 MiB name from Bolna: the number output, the plan output and the summary stay within the limits; plan_file keeps it whole', async ({
    onTestFinished
  }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const huge = `Z${'名'.repeat(MiB)}`
    step.emulator.seed('trunk-1', { phone_number: phone(0), name: huge })
    const single = await step.run({ trunk_id: 'trunk-1', phone_number: phone(0) })
    expect(single.code).toBe(0)
    expectWithinLimits(single)
    expect(JSON.parse(single.outputs.number!).name).toMatch(/^Z名+…$/)

    const planned = await step.runFile(fileOf(['Desk']), { dry_run: 'true' })
    expect(planned.code).toBe(0)
    expectWithinLimits(planned)
    const plan = JSON.parse(await readFile(planned.outputs.plan_file!, 'utf8')) as { changes: { differences?: { bolna: string }[] }[] }
    expect(plan.changes[0]?.differences?.[0]?.bolna).toBe(huge)
  })
})

import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

// What a run wrote is reported even when the read that verifies it fails: the outputs, the
// results file and the summary's applied table, with the read's failure added, never instead.

const KEY = 'bolna-written-key-3a71'
const FILE = 'bolna-numbers.yml'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-a'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

/** Every read of trunk-a after the first (the plan's) answers 503: the verifying read fails. */
function failReadsAfterThePlan(): void {
  emulator.injectFault({ kind: 'status', status: 503, method: 'GET', path: '/sip-trunks/trunks/trunk-a', skip: 1, times: Infinity })
}

async function act(inputs: Record<string, string>, files: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({
    inputs: { token: KEY, api_base_url: emulator.url, timeout_seconds: '2', max_retries: '0', settle_seconds: '1', ...inputs },
    files,
    env
  })
  expect(run.everything, 'the token leaked').not.toContain(KEY)
  expect(run.stdout + run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}

describe('a failed read after the writes', () => {
  it('file mode: the results, counts, results file and applied table are all there, and the step says why it failed', async () => {
    failReadsAfterThePlan()
    const file = 'version: 1\ntrunks:\n  - trunk_id: trunk-a\n    numbers:\n      - phone_number: "919876543210"\n      - phone_number: "14155550123"\n'
    const run = await act({ numbers_file: FILE }, { [FILE]: file })

    expect(run.code).toBe(1)
    expect(emulator.records('trunk-a')).toHaveLength(2)
    const results = JSON.parse(run.outputs.results ?? 'null') as { status: string; phone_number: string }[]
    expect(results.map(r => r.status)).toEqual(['created', 'created'])
    expect(run.outputs).toMatchObject({ created: '2', removed: '0', failed: '0' })
    expect(JSON.parse(await readFile(run.outputs.results_file!, 'utf8'))).toEqual(results)
    expect(run.summary).toContain('Applied')
    expect(run.summary).toContain('919876543210')
    const failure = annotations(run).join('\n')
    expect(failure).toContain('Applied, but not verified')
    expect(failure).toContain('trunk "trunk-a": it could not be read again')
    expect(failure).toContain('503')
    expect(run.stdout).not.toContain('Verified:')
  })

  it('single mode: the number is reported as created, and the failure is the step’s own, not a crash', async () => {
    failReadsAfterThePlan()
    const run = await act({ trunk_id: 'trunk-a', phone_number: '919876543210' })

    expect(run.code).toBe(1)
    expect(emulator.records('trunk-a')).toHaveLength(1)
    expect(run.outputs).toMatchObject({ status: 'created', number_id: emulator.records('trunk-a')[0]!.id })
    const failure = annotations(run).join('\n')
    expect(failure).toContain('Applied, but not verified')
    expect(failure).toContain('503')
  })

  it('single mode: a failing verify read ends the step with its own one failure, after the number is reported; nothing claims success', async () => {
    // Missed bug 1 of issue 21: with the verify not awaited, its failure was an unhandled rejection
    // with a stack trace, while the summary said "created" and nothing else.
    failReadsAfterThePlan()
    const run = await act({ trunk_id: 'trunk-a', phone_number: '919876543210' })

    expect(run.code).toBe(1)
    // One failure, the step's own: one ::error line, the reason on it (one line: newlines escaped).
    const errors = run.stdout.split(/\r?\n/).filter(line => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^::error::Applied, but not verified: 1 trunk\(s\) did not show the result within settle_seconds\..*trunk "trunk-a": it could not be read again: .*503/
    )
    expect(run.stderr).not.toMatch(/Unhandled|UnhandledPromiseRejection|TypeError|\bat .+:\d+:\d+/)
    // The summary: the number as created, then that it is not verified, then the failure; never "Verified".
    const created = run.summary.indexOf('<h3>Bolna numbers: one number</h3>')
    const notVerified = run.summary.indexOf('Not verified: trunk trunk-a')
    const failed = run.summary.indexOf('Bolna numbers: failed')
    expect(created).toBeGreaterThanOrEqual(0)
    expect(notVerified).toBeGreaterThan(created)
    expect(failed).toBeGreaterThan(notVerified)
    expect(run.summary).not.toContain('Verified:')
    expect(run.stdout).not.toContain('Verified:')
    expect(run.outputs.status).toBe('created')
  })
})

describe('a failure while reporting what was written', () => {
  it('single mode: a job summary that cannot be written fails the step in one line, after the outputs, never as a crash', async () => {
    // Each step of the pipeline is awaited: a report that fails is the step's failure, not an
    // unhandled rejection that kills the process with a stack trace.
    const run = await act({ trunk_id: 'trunk-a', phone_number: '919876543210' }, {}, { GITHUB_STEP_SUMMARY: '/nonexistent/bolna-step-summary' })

    expect(run.code).toBe(1)
    expect(emulator.records('trunk-a')).toHaveLength(1)
    expect(run.outputs).toMatchObject({ status: 'created', number_id: emulator.records('trunk-a')[0]!.id })
    const errors = run.stdout.split(/\r?\n/).filter(line => line.startsWith('::error'))
    expect(errors).toEqual([expect.stringMatching(/^::error::Unable to access summary file: '\/nonexistent\/bolna-step-summary'/)])
    expect(run.stderr).toBe('')
  })
})

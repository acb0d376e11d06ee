/**
 * One end-to-end step against an emulator of its own: safe in `describe.concurrent`, because
 * nothing is shared between tests. Every run is checked for the key and for stack traces.
 */
import { expect } from 'vitest'
import type { TestContext } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import type { EmulatorOptions, RequestLogEntry } from '../emulator/bolna-emulator.ts'
import { annotations, runAction } from './run-action.ts'
import type { ActionRun } from './run-action.ts'

/** The numbers file's name in the step's workspace. */
export const NUMBERS_FILE = 'numbers.yml'

export interface EmulatedStep {
  emulator: BolnaEmulator
  /** Runs the action; `inputs` go over token, api_base_url and a 2 s timeout_seconds. */
  run(inputs?: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>
  /** Runs the action in file mode on `file` (written as NUMBERS_FILE). */
  runFile(file: string, inputs?: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>
}

/**
 * Starts an emulator with `options` (and the key) and stops it when the test finishes; pass the
 * test context's `onTestFinished`, which concurrent tests need.
 */
export async function emulatedStep(onTestFinished: TestContext['onTestFinished'], key: string, options: EmulatorOptions = {}): Promise<EmulatedStep> {
  const emulator = new BolnaEmulator({ ...options, apiKey: key })
  await emulator.start()
  onTestFinished(async () => {
    await emulator.stop()
  })
  const run = async (inputs: Record<string, string> = {}, env: Record<string, string> = {}, files?: Record<string, string>) => {
    const result = await runAction({ inputs: { token: key, api_base_url: emulator.url, timeout_seconds: '2', ...inputs }, env, files })
    expect(result.everything, 'the token leaked').not.toContain(key)
    expect(result.stdout + result.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at .+:\d+:\d+/)
    return result
  }
  return {
    emulator,
    run: (inputs, env) => run(inputs, env),
    runFile: (file, inputs = {}, env = {}) => run({ numbers_file: NUMBERS_FILE, ...inputs }, env, { [NUMBERS_FILE]: file })
  }
}

/** The run's error annotations, one a line. */
export const failure = (run: ActionRun): string => annotations(run).join('\n')

/** The requests with this method whose path is `path` (exactly, or matching a RegExp). */
export function calls(emulator: BolnaEmulator, method: string, path: string | RegExp): RequestLogEntry[] {
  return emulator.requests.filter(r => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)))
}

/** How often `text` occurs in `where`. */
export function occurrences(where: string, text: string): number {
  return where.split(text).length - 1
}

// Spawning and timing the processes `npm run bench` measures: the action (dist/index.js, in a step
// laid out as the runner lays it out) and the plain references in scripts/bench/*.mjs.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseOutputs, prepareRun } from '../../test/helpers/run-action.ts'
import type { PreparedRun } from '../../test/helpers/run-action.ts'
import type { BenchContext } from './context.ts'
import type { ChildRun } from './stats.ts'

export type { ChildRun }

export interface ChildOptions {
  env: Record<string, string>
  cwd: string
  timeoutMs: number
}

/**
 * Runs `node --import usage.mjs <script> [args]` with process.execPath (Node 24), timed from spawn
 * to close. Every timed process, the action's and the references', gets the same preload.
 */
export async function runNode(ctx: BenchContext, script: string, args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  const usageFile = join(ctx.scratch, `usage-${++ctx.counter.spawned}.json`)
  const env = { ...options.env, BENCH_USAGE_FILE: usageFile }
  const startedAt = Date.now()
  const t0 = performance.now()
  const child = spawn(process.execPath, ['--import', ctx.paths.usagePreload, script, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  ctx.children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(done => {
    child.on('error', error => {
      stderr += String(error)
      done([null, null])
    })
    child.on('close', (c, s) => done([c, s]))
  })
  const wallMs = performance.now() - t0
  clearTimeout(timer)
  ctx.children.delete(child)
  const endedAt = Date.now()
  let usage: { maxRssKb?: number; cpuMs?: number } = {}
  try {
    usage = JSON.parse(await readFile(usageFile, 'utf8')) as typeof usage
  } catch {
    // No report (e.g. the process was killed): RSS and CPU are unknown for this run.
  }
  return { code, signal, timedOut, wallMs, startedAt, endedAt, stdout, stderr, maxRssKb: usage.maxRssKb ?? Number.NaN, cpuMs: usage.cpuMs ?? Number.NaN }
}

/** An error naming what failed and how, with the last lines it printed. */
export function failure(what: string, run: ChildRun): Error {
  const how = run.timedOut ? 'timed out' : `exited ${run.code ?? run.signal}`
  const tail = `${run.stdout}\n${run.stderr}`
    .trim()
    .split('\n')
    .filter(line => !line.startsWith('::debug::'))
    .slice(-8)
    .join('\n    ')
  return new Error(`${what} ${how}\n    ${tail}`)
}

/** A fresh runner-like step (test/helpers/run-action.ts lays it out as the tests do). */
export function prepareStep(ctx: BenchContext, inputs: Record<string, string>, files: Record<string, string> = {}): Promise<PreparedRun> {
  return prepareRun({ inputs: { token: ctx.key, ...inputs }, files }, ctx.scratch)
}

/** Runs the built action in a prepared step; throws unless it exits 0. */
export async function runAction(ctx: BenchContext, step: PreparedRun, what: string, timeoutMs: number): Promise<ChildRun> {
  const run = await runNode(ctx, ctx.paths.action, [], { env: step.env, cwd: step.workspace, timeoutMs })
  if (run.code !== 0) throw failure(what, run)
  return run
}

/** Runs a reference script in a prepared step (it reads the same INPUT_* variables); throws unless it exits 0. */
export async function runReference(
  ctx: BenchContext,
  step: PreparedRun,
  script: string,
  args: readonly string[],
  what: string,
  timeoutMs: number
): Promise<ChildRun> {
  const run = await runNode(ctx, script, args, { env: step.env, cwd: step.workspace, timeoutMs })
  if (run.code !== 0) throw failure(what, run)
  return run
}

export async function outputsOf(step: PreparedRun): Promise<Record<string, string>> {
  return parseOutputs(await readFile(step.outputFile, 'utf8'))
}

/**
 * File mode's results, one entry per number: from the file the `results_file` output names (every
 * entry) when the action sets it, else from the `results` output.
 */
export async function resultsOf(step: PreparedRun): Promise<Array<{ status: string }>> {
  const outputs = await outputsOf(step)
  const text = outputs.results_file ? await readFile(outputs.results_file, 'utf8') : (outputs.results ?? '[]')
  return JSON.parse(text) as Array<{ status: string }>
}

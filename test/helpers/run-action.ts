import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { EOL, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

const root = resolve(import.meta.dirname, '../..')

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /**
   * Everything the run printed or wrote, for scanning (e.g. for the token) — less the
   * `::add-mask::` commands, which the runner consumes and never shows.
   */
  everything: string
  workspace: string
}

export interface RunOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  workspace?: string
  files?: Record<string, string>
}

interface ActionYml {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

export async function actionYml(): Promise<ActionYml> {
  return parse(await readFile(join(root, 'action.yml'), 'utf8')) as ActionYml
}

/** A runner-like step: its environment, workspace and the files the action writes to. */
export interface PreparedRun {
  env: Record<string, string>
  workspace: string
  outputFile: string
  summaryFile: string
}

/**
 * Lays out a step the way the runner does: each input as INPUT_<NAME> with action.yml's
 * defaults filled in, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a workspace with `files`.
 * Shared by the tests and the benchmark.
 */
export async function prepareRun(options: RunOptions = {}, scratchDir: string = tmpdir()): Promise<PreparedRun> {
  const dir = await mkdtemp(join(scratchDir, 'bolna-action-'))
  const workspace = options.workspace ?? dir
  for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(join(workspace, name), text)
  const outputFile = join(dir, 'github_output')
  const summaryFile = join(dir, 'step_summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')

  defaults ??= Object.entries((await actionYml()).inputs).map(([name, spec]) => [name, String(spec.default ?? '')] as const)
  const inputs: Record<string, string> = {}
  for (const [name, fallback] of defaults) {
    const value = options.inputs?.[name] ?? fallback
    // The runner evaluates expressions in defaults; github.token becomes a token.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: action.yml's literal default
    inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value === '${{ github.token }}' ? 'ghs_fake_default_github_token' : value
  }
  const env: Record<string, string> = {
    ...windowsBasics(),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    ...inputs,
    ...options.env
  }
  return { env, workspace, outputFile, summaryFile }
}

let defaults: (readonly [string, string])[] | undefined

/** What a process on Windows needs from the environment (its system folder, temp folders, profile); nothing elsewhere. */
function windowsBasics(): Record<string, string> {
  if (process.platform !== 'win32') return {}
  const names = ['SystemRoot', 'SystemDrive', 'TEMP', 'TMP', 'USERPROFILE', 'ComSpec', 'PATHEXT']
  return Object.fromEntries(names.flatMap(name => (process.env[name] === undefined ? [] : [[name, process.env[name] as string]])))
}

/**
 * The action to run: under `npm test`, a fresh build of src/ (test/setup/build.ts); elsewhere
 * (the demo, the benchmark) the committed dist/.
 */
export const actionEntry = (): string => process.env.BOLNA_ACTION_ENTRY || join(root, 'dist/index.js')

/** Runs the built action (see actionEntry) in a step laid out as the runner lays it out (see prepareRun). */
export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const { env, workspace, outputFile, summaryFile } = await prepareRun(options)
  const child = spawn(process.execPath, [actionEntry()], { env, cwd: workspace })
  let stdout = ''
  let stderr = ''
  // Decoded as a stream: a character split across two chunks stays one character.
  child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
  const code = await new Promise<number | null>(done => child.on('close', done))
  // @actions/core ends commands, log lines, outputs and summary lines with os.EOL, "\r\n" on
  // Windows: read back with "\n", as the tests compare them (a no-op where os.EOL is "\n").
  const lf = (text: string) => (EOL === '\n' ? text : text.replaceAll(EOL, '\n'))
  stdout = lf(stdout)
  stderr = lf(stderr)
  const outputText = lf(await readFile(outputFile, 'utf8'))
  const summary = lf(await readFile(summaryFile, 'utf8'))
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(outputText),
    summary,
    everything: [stdout, stderr, outputText, summary].join('\n').replace(/^::add-mask::.*$/gm, ''),
    workspace
  }
}

/** Reads the GITHUB_OUTPUT file format: `name<<DELIMITER\nvalue\nDELIMITER`. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
    outputs[name!] = value.join('\n')
  }
  return outputs
}

/** The `::error …::message` lines a run printed. */
export function annotations(run: ActionRun, kind = 'error'): string[] {
  return run.stdout.split('\n').filter(line => line.startsWith(`::${kind}`))
}

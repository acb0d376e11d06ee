// Runs .github/workflows/self-test.yml's steps here, the way the runner would, so the workflow's
// own checks are exercised before it ever reaches GitHub: `uses: ./` steps run dist/index.js with
// the `with:` inputs (and action.yml's defaults), `run:` steps run in bash with their `env:`, and
// `${{ steps.<id>.outputs.<name> }}` is filled in from earlier steps. Setup steps (checkout,
// setup-node, npm ci) are skipped; the emulator's port is swapped for a free one.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, it } from 'vitest'
import { parse } from 'yaml'
import { runAction } from './helpers/run-action.ts'

const root = resolve(import.meta.dirname, '..')

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  if?: string
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise(done => server.close(done))
  return port
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', chunk => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', chunk => (output += chunk))
  return new Promise(done => child.on('close', code => done({ code, output })))
}

// self-test.yml runs on ubuntu-latest only; its run: steps are bash with POSIX job control ($!, kill).
it.skipIf(process.platform === 'win32')('self-test.yml passes against the emulator when run step by step', async () => {
  const port = await freePort()
  const text = (await readFile(join(root, '.github/workflows/self-test.yml'), 'utf8'))
    .replaceAll('--port 8787', `--port ${port}`)
    .replaceAll('127.0.0.1:8787', `127.0.0.1:${port}`)
  const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> }
  const steps = workflow.jobs['self-test']?.steps ?? []
  const runnerTemp = await mkdtemp(join(tmpdir(), 'self-test-runner-'))
  const outputs: Record<string, Record<string, string>> = {}
  const expand = (value: unknown) =>
    String(value ?? '').replace(/\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g, (_, id: string, name: string) => outputs[id]?.[name] ?? '')
  const log: string[] = []
  let ran = 0
  let failed = false

  try {
    for (const step of steps) {
      const title = step.name ?? step.uses ?? step.run ?? '?'
      if (step.if !== undefined && !/^\$\{\{\s*always\(\)\s*\}\}$/.test(step.if)) throw new Error(`step "${title}": unsupported if: ${step.if}`)
      if (failed && step.if === undefined) continue
      if ((step.uses && step.uses !== './') || step.run?.trim() === 'npm ci') continue
      ran++
      if (step.uses === './') {
        const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, expand(value)]))
        const result = await runAction({ inputs, workspace: root })
        log.push(`--- ${title}: exit ${result.code}\n${result.stdout}${result.stderr}`)
        if (step.id) outputs[step.id] = result.outputs
        if (result.code !== 0) failed = true
      } else {
        const env: Record<string, string> = { ...(process.env as Record<string, string>), RUNNER_TEMP: runnerTemp, GITHUB_ACTIONS: 'true' }
        for (const [name, value] of Object.entries(step.env ?? {})) env[name] = expand(value)
        const result = await bash(step.run ?? '', env)
        log.push(`--- ${title}: exit ${result.code}\n${result.output}`)
        if (result.code !== 0) failed = true
      }
    }
  } finally {
    const pid = Number((await readFile(join(runnerTemp, 'bolna-emulator.pid'), 'utf8').catch(() => '')).trim())
    try {
      if (pid > 0) process.kill(pid, 'SIGTERM')
    } catch {
      // Already gone: the steps' log below says why.
    }
  }

  expect(failed, log.join('\n')).toBe(false)
  expect(ran).toBeGreaterThanOrEqual(9)
  expect(outputs.first).toMatchObject({ status: 'created', trunk_id: 'self-test-trunk' })
  expect(outputs.second).toMatchObject({ status: 'exists', number_id: outputs.first?.number_id })
  expect(outputs.plan).toMatchObject({ to_add: '2', to_remove: '0' })
  expect(outputs.apply).toMatchObject({ to_add: '2' })
  expect(JSON.parse(outputs.apply?.results ?? '[]')).toHaveLength(2)
  expect(outputs.reapply).toMatchObject({ to_add: '0', unchanged: '2' })
})

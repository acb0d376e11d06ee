// action.yml and every workflow, checked by a third-party validator: @action-validator/cli
// (JSON schemas from SchemaStore, compiled to WebAssembly in @action-validator/core).
// The CLI takes one path; a name ending in action.yml/action.yaml is checked as an action, anything
// else as a workflow. It exits 0 and prints nothing when the file is valid; it exits 1 and prints
// `{ actionType, errors: [...] }` as JSON on stderr when it is not (and 1 for a missing file or bad usage).
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = resolve(import.meta.dirname, '..')
const cli = join(root, 'node_modules/@action-validator/cli/cli.mjs')

interface ValidationError {
  code: string
  path: string
  title?: string
  detail?: string
  states?: { errors: ValidationError[] }[]
}

interface Validation {
  code: number
  stdout: string
  stderr: string
  errors: ValidationError[]
}

function validate(file: string): Promise<Validation> {
  return new Promise(done => {
    execFile(process.execPath, [cli, file], { cwd: root }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      let errors: ValidationError[] = []
      if (stderr.trim().startsWith('{')) errors = (JSON.parse(stderr) as { errors: ValidationError[] }).errors
      done({ code, stdout, stderr, errors })
    })
  })
}

async function scratch(name: string, text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'action-validator-')), name)
  await writeFile(file, text)
  return file
}

/**
 * @action-validator 0.6.0 (the latest release) carries a SchemaStore snapshot whose `runs.using`
 * enum for JavaScript actions is node12 | node16 | node20: it predates GitHub's node24 runtime. That
 * one error is this: a oneOf at /runs whose JavaScript branch fails on nothing but the enum at /runs/using.
 */
function onlyNode24Gap(errors: ValidationError[]): boolean {
  const [error] = errors
  return (
    errors.length === 1 &&
    error?.code === 'one_of' &&
    error.path === '/runs' &&
    (error.states ?? []).some(state => state.errors.length === 1 && state.errors[0]?.code === 'enum' && state.errors[0].path === '/runs/using')
  )
}

/**
 * The same snapshot's workflow schema predates the `attestations` permission (GitHub's artifact
 * attestations, which actions/attest-build-provenance needs to store an attestation). That error is
 * this: each job's oneOf fails, in its normal-job branch, on nothing but `permissions` (a oneOf whose
 * mapping branch fails on nothing but the additional property `attestations`).
 */
function onlyAttestationsGap(errors: ValidationError[]): boolean {
  const isGap = (error: ValidationError, path: string) =>
    error.code === 'one_of' &&
    error.path === path &&
    (error.states ?? []).some(state => state.errors.length === 1 && state.errors[0]?.detail === "Additional property 'attestations' is not allowed")
  return (
    errors.length > 0 &&
    errors.every(
      job =>
        job.code === 'one_of' &&
        /^\/jobs\/[^/]+$/.test(job.path) &&
        (job.states ?? []).some(state => state.errors.length > 0 && state.errors.every(error => isGap(error, `${job.path}/permissions`)))
    )
  )
}

/** A workflow without its `attestations:` permission lines: what the snapshot can check strictly. */
const withoutAttestations = (text: string) => text.replace(/^\s+attestations:\s*\S+.*\r?\n/gm, '')

const actionText = await readFile(join(root, 'action.yml'), 'utf8')
const action = parse(actionText) as {
  name?: string
  description?: string
  branding?: { icon?: string; color?: string }
  inputs?: Record<string, { description?: string } | null>
  outputs?: Record<string, { description?: string } | null>
  runs?: { using?: string; main?: string }
}

describe('@action-validator/cli', () => {
  it('runs here and rejects what is invalid (it is not a no-op)', async () => {
    const badAction = await validate(await scratch('action.yml', 'name: x\nbogus: 1\nruns:\n  using: node20\n  main: index.js\n'))
    expect(badAction.code).toBe(1)
    expect(badAction.errors).toContainEqual(expect.objectContaining({ detail: "Additional property 'bogus' is not allowed" }))
    expect(badAction.errors).toContainEqual(expect.objectContaining({ code: 'required', path: '/description' }))

    const badWorkflow = await validate(await scratch('ci.yml', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n'))
    expect(badWorkflow.code).toBe(1)
    expect(JSON.stringify(badWorkflow.errors)).toContain("Additional property 'stepz' is not allowed")

    const good = await validate(await scratch('ci.yml', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n'))
    expect(good).toMatchObject({ code: 0, stderr: '', errors: [] })
  })

  it('action.yml is valid, but for the node24 runtime its schema does not know yet', async () => {
    expect(action.runs?.using).toBe('node24')
    const asIs = await validate('action.yml')
    // When a newer validator learns node24, asIs passes outright and this stays green.
    expect(asIs.code === 0 || onlyNode24Gap(asIs.errors), `unexpected errors:\n${asIs.stderr}`).toBe(true)

    // Everything else is checked strictly: the same file with the runtime the schema knows must pass.
    const node20 = actionText.replace(/^(\s+using:\s*)node24\s*$/m, '$1node20')
    expect(node20).not.toBe(actionText)
    const strict = await validate(await scratch('action.yml', node20))
    expect(strict.stderr).toBe('')
    expect(strict.code).toBe(0)
  })

  it('the node24 exception covers only the runtime: any other error in runs fails', async () => {
    const broken = actionText.replace(/^(\s+)main:\s*dist\/index\.js\s*$/m, '$1mainn: dist/index.js')
    expect(broken).not.toBe(actionText)
    const result = await validate(await scratch('action.yml', broken))
    expect(result.code).toBe(1)
    expect(onlyNode24Gap(result.errors)).toBe(false)
  })

  it('every workflow in .github/workflows is valid, but for the attestations permission its schema does not know yet', async () => {
    const dir = join(root, '.github/workflows')
    const workflows = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name)).sort()
    expect(workflows).toEqual(expect.arrayContaining(['check-dist.yml', 'ci.yml', 'release.yml', 'self-test.yml']))
    for (const name of workflows) {
      const text = await readFile(join(dir, name), 'utf8')
      const result = await validate(join('.github/workflows', name))
      if (withoutAttestations(text) === text) {
        expect(result.stderr, `${name}:\n${result.stderr}`).toBe('')
        expect(result.code, name).toBe(0)
        continue
      }
      // When a newer validator learns the permission, the file passes outright and this stays green.
      expect(result.code === 0 || onlyAttestationsGap(result.errors), `${name}:\n${result.stderr}`).toBe(true)
      // Everything else is checked strictly: the same file without that permission must pass.
      const strict = await validate(await scratch(name, withoutAttestations(text)))
      expect(strict.stderr, `${name}:\n${strict.stderr}`).toBe('')
      expect(strict.code, name).toBe(0)
    }
  })

  it('the attestations exception covers only that permission: any other error in the release workflow fails', async () => {
    const text = await readFile(join(root, '.github/workflows/release.yml'), 'utf8')
    expect(text).toContain('attestations: write')
    const broken = text.replace(/^(\s+)id-token: write/m, '$1id-tokens: write')
    expect(broken).not.toBe(text)
    const result = await validate(await scratch('release.yml', broken))
    expect(result.code).toBe(1)
    expect(onlyAttestationsGap(result.errors)).toBe(false)
    const stepless = await validate(await scratch('release.yml', text.replace(/^(\s+)steps:/m, '$1stepz:')))
    expect(onlyAttestationsGap(stepless.errors)).toBe(false)
  })
})

describe('action.yml metadata', () => {
  it('has a name, a description, branding and a main that exists', async () => {
    expect(action.name?.trim()).toBeTruthy()
    expect(action.description?.trim()).toBeTruthy()
    expect(action.branding?.icon?.trim()).toBeTruthy()
    expect(action.branding?.color?.trim()).toBeTruthy()
    expect(action.runs?.main).toBe('dist/index.js')
    await expect(readFile(join(root, 'dist/index.js'), 'utf8')).resolves.toBeTruthy()
  })

  it('every input and output has a non-empty description', () => {
    const entries = [...Object.entries(action.inputs ?? {}), ...Object.entries(action.outputs ?? {})]
    expect(Object.keys(action.inputs ?? {}).length).toBeGreaterThan(0)
    expect(Object.keys(action.outputs ?? {}).length).toBeGreaterThan(0)
    const missing = entries.filter(([, spec]) => typeof spec?.description !== 'string' || spec.description.trim() === '').map(([name]) => name)
    expect(missing).toEqual([])
  })
})

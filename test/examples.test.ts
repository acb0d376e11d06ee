// The copy-paste workflows in examples/: each is a valid workflow by @action-validator/cli (the
// third-party validator test/action-validator.test.ts uses, run the same way), and every `with:` key
// given to this action is an input that action.yml declares, so a renamed or removed input cannot
// leave an example behind that fails (or is silently ignored) on a user's runner.
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = resolve(import.meta.dirname, '..')
const cli = join(root, 'node_modules/@action-validator/cli/cli.mjs')

const ACTION = /^acme\/bolna-sip-trunk-number(@|$)/

interface Validation {
  code: number
  stderr: string
  /** stderr without the validator's "Glob validation is not yet supported" notes (it prints one per `paths:` glob and still exits 0). */
  problems: string
}

function validate(file: string): Promise<Validation> {
  return new Promise(done => {
    execFile(process.execPath, [cli, file], { cwd: root }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      const problems = stderr
        .split(/\r?\n/)
        .filter(line => !/^WARNING: Glob validation is not yet supported\. Glob at \S+ will not be validated\.$/.test(line))
        .join('\n')
        .trim()
      done({ code, stderr, problems })
    })
  })
}

interface Step {
  name?: string
  id?: string
  uses?: string
  with?: Record<string, unknown> | null
}

interface Concurrency {
  group?: string
  'cancel-in-progress'?: boolean | string
}

interface Job {
  if?: string
  concurrency?: Concurrency | string
  steps?: Step[]
}

interface Workflow {
  name?: string
  on?: Record<string, unknown>
  permissions?: Record<string, string>
  concurrency?: Concurrency | string
  jobs?: Record<string, Job>
}

interface ActionStep {
  where: string
  with: Record<string, unknown>
}

/** The steps of a workflow that use this action, each named `file › job › step`. */
function actionSteps(file: string, workflow: Workflow): ActionStep[] {
  return Object.entries(workflow.jobs ?? {}).flatMap(([job, spec]) =>
    (spec.steps ?? [])
      .map((step, index) => ({ step, index }))
      .filter(({ step }) => typeof step.uses === 'string' && ACTION.test(step.uses))
      .map(({ step, index }) => ({ where: `${file} › ${job} › ${step.id ?? step.name ?? `step ${index + 1}`}`, with: step.with ?? {} }))
  )
}

/** Every `with:` key, on a step using this action, that action.yml does not declare: `file › job › step: key`. */
function unknownInputs(file: string, workflow: Workflow, declared: ReadonlySet<string>): string[] {
  return actionSteps(file, workflow).flatMap(step =>
    Object.keys(step.with)
      .filter(key => !declared.has(key))
      .map(key => `${step.where}: ${key}`)
  )
}

const readme = await readFile(join(root, 'README.md'), 'utf8')
const action = parse(await readFile(join(root, 'action.yml'), 'utf8')) as { inputs?: Record<string, unknown> }
const declared = new Set(Object.keys(action.inputs ?? {}))
const names = (await readdir(join(root, 'examples'))).sort()
const examples = new Map<string, { text: string; workflow: Workflow }>()
for (const name of names) {
  const text = await readFile(join(root, 'examples', name), 'utf8')
  examples.set(name, { text, workflow: parse(text) as Workflow })
}

/** A job's concurrency: its own, else the workflow's (a bare string is the group). */
function concurrencyOf(workflow: Workflow, job: Job): Concurrency | undefined {
  const spec = job.concurrency ?? workflow.concurrency
  return typeof spec === 'string' ? { group: spec } : spec
}

/** Whether a job writes to Bolna: it has a step of this action that is neither a literal dry run nor an export. */
function writesToBolna(job: Job): boolean {
  return (job.steps ?? []).some(step => typeof step.uses === 'string' && ACTION.test(step.uses) && step.with?.dry_run !== true && !step.with?.export_file)
}

/** A group as a pattern: each `${{ … }}` may become anything. */
function groupPattern(group: string): RegExp {
  const parts = group.split(/\$\{\{.*?\}\}/)
  return new RegExp(`^${parts.map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
}

/**
 * The README's concurrency story, as problems: every job that writes to Bolna has a group and is never
 * cancelled half-way, and no two purposes (a job of a workflow, or a whole workflow with one group) can
 * ever land in the same group.
 */
function concurrencyProblems(workflows: ReadonlyMap<string, Workflow>): string[] {
  const problems: string[] = []
  const groups: { purpose: string; group: string }[] = []
  for (const [file, workflow] of workflows) {
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      const spec = concurrencyOf(workflow, job)
      if (writesToBolna(job)) {
        if (!spec?.group) problems.push(`${file} › ${name} writes to Bolna without a concurrency group`)
        else if (spec['cancel-in-progress'] !== false) problems.push(`${file} › ${name} writes to Bolna in a group that may cancel it half-way`)
      }
      if (job.concurrency !== undefined && spec?.group) groups.push({ purpose: `${file} › ${name}`, group: spec.group })
    }
    const shared = typeof workflow.concurrency === 'string' ? workflow.concurrency : workflow.concurrency?.group
    if (shared) groups.push({ purpose: file, group: shared })
  }
  for (const [i, a] of groups.entries()) {
    for (const b of groups.slice(i + 1)) {
      const sample = (group: string) => group.replace(/\$\{\{.*?\}\}/g, 'x')
      if (groupPattern(a.group).test(sample(b.group)) || groupPattern(b.group).test(sample(a.group))) {
        problems.push(`${a.purpose} and ${b.purpose} share the group ${JSON.stringify(a.group)} / ${JSON.stringify(b.group)}`)
      }
    }
  }
  return problems
}

function example(name: string): { text: string; workflow: Workflow; steps: ActionStep[] } {
  const found = examples.get(name)
  if (found === undefined) throw new Error(`examples/${name} is missing`)
  return { ...found, steps: actionSteps(name, found.workflow) }
}

describe('examples/', () => {
  it('holds the documented workflows, and only workflow files', () => {
    expect(names).toEqual(
      expect.arrayContaining(['drift-check.yml', 'export-to-pr.yml', 'gitops-plan-apply.yml', 'matrix.yml', 'one-number.yml', 'release-provisioning.yml'])
    )
    expect(names.filter(name => !/\.ya?ml$/.test(name))).toEqual([])
  })

  it.each(names)('%s is a valid workflow (@action-validator/cli)', async name => {
    const result = await validate(`examples/${name}`)
    expect(result.problems, `${name}:\n${result.stderr}`).toBe('')
    expect(result.code, name).toBe(0)
  })

  it.each(names)('%s uses this action, with only inputs that action.yml declares', name => {
    const { workflow, steps } = example(name)
    expect(steps.length, `${name} has no step using acme/bolna-sip-trunk-number`).toBeGreaterThan(0)
    expect(unknownInputs(name, workflow, declared)).toEqual([])
  })

  it.each(names)('%s starts with a comment naming every secret and variable it reads', name => {
    const { text } = example(name)
    const header = /^(?:#.*\r?\n)+/.exec(text)?.[0] ?? ''
    expect(header, `${name} has no header comment`).not.toBe('')
    const body = text.slice(header.length)
    const used = [...new Set([...body.matchAll(/\b(?:secrets|vars)\.[A-Za-z_][A-Za-z0-9_]*/g)].map(match => match[0]))]
    expect(used.filter(reference => !header.includes(reference))).toEqual([])
  })

  it('every use of the action is pinned the way the README recommends: a full commit SHA, with the version as a comment', () => {
    const recommended = /^- uses: (acme\/bolna-sip-trunk-number@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/m.exec(readme)?.[1]
    expect(recommended, 'the README shows no pinned `uses:` line').toBeDefined()
    const uses = [...examples.values()].flatMap(({ text }) =>
      [...text.matchAll(/^\s*(?:- )?uses: (acme\/bolna-sip-trunk-number\S*.*)$/gm)].map(match => match[1])
    )
    expect(uses.length).toBeGreaterThan(0)
    expect(uses.filter(ref => ref !== recommended)).toEqual([])
    // The README's own snippets pin the same way.
    const inReadme = [...readme.matchAll(/uses: (acme\/bolna-sip-trunk-number\S*.*)$/gm)].map(match => match[1])
    expect(inReadme.filter(ref => ref !== recommended)).toEqual([])
  })
})

describe('the input check', () => {
  it('fails on an input action.yml does not declare, and lets the declared ones through', () => {
    const { text } = example('one-number.yml')
    const doctored = text.replace(/^(\s+)phone_number: (?=\$\{\{ inputs\.phone_number \}\}$)/m, '$1phone: ')
    expect(doctored).not.toBe(text)
    expect(unknownInputs('one-number.yml', parse(doctored) as Workflow, declared)).toEqual(['one-number.yml › add › did: phone'])

    const all: Workflow = {
      jobs: { j: { steps: [{ uses: 'acme/bolna-sip-trunk-number@v1', with: Object.fromEntries([...declared].map(key => [key, 'x'])) }] } }
    }
    expect(unknownInputs('all.yml', all, declared)).toEqual([])
  })

  it('looks only at steps that use this action', () => {
    const other: Workflow = {
      jobs: {
        j: {
          steps: [
            { uses: 'actions/checkout@v5', with: { 'fetch-depth': 0 } },
            { uses: 'acme/bolna-sip-trunk-number-fork@v1', with: { x: 1 } }
          ]
        }
      }
    }
    expect(unknownInputs('other.yml', other, declared)).toEqual([])
  })
})

describe('what each example promises', () => {
  it('one-number: single mode on one trunk', () => {
    const { steps } = example('one-number.yml')
    expect(steps).toHaveLength(1)
    expect(Object.keys(steps[0]!.with)).toEqual(expect.arrayContaining(['token', 'trunk_id', 'phone_number']))
    expect(steps[0]!.with).not.toHaveProperty('numbers_file')
  })

  it('matrix: shows the /trunk API, with destination_key', () => {
    const { workflow, steps } = example('matrix.yml')
    expect(steps[0]!.with).toMatchObject({ trunk_api: 'trunk', destination_key: expect.stringContaining('matrix.') })
    expect(JSON.stringify(workflow.jobs)).toContain('"matrix"')
  })

  it('destination_key appears only beside trunk_api: trunk, and trunk_api only with a value it takes', () => {
    const all = [...examples.keys()].flatMap(name => example(name).steps)
    expect(all.filter(step => 'destination_key' in step.with && step.with.trunk_api !== 'trunk').map(step => step.where)).toEqual([])
    // A literal value must be one the input takes; an expression is the workflow's own choice input.
    const literal = (value: unknown) => !/^\$\{\{.*\}\}$/.test(String(value))
    expect(
      all
        .filter(step => 'trunk_api' in step.with && literal(step.with.trunk_api) && !['sip-trunks', 'trunk'].includes(String(step.with.trunk_api)))
        .map(step => step.where)
    ).toEqual([])
  })

  it('no example sets an input its trunk API ignores (name or e164_check_enabled with trunk_api: trunk)', () => {
    const all = [...examples.keys()].flatMap(name => example(name).steps)
    const trunkSteps = all.filter(step => step.with.trunk_api === 'trunk')
    expect(trunkSteps.length).toBeGreaterThan(0)
    expect(trunkSteps.flatMap(step => ['name', 'e164_check_enabled'].filter(key => key in step.with).map(key => `${step.where}: ${key}`))).toEqual([])
  })

  it('gitops-plan-apply: plans on pull requests, applies on main, one apply at a time, never cancelled', () => {
    const { workflow, steps } = example('gitops-plan-apply.yml')
    expect(Object.keys(workflow.on ?? {}).sort()).toEqual(['pull_request', 'push'])
    expect(workflow.on?.push).toMatchObject({ branches: ['main'] })
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' })
    const { plan, apply } = workflow.jobs ?? {}
    expect(plan?.if).toBe("github.event_name == 'pull_request'")
    expect(apply?.if).toBe("github.event_name == 'push'")
    expect(concurrencyOf(workflow, apply!)?.['cancel-in-progress']).toBe(false)
    expect(steps).toHaveLength(2)
    const [planStep, applyStep] = steps
    expect(planStep!.where).toContain('› plan ›')
    expect(planStep!.with).toMatchObject({ numbers_file: expect.any(String), dry_run: true })
    expect(applyStep!.where).toContain('› apply ›')
    expect(applyStep!.with).toMatchObject({ numbers_file: planStep!.with.numbers_file })
    expect(applyStep!.with).not.toHaveProperty('dry_run')
  })

  it('release-provisioning: on a published release, maps the agent and switches its telephony', () => {
    const { workflow, steps } = example('release-provisioning.yml')
    expect(workflow.on).toEqual({ release: { types: ['published'] } })
    expect(steps[0]!.with).toMatchObject({ agent_id: expect.any(String), set_agent_telephony: true })
  })

  it('drift-check: on a schedule, a dry run that fails on drift', () => {
    const { workflow, steps } = example('drift-check.yml')
    expect(workflow.on).toHaveProperty('schedule')
    expect(steps[0]!.with).toMatchObject({ numbers_file: expect.any(String), dry_run: true, fail_on_drift: true })
  })
})

describe('one concurrency story (README › Concurrency)', () => {
  const workflows = new Map([...examples].map(([name, { workflow }]) => [name, workflow]))

  it('every example that writes to Bolna has a group, never cancelled half-way, and no two purposes share one', () => {
    expect(concurrencyProblems(workflows)).toEqual([])
    // The examples do write: the check is not vacuous.
    const writers = [...workflows].flatMap(([file, workflow]) =>
      Object.entries(workflow.jobs ?? {})
        .filter(([, job]) => writesToBolna(job))
        .map(([job]) => `${file} › ${job}`)
    )
    expect(writers).toEqual(
      expect.arrayContaining(['gitops-plan-apply.yml › apply', 'one-number.yml › add', 'matrix.yml › number', 'release-provisioning.yml › provision'])
    )
  })

  it('plans get a group per pull request, applies one per file, one-number runs their own', () => {
    const { workflow } = example('gitops-plan-apply.yml')
    const { plan, apply } = workflow.jobs ?? {}
    expect(concurrencyOf(workflow, plan!)?.group).toContain('github.event.pull_request.number')
    expect(concurrencyOf(workflow, apply!)?.group).toContain('.github/bolna-numbers.yml')
    expect(concurrencyOf(workflow, apply!)?.group).not.toContain('${{')
  })

  it('fails when two purposes share a group, or a writer has none', () => {
    const doctor = (file: string, change: (workflow: Workflow) => void) => {
      const copy = new Map([...workflows].map(([name, workflow]) => [name, structuredClone(workflow)]))
      change(copy.get(file)!)
      return concurrencyProblems(copy)
    }
    expect(doctor('one-number.yml', w => (w.concurrency = { group: 'bolna-apply-.github/bolna-numbers.yml', 'cancel-in-progress': false }))).toEqual([
      'gitops-plan-apply.yml › apply and one-number.yml share the group "bolna-apply-.github/bolna-numbers.yml" / "bolna-apply-.github/bolna-numbers.yml"'
    ])
    expect(doctor('release-provisioning.yml', w => (w.concurrency = { group: 'bolna-one-number-+14155550123', 'cancel-in-progress': false }))).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template literal
      'one-number.yml and release-provisioning.yml share the group "bolna-one-number-${{ inputs.phone_number }}" / "bolna-one-number-+14155550123"'
    ])
    expect(doctor('release-provisioning.yml', w => delete w.concurrency)).toEqual([
      'release-provisioning.yml › provision writes to Bolna without a concurrency group'
    ])
    expect(doctor('gitops-plan-apply.yml', w => (w.jobs!.apply!.concurrency = { group: 'bolna-apply-x', 'cancel-in-progress': true }))).toEqual([
      'gitops-plan-apply.yml › apply writes to Bolna in a group that may cancel it half-way'
    ])
  })
})

import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join, normalize, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { compareReadmeWithAction, readmeTable } from './helpers/readme-tables.ts'
import type { ActionMetadata } from './helpers/readme-tables.ts'

const root = resolve(import.meta.dirname, '..')
// The input and output reference is docs/reference.md; `readme` keeps its old name in the tests below.
const readme = await readFile(join(root, 'docs/reference.md'), 'utf8')
const action = parse(await readFile(join(root, 'action.yml'), 'utf8')) as ActionMetadata & { inputs: Record<string, { default?: unknown }> }

describe('docs/reference.md ↔ action.yml', () => {
  it('the Inputs and Outputs tables list exactly the inputs and outputs of action.yml, with their defaults', () => {
    expect(compareReadmeWithAction(readme, action)).toEqual([])
  })

  it('reads every row of both tables', () => {
    const inputs = readmeTable(readme, 'Inputs', { withDefault: true })
    expect(inputs.map(row => row.name)).toEqual(Object.keys(action.inputs))
    expect(inputs.find(row => row.name === 'token')?.default).toBe('')
    expect(inputs.find(row => row.name === 'api_base_url')?.default).toBe('https://api.bolna.ai')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template literal
    expect(inputs.find(row => row.name === 'github_token')?.default).toBe('${{ github.token }}')
    expect(readmeTable(readme, 'Outputs').map(row => row.name)).toEqual(Object.keys(action.outputs ?? {}))
  })
})

describe('the comparison fails when the two drift apart', () => {
  const row = (name: string) => new RegExp(`^\\| \`${name}\` \\|.*\\n`, 'm')

  it('an input missing from the reference', () => {
    const doctored = readme.replace(row('max_deletes'), '')
    expect(doctored).not.toBe(readme)
    expect(compareReadmeWithAction(doctored, action)).toEqual(['input "max_deletes" is in action.yml but not in docs/reference.md'])
  })

  it('an output missing from the reference', () => {
    const doctored = readme.replace(row('agent_status'), '')
    expect(compareReadmeWithAction(doctored, action)).toEqual(['output "agent_status" is in action.yml but not in docs/reference.md'])
  })

  it('a renamed input', () => {
    const doctored = readme.replace('| `dry_run` |', '| `dryrun` |')
    expect(compareReadmeWithAction(doctored, action)).toEqual([
      'input "dry_run" is in action.yml but not in docs/reference.md',
      'input "dryrun" is in docs/reference.md but not in action.yml'
    ])
  })

  it('a changed default', () => {
    const doctored = readme.replace('| `concurrency` | `4` |', '| `concurrency` | `8` |')
    expect(doctored).not.toBe(readme)
    expect(compareReadmeWithAction(doctored, action)).toEqual(['input "concurrency": docs/reference.md says the default is "8", action.yml says "4"'])
  })

  it('an empty default documented as something else, and the other way round', () => {
    const doctored = readme.replace("| `name` | `''` |", '| `name` | `none` |')
    expect(compareReadmeWithAction(doctored, action)).toEqual(['input "name": docs/reference.md says the default is "none", action.yml says ""'])
    const changedAction = { ...action, inputs: { ...action.inputs, name: { default: 'Main line' } } }
    expect(compareReadmeWithAction(readme, changedAction)).toEqual(['input "name": docs/reference.md says the default is "", action.yml says "Main line"'])
  })

  it('an input or output added to action.yml only', () => {
    const changed = { inputs: { ...action.inputs, region: { default: 'in' } }, outputs: { ...action.outputs, trunk: {} } }
    expect(compareReadmeWithAction(readme, changed)).toEqual([
      'input "region" is in action.yml but not in docs/reference.md',
      'output "trunk" is in action.yml but not in docs/reference.md'
    ])
  })

  it('a row listed twice', () => {
    const plan = /^\| `plan` \|.*\n/m.exec(readme)![0]
    const doctored = readme.replace(plan, plan + plan)
    expect(compareReadmeWithAction(doctored, action)).toEqual(['output "plan" is listed twice in docs/reference.md'])
  })

  it('a table that cannot be read fails loudly rather than comparing nothing', () => {
    expect(() => compareReadmeWithAction(readme.replace('## Inputs', '## Parameters'), action)).toThrow('no "## Inputs" section')
    expect(() => compareReadmeWithAction(readme.replace('| `prune` | `false` |', '| prune | `false` |'), action)).toThrow('expected a value in backticks')
  })
})

describe('README and docs/', () => {
  const read = (path: string) => readFile(join(root, path), 'utf8')
  const pages = async () => ['README.md', 'CONTRIBUTING.md', ...(await readdir(join(root, 'docs'))).map(name => `docs/${name}`)]

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  const anchor = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-')

  it('the README stays a five-minute read (at most 300 lines) and links every page of docs/', async () => {
    const text = await read('README.md')
    expect(text.split('\n').length).toBeLessThanOrEqual(300)
    const docs = (await readdir(join(root, 'docs'))).filter(name => name.endsWith('.md'))
    expect(docs.length).toBeGreaterThan(0)
    expect(docs.filter(name => !text.includes(`](docs/${name})`))).toEqual([])
  })

  it('every relative link, in the README, CONTRIBUTING and docs/, reaches a file (and a heading, when it names one)', async () => {
    const broken: string[] = []
    for (const page of await pages()) {
      const text = await read(page)
      for (const [, target = ''] of text.matchAll(/\]\((?!https?:|mailto:)([^)\s]+)\)/g)) {
        const [path = '', hash] = target.split('#')
        const file = path === '' ? page : normalize(join(dirname(page), path))
        const body = await read(file).catch(() => undefined)
        if (body === undefined && !(await stat(join(root, file)).catch(() => undefined))) broken.push(`${page}: ${target}`)
        else if (hash !== undefined && body !== undefined) {
          const headings = [...body.matchAll(/^#{1,6} (.+)$/gm)].map(match => anchor(match[1] ?? ''))
          if (!headings.includes(hash)) broken.push(`${page}: ${target} (no such heading)`)
        }
      }
    }
    expect(broken).toEqual([])
  })
})

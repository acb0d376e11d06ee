import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { compareReadmeWithAction, readmeTable } from './helpers/readme-tables.ts'
import type { ActionMetadata } from './helpers/readme-tables.ts'

const root = resolve(import.meta.dirname, '..')
const readme = await readFile(join(root, 'README.md'), 'utf8')
const action = parse(await readFile(join(root, 'action.yml'), 'utf8')) as ActionMetadata & { inputs: Record<string, { default?: unknown }> }

describe('README ↔ action.yml', () => {
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

  it('an input missing from README', () => {
    const doctored = readme.replace(row('max_deletes'), '')
    expect(doctored).not.toBe(readme)
    expect(compareReadmeWithAction(doctored, action)).toEqual(['input "max_deletes" is in action.yml but not in README'])
  })

  it('an output missing from README', () => {
    const doctored = readme.replace(row('agent_status'), '')
    expect(compareReadmeWithAction(doctored, action)).toEqual(['output "agent_status" is in action.yml but not in README'])
  })

  it('a renamed input', () => {
    const doctored = readme.replace('| `dry_run` |', '| `dryrun` |')
    expect(compareReadmeWithAction(doctored, action)).toEqual([
      'input "dry_run" is in action.yml but not in README',
      'input "dryrun" is in README but not in action.yml'
    ])
  })

  it('a changed default', () => {
    const doctored = readme.replace('| `concurrency` | `4` |', '| `concurrency` | `8` |')
    expect(doctored).not.toBe(readme)
    expect(compareReadmeWithAction(doctored, action)).toEqual(['input "concurrency": README says the default is "8", action.yml says "4"'])
  })

  it('an empty default documented as something else, and the other way round', () => {
    const doctored = readme.replace("| `name` | `''` |", '| `name` | `none` |')
    expect(compareReadmeWithAction(doctored, action)).toEqual(['input "name": README says the default is "none", action.yml says ""'])
    const changedAction = { ...action, inputs: { ...action.inputs, name: { default: 'Main line' } } }
    expect(compareReadmeWithAction(readme, changedAction)).toEqual(['input "name": README says the default is "", action.yml says "Main line"'])
  })

  it('an input or output added to action.yml only', () => {
    const changed = { inputs: { ...action.inputs, region: { default: 'in' } }, outputs: { ...action.outputs, trunk: {} } }
    expect(compareReadmeWithAction(readme, changed)).toEqual([
      'input "region" is in action.yml but not in README',
      'output "trunk" is in action.yml but not in README'
    ])
  })

  it('a row listed twice', () => {
    const plan = /^\| `plan` \|.*\n/m.exec(readme)![0]
    const doctored = readme.replace(plan, plan + plan)
    expect(compareReadmeWithAction(doctored, action)).toEqual(['output "plan" is listed twice in README'])
  })

  it('a table that cannot be read fails loudly rather than comparing nothing', () => {
    expect(() => compareReadmeWithAction(readme.replace('## Inputs', '## Parameters'), action)).toThrow('no "## Inputs" section')
    expect(() => compareReadmeWithAction(readme.replace('| `prune` | `false` |', '| prune | `false` |'), action)).toThrow('expected a value in backticks')
  })
})

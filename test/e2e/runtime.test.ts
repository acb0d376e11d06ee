// dist/ on a Node.js older than action.yml's node24 says so, in one line, before anything else:
// not `Map.groupBy is not a function` half-way through a run.
import { execFile } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { NODE_MAJOR, unsupportedNode } from '../../src/runtime.ts'
import { actionYml, annotations, prepareRun, runAction } from '../helpers/run-action.ts'
import { actionEntry } from '../helpers/run-action.ts'

/** Makes the action's process believe it runs on another Node.js (process.versions.node is configurable). */
const posingAs = (version: string) => ({ NODE_OPTIONS: `--import=data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})` })

describe('the Node.js the action needs', () => {
  it('is the runtime action.yml names', async () => {
    const { runs } = (await actionYml()) as unknown as { runs: { using: string } }
    expect(runs.using).toBe(`node${NODE_MAJOR}`)
  })

  it('refuses any version before it, by its major, and takes it and later ones', () => {
    for (const version of ['20.19.0', '22.18.0', '23.11.1', '18.0.0']) {
      expect(unsupportedNode(version), version).toContain(
        `This action needs Node.js 24 or later (action.yml: runs.using: node24), but runs on Node.js ${version}.`
      )
    }
    for (const version of ['24.0.0', '24.21.0', '25.1.0', '30.0.0']) expect(unsupportedNode(version), version).toBeUndefined()
  })

  it('dist on an older Node.js fails with one line saying it needs Node.js 24, before reading an input or making a request', async () => {
    const modes: Record<string, string>[] = [{ trunk_id: 'trunk-1', phone_number: '919876543210' }, { numbers_file: 'n.yml' }]
    for (const mode of modes) {
      const run = await runAction({ inputs: { token: 'runtime-key-1', api_base_url: 'http://127.0.0.1:9', ...mode }, env: posingAs('20.19.0') })
      expect(run.code).toBe(1)
      expect(annotations(run)).toEqual([`::error title=Node.js 20.19.0::${unsupportedNode('20.19.0')}`])
      expect(run.stdout).not.toMatch(/groupBy|ECONNREFUSED|numbers file/)
      expect(run.stderr).toBe('')
    }
    // The same build on the Node.js it needs runs (and fails only on the unreachable API).
    const real = await runAction({
      inputs: { token: 'runtime-key-1', api_base_url: 'http://127.0.0.1:9', trunk_id: 'trunk-1', phone_number: '919876543210', max_retries: '0' }
    })
    expect(annotations(real).join('\n')).toContain('ECONNREFUSED')
  })

  it('on a real Node.js older than 24, when this machine has one on PATH, says the same', async () => {
    const older = await new Promise<string | undefined>(done =>
      execFile(
        'node',
        ['-p', 'process.versions.node'],
        {
          env: {
            PATH: (process.env.PATH ?? '')
              .split(':')
              .filter(dir => !dir.includes('node_modules'))
              .join(':')
          }
        },
        (error, stdout) => done(error ? undefined : stdout.trim())
      )
    )
    if (older === undefined || unsupportedNode(older) === undefined) return
    const { env } = await prepareRun({ inputs: { token: 'runtime-key-1', numbers_file: 'n.yml' } })
    const path = (process.env.PATH ?? '')
      .split(':')
      .filter(dir => !dir.includes('node_modules'))
      .join(':')
    const stdout = await new Promise<string>(done => execFile('node', [actionEntry()], { env: { ...env, PATH: path } }, (_error, out) => done(out)))
    expect(stdout.trim()).toBe(`::error title=Node.js ${older}::${unsupportedNode(older)}`)
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../src/inputs.js', async original => ({
  ...(await original<typeof import('../../src/inputs.js')>()),
  readSettings: vi.fn()
}))

const { readSettings } = await import('../../src/inputs.js')
const { run } = await import('../../src/main.js')

describe('run()', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    process.exitCode = undefined
  })

  it('fails the step with one line for any throw, an Error or not, and never a stack', async () => {
    const out: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      out.push(String(chunk))
      return true
    })
    for (const thrown of [new TypeError('boom'), 'a plain string', { weird: true }]) {
      vi.mocked(readSettings).mockImplementation(() => {
        throw thrown
      })
      process.exitCode = undefined
      await run()
      expect(process.exitCode).toBe(1)
    }
    const errors = out
      .join('')
      .split(/\r?\n/) // @actions/core ends each command with os.EOL
      .filter(line => line.startsWith('::error::'))
    expect(errors).toEqual(['::error::boom', '::error::a plain string', '::error::unexpected failure: {"weird":true}'])
    expect(out.join('')).not.toMatch(/\n\s+at /)
  })

  it('redacts the key from any failure message, as a last line of defence', async () => {
    const out: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      out.push(String(chunk))
      return true
    })
    vi.stubEnv('INPUT_TOKEN', 'secret-key-42')
    vi.mocked(readSettings).mockImplementation(() => {
      throw new Error('upstream said: secret-key-42 is wrong')
    })
    await run()
    vi.unstubAllEnvs()
    expect(out.join('')).toContain('::error::upstream said: *** is wrong')
    expect(out.join('')).not.toContain('secret-key-42')
  })
})

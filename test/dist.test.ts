import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { expect, it } from 'vitest'
import { actionEntry } from './helpers/run-action.ts'

const root = resolve(import.meta.dirname, '..')

it('dist/ equals a fresh build of src/ (run `npm run build` and commit dist/)', async () => {
  // The build test/setup/build.ts made for this run, which the end-to-end tests run too.
  const out = dirname(actionEntry())
  expect(out, 'run under npm test, which builds src/ first').not.toBe(join(root, 'dist'))
  const committed = (await readdir(join(root, 'dist'))).sort()
  expect(committed).toEqual((await readdir(out)).sort())
  for (const file of committed) {
    const fresh = await readFile(join(out, file), 'utf8')
    expect((await readFile(join(root, 'dist', file), 'utf8')) === fresh, `dist/${file} is stale`).toBe(true)
  }
})

import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')

it('dist/ equals a fresh build of src/ (run `npm run build` and commit dist/)', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dist-check-'))
  const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
  await promisify(execFile)(process.execPath, [ncc, 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--quiet'], { cwd: root })
  const committed = (await readdir(join(root, 'dist'))).sort()
  expect(committed).toEqual((await readdir(out)).sort())
  for (const file of committed) {
    const fresh = await readFile(join(out, file), 'utf8')
    expect((await readFile(join(root, 'dist', file), 'utf8')) === fresh, `dist/${file} is stale`).toBe(true)
  }
})

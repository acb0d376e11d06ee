// Vitest global setup: builds src/ with ncc, once per `npm test`, into a scratch folder that the
// end-to-end tests run (test/helpers/run-action.ts reads BOLNA_ACTION_ENTRY). So `npm test` never
// tests an old dist/: a change in src/ that breaks an end-to-end behaviour fails without a manual
// rebuild. test/dist.test.ts then checks that the committed dist/ equals this same build.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const root = resolve(import.meta.dirname, '../..')

export default async function buildOnce(): Promise<() => Promise<void>> {
  // A folder of this run's own: two test runs side by side never see each other's build.
  const out = await mkdtemp(join(tmpdir(), 'bolna-action-build-'))
  const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
  await promisify(execFile)(process.execPath, [ncc, 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--quiet'], { cwd: root })
  // Inherited by the test workers, which start after this.
  process.env.BOLNA_ACTION_ENTRY = join(out, 'index.js')
  return () => rm(out, { recursive: true, force: true })
}

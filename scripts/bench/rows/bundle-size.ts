// Row 6: the size of dist/ and of dist/index.js, all that the single-number path loads.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchContext } from '../context.ts'
import { bytes, times } from '../report.ts'

export async function bundleSizeRows(ctx: BenchContext): Promise<void> {
  const names = (await readdir(ctx.paths.dist)).sort()
  let total = 0
  let js = 0
  const sizes: string[] = []
  for (const name of names) {
    const size = (await stat(join(ctx.paths.dist, name))).size
    total += size
    if (name.endsWith('.js')) js += size
    sizes.push(`${name} ${bytes(size)}`)
  }
  const index = (await stat(ctx.paths.action)).size
  ctx.report.row({
    what: '6. bundle: dist/index.js (all the single-number path loads)',
    measured: bytes(index),
    reference: `${bytes(js)} all dist/*.js`,
    ratio: times(index / js),
    target: '—',
    result: 'info'
  })
  ctx.report.row({ what: '6. bundle: dist/ total', measured: bytes(total), reference: `${names.length} files`, ratio: '—', target: '—', result: 'info' })
  ctx.report.note(`6. dist/: ${sizes.join(', ')}`)
}

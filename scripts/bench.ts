// npm run bench [-- --runs N] [-- --quick] [-- --only ROW] [-- --dist DIR]
//
// Measures the built action (dist/index.js, run exactly as the runner runs it) against floors
// measured side by side in the same run, on the bundled Bolna emulator (loopback), on both of
// Bolna's trunk APIs (legacy /sip-trunks and /trunk), and prints a table of ratios. It runs a copy
// of dist/ taken at the start, so a rebuild meanwhile changes nothing. A report, not a test: it
// exits 0 whether targets PASS or MISS, and 1 only when a measurement could not be made (the action
// or a floor failed, or a run timed out).
//
// The machine is noisy, so every row takes the median of several runs, and the action and its
// reference run interleaved (alternating which goes first), so drift hits both alike. Every timed
// process (the action's and the references') is preloaded with scripts/bench/usage.mjs, which
// reports its peak RSS and CPU time; the references are plain .mjs files in scripts/bench/.
//
// This file reads the arguments, runs the rows and prints the table. One module per row (or group)
// in scripts/bench/rows/; shared parts in scripts/bench/ (children, emulator, numbers, stats,
// report), all handed one context object (scripts/bench/context.ts).
import { availableParallelism, loadavg } from 'node:os'
import { cleanUp, createContext, snapshotDist } from './bench/context.ts'
import type { BenchContext, Settings } from './bench/context.ts'
import { FAMILIES, LEGACY } from './bench/emulator.ts'
import type { Family } from './bench/emulator.ts'
import { ms } from './bench/report.ts'
import { bundleSizeRows } from './bench/rows/bundle-size.ts'
import { coldSingleRows } from './bench/rows/cold-single.ts'
import type { ColdSamples } from './bench/rows/cold-single.ts'
import { manyNumbersRows } from './bench/rows/many-numbers.ts'
import type { ManySamples } from './bench/rows/many-numbers.ts'
import { largeTrunkRows } from './bench/rows/large-trunk.ts'
import { memory20kRows, peakRssRows } from './bench/rows/memory-20k.ts'
import { rateLimitRows } from './bench/rows/rate-limit.ts'

const ROWS = ['cold-single', 'many-numbers', 'rate-limit', 'bundle-size', 'memory-20k', 'large-trunk'] as const
type Row = (typeof ROWS)[number]

const USAGE = `usage: npm run bench [-- --runs N] [-- --quick] [-- --only ROW] [-- --dist DIR]
  --runs N   runs per row (1..50); default 10 for the cold-process rows, 3 for the 1,000-number and
             rate-limit rows, 1 for the 20,000-number row
  --quick    a smoke check: 3 runs of the cold-process rows, 1 of the others, and 2,000 numbers
             instead of 20,000 in the memory row
  --only ROW run one row (or group) only, repeatable: ${ROWS.join(', ')}
  --dist DIR measure the build in DIR instead of dist/ (e.g. an older build, to compare)`

interface Args {
  settings: Settings
  only: ReadonlySet<Row>
  dist?: string
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false
  let runs: number | undefined
  let dist: string | undefined
  const only = new Set<Row>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') quick = true
    else if (arg === '--only' || arg?.startsWith('--only=')) {
      const text = arg === '--only' ? argv[++i] : arg.slice('--only='.length)
      const row = ROWS.find(r => r === text)
      if (!row) usage(`--only takes one of ${ROWS.join(', ')} (got ${JSON.stringify(text ?? '')})`)
      only.add(row)
    } else if (arg === '--dist' || arg?.startsWith('--dist=')) {
      dist = arg === '--dist' ? argv[++i] : arg.slice('--dist='.length)
      if (!dist) usage('--dist takes a directory')
    } else if (arg === '--runs' || arg?.startsWith('--runs=')) {
      const text = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length)
      runs = Number(text)
      if (!Number.isInteger(runs) || runs < 1 || runs > 50) usage(`--runs must be a whole number from 1 to 50 (got ${JSON.stringify(text ?? '')})`)
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else usage(`unknown argument ${JSON.stringify(arg)}`)
  }
  const defaults = quick ? { coldRuns: 3, bigRuns: 1, hugeRuns: 1, quick } : { coldRuns: 10, bigRuns: 3, hugeRuns: 1, quick }
  const settings = runs === undefined ? defaults : { coldRuns: runs, bigRuns: runs, hugeRuns: runs, quick }
  return { settings, only: only.size ? only : new Set(ROWS), ...(dist !== undefined && { dist }) }
}

function usage(problem: string): never {
  console.error(`bench: ${problem}\n${USAGE}`)
  process.exit(2)
}

async function runRows(ctx: BenchContext, only: ReadonlySet<Row>): Promise<void> {
  const { report } = ctx
  const cold = new Map<Family, ColdSamples>()
  const many = new Map<Family, ManySamples>()
  if (only.has('cold-single')) {
    for (const family of FAMILIES) {
      await report.section(`rows 1–2 (single number, cold process, ${family.label})`, async () => {
        cold.set(family, await coldSingleRows(ctx, family))
      })
    }
  }
  if (only.has('many-numbers')) {
    for (const family of FAMILIES) {
      await report.section(`rows 3–4 (1,000 numbers, then a re-run, ${family.label})`, async () => {
        // The sequential loop takes ~25 s a run and says nothing new on the second family.
        many.set(family, await manyNumbersRows(ctx, family, { sequentialLoop: family === LEGACY }))
      })
    }
  }
  if (only.has('rate-limit')) await report.section('row 5 (under a rate limit)', () => rateLimitRows(ctx))
  if (only.has('bundle-size')) await report.section('row 6 (bundle)', () => bundleSizeRows(ctx))
  if (only.has('memory-20k')) {
    await report.section(`row 7 (memory: ${ctx.settings.quick ? '2,000' : '20,000'} numbers)`, () => memory20kRows(ctx))
  }
  if (only.has('large-trunk')) await report.section('rows 8–9 (a 50,000-number trunk; a hostile answer)', () => largeTrunkRows(ctx))
  peakRssRows(ctx, cold, many)
}

function printReport(ctx: BenchContext): void {
  const { report } = ctx
  console.log('')
  console.log(report.table())
  const misses = report.rows.filter(r => r.result === 'MISS')
  const errors = report.rows.filter(r => r.result === 'ERROR')
  console.log('')
  if (misses.length) console.log(`MISS: ${misses.length} target(s) not met — ${misses.map(r => r.what.split(':')[0]).join('; ')}`)
  if (errors.length) console.log(`ERROR: ${errors.length} section(s) could not be measured (see below)`)
  if (!misses.length && !errors.length) console.log('All targets met.')
  console.log('Ratios against a measured reference are the median of the per-run ratios (the two ran back to back).')
  console.log(`\nDetails (times are wall clock of the whole process, spawn to exit, unless said otherwise):`)
  for (const line of report.details) console.log(`  ${line}`)
}

const loads = (): string =>
  loadavg()
    .map(n => n.toFixed(2))
    .join(' ')

const args = parseArgs(process.argv.slice(2))
const ctx = await createContext(args.settings, args.dist)
process.once('SIGINT', () => {
  void cleanUp(ctx).finally(() => process.exit(130))
})
const began = performance.now()
const load = loads()
try {
  const built = await snapshotDist(ctx)
  const { settings } = ctx
  console.log(`Bolna action benchmark — Node ${process.version}, ${availableParallelism()} CPUs, load average ${load}`)
  console.log(`${ctx.paths.builtDist} built ${built.toISOString()}, copied to ${ctx.paths.dist}`)
  console.log(
    `runs: ${settings.coldRuns} per cold-process row, ${settings.bigRuns} per 1,000-number and rate-limit row, ${settings.hugeRuns} of the memory row (medians; action and reference interleaved)`
  )
  await runRows(ctx, args.only)
  printReport(ctx)
  console.log(`\ntook ${ms(performance.now() - began)}; load average now ${loads()} (was ${load})`)
} catch (error) {
  ctx.report.broken = true
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  await cleanUp(ctx)
}
// A MISS is a finding, not a failure: exit 1 only when something could not be measured.
process.exitCode = ctx.report.broken ? 1 : 0

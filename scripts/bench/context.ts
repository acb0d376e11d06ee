// What every part of `npm run bench` shares, passed down as one object (no module keeps state of
// its own): the settings, where things are, the scratch directory, the live children and emulators
// (so that an interrupt can stop them), and the report the rows are written to.
import type { ChildProcess } from 'node:child_process'
import { cp, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BolnaEmulator } from '../../test/emulator/bolna-emulator.ts'
import { Report } from './report.ts'

export interface Settings {
  /** Runs of each cold-process row (action and floor interleaved). */
  coldRuns: number
  /** Runs of the 1,000-number and rate-limit rows. */
  bigRuns: number
  /** Runs of the 20,000-number row. */
  hugeRuns: number
  /** `--quick`: a smoke check; the 20,000-number row shrinks. */
  quick: boolean
}

export interface Paths {
  root: string
  /** The repository's dist/, as `npm run build` leaves it. */
  builtDist: string
  /** The copy of dist/ the bench measures (see snapshotDist). */
  dist: string
  /** index.js of that copy, run as the runner runs dist/index.js. */
  action: string
  /** scripts/bench/floor.mjs: one number's requests with fetch, nothing else. */
  floor: string
  /** scripts/bench/fetch-loop.mjs: a numbers file's requests with fetch, N in flight. */
  fetchLoop: string
  /** file: URL of scripts/bench/usage.mjs, preloaded into every timed process. */
  usagePreload: string
}

export interface BenchContext {
  readonly settings: Settings
  readonly paths: Paths
  /** The API key every emulator takes and every process sends. */
  readonly key: string
  /** A temporary directory for steps and usage reports; removed by cleanUp. */
  readonly scratch: string
  /** What is running now, so that cleanUp can stop it. */
  readonly children: Set<ChildProcess>
  readonly emulators: Set<BolnaEmulator>
  /** Numbers the usage report files of spawned processes. */
  readonly counter: { spawned: number }
  readonly report: Report
}

export function benchPaths(scratch: string, builtDist?: string): Paths {
  const root = resolve(import.meta.dirname, '../..')
  const helpers = join(root, 'scripts/bench')
  return {
    root,
    builtDist: builtDist === undefined ? join(root, 'dist') : resolve(builtDist),
    dist: join(scratch, 'dist'),
    action: join(scratch, 'dist/index.js'),
    floor: join(helpers, 'floor.mjs'),
    fetchLoop: join(helpers, 'fetch-loop.mjs'),
    usagePreload: pathToFileURL(join(helpers, 'usage.mjs')).href
  }
}

/** `builtDist`: the build to measure (`--dist`), dist/ by default. */
export async function createContext(settings: Settings, builtDist?: string): Promise<BenchContext> {
  const scratch = await mkdtemp(join(tmpdir(), 'bolna-bench-'))
  return {
    settings,
    paths: benchPaths(scratch, builtDist),
    key: 'bench-key-5f1e',
    scratch,
    children: new Set(),
    emulators: new Set(),
    counter: { spawned: 0 },
    report: new Report()
  }
}

/**
 * Copies dist/ into the scratch directory, and every row runs that copy: one build for the whole
 * run, even when `npm run build` (which empties dist/ first) runs meanwhile.
 */
export async function snapshotDist(ctx: BenchContext): Promise<Date> {
  const built = await stat(join(ctx.paths.builtDist, 'index.js')).catch(() => undefined)
  if (!built) throw new Error('dist/index.js is missing: run `npm run build` first')
  await cp(ctx.paths.builtDist, ctx.paths.dist, { recursive: true })
  await stat(ctx.paths.action).catch(() => {
    throw new Error('dist/ changed while it was copied (a build running?): run the bench again')
  })
  return built.mtime
}

/** Kills the children still running, stops the emulators still up and removes the scratch directory. */
export async function cleanUp(ctx: BenchContext): Promise<void> {
  for (const child of ctx.children) child.kill('SIGKILL')
  for (const emulator of ctx.emulators) await emulator.stop()
  await rm(ctx.scratch, { recursive: true, force: true })
}

// npm run bench [-- --runs N] [-- --quick]
//
// Measures the built action (dist/index.js, run exactly as the runner runs it) against floors
// measured side by side in the same run, on the bundled Bolna emulator (loopback), and prints a
// table of ratios. A report, not a test: it exits 0 whether targets PASS or MISS, and 1 only when
// a measurement could not be made (the action or a floor failed, or a run timed out).
//
// The machine is noisy, so every row takes the median of several runs, and the action and its
// reference run interleaved (alternating which goes first), so drift hits both alike. Every timed
// process (the action's and the references') is preloaded with scripts/bench/usage.mjs, which
// reports its peak RSS and CPU time; the references are plain .mjs files in scripts/bench/.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BolnaEmulator } from '../test/emulator/bolna-emulator.ts'
import type { EmulatorOptions, RequestLogEntry } from '../test/emulator/bolna-emulator.ts'
import { parseOutputs, prepareRun } from '../test/helpers/run-action.ts'
import type { PreparedRun } from '../test/helpers/run-action.ts'

const root = resolve(import.meta.dirname, '..')
const helpers = join(root, 'scripts/bench')
const ACTION = join(root, 'dist/index.js')
const FLOOR = join(helpers, 'floor.mjs')
const FETCH_LOOP = join(helpers, 'fetch-loop.mjs')
const USAGE_PRELOAD = pathToFileURL(join(helpers, 'usage.mjs')).href
const KEY = 'bench-key-5f1e'

const USAGE = `usage: npm run bench [-- --runs N] [-- --quick]
  --runs N   runs per row (1..50); default 7 for the cold-process rows, 3 for the big rows
  --quick    a smoke check: 3 runs of the cold-process rows, 1 of the big rows`

// ---- settings ----------------------------------------------------------------------------------

interface BenchSettings {
  coldRuns: number
  bigRuns: number
}

function parseArgs(argv: readonly string[]): BenchSettings {
  let coldRuns = 7
  let bigRuns = 3
  let runs: number | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') {
      coldRuns = 3
      bigRuns = 1
    } else if (arg === '--runs' || arg?.startsWith('--runs=')) {
      const text = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length)
      runs = Number(text)
      if (!Number.isInteger(runs) || runs < 1 || runs > 50) usage(`--runs must be a whole number from 1 to 50 (got ${JSON.stringify(text ?? '')})`)
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else {
      usage(`unknown argument ${JSON.stringify(arg)}`)
    }
  }
  return runs === undefined ? { coldRuns, bigRuns } : { coldRuns: runs, bigRuns: runs }
}

function usage(problem: string): never {
  console.error(`bench: ${problem}\n${USAGE}`)
  process.exit(2)
}

// ---- children ------------------------------------------------------------------------------------

interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** Spawn to close, ms. */
  wallMs: number
  /** Epoch ms of the spawn and of the close (to line up with the emulator's request log). */
  startedAt: number
  endedAt: number
  stdout: string
  stderr: string
  /** Peak RSS (KiB) and user + system CPU time (ms), as the usage.mjs preload reported them. */
  maxRssKb: number
  cpuMs: number
}

interface ChildOptions {
  env: Record<string, string>
  cwd: string
  timeoutMs: number
}

const children = new Set<ChildProcess>()
let spawned = 0
const emulators = new Set<BolnaEmulator>()

/**
 * Runs `node --import usage.mjs <script> [args]` with process.execPath (Node 24), timed from spawn
 * to close. Every timed process, the action's and the references', gets the same preload.
 */
async function runNode(script: string, args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  const usageFile = join(options.cwd, `usage-${++spawned}.json`)
  const env = { ...options.env, BENCH_USAGE_FILE: usageFile }
  const startedAt = Date.now()
  const t0 = performance.now()
  const child = spawn(process.execPath, ['--import', USAGE_PRELOAD, script, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(done => {
    child.on('error', error => {
      stderr += String(error)
      done([null, null])
    })
    child.on('close', (c, s) => done([c, s]))
  })
  const wallMs = performance.now() - t0
  clearTimeout(timer)
  children.delete(child)
  const endedAt = Date.now()
  let usage: { maxRssKb?: number; cpuMs?: number } = {}
  try {
    usage = JSON.parse(await readFile(usageFile, 'utf8')) as typeof usage
  } catch {
    // No report (e.g. the process was killed): RSS and CPU are unknown for this run.
  }
  return { code, signal, timedOut, wallMs, startedAt, endedAt, stdout, stderr, maxRssKb: usage.maxRssKb ?? Number.NaN, cpuMs: usage.cpuMs ?? Number.NaN }
}

function failure(what: string, run: ChildRun): Error {
  const how = run.timedOut ? 'timed out' : `exited ${run.code ?? run.signal}`
  const tail = `${run.stdout}\n${run.stderr}`
    .trim()
    .split('\n')
    .filter(line => !line.startsWith('::debug::'))
    .slice(-8)
    .join('\n    ')
  return new Error(`${what} ${how}\n    ${tail}`)
}

// ---- the action, as the runner runs it -------------------------------------------------------------

let scratch: string | undefined

/** A fresh runner-like step (test/helpers/run-action.ts lays it out as the tests do). */
async function prepare(inputs: Record<string, string>, files: Record<string, string> = {}): Promise<PreparedRun> {
  scratch ??= await mkdtemp(join(tmpdir(), 'bolna-bench-'))
  return prepareRun({ inputs, files }, scratch)
}

async function outputsOf(prepared: PreparedRun): Promise<Record<string, string>> {
  return parseOutputs(await readFile(prepared.outputFile, 'utf8'))
}

async function withEmulator<T>(options: EmulatorOptions, work: (emulator: BolnaEmulator, url: string) => Promise<T>): Promise<T> {
  const emulator = new BolnaEmulator({ apiKey: KEY, ...options })
  emulators.add(emulator)
  try {
    return await work(emulator, await emulator.start())
  } finally {
    await emulator.stop()
    emulators.delete(emulator)
  }
}

// ---- statistics and formatting ---------------------------------------------------------------------

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The median of the per-run ratios a[i] / b[i]. Each pair ran back to back, so a slow patch of the
 * machine hits both sides of a pair; a ratio of the two medians can pair a slow run with a fast one.
 */
function pairwise(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => x / b[i]!))
}

const ms = (value: number): string =>
  !Number.isFinite(value)
    ? '—'
    : value >= 10_000
      ? `${(value / 1000).toFixed(1)} s`
      : value >= 1000
        ? `${(value / 1000).toFixed(2)} s`
        : `${value.toFixed(0)} ms`
const mib = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : '—')
const bytes = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`)
const times = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—')
const spread = (values: readonly number[]): string =>
  `median ${ms(median(values))}, min ${ms(Math.min(...values))}, max ${ms(Math.max(...values))} [${values.map(v => v.toFixed(0)).join(' ')}]`

/** Equal values once, with how many runs gave each: "10 req, 0 writes (×3)". */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, n]) => (n > 1 ? `${value} (×${n})` : value)).join('; ')
}

type Verdict = 'PASS' | 'MISS' | 'info' | 'ERROR'

interface Row {
  what: string
  measured: string
  reference: string
  ratio: string
  target: string
  result: Verdict
}

const rows: Row[] = []
const details: string[] = []
let broken = false

function row(what: string, measured: string, reference: string, ratio: string, target: string, result: Verdict): void {
  rows.push({ what, measured, reference, ratio, target, result })
}

function note(line: string): void {
  details.push(line)
}

/** Runs one section; an error becomes an ERROR row (and exit 1), and the other sections still run. */
async function section(name: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now()
  process.stderr.write(`bench: ${name} …`)
  try {
    await work()
    process.stderr.write(` ${ms(performance.now() - started)}\n`)
  } catch (error) {
    process.stderr.write(' failed\n')
    broken = true
    const message = error instanceof Error ? error.message : String(error)
    row(name, 'could not be measured', '—', '—', '—', 'ERROR')
    note(`${name}: ERROR ${message}`)
  }
}

function printTable(): void {
  const table = [
    ['what', 'measured', 'reference', 'ratio', 'target', 'result'],
    ...rows.map(r => [r.what, r.measured, r.reference, r.ratio, r.target, r.result])
  ]
  const width = table[0]!.map((_, i) => Math.max(...table.map(cells => cells[i]!.length)))
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(width[i]!))
      .join(' | ')
      .trimEnd()
  console.log(line(table[0]!))
  console.log(width.map(w => '-'.repeat(w)).join('-|-'))
  for (const cells of table.slice(1)) console.log(line(cells))
}

// ---- numbers -------------------------------------------------------------------------------------

interface FileTrunk {
  trunk_id: string
  numbers: Array<{ phone_number: string; name: string }>
}

/** `count` distinct US numbers (+1 <area> 555 xxxx: possible by libphonenumber's length rules). */
function trunksOf(trunkCount: number, perTrunk: number, area: string): FileTrunk[] {
  return Array.from({ length: trunkCount }, (_, t) => ({
    trunk_id: `bench-trunk-${String(t + 1).padStart(2, '0')}`,
    numbers: Array.from({ length: perTrunk }, (_, n) => {
      const line = String(t * perTrunk + n).padStart(4, '0')
      return { phone_number: `+1${area}555${line}`, name: `Bench line ${line}` }
    })
  }))
}

function numbersFileYaml(trunks: readonly FileTrunk[]): string {
  const lines = ['version: 1', 'trunks:']
  for (const trunk of trunks) {
    lines.push(`  - trunk_id: ${trunk.trunk_id}`, '    numbers:')
    for (const number of trunk.numbers) lines.push(`      - phone_number: "${number.phone_number}"`, `        name: ${number.name}`)
  }
  return `${lines.join('\n')}\n`
}

const isList = (entry: RequestLogEntry): boolean => entry.method === 'GET' && /\/numbers(\?|$)/.test(entry.path)
const isAdd = (entry: RequestLogEntry): boolean => entry.method === 'POST' && /\/numbers(\?|$)/.test(entry.path)

// ---- rows 1 and 2: one number, cold process ---------------------------------------------------------

/** Per-run samples of one side (the action, or its reference). */
interface Side {
  wall: number[]
  cpu: number[]
  rss: number[]
  /** Spawn → the first request's arrival at the emulator: start-up until the first request. */
  firstRequest: number[]
}

const side = (): Side => ({ wall: [], cpu: [], rss: [], firstRequest: [] })

function record(into: Side, run: ChildRun, log: readonly RequestLogEntry[]): void {
  into.wall.push(run.wallMs)
  into.cpu.push(run.cpuMs)
  into.rss.push(run.maxRssKb)
  into.firstRequest.push((log[0]?.at ?? Number.NaN) - run.startedAt)
}

/** Peak RSS of the action and its reference in rows 1 and 3, for row 6. */
const memory = { single: { action: side(), floor: side() }, big: { action: side(), loop: side() } }

async function coldRows(runs: number): Promise<void> {
  const trunk = 'bench-single'
  const existing = '+91 98765 43210'
  await withEmulator({ trunks: [trunk] }, async (emulator, url) => {
    for (let i = 0; i < 9; i++) emulator.seed(trunk, { phone_number: `9198765000${i}`, name: `Seeded ${i}` })
    emulator.seed(trunk, { phone_number: '919876543210', name: 'Mumbai Support Line' })
    let fresh = 0
    const base = { token: KEY, api_base_url: url, trunk_id: trunk }

    const sample = async (kind: 'exists' | 'create', who: 'action' | 'floor', into: Side | undefined): Promise<void> => {
      const phone = kind === 'exists' ? existing : `+1628555${String(fresh++).padStart(4, '0')}`
      const prepared = await prepare({ ...base, phone_number: phone })
      emulator.clearLog()
      const options = { env: prepared.env, cwd: prepared.workspace, timeoutMs: 60_000 }
      const run = who === 'action' ? await runNode(ACTION, [], options) : await runNode(FLOOR, [kind === 'exists' ? 'list' : 'create'], options)
      if (run.code !== 0) throw failure(`${who} (${kind})`, run)
      if (who === 'action') {
        const status = (await outputsOf(prepared)).status
        if (status !== (kind === 'exists' ? 'exists' : 'created')) throw new Error(`the action said status ${JSON.stringify(status)} for ${kind}`)
      }
      const expected = kind === 'exists' ? 'GET' : 'GET POST'
      const made = emulator.requests.map(r => r.method).join(' ')
      if (made !== expected) throw new Error(`${who} (${kind}) made the requests "${made}", expected "${expected}"`)
      if (into) record(into, run, emulator.requests)
    }

    for (const kind of ['exists', 'create'] as const) {
      const action = kind === 'exists' ? memory.single.action : side()
      const floor = kind === 'exists' ? memory.single.floor : side()
      // One untimed pair first: file cache, lazy emulator paths.
      await sample(kind, 'action', undefined)
      await sample(kind, 'floor', undefined)
      for (let i = 0; i < runs; i++) {
        const order = i % 2 === 0 ? (['action', 'floor'] as const) : (['floor', 'action'] as const)
        for (const who of order) await sample(kind, who, who === 'action' ? action : floor)
      }
      const ratio = pairwise(action.wall, floor.wall)
      const title = kind === 'exists' ? '1. single number, cold process, existing (1 list)' : '2. single number, cold process, create (list + add)'
      const floorName = kind === 'exists' ? 'fetch floor (1 GET)' : 'fetch floor (GET + POST)'
      row(title, ms(median(action.wall)), `${ms(median(floor.wall))} ${floorName}`, times(ratio), '≤ 1.30×', ratio <= 1.3 ? 'PASS' : 'MISS')
      note(`${title}: ${runs} interleaved runs`)
      note(`    wall, action           ${spread(action.wall)}`)
      note(`    wall, floor            ${spread(floor.wall)}`)
      note(`    ratio of the medians   ${times(median(action.wall) / median(floor.wall))} (the table shows the median of the per-pair ratios)`)
      note(
        `    CPU (user+sys)         action ${ms(median(action.cpu))}, floor ${ms(median(floor.cpu))}: ${times(median(action.cpu) / median(floor.cpu))} (less sensitive to a busy machine than wall)`
      )
      note(
        `    spawn → 1st request    action ${ms(median(action.firstRequest))}, floor ${ms(median(floor.firstRequest))} (start-up, module load, input checks)`
      )
      note(
        `    1st request → exit     action ${ms(median(action.wall) - median(action.firstRequest))}, floor ${ms(median(floor.wall) - median(floor.firstRequest))}`
      )
    }
  })
}

// ---- rows 3 and 4: 1,000 numbers over 10 trunks, then the no-op re-run -------------------------------

const LATENCY_MS = 20
const CONCURRENCY = 8

async function bigFileRows(runs: number): Promise<void> {
  const trunks = trunksOf(10, 100, '415')
  const yaml = numbersFileYaml(trunks)
  const lists = trunks.length
  const adds = trunks.reduce((sum, t) => sum + t.numbers.length, 0)
  const calls = lists + adds
  const ideal = (calls * LATENCY_MS) / CONCURRENCY
  const inputs = { numbers_file: 'bolna-numbers.yml', requests_per_minute: '0', concurrency: String(CONCURRENCY) }
  const emulatorOptions = { trunks: trunks.map(t => t.trunk_id), latencyMs: LATENCY_MS }
  const action = memory.big.action
  const loop = memory.big.loop
  const floor = side()
  const phases = { lists: [] as number[], adds: [] as number[], tail: [] as number[] }
  const counts: string[] = []
  let countsOk = true
  const rerun = { wall: [] as number[], requests: [] as number[], writes: [] as number[] }
  let rerunOk = true

  const runAction = async (): Promise<void> => {
    await withEmulator(emulatorOptions, async (emulator, url) => {
      const prepared = await prepare({ token: KEY, api_base_url: url, ...inputs }, { 'bolna-numbers.yml': yaml })
      const run = await runNode(ACTION, [], { env: prepared.env, cwd: prepared.workspace, timeoutMs: 180_000 })
      if (run.code !== 0) throw failure('the action (1,000 numbers)', run)
      const results = JSON.parse((await outputsOf(prepared)).results ?? '[]') as Array<{ status: string }>
      const created = results.filter(r => r.status === 'created').length
      if (created !== adds) throw new Error(`the action created ${created} of ${adds} numbers`)
      const log = emulator.requests
      const listed = log.filter(isList).length
      const added = log.filter(isAdd).length
      counts.push(`${listed} lists + ${added} adds${log.length !== listed + added ? ` + ${log.length - listed - added} other` : ''}`)
      if (listed !== lists || added !== adds || log.length !== calls) countsOk = false
      record(action, run, log)
      const firstAt = log[0]?.at ?? Number.NaN
      const firstAdd = log.find(isAdd)?.at ?? Number.NaN
      const lastAt = log[log.length - 1]?.at ?? Number.NaN
      phases.lists.push(firstAdd - firstAt)
      phases.adds.push(lastAt - firstAdd)
      phases.tail.push(run.endedAt - lastAt)

      // Row 4: the same file again on the same trunks: one list per trunk, nothing written.
      emulator.clearLog()
      const again = await prepare({ token: KEY, api_base_url: url, ...inputs }, { 'bolna-numbers.yml': yaml })
      const second = await runNode(ACTION, [], { env: again.env, cwd: again.workspace, timeoutMs: 120_000 })
      if (second.code !== 0) throw failure('the re-run of the action', second)
      const seen = JSON.parse((await outputsOf(again)).results ?? '[]') as Array<{ status: string }>
      if (seen.length !== adds || seen.some(r => r.status !== 'exists')) rerunOk = false
      rerun.wall.push(second.wallMs)
      rerun.requests.push(emulator.requests.length)
      rerun.writes.push(emulator.writes().length)
    })
  }

  /** The same requests with plain fetch: one at a time (the shell loop), or CONCURRENCY at a time. */
  const runLoop = async (concurrency: number, into: Side): Promise<void> => {
    await withEmulator(emulatorOptions, async (emulator, url) => {
      const prepared = await prepare({ token: KEY, api_base_url: url })
      const job = join(prepared.workspace, 'job.json')
      await writeFile(job, JSON.stringify({ trunks }))
      const run = await runNode(FETCH_LOOP, [job, '--concurrency', String(concurrency)], { env: prepared.env, cwd: prepared.workspace, timeoutMs: 180_000 })
      if (run.code !== 0) throw failure(`the fetch loop (concurrency ${concurrency})`, run)
      if (emulator.requests.length !== calls) throw new Error(`the fetch loop made ${emulator.requests.length} requests, expected ${calls}`)
      record(into, run, emulator.requests)
    })
  }

  const steps = [runAction, () => runLoop(1, loop), () => runLoop(CONCURRENCY, floor)]
  for (let i = 0; i < runs; i++) {
    // Rotate the order run by run, so that drift does not always hit the same one.
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!()
  }

  const wall = median(action.wall)
  row(
    `3. ${adds} numbers / ${lists} trunks, latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY}: wall vs ideal`,
    ms(wall),
    `${ms(ideal)} ideal (${calls} × ${LATENCY_MS} ms ÷ ${CONCURRENCY})`,
    times(wall / ideal),
    '≤ 1.30×',
    wall / ideal <= 1.3 ? 'PASS' : 'MISS'
  )
  const speedup = pairwise(loop.wall, action.wall)
  row(
    '3. same file vs a sequential fetch loop',
    ms(wall),
    `${ms(median(loop.wall))} sequential loop`,
    `${times(speedup)} faster`,
    '≥ 6×',
    speedup >= 6 ? 'PASS' : 'MISS'
  )
  const overFloor = pairwise(action.wall, floor.wall)
  row(`3. same file vs a plain fetch floor, ${CONCURRENCY} in flight`, ms(wall), `${ms(median(floor.wall))} fetch floor`, times(overFloor), '—', 'info')
  row('3. requests made (emulator log)', tally(counts), `${lists} lists + ${adds} adds`, '—', 'exact', countsOk ? 'PASS' : 'MISS')
  const requestsOk = rerun.requests.every(n => n === lists) && rerun.writes.every(n => n === 0) && rerunOk
  row(
    '4. no-op re-run of that file',
    tally(rerun.requests.map((n, i) => `${n} req, ${rerun.writes[i]} writes`)),
    `${lists} lists, 0 writes`,
    times(median(rerun.requests) / lists),
    `= ${lists} req, 0 writes`,
    requestsOk ? 'PASS' : 'MISS'
  )
  note(`3. ${adds} numbers over ${lists} trunks: ${runs} runs, order rotated (fresh emulator each, latency ${LATENCY_MS} ms)`)
  note(`    wall, action           ${spread(action.wall)}`)
  note(`    wall, sequential loop  ${spread(loop.wall)}  (${(median(loop.wall) / calls).toFixed(1)} ms a request, of which ${LATENCY_MS} ms is latency)`)
  note(`    wall, fetch floor ×${CONCURRENCY}   ${spread(floor.wall)}`)
  note(
    `    CPU (user+sys)         action ${ms(median(action.cpu))}, fetch floor ×${CONCURRENCY} ${ms(median(floor.cpu))}, sequential loop ${ms(median(loop.cpu))}`
  )
  note(`    where the action's time goes (medians; from spawn and the emulator's arrival times):`)
  note(
    `      spawn → 1st request  ${ms(median(action.firstRequest))}  start-up, module load, reading and checking the file (fetch floor: ${ms(median(floor.firstRequest))})`
  )
  note(
    `      lists → 1st add      ${ms(median(phases.lists))}  ${lists} lists at concurrency ${CONCURRENCY} (ideal ${ms(Math.ceil(lists / CONCURRENCY) * LATENCY_MS)}), then planning and the plan's report`
  )
  note(
    `      1st → last add       ${ms(median(phases.adds))}  ${adds} adds (ideal ${ms(((adds - 1) * LATENCY_MS) / CONCURRENCY)}); ${((median(phases.adds) * CONCURRENCY) / adds).toFixed(1)} ms an add per worker`
  )
  note(`      last request → exit  ${ms(median(phases.tail))}  the last answer (${LATENCY_MS} ms), outputs and summary, exit`)
  note(`4. no-op re-run: wall ${spread(rerun.wall)}${rerunOk ? '' : '; NOT every entry came back as "exists"'}`)
}

// ---- row 5: under a limit --------------------------------------------------------------------------

async function limitRows(runs: number): Promise<void> {
  const trunks = trunksOf(2, 100, '212')
  const yaml = numbersFileYaml(trunks)
  const adds = trunks.reduce((sum, t) => sum + t.numbers.length, 0)
  const walls: number[] = []
  const bounds: number[] = []
  const limited: number[] = []
  const made: number[] = []
  for (let i = 0; i < runs; i++) {
    await withEmulator({ trunks: trunks.map(t => t.trunk_id), rateLimitPerMinute: 600 }, async (emulator, url) => {
      const prepared = await prepare(
        { token: KEY, api_base_url: url, numbers_file: 'bolna-numbers.yml', requests_per_minute: '600', concurrency: String(CONCURRENCY) },
        { 'bolna-numbers.yml': yaml }
      )
      const run = await runNode(ACTION, [], { env: prepared.env, cwd: prepared.workspace, timeoutMs: 180_000 })
      if (run.code !== 0) throw failure('the action (under a limit)', run)
      const created = (JSON.parse((await outputsOf(prepared)).results ?? '[]') as Array<{ status: string }>).filter(r => r.status === 'created').length
      if (created !== adds) throw new Error(`the action created ${created} of ${adds} numbers under the limit`)
      const requests = emulator.requests.length
      walls.push(run.wallMs)
      bounds.push((requests - 1) * 100)
      limited.push(emulator.rateLimited)
      made.push(requests)
    })
  }
  const wall = median(walls)
  const bound = median(bounds)
  const total429 = limited.reduce((a, b) => a + b, 0)
  row(
    `5. ${adds} numbers / ${trunks.length} trunks under 600/min: 429s received`,
    `${total429} in ${runs} run(s)`,
    '0',
    '—',
    '0',
    total429 === 0 ? 'PASS' : 'MISS'
  )
  row(
    `5. same: wall vs the rate bound`,
    ms(wall),
    `${ms(bound)} ((${median(made)} req − 1) × 100 ms)`,
    times(wall / bound),
    '≤ 1.15×',
    wall / bound <= 1.15 ? 'PASS' : 'MISS'
  )
  note(`5. under a limit: ${runs} run(s), fresh emulator (rateLimitPerMinute 600) each; requests ${made.join(', ')}; 429s ${limited.join(', ')}`)
  note(`    action wall            ${spread(walls)}`)
}

// ---- row 6: bundle size and peak memory ------------------------------------------------------------

async function bundleRows(): Promise<void> {
  const names = await readdir(join(root, 'dist'))
  let total = 0
  let js = 0
  const sizes: string[] = []
  for (const name of names.sort()) {
    const size = (await stat(join(root, 'dist', name))).size
    total += size
    if (name.endsWith('.js')) js += size
    sizes.push(`${name} ${bytes(size)}`)
  }
  const index = (await stat(ACTION)).size
  row('6. bundle: dist/index.js (all the single-number path loads)', bytes(index), `${bytes(js)} all dist/*.js`, times(index / js), '—', 'info')
  row('6. bundle: dist/ total', bytes(total), `${names.length} files`, '—', '—', 'info')
  note(`6. dist/: ${sizes.join(', ')}`)
}

function memoryRows(): void {
  const { single, big } = memory
  const a = median(single.action.rss)
  const f = median(single.floor.rss)
  row('6. peak RSS, row 1 (single number, exists)', mib(a), `${mib(f)} fetch floor`, times(a / f), '—', 'info')
  const b = median(big.action.rss)
  const l = median(big.loop.rss)
  row('6. peak RSS, row 3 (1,000 numbers)', mib(b), `${mib(l)} sequential loop`, times(b / l), '—', 'info')
  const list = (values: readonly number[]): string => values.map(mib).join(', ')
  note(
    `6. peak RSS (process.resourceUsage().maxRSS at exit): row 1 action [${list(single.action.rss)}], floor [${list(single.floor.rss)}]; row 3 action [${list(big.action.rss)}], sequential loop [${list(big.loop.rss)}]`
  )
}

// ---- main ------------------------------------------------------------------------------------------

async function cleanUp(): Promise<void> {
  for (const child of children) child.kill('SIGKILL')
  for (const emulator of emulators) await emulator.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
}

const settings = parseArgs(process.argv.slice(2))
process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130))
})

const began = performance.now()
const load = loadavg()
  .map(n => n.toFixed(2))
  .join(' ')
try {
  await stat(ACTION).catch(() => {
    throw new Error('dist/index.js is missing: run `npm run build` first')
  })
  console.log(`Bolna action benchmark — Node ${process.version}, ${availableParallelism()} CPUs, load average ${load}`)
  console.log(`runs: ${settings.coldRuns} per cold-process row, ${settings.bigRuns} per big row (medians; action and reference interleaved)\n`)
  await section('rows 1–2 (single number, cold process)', () => coldRows(settings.coldRuns))
  await section('rows 3–4 (1,000 numbers, then a re-run)', () => bigFileRows(settings.bigRuns))
  await section('row 5 (under a rate limit)', () => limitRows(settings.bigRuns))
  await section('row 6 (bundle and memory)', async () => {
    await bundleRows()
    memoryRows()
  })
  console.log('')
  printTable()
  const misses = rows.filter(r => r.result === 'MISS')
  const errors = rows.filter(r => r.result === 'ERROR')
  console.log('')
  if (misses.length) console.log(`MISS: ${misses.length} target(s) not met — ${misses.map(r => r.what.split(':')[0]!.split(',')[0]).join('; ')}`)
  if (errors.length) console.log(`ERROR: ${errors.length} section(s) could not be measured (see below)`)
  if (!misses.length && !errors.length) console.log('All targets met.')
  console.log('Ratios against a measured reference are the median of the per-run ratios (the two ran back to back).')
  console.log(`\nDetails (times are wall clock of the whole process, spawn to exit, unless said otherwise):`)
  for (const line of details) console.log(`  ${line}`)
  console.log(
    `\ntook ${ms(performance.now() - began)}; load average now ${loadavg()
      .map(n => n.toFixed(2))
      .join(' ')} (was ${load})`
  )
} catch (error) {
  broken = true
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  await cleanUp()
}
// A MISS is a finding, not a failure: exit 1 only when something could not be measured.
process.exitCode = broken ? 1 : 0

// Rows 8–9: trunks of any size, and hostile input.
//
// Row 8: one trunk of 50,000 numbers on each API (as JSON, 6 to 15 MiB: more than the 5 MiB the
// action once read), and a numbers file listing all of them plus 10 new ones: the action reads the
// trunk, plans, adds the 10 and reads the trunk again to verify. Target: peak RSS ≤ 300 MB.
//
// Row 9: the trunk read answers 5 MiB of hostile JSON (nested 2.6 million deep; or one object of
// 450,000 keys): the action must refuse it (or parse it) within 1 s and 150 MB. Measured side by side
// with the same single-number run against a plain trunk, back to back. And a numbers file of 5 MB of
// bad entries: every problem found, the first 1,000 reported on their lines, within 3 s and 250 MB.
//
// The targets are the issue's, in MB (10^6 bytes); the table shows MiB, as every memory row does.
import { failure, prepareStep, runAction, runNode } from '../children.ts'
import type { BenchContext } from '../context.ts'
import { FAMILIES, LEGACY, seedNumber, trunkId, trunksOption, withEmulator } from '../emulator.ts'
import type { Family } from '../emulator.ts'
import { numbersFileYaml, trunksOf } from '../numbers.ts'
import { count, mib, ms, times, verdict } from '../report.ts'
import { median } from '../stats.ts'

const MB = 1_000_000
export const LARGE_RSS_TARGET_MB = 300
const HOSTILE_RSS_TARGET_MB = 150
const HOSTILE_WALL_TARGET_MS = 1_000
const BAD_FILE_RSS_TARGET_MB = 250
const BAD_FILE_WALL_TARGET_MS = 3_000
/** Within `mb` MB (the table's MiB, in KiB). */
const withinMb = (kib: number, mb: number): boolean => kib * 1024 <= mb * MB
const FILE = 'bolna-numbers.yml'

export async function largeTrunkRows(ctx: BenchContext): Promise<void> {
  const size = ctx.settings.quick ? 5_000 : 50_000
  for (const family of FAMILIES) {
    const [trunk] = trunksOf(family, 'large', 1, size + 10, 620)
    if (!trunk) throw new Error('no trunk')
    const rss: number[] = []
    const wall: number[] = []
    for (let i = 0; i < ctx.settings.hugeRuns; i++) {
      await withEmulator(ctx, trunksOption(family, [trunk.trunk_id]), async (emulator, url) => {
        for (const n of trunk.numbers.slice(0, size)) seedNumber(emulator, family, trunk.trunk_id, n.phone_number, n.name ?? '')
        const step = await prepareStep(
          ctx,
          { api_base_url: url, numbers_file: FILE, requests_per_minute: '0', concurrency: '8' },
          { [FILE]: numbersFileYaml([trunk]) }
        )
        const run = await runAction(ctx, step, `the action (${count(size)}-number trunk, ${family.label})`, 300_000)
        if (emulator.numbers(trunk.trunk_id).length !== size + 10) throw new Error(`the trunk holds ${emulator.numbers(trunk.trunk_id).length} numbers`)
        rss.push(run.maxRssKb)
        wall.push(run.wallMs)
      })
    }
    const peak = median(rss)
    ctx.report.row({
      what: `8. a trunk of ${count(size)} numbers, ${family.label}: read, planned, 10 added, verified: peak RSS${ctx.settings.quick ? ' (--quick)' : ''}`,
      measured: mib(peak),
      reference: `${LARGE_RSS_TARGET_MB} MB (${mib((LARGE_RSS_TARGET_MB * MB) / 1024)})`,
      ratio: times((peak * 1024) / (LARGE_RSS_TARGET_MB * MB)),
      target: `≤ ${LARGE_RSS_TARGET_MB} MB`,
      result: ctx.settings.quick ? 'info' : verdict(withinMb(peak, LARGE_RSS_TARGET_MB))
    })
    ctx.report.note(`8. ${family.label}: peak RSS [${rss.map(mib).join(', ')}], wall ${ms(median(wall))}`)
  }
  await hostileRows(ctx)
  await badFileRows(ctx)
}

const HOSTILE = [
  { name: '5 MiB nested 2.6 million deep', body: () => `{"numbers":[],"phone_numbers":[],"x":${'['.repeat(2_600_000)}${']'.repeat(2_600_000)}}` },
  {
    name: '5 MiB, one object of 450,000 keys',
    body: () => `{"numbers":[],"phone_numbers":[],${Array.from({ length: 450_000 }, (_, i) => `"k${i}":1`).join(',')}}`
  }
]

async function hostileRows(ctx: BenchContext): Promise<void> {
  const family: Family = FAMILIES[0] as Family
  const trunk = trunkId(family, 'hostile', 1)
  for (const hostile of HOSTILE) {
    const body = hostile.body()
    const action = { wall: [] as number[], rss: [] as number[] }
    const plain = { wall: [] as number[], rss: [] as number[] }
    const runs = Math.max(3, ctx.settings.coldRuns)
    for (let i = 0; i < runs; i++) {
      await withEmulator(ctx, trunksOption(family, [trunk]), async (emulator, url) => {
        const inputs = { api_base_url: url, trunk_id: trunk, phone_number: '+14155550100', dry_run: 'true', max_retries: '0' }
        // Side by side: the same run against the plain trunk, then against the hostile answer.
        const clean = await runAction(ctx, await prepareStep(ctx, inputs), 'the action (plain trunk)', 60_000)
        emulator.injectFault({ kind: 'status', status: 200, method: 'GET', body, times: Infinity })
        const step = await prepareStep(ctx, inputs)
        const refused = await runNode(ctx, ctx.paths.action, [], { env: step.env, cwd: step.workspace, timeoutMs: 60_000 })
        if (refused.code !== 1) throw new Error(`the action exited ${refused.code} on a hostile answer`)
        plain.wall.push(clean.wallMs)
        plain.rss.push(clean.maxRssKb)
        action.wall.push(refused.wallMs)
        action.rss.push(refused.maxRssKb)
      })
    }
    const extra = median(action.wall) - median(plain.wall)
    ctx.report.row({
      what: `9. hostile answer (${hostile.name}): wall, refused`,
      measured: ms(median(action.wall)),
      reference: `${ms(median(plain.wall))} same run, plain trunk`,
      ratio: times(median(action.wall) / median(plain.wall)),
      target: `≤ +${ms(HOSTILE_WALL_TARGET_MS)}`,
      result: verdict(extra <= HOSTILE_WALL_TARGET_MS)
    })
    ctx.report.row({
      what: `9. same: peak RSS`,
      measured: mib(median(action.rss)),
      reference: `${mib(median(plain.rss))} plain trunk`,
      ratio: times(median(action.rss) / median(plain.rss)),
      target: `≤ ${HOSTILE_RSS_TARGET_MB} MB`,
      result: verdict(withinMb(median(action.rss), HOSTILE_RSS_TARGET_MB))
    })
  }
}

/** A numbers file of 5 MB of bad entries: refused, its first 1,000 problems on their lines, within 3 s and 250 MB. */
async function badFileRows(ctx: BenchContext): Promise<void> {
  const entry = (i: number) => `      - phone_number: "12${String(i).padStart(6, '0')}x"\n        name: "Reception desk number ${i}"\n`
  let body = ''
  for (let i = 0; body.length < 5_000_000; i++) body += entry(i)
  const file = `version: 1\ntrunks:\n  - trunk_id: bench-bad-01\n    numbers:\n${body}`
  const wall: number[] = []
  const rss: number[] = []
  const runs = Math.max(3, ctx.settings.bigRuns)
  for (let i = 0; i < runs; i++) {
    await withEmulator(ctx, trunksOption(LEGACY, ['bench-bad-01']), async (emulator, url) => {
      const step = await prepareStep(ctx, { api_base_url: url, numbers_file: FILE }, { [FILE]: file })
      const run = await runNode(ctx, ctx.paths.action, [], { env: step.env, cwd: step.workspace, timeoutMs: 60_000 })
      if (run.code !== 1 || !/and \d+ more problem\(s\)/.test(run.stdout)) throw failure('the action (5 MB of bad entries)', run)
      if (emulator.requests.length > 0) throw new Error('the action sent requests for a file with problems')
      wall.push(run.wallMs)
      rss.push(run.maxRssKb)
    })
  }
  ctx.report.row({
    what: `9. numbers file of ${(file.length / MB).toFixed(1)} MB of bad entries: wall, refused, first 1,000 problems on their lines`,
    measured: ms(median(wall)),
    reference: `${ms(BAD_FILE_WALL_TARGET_MS)}`,
    ratio: times(median(wall) / BAD_FILE_WALL_TARGET_MS),
    target: `≤ ${ms(BAD_FILE_WALL_TARGET_MS)}`,
    result: verdict(median(wall) <= BAD_FILE_WALL_TARGET_MS)
  })
  ctx.report.row({
    what: '9. same: peak RSS',
    measured: mib(median(rss)),
    reference: `${BAD_FILE_RSS_TARGET_MB} MB (${mib((BAD_FILE_RSS_TARGET_MB * MB) / 1024)})`,
    ratio: times((median(rss) * 1024) / (BAD_FILE_RSS_TARGET_MB * MB)),
    target: `≤ ${BAD_FILE_RSS_TARGET_MB} MB`,
    result: verdict(withinMb(median(rss), BAD_FILE_RSS_TARGET_MB))
  })
  ctx.report.note(`9. bad entries: wall [${wall.map(ms).join(', ')}], peak RSS [${rss.map(mib).join(', ')}]`)
}

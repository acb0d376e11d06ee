// Row 3: 1,000 numbers over 10 trunks from a numbers file, on an emulator answering every request
// after 20 ms, at concurrency 8, per family. Against the ideal `calls × latency ÷ concurrency` (the
// calls being those the action made, from the emulator's log), against a plain fetch script making
// the same requests 8 at a time (the floor), and, on legacy, against a sequential fetch loop (a shell
// loop of curl). After each apply the same file runs again on the same emulator: row 4 (rows/no-op.ts).
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BolnaEmulator } from '../../../test/emulator/bolna-emulator.ts'
import { prepareStep, resultsOf, runAction, runReference } from '../children.ts'
import type { BenchContext } from '../context.ts'
import { countRequests, describeCounts, trunksOption, withEmulator } from '../emulator.ts'
import type { Family, RequestCounts } from '../emulator.ts'
import { numberCount, numbersFileYaml, trunksOf } from '../numbers.ts'
import type { FileTrunk } from '../numbers.ts'
import { atLeast, atMost, count, ms, spread, tally, times, verdict } from '../report.ts'
import { median, pairwise, record, side } from '../stats.ts'
import type { Side } from '../stats.ts'
import { noOpRerun, noOpRows } from './no-op.ts'
import type { NoOpSample } from './no-op.ts'

const LATENCY_MS = 20
const CONCURRENCY = 8
export const MANY_TARGET = 1.2
const SPEEDUP_TARGET = 6
const FILE = 'bolna-numbers.yml'

/** Samples of the action and its fetch floor, for the memory rows. */
export interface ManySamples {
  action: Side
  floor: Side
}

interface Options {
  /** Also time the sequential fetch loop (about 25 s a run, so on one family only). */
  sequentialLoop: boolean
}

export async function manyNumbersRows(ctx: BenchContext, family: Family, options: Options): Promise<ManySamples> {
  const runs = ctx.settings.bigRuns
  const trunks = trunksOf(family, 'many', 10, 100, 415)
  const yaml = numbersFileYaml(trunks)
  const adds = numberCount(trunks)
  const ids = trunks.map(t => t.trunk_id)
  const emulatorOptions = { ...trunksOption(family, ids), latencyMs: LATENCY_MS }
  const inputs = { numbers_file: FILE, requests_per_minute: '0', concurrency: String(CONCURRENCY) }

  // Untimed: does the action re-read the trunks it wrote? The floors then make the same requests.
  const verify = (await probeVerify(ctx, family)) > 0

  const action = side()
  const floor = side()
  const loop = options.sequentialLoop ? side() : undefined
  const counts: RequestCounts[] = []
  const ideals: number[] = []
  const rerun: NoOpSample[] = []
  const phases = { lists: [] as number[], adds: [] as number[], tail: [] as number[] }

  const runTheAction = (): Promise<void> =>
    withEmulator(ctx, emulatorOptions, async (emulator, url) => {
      const step = await prepareStep(ctx, { api_base_url: url, ...inputs }, { [FILE]: yaml })
      const run = await runAction(ctx, step, `the action (${adds} numbers, ${family.label})`, 180_000)
      const created = (await resultsOf(step)).filter(r => r.status === 'created').length
      if (created !== adds) throw new Error(`the action (${family.label}) created ${created} of ${adds} numbers`)
      const made = countRequests(emulator.requests)
      counts.push(made)
      ideals.push((made.total * LATENCY_MS) / CONCURRENCY)
      record(action, run, emulator.requests)
      phases.lists.push(made.firstAddAt - made.firstAt)
      phases.adds.push(made.lastAt - made.firstAddAt)
      phases.tail.push(run.endedAt - made.lastAt)
      const again = await prepareStep(ctx, { api_base_url: url, ...inputs }, { [FILE]: yaml })
      rerun.push(await noOpRerun(ctx, emulator, again, adds))
    })

  const runLoop = (concurrency: number, into: Side): Promise<void> =>
    withEmulator(ctx, emulatorOptions, async (emulator, url) => {
      const run = await fetchLoop(ctx, emulator, url, trunks, concurrency, verify)
      record(into, run, emulator.requests)
    })

  const steps = [runTheAction, () => runLoop(CONCURRENCY, floor), ...(loop ? [() => runLoop(1, loop)] : [])]
  for (let i = 0; i < runs; i++) {
    // Rotate the order run by run, so that drift does not always hit the same one.
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!()
  }

  const label = family.label
  const wall = median(action.wall)
  const ratio = median(action.wall.map((w, i) => w / ideals[i]!))
  const calls = median(counts.map(c => c.total))
  ctx.report.row({
    what: `3. ${count(adds)} numbers / ${trunks.length} trunks, ${label}, latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY}: wall vs ideal`,
    measured: ms(wall),
    reference: `${ms(median(ideals))} ideal (${calls} × ${LATENCY_MS} ms ÷ ${CONCURRENCY})`,
    ratio: times(ratio),
    target: `≤ ${MANY_TARGET.toFixed(2)}×`,
    result: verdict(atMost(ratio, MANY_TARGET))
  })
  const expected = { lists: trunks.length, adds, verifyLists: trunks.length, other: 0 }
  const exact = counts.every(c => c.lists === expected.lists && c.adds === expected.adds && c.verifyLists === expected.verifyLists && c.other === 0)
  ctx.report.row({
    what: `3. requests made, ${label} (emulator log)`,
    measured: tally(counts.map(describeCounts)),
    reference: `expected ${describeCounts(expected)}`,
    ratio: '—',
    target: 'exact',
    result: verdict(exact)
  })
  if (loop) {
    const speedup = pairwise(loop.wall, action.wall)
    ctx.report.row({
      what: `3. same file vs a sequential fetch loop, ${label}`,
      measured: ms(wall),
      reference: `${ms(median(loop.wall))} sequential loop`,
      ratio: `${times(speedup)} faster`,
      target: `≥ ${SPEEDUP_TARGET}×`,
      result: verdict(atLeast(speedup, SPEEDUP_TARGET))
    })
  }
  ctx.report.row({
    what: `3. same file vs a plain fetch floor, ${CONCURRENCY} in flight, ${label}`,
    measured: ms(wall),
    reference: `${ms(median(floor.wall))} fetch floor${verify ? ' (with verify reads)' : ''}`,
    ratio: times(pairwise(action.wall, floor.wall)),
    target: '—',
    result: 'info'
  })

  const note = (line: string): void => ctx.report.note(line)
  note(`3. ${count(adds)} numbers over ${trunks.length} trunks, ${label}: ${runs} runs, order rotated (fresh emulator each, latency ${LATENCY_MS} ms)`)
  note(`    wall, action           ${spread(action.wall)}`)
  note(`    wall, fetch floor ×${CONCURRENCY}   ${spread(floor.wall)}`)
  if (loop)
    note(`    wall, sequential loop  ${spread(loop.wall)}  (${(median(loop.wall) / calls).toFixed(1)} ms a request, of which ${LATENCY_MS} ms is latency)`)
  note(
    `    CPU (user+sys)         action ${ms(median(action.cpu))}, fetch floor ×${CONCURRENCY} ${ms(median(floor.cpu))}${loop ? `, sequential loop ${ms(median(loop.cpu))}` : ''}`
  )
  note(`    where the action's time goes (medians; from spawn and the emulator's arrival times):`)
  note(
    `      spawn → 1st request  ${ms(median(action.firstRequest))}  start-up, module load, reading and checking the file (fetch floor: ${ms(median(floor.firstRequest))})`
  )
  note(
    `      lists → 1st add      ${ms(median(phases.lists))}  ${trunks.length} reads at concurrency ${CONCURRENCY} (ideal ${ms(Math.ceil(trunks.length / CONCURRENCY) * LATENCY_MS)}), then planning and the plan's report`
  )
  note(
    `      1st add → last req   ${ms(median(phases.adds))}  ${adds} adds${verify ? ' and the verify reads' : ''} (ideal ${ms(((calls - trunks.length - 1) * LATENCY_MS) / CONCURRENCY)}); ${((median(phases.adds) * CONCURRENCY) / (calls - trunks.length)).toFixed(1)} ms a request per worker`
  )
  note(`      last request → exit  ${ms(median(phases.tail))}  the last answer (${LATENCY_MS} ms), outputs and summary, exit`)
  noOpRows(ctx, family, trunks.length, rerun)
  return { action, floor }
}

/**
 * Applies a small file (2 trunks × 3 numbers, no latency) and counts the reads of a trunk after an
 * add to it: how many verify reads the action makes (one per written trunk, or none).
 */
async function probeVerify(ctx: BenchContext, family: Family): Promise<number> {
  const trunks = trunksOf(family, 'probe', 2, 3, 650)
  return withEmulator(
    ctx,
    trunksOption(
      family,
      trunks.map(t => t.trunk_id)
    ),
    async (emulator, url) => {
      const step = await prepareStep(ctx, { api_base_url: url, numbers_file: FILE, requests_per_minute: '0' }, { [FILE]: numbersFileYaml(trunks) })
      await runAction(ctx, step, `the action (probe, ${family.label})`, 60_000)
      return countRequests(emulator.requests).verifyLists
    }
  )
}

/** scripts/bench/fetch-loop.mjs on these trunks; checks that it made the requests the action would. */
async function fetchLoop(ctx: BenchContext, emulator: BolnaEmulator, url: string, trunks: readonly FileTrunk[], concurrency: number, verify: boolean) {
  const step = await prepareStep(ctx, { api_base_url: url })
  const job = join(step.workspace, 'job.json')
  await writeFile(job, JSON.stringify({ trunks }))
  const args = [job, '--concurrency', String(concurrency), ...(verify ? ['--verify'] : [])]
  const run = await runReference(ctx, step, ctx.paths.fetchLoop, args, `the fetch loop (concurrency ${concurrency})`, 180_000)
  const expected = trunks.length + numberCount(trunks) + (verify ? trunks.length : 0)
  if (emulator.requests.length !== expected) throw new Error(`the fetch loop made ${emulator.requests.length} requests, expected ${expected}`)
  return run
}

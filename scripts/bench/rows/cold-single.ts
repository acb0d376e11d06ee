// Rows 1 and 2: one number, a cold process (a whole step: start-up, inputs, the requests, outputs),
// against the fetch floor: a plain node script making the same requests with fetch, and nothing else.
// Run per family; the action and its floor alternate which goes first, run after run.
import type { BolnaEmulator } from '../../../test/emulator/bolna-emulator.ts'
import { outputsOf, prepareStep, runAction, runReference } from '../children.ts'
import type { ChildRun } from '../stats.ts'
import type { BenchContext } from '../context.ts'
import { seedNumber, trunkId, trunksOption, withEmulator } from '../emulator.ts'
import type { Family } from '../emulator.ts'
import { atMost, ms, spread, times, verdict } from '../report.ts'
import { median, pairwise, record, side } from '../stats.ts'
import type { Side } from '../stats.ts'

export const COLD_TARGET = 1.15

type Kind = 'exists' | 'create'

/** Peak RSS samples of the "exists" row, for the memory rows. */
export interface ColdSamples {
  action: Side
  floor: Side
}

/** The request sequences the action may make, and the floor mode that makes the same. */
const FLOOR_MODES: Record<Kind, Record<string, string>> = {
  exists: { GET: 'list' },
  create: { 'GET POST': 'create', 'GET POST GET': 'create-verify' }
}

const EXISTING = '+91 98765 43210'

export async function coldSingleRows(ctx: BenchContext, family: Family): Promise<ColdSamples> {
  const trunk = trunkId(family, 'single', 1)
  const runs = ctx.settings.coldRuns
  const samples: ColdSamples = { action: side(), floor: side() }
  await withEmulator(ctx, trunksOption(family, [trunk]), async (emulator, url) => {
    for (let i = 0; i < 9; i++) seedNumber(emulator, family, trunk, `+9198765000${i}`, `Seeded ${i}`)
    seedNumber(emulator, family, trunk, '+919876543210', 'Mumbai Support Line')
    const fresh = { next: 0 }
    for (const kind of ['exists', 'create'] as const) {
      const action = kind === 'exists' ? samples.action : side()
      const floor = kind === 'exists' ? samples.floor : side()
      const sample = (who: 'action' | 'floor', requests: string | undefined, into: Side | undefined): Promise<string> =>
        sampleOnce(ctx, { emulator, url, family, trunk, kind, who, requests, into, fresh })
      // One untimed pair first (file cache, lazy emulator paths); it also shows which requests the
      // action makes, so that the floor makes the same.
      const requests = await sample('action', undefined, undefined)
      const mode = FLOOR_MODES[kind][requests]
      if (!mode)
        throw new Error(`the action (${family.label}, ${kind}) made the requests "${requests}", expected one of: ${Object.keys(FLOOR_MODES[kind]).join(', ')}`)
      await sample('floor', requests, undefined)
      for (let i = 0; i < runs; i++) {
        const order = i % 2 === 0 ? (['action', 'floor'] as const) : (['floor', 'action'] as const)
        for (const who of order) await sample(who, requests, who === 'action' ? action : floor)
      }
      const ratio = pairwise(action.wall, floor.wall)
      const calls = requests.split(' ').join(' + ')
      const title = `${kind === 'exists' ? '1' : '2'}. single number, cold process, ${kind === 'exists' ? 'existing' : 'create'}, ${family.label} (${calls})`
      ctx.report.row({
        what: title,
        measured: ms(median(action.wall)),
        reference: `${ms(median(floor.wall))} fetch floor (${calls})`,
        ratio: times(ratio),
        target: `≤ ${COLD_TARGET.toFixed(2)}×`,
        result: verdict(atMost(ratio, COLD_TARGET))
      })
      noteCold(ctx, title, runs, action, floor)
    }
  })
  return samples
}

interface SampleSpec {
  emulator: BolnaEmulator
  url: string
  family: Family
  trunk: string
  kind: Kind
  who: 'action' | 'floor'
  /** The requests expected ("GET POST"); undefined for the first, untimed run of the action. */
  requests: string | undefined
  into: Side | undefined
  fresh: { next: number }
}

/** One run of the action or the floor; returns the methods it sent, in order. */
async function sampleOnce(ctx: BenchContext, spec: SampleSpec): Promise<string> {
  const { emulator, family, kind, who } = spec
  const phone = kind === 'exists' ? EXISTING : `+1628555${String(spec.fresh.next++).padStart(4, '0')}`
  const step = await prepareStep(ctx, { api_base_url: spec.url, trunk_id: spec.trunk, trunk_api: family.api, phone_number: phone })
  emulator.clearLog()
  const what = `${who} (${family.label}, ${kind})`
  let run: ChildRun
  if (who === 'action') {
    run = await runAction(ctx, step, what, 60_000)
    const status = (await outputsOf(step)).status
    if (status !== (kind === 'exists' ? 'exists' : 'created')) throw new Error(`the action (${family.label}) said status ${JSON.stringify(status)} for ${kind}`)
  } else {
    run = await runReference(ctx, step, ctx.paths.floor, [FLOOR_MODES[kind][spec.requests ?? ''] ?? 'list'], what, 60_000)
  }
  const made = emulator.requests.map(r => r.method).join(' ')
  if (spec.requests !== undefined && made !== spec.requests) throw new Error(`${what} made the requests "${made}", expected "${spec.requests}"`)
  if (spec.into) record(spec.into, run, emulator.requests)
  return made
}

function noteCold(ctx: BenchContext, title: string, runs: number, action: Side, floor: Side): void {
  const note = (line: string): void => ctx.report.note(line)
  note(`${title}: ${runs} interleaved runs`)
  note(`    wall, action           ${spread(action.wall)}`)
  note(`    wall, floor            ${spread(floor.wall)}`)
  note(`    ratio of the medians   ${times(median(action.wall) / median(floor.wall))} (the table shows the median of the per-pair ratios)`)
  note(
    `    CPU (user+sys)         action ${ms(median(action.cpu))}, floor ${ms(median(floor.cpu))}: ${times(median(action.cpu) / median(floor.cpu))} (less sensitive to a busy machine than wall)`
  )
  note(`    spawn → 1st request    action ${ms(median(action.firstRequest))}, floor ${ms(median(floor.firstRequest))} (start-up, module load, input checks)`)
  note(
    `    1st request → exit     action ${ms(median(action.wall) - median(action.firstRequest))}, floor ${ms(median(floor.wall) - median(floor.firstRequest))}`
  )
}

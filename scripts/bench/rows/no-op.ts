// Row 4: the numbers file of row 3 applied again, on the trunks row 3 just filled: nothing to do, so
// one read per trunk and no write. Run by rows/many-numbers.ts on each of its emulators, right after
// the action's apply, so the numbers read back are the ones the action wrote.
import type { BolnaEmulator } from '../../../test/emulator/bolna-emulator.ts'
import type { PreparedRun } from '../../../test/helpers/run-action.ts'
import { resultsOf, runAction } from '../children.ts'
import type { BenchContext } from '../context.ts'
import type { Family } from '../emulator.ts'
import { spread, tally, times, verdict } from '../report.ts'
import { median } from '../stats.ts'

export interface NoOpSample {
  wallMs: number
  requests: number
  writes: number
  /** Every number of the file came back as "exists". */
  allExist: boolean
}

/** Runs the action once more in `step` (a fresh step with the same file) on `emulator`. */
export async function noOpRerun(ctx: BenchContext, emulator: BolnaEmulator, step: PreparedRun, numbers: number): Promise<NoOpSample> {
  emulator.clearLog()
  const run = await runAction(ctx, step, 'the re-run of the action', 120_000)
  const results = await resultsOf(step)
  return {
    wallMs: run.wallMs,
    requests: emulator.requests.length,
    writes: emulator.writes().length,
    allExist: results.length === numbers && results.every(r => r.status === 'exists')
  }
}

export function noOpRows(ctx: BenchContext, family: Family, trunkCount: number, samples: readonly NoOpSample[]): void {
  const ok = samples.every(s => s.requests === trunkCount && s.writes === 0 && s.allExist)
  ctx.report.row({
    what: `4. no-op re-run of that file, ${family.label}`,
    measured: tally(samples.map(s => `${s.requests} req, ${s.writes} writes`)),
    reference: `${trunkCount} reads, 0 writes`,
    ratio: times(median(samples.map(s => s.requests)) / trunkCount),
    target: `= ${trunkCount} req, 0 writes`,
    result: verdict(ok)
  })
  const allExist = samples.every(s => s.allExist)
  ctx.report.note(`4. no-op re-run, ${family.label}: wall ${spread(samples.map(s => s.wallMs))}${allExist ? '' : '; NOT every entry came back as "exists"'}`)
}

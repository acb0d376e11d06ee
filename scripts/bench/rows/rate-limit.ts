// Row 5: 200 numbers over 2 legacy trunks with requests_per_minute 600, on an emulator that answers
// 429 over 600 a minute. No 429 may reach the action, and the run may take little more than the
// bound the limit sets: (requests − 1) × 100 ms. One family: the limiter is the same for both.
import { prepareStep, resultsOf, runAction } from '../children.ts'
import type { BenchContext } from '../context.ts'
import { LEGACY, trunksOption, withEmulator } from '../emulator.ts'
import { numberCount, numbersFileYaml, trunksOf } from '../numbers.ts'
import { atMost, ms, spread, times, verdict } from '../report.ts'
import { median } from '../stats.ts'

const PER_MINUTE = 600
const CONCURRENCY = 8
const BOUND_TARGET = 1.15

export async function rateLimitRows(ctx: BenchContext): Promise<void> {
  const runs = ctx.settings.bigRuns
  const trunks = trunksOf(LEGACY, 'limit', 2, 100, 212)
  const yaml = numbersFileYaml(trunks)
  const adds = numberCount(trunks)
  const walls: number[] = []
  const bounds: number[] = []
  const limited: number[] = []
  const made: number[] = []
  const gap = 60_000 / PER_MINUTE
  for (let i = 0; i < runs; i++) {
    await withEmulator(
      ctx,
      {
        ...trunksOption(
          LEGACY,
          trunks.map(t => t.trunk_id)
        ),
        rateLimitPerMinute: PER_MINUTE
      },
      async (emulator, url) => {
        const step = await prepareStep(
          ctx,
          { api_base_url: url, numbers_file: 'bolna-numbers.yml', requests_per_minute: String(PER_MINUTE), concurrency: String(CONCURRENCY) },
          { 'bolna-numbers.yml': yaml }
        )
        const run = await runAction(ctx, step, 'the action (under a limit)', 180_000)
        const created = (await resultsOf(step)).filter(r => r.status === 'created').length
        if (created !== adds) throw new Error(`the action created ${created} of ${adds} numbers under the limit`)
        const requests = emulator.requests.length
        walls.push(run.wallMs)
        bounds.push((requests - 1) * gap)
        limited.push(emulator.rateLimited)
        made.push(requests)
      }
    )
  }
  const wall = median(walls)
  const bound = median(bounds)
  const total429 = limited.reduce((a, b) => a + b, 0)
  ctx.report.row({
    what: `5. ${adds} numbers / ${trunks.length} trunks under ${PER_MINUTE}/min: 429s received`,
    measured: `${total429} in ${runs} run(s)`,
    reference: '0',
    ratio: '—',
    target: '0',
    result: verdict(total429 === 0)
  })
  ctx.report.row({
    what: '5. same: wall vs the rate bound',
    measured: ms(wall),
    reference: `${ms(bound)} ((${median(made)} req − 1) × ${gap} ms)`,
    ratio: times(wall / bound),
    target: `≤ ${BOUND_TARGET.toFixed(2)}×`,
    result: verdict(atMost(wall / bound, BOUND_TARGET))
  })
  ctx.report.note(
    `5. under a limit: ${runs} run(s), fresh emulator (rateLimitPerMinute ${PER_MINUTE}) each; requests ${made.join(', ')}; 429s ${limited.join(', ')}`
  )
  ctx.report.note(`    action wall            ${spread(walls)}`)
}

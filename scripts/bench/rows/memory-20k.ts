// Row 7: memory. The target row applies a numbers file of 20,000 numbers (20 legacy trunks × 1,000)
// to empty trunks on an emulator with no latency, and reads the action's peak RSS (usage.mjs).
//
// Why that case: it holds everything a no-op plan over 20,000 numbers holds (the file, the desired
// state, 20,000 results, the outputs, the results file and the step summary) and more: 20,000 planned
// adds, 20,000 POST bodies, answers and created records, a log line per add, the verify reads of the
// 20 trunks (20,000 records parsed back, as in the no-op), and the garbage of 20,000 requests made as
// fast as the emulator answers. Measured side by side it peaks higher: about 240 MiB against about
// 195 MiB for the no-op re-run (which the row also reports, as info), and higher on legacy than on
// /trunk (about 185 MiB; legacy entries carry names). One large trunk is rows 8–9's case (large-trunk.ts).
//
// With --quick the file shrinks to 2,000 numbers (2 trunks), a smoke check of the path: info only.
//
// The other rows: the peak RSS of the action next to its floors in rows 1 and 3, as info.
import { prepareStep, resultsOf, runAction } from '../children.ts'
import type { BenchContext } from '../context.ts'
import { countRequests, describeCounts, FAMILIES, LEGACY, trunksOption, withEmulator } from '../emulator.ts'
import type { Family } from '../emulator.ts'
import { numberCount, numbersFileYaml, trunksOf } from '../numbers.ts'
import { atMost, count, mib, ms, times, verdict } from '../report.ts'
import { median } from '../stats.ts'
import type { ColdSamples } from './cold-single.ts'
import type { ManySamples } from './many-numbers.ts'

export const RSS_TARGET_MIB = 200
const FILE = 'bolna-numbers.yml'

export async function memory20kRows(ctx: BenchContext): Promise<void> {
  const { quick } = ctx.settings
  const runs = ctx.settings.hugeRuns
  const trunks = trunksOf(LEGACY, 'huge', quick ? 2 : 20, 1000, 628)
  const yaml = numbersFileYaml(trunks)
  const numbers = numberCount(trunks)
  const inputs = { numbers_file: FILE, requests_per_minute: '0', concurrency: '8' }
  const apply = { rss: [] as number[], wall: [] as number[], cpu: [] as number[], counts: [] as string[] }
  const noOp = { rss: [] as number[], wall: [] as number[] }
  for (let i = 0; i < runs; i++) {
    await withEmulator(
      ctx,
      trunksOption(
        LEGACY,
        trunks.map(t => t.trunk_id)
      ),
      async (emulator, url) => {
        const step = await prepareStep(ctx, { api_base_url: url, ...inputs }, { [FILE]: yaml })
        const run = await runAction(ctx, step, `the action (${count(numbers)} numbers)`, 300_000)
        const created = (await resultsOf(step)).filter(r => r.status === 'created').length
        if (created !== numbers) throw new Error(`the action created ${created} of ${numbers} numbers`)
        apply.rss.push(run.maxRssKb)
        apply.wall.push(run.wallMs)
        apply.cpu.push(run.cpuMs)
        apply.counts.push(describeCounts(countRequests(emulator.requests)))

        emulator.clearLog()
        const again = await prepareStep(ctx, { api_base_url: url, ...inputs }, { [FILE]: yaml })
        const second = await runAction(ctx, again, `the no-op re-run (${count(numbers)} numbers)`, 120_000)
        const results = await resultsOf(again)
        if (results.length !== numbers || results.some(r => r.status !== 'exists')) throw new Error('the no-op re-run did not find every number')
        noOp.rss.push(second.maxRssKb)
        noOp.wall.push(second.wallMs)
      }
    )
  }
  const size = `${count(numbers)} numbers / ${trunks.length} trunks${quick ? ' (--quick; 20,000 in the full run)' : ''}`
  const peak = median(apply.rss)
  const limitKib = RSS_TARGET_MIB * 1024
  ctx.report.row({
    what: `7. ${size}, legacy, applied, no latency: peak RSS`,
    measured: mib(peak),
    reference: `${RSS_TARGET_MIB} MiB`,
    ratio: times(peak / limitKib),
    target: `≤ ${RSS_TARGET_MIB} MiB`,
    result: quick ? 'info' : verdict(atMost(peak / 1024, RSS_TARGET_MIB, 1))
  })
  ctx.report.row({
    what: `7. same ${count(numbers)} numbers, no-op re-run: peak RSS`,
    measured: mib(median(noOp.rss)),
    reference: `${mib(peak)} the apply`,
    ratio: times(median(noOp.rss) / peak),
    target: '—',
    result: 'info'
  })
  const list = (values: readonly number[]): string => values.map(mib).join(', ')
  ctx.report.note(`7. ${count(numbers)} numbers: ${runs} run(s), fresh emulator each; requests ${apply.counts.join('; ')}`)
  ctx.report.note(
    `    apply                  peak RSS [${list(apply.rss)}], wall ${ms(median(apply.wall))} (mostly the emulator's CPU: it checks each add against every stored number), action CPU ${ms(median(apply.cpu))}`
  )
  ctx.report.note(`    no-op re-run           peak RSS [${list(noOp.rss)}], wall ${ms(median(noOp.wall))}`)
}

/** The peak RSS of the action next to its floor, in rows 1 and 3 (info). */
export function peakRssRows(ctx: BenchContext, cold: ReadonlyMap<Family, ColdSamples>, many: ReadonlyMap<Family, ManySamples>): void {
  const list = (values: readonly number[]): string => values.map(mib).join(', ')
  for (const family of FAMILIES) {
    const single = cold.get(family)
    if (single) {
      const a = median(single.action.rss)
      const f = median(single.floor.rss)
      ctx.report.row({
        what: `7. peak RSS, row 1 (single number, exists), ${family.label}`,
        measured: mib(a),
        reference: `${mib(f)} fetch floor`,
        ratio: times(a / f),
        target: '—',
        result: 'info'
      })
      ctx.report.note(`7. peak RSS, row 1, ${family.label}: action [${list(single.action.rss)}], floor [${list(single.floor.rss)}]`)
    }
    const big = many.get(family)
    if (big) {
      const a = median(big.action.rss)
      const f = median(big.floor.rss)
      ctx.report.row({
        what: `7. peak RSS, row 3 (1,000 numbers), ${family.label}`,
        measured: mib(a),
        reference: `${mib(f)} fetch floor ×8`,
        ratio: times(a / f),
        target: '—',
        result: 'info'
      })
      ctx.report.note(`7. peak RSS, row 3, ${family.label}: action [${list(big.action.rss)}], fetch floor ×8 [${list(big.floor.rss)}]`)
    }
  }
}

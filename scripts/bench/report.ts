// The table `npm run bench` prints, the detail lines under it, and how values are written.
import { median } from './stats.ts'

export type Verdict = 'PASS' | 'MISS' | 'info' | 'ERROR'

export interface Row {
  what: string
  measured: string
  reference: string
  ratio: string
  target: string
  result: Verdict
}

/** The rows and detail lines of one bench run, and whether any measurement failed. */
export class Report {
  readonly rows: Row[] = []
  readonly details: string[] = []
  broken = false

  row(row: Row): void {
    this.rows.push(row)
  }

  note(line: string): void {
    this.details.push(line)
  }

  /** Runs one section; an error becomes an ERROR row (and exit 1), and the other sections still run. */
  async section(name: string, work: () => Promise<void>): Promise<void> {
    const started = performance.now()
    process.stderr.write(`bench: ${name} …`)
    try {
      await work()
      process.stderr.write(` ${ms(performance.now() - started)}\n`)
    } catch (error) {
      process.stderr.write(' failed\n')
      this.broken = true
      const message = error instanceof Error ? error.message : String(error)
      this.row({ what: name, measured: 'could not be measured', reference: '—', ratio: '—', target: '—', result: 'ERROR' })
      this.note(`${name}: ERROR ${message}`)
    }
  }

  /** The table, as aligned text (also valid Markdown). */
  table(): string {
    const cells = [
      ['what', 'measured', 'reference', 'ratio', 'target', 'result'],
      ...this.rows.map(r => [r.what, r.measured, r.reference, r.ratio, r.target, r.result])
    ]
    const width = cells[0]!.map((_, i) => Math.max(...cells.map(line => line[i]!.length)))
    const line = (values: string[]): string =>
      values
        .map((value, i) => value.padEnd(width[i]!))
        .join(' | ')
        .trimEnd()
    return [line(cells[0]!), width.map(w => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n')
  }
}

/** PASS when `ok`, else MISS. */
export const verdict = (ok: boolean): Verdict => (ok ? 'PASS' : 'MISS')

/** `value ≤ limit` as the table shows it (to `digits` decimals), so that "1.20×" is never a MISS of "≤ 1.20×". */
export const atMost = (value: number, limit: number, digits = 2): boolean => Number(value.toFixed(digits)) <= limit
export const atLeast = (value: number, limit: number, digits = 2): boolean => Number(value.toFixed(digits)) >= limit

export const ms = (value: number): string =>
  !Number.isFinite(value)
    ? '—'
    : value >= 10_000
      ? `${(value / 1000).toFixed(1)} s`
      : value >= 1000
        ? `${(value / 1000).toFixed(2)} s`
        : `${value.toFixed(0)} ms`
export const mib = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : '—')
export const bytes = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`)
export const times = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—')
export const count = (n: number): string => n.toLocaleString('en-US')

/** "median 190 ms, min 180 ms, max 250 ms [190 180 250]". */
export const spread = (values: readonly number[]): string =>
  `median ${ms(median(values))}, min ${ms(Math.min(...values))}, max ${ms(Math.max(...values))} [${values.map(v => v.toFixed(0)).join(' ')}]`

/** Equal values once, with how many runs gave each: "10 req, 0 writes (×3)". */
export function tally(values: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, n]) => (n > 1 ? `${value} (×${n})` : value)).join('; ')
}

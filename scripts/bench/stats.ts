// Medians, paired ratios and the per-run samples they are taken of.
import type { RequestLogEntry } from '../../test/emulator/bolna-emulator.ts'

/** One timed child process (children.ts runs them; the rows record them here). */
export interface ChildRun {
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

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The median of the per-run ratios a[i] / b[i]. Each pair ran back to back, so a slow patch of the
 * machine hits both sides of a pair; a ratio of the two medians can pair a slow run with a fast one.
 */
export function pairwise(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => x / b[i]!))
}

/** Per-run samples of one side of a comparison (the action, or a reference). */
export interface Side {
  wall: number[]
  cpu: number[]
  /** Peak RSS, KiB. */
  rss: number[]
  /** Spawn → the first request's arrival at the emulator: start-up until the first request. */
  firstRequest: number[]
}

export const side = (): Side => ({ wall: [], cpu: [], rss: [], firstRequest: [] })

export function record(into: Side, run: ChildRun, log: readonly RequestLogEntry[]): void {
  into.wall.push(run.wallMs)
  into.cpu.push(run.cpuMs)
  into.rss.push(run.maxRssKb)
  into.firstRequest.push((log[0]?.at ?? Number.NaN) - run.startedAt)
}

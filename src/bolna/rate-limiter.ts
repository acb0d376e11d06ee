/**
 * Keeps every 60-second window under `perMinute` requests (the live limit is per
 * organisation), while letting a short burst go at once: a step that makes two or
 * three requests is not slowed down at all.
 *
 * A leaky bucket in its GCRA form: a burst of `burst` requests, then one every
 * 60 s / (perMinute − burst), so no window can hold more than perMinute. Callers are
 * served in call order. A 429's Retry-After pushes every caller back, not only the
 * one that got it.
 */
export class RateLimiter {
  private readonly intervalMs: number
  private readonly toleranceMs: number
  /** When the bucket would next be empty ("theoretical arrival time"). */
  private theoreticalArrival = Number.NEGATIVE_INFINITY

  constructor(
    perMinute: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now,
    burst: number = Math.max(1, Math.min(10, Math.floor(perMinute / 20)))
  ) {
    // A window holds at most `burst` + 60 s / interval requests: perMinute.
    this.intervalMs = perMinute > 0 ? 60_000 / Math.max(1, perMinute - burst) : 0
    this.toleranceMs = (burst - 1) * this.intervalMs
  }

  /** Waits for this caller's turn (with no limit, only a server's pause can hold it back). */
  async take(): Promise<void> {
    const now = this.now()
    const arrival = Math.max(this.theoreticalArrival, now)
    const start = Math.max(now, arrival - this.toleranceMs)
    this.theoreticalArrival = arrival + this.intervalMs
    if (start > now) await this.sleep(start - now)
  }

  /** Nobody starts a request in the next `ms` (a server asked us to wait), limit or no limit. */
  pauseFor(ms: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, this.now() + ms + this.toleranceMs)
  }
}

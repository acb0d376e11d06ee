/**
 * Spaces requests evenly so that no 60-second window holds more than
 * `perMinute` of them (no bursts: the live limit is per organisation).
 * A 429's Retry-After pushes every caller back, not just the one that got it.
 */
export class RateLimiter {
  private nextSlot = 0
  private readonly spacingMs: number

  constructor(
    perMinute: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now
  ) {
    this.spacingMs = perMinute > 0 ? 60_000 / perMinute : 0
  }

  /** Waits for this caller's slot. Slots are handed out in call order. */
  async take(): Promise<void> {
    const now = this.now()
    const slot = Math.max(now, this.nextSlot)
    this.nextSlot = slot + this.spacingMs
    if (slot > now) await this.sleep(slot - now)
  }

  /** Nobody starts a request before `untilMs` (a server asked us to wait). */
  pauseUntil(untilMs: number): void {
    this.nextSlot = Math.max(this.nextSlot, untilMs)
  }
}

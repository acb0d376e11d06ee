/** Time as the action reads it: injected, so tests of deadlines and backoff never wait. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * Calls `attempt` until it gives a value or `withinMs` has passed on the clock, pausing 250 ms,
 * then twice as long each time up to maxPauseMs; the last look is at the deadline itself, so a
 * value that shows within `withinMs` is seen. Undefined when time ran out.
 */
export async function pollUntil<T>(clock: Clock, withinMs: number, maxPauseMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = clock.now() + withinMs
  for (let pause = 250; ; pause = Math.min(pause * 2, maxPauseMs)) {
    const value = await attempt()
    const left = deadline - clock.now()
    if (value !== undefined || left <= 0) return value
    await clock.sleep(Math.min(pause, left))
  }
}

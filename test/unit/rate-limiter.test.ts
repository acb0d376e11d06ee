import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../src/bolna/rate-limiter.js'

describe('RateLimiter', () => {
  it('spaces requests evenly, in call order', async () => {
    let now = 0
    const waits: number[] = []
    const limiter = new RateLimiter(
      600,
      async ms => void waits.push(ms),
      () => now
    )
    await Promise.all([limiter.take(), limiter.take(), limiter.take()])
    expect(waits).toEqual([100, 200])
    now = 1000
    await limiter.take()
    expect(waits).toEqual([100, 200])
  })
  it('does nothing when off, and pauses everyone after a Retry-After', async () => {
    const waits: number[] = []
    const off = new RateLimiter(
      0,
      async ms => void waits.push(ms),
      () => 0
    )
    await Promise.all([off.take(), off.take()])
    expect(waits).toEqual([])
    off.pauseUntil(5000)
    await off.take()
    expect(waits).toEqual([5000])
  })
})

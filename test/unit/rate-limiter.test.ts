import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../src/bolna/rate-limiter.js'

/** Runs `count` takes against a fake clock and returns when each request started. */
async function startTimes(perMinute: number, count: number, burst?: number): Promise<number[]> {
  let now = 0
  const sleep = async (ms: number) => {
    now += ms
  }
  const limiter = new RateLimiter(perMinute, sleep, () => now, burst)
  const starts: number[] = []
  for (let i = 0; i < count; i++) {
    await limiter.take()
    starts.push(now)
  }
  return starts
}

describe('RateLimiter', () => {
  it('lets a short burst go at once, then spaces requests evenly', async () => {
    const starts = await startTimes(600, 14)
    expect(starts.slice(0, 10)).toEqual(Array(10).fill(0))
    const gaps = starts.slice(10).map((t, i) => t - starts[9 + i]!)
    for (const gap of gaps) expect(gap).toBeCloseTo(60_000 / 590, 6)
  })

  it('never lets a 60-second window hold more than perMinute requests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2000 }), async perMinute => {
        const starts = await startTimes(perMinute, perMinute * 2 + 5)
        for (let i = 0; i + perMinute < starts.length; i++) expect(starts[i + perMinute]! - starts[i]!).toBeGreaterThanOrEqual(60_000)
      }),
      { numRuns: 60 }
    )
  })

  it('serves concurrent callers in call order', async () => {
    const waits: number[] = []
    const limiter = new RateLimiter(
      60,
      async ms => void waits.push(ms),
      () => 0,
      1
    )
    await Promise.all([limiter.take(), limiter.take(), limiter.take()])
    expect(waits).toEqual([60_000 / 59, (2 * 60_000) / 59])
  })

  it('does nothing when off, but a Retry-After pauses everyone, limit or no limit', async () => {
    const waits: number[] = []
    const record = async (ms: number) => {
      waits.push(ms)
    }
    const off = new RateLimiter(0, record, () => 0)
    await Promise.all([off.take(), off.take()])
    expect(waits).toEqual([])
    off.pauseFor(5000)
    await Promise.all([off.take(), off.take()])
    expect(waits).toEqual([5000, 5000])
    const on = new RateLimiter(600, record, () => 0)
    on.pauseFor(3000)
    await on.take()
    expect(waits).toEqual([5000, 5000, 3000])
  })
})

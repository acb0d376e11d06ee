import { describe, expect, it } from 'vitest'
import { eachConcurrently } from '../../src/concurrency.js'

describe('eachConcurrently', () => {
  it('keeps at most `limit` items in flight', async () => {
    let inFlight = 0
    let peak = 0
    await eachConcurrently([...Array(20).keys()], 3, async () => {
      peak = Math.max(peak, ++inFlight)
      await new Promise(resolve => setTimeout(resolve, 2))
      inFlight--
    })
    expect(peak).toBe(3)
  })

  it('starts nothing new after a failure, and throws it once the rest have finished', async () => {
    const started: number[] = []
    const work = async (item: number) => {
      started.push(item)
      await new Promise(resolve => setTimeout(resolve, 5))
      if (item === 1) throw new Error('trunk 1 failed')
    }
    await expect(eachConcurrently([...Array(20).keys()], 2, work)).rejects.toThrow('trunk 1 failed')
    expect(started).toEqual([0, 1, 2])
  })
})

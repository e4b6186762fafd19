import { describe, expect, it } from 'vitest'
import { wilsonInterval, Z_95 } from '../../../src/main/analysis'

/**
 * Expected bounds are the roots of (p̂ − p)² = z²·p(1 − p)/n, solved with
 * 50-digit arithmetic (mpmath) for z = 1.959963984540054: an independent
 * route to the same interval as the closed form under test.
 */
const CASES: [k: number, n: number, low: number, high: number][] = [
  [3, 10, 0.10779126740630103, 0.6032218525388546],
  [0, 10, 0, 0.2775327998628892],
  [10, 10, 0.7224672001371109, 1],
  [0, 1, 0, 0.7934506856227626],
  [1, 1, 0.2065493143772374, 1],
  [7, 18, 0.20305246572163627, 0.613809583977621]
]

describe('wilsonInterval', () => {
  it('uses the 97.5% normal quantile', () => {
    expect(Z_95).toBeCloseTo(1.959963984540054, 15)
  })

  it.each(CASES)('%i/%i matches the hand-computed interval to 1e-12', (k, n, low, high) => {
    const ci = wilsonInterval(k, n)
    expect(Math.abs(ci.low - low)).toBeLessThan(1e-12)
    expect(Math.abs(ci.high - high)).toBeLessThan(1e-12)
  })

  it('is exactly 0 at 0/n and exactly 1 at n/n', () => {
    expect(wilsonInterval(0, 66).low).toBe(0)
    expect(wilsonInterval(66, 66).high).toBe(1)
  })

  it('is symmetric: k/n mirrors (n−k)/n', () => {
    const a = wilsonInterval(3, 10)
    const b = wilsonInterval(7, 10)
    expect(a.low).toBeCloseTo(1 - b.high, 14)
    expect(a.high).toBeCloseTo(1 - b.low, 14)
  })

  it('rejects n = 0 and k outside 0..n', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError)
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError)
    expect(() => wilsonInterval(1.5, 10)).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import { PAPER_NETWORK } from '../../src/shared/network'
import { createNativeEngine, nativeFmaPeak } from '../../src/main/engine/native-engine'
import type { EngineOptions } from '../../src/main/engine/types'
import { nativeIsas } from './native-availability'

/**
 * The addon checks its own arguments (issue 13 item 9, issue 9 §4): every
 * non-finite or out-of-range hyper-parameter is refused at create(), with a
 * message that states the very bounds the check applies, so the engine never
 * trains on ±Infinity, NaN, a negative rate or λ, or momentum above 1.
 */
const isas = nativeIsas()
const base: EngineOptions = { network: PAPER_NETWORK, penalty: 'l1', lambda: 0.01, lr: 0.01, momentum: 0 }

describe.each(isas)('native addon argument checks (%s)', (isa) => {
  const create = (o: Partial<EngineOptions>) => createNativeEngine({ ...base, ...o }, isa).dispose()

  it.each([
    ['lambda', Infinity, /lambda must be a finite number ≥ 0, got inf/],
    ['lambda', -Infinity, /lambda must be a finite number ≥ 0, got -inf/],
    ['lambda', NaN, /lambda must be a finite number ≥ 0, got nan/],
    ['lambda', -1e-9, /lambda must be a finite number ≥ 0, got -1e-09/],
    ['lambda', 1e39, /lambda must be a finite number ≥ 0, got one beyond float range/],
    ['lr', Infinity, /lr must be a finite number ≥ 0, got inf/],
    ['lr', -Infinity, /lr must be a finite number ≥ 0/],
    ['lr', NaN, /lr must be a finite number ≥ 0/],
    ['lr', -0.01, /lr must be a finite number ≥ 0, got -0.01/],
    ['momentum', Infinity, /momentum must be a finite number in \[0, 1\], got inf/],
    ['momentum', -Infinity, /momentum must be a finite number in \[0, 1\]/],
    ['momentum', NaN, /momentum must be a finite number in \[0, 1\]/],
    ['momentum', 1.0000001, /momentum must be a finite number in \[0, 1\], got 1/],
    ['momentum', -0.1, /momentum must be a finite number in \[0, 1\], got -0.1/]
  ] as const)('rejects %s = %s', (key, value, message) => {
    let caught: unknown
    try {
      create({ [key]: value })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RangeError)
    expect((caught as Error).message).toMatch(message)
    expect((caught as { code?: string }).code).toBe('ERR_ALPHA_NATIVE')
  })

  it('accepts the bounds its messages state: 0 and the largest float for λ and lr, 0 and 1 for momentum', () => {
    expect(() => create({ lambda: 0, lr: 0, momentum: 0 })).not.toThrow()
    expect(() => create({ lambda: 3.4e38, lr: 3.4e38, momentum: 1 })).not.toThrow()
  })

  it('rejects wrong types with a TypeError naming the argument', () => {
    expect(() => create({ lr: '0.1' as unknown as number })).toThrow(/lr must be a number/)
    expect(() => create({ lr: '0.1' as unknown as number })).toThrow(TypeError)
  })

  it('measures an FMA peak that is positive and bounded by its own time', () => {
    const p = nativeFmaPeak(isa, 0.02)
    expect(p.seconds).toBeGreaterThanOrEqual(0.02)
    expect(p.gflops).toBeGreaterThan(0.1)
  })
})

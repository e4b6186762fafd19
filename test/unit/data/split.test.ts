import { describe, expect, it } from 'vitest'
import { apportion } from '../../../src/main/data/apportion'
import { DatasetError } from '../../../src/main/data/errors'
import { SPLIT_SEED, stratifiedSplit } from '../../../src/main/data/split'
import { imageKeys, labelCounts, setWithClassCounts } from './helpers'

describe('apportion', () => {
  it('sums exactly to the total and stays within one of the exact quota', () => {
    const weights = [6997, 6994, 6987, 6993, 6994, 7000, 6987, 6996, 7000, 6998]
    const parts = apportion(weights, 60_000)
    expect(parts.reduce((a, b) => a + b, 0)).toBe(60_000)
    const sum = weights.reduce((a, b) => a + b, 0)
    weights.forEach((w, i) => expect(Math.abs(parts[i] - (60_000 * w) / sum)).toBeLessThan(1))
  })

  it('gives leftover units to the largest remainders, ties to the lower index', () => {
    expect(apportion([1, 1, 1], 2)).toEqual([1, 1, 0])
    expect(apportion([1, 2, 1], 2)).toEqual([1, 1, 0])
    expect(apportion([5, 0, 5], 3)).toEqual([2, 0, 1])
    expect(apportion([0, 0], 4)).toEqual([0, 0])
  })
})

describe('stratifiedSplit', () => {
  const counts = [100, 50, 10, 0, 7, 33, 200, 1, 60, 39]
  const set = setWithClassCounts(counts, 1)

  it('gives each class its proportional share of the training side', () => {
    const { train, test } = stratifiedSplit(set, 400)
    expect(train.count).toBe(400)
    expect(test.count).toBe(100)
    const trainCounts = labelCounts(train.labels)
    expect(trainCounts).toEqual(apportion(counts, 400))
    expect(labelCounts(test.labels)).toEqual(counts.map((n, c) => n - trainCounts[c]))
  })

  it('puts every image on exactly one side, each with its own label', () => {
    const { train, test } = stratifiedSplit(set, 400)
    const labelOf = new Map(imageKeys(set).map((k, i) => [k, set.labels[i]]))
    const sides = [train, test].flatMap((s) => imageKeys(s).map((k, i) => [k, s.labels[i]] as const))
    expect(new Set(sides.map(([k]) => k)).size).toBe(set.count)
    for (const [k, label] of sides) expect(labelOf.get(k)).toBe(label)
  })

  it('is deterministic for a seed and changes with the seed', () => {
    const a = stratifiedSplit(set, 400)
    const b = stratifiedSplit(set, 400, SPLIT_SEED)
    const c = stratifiedSplit(set, 400, SPLIT_SEED + 1)
    expect(Buffer.from(a.train.images).equals(Buffer.from(b.train.images))).toBe(true)
    expect(Buffer.from(a.test.labels).equals(Buffer.from(b.test.labels))).toBe(true)
    expect(new Set(imageKeys(a.test))).not.toEqual(new Set(imageKeys(c.test)))
  })

  it('does not leave the sides grouped by class', () => {
    const { train } = stratifiedSplit(set, 400)
    const sorted = Uint8Array.from(train.labels).sort()
    expect(Buffer.from(train.labels).equals(Buffer.from(sorted))).toBe(false)
  })

  it('rejects an impossible training size', () => {
    expect(() => stratifiedSplit(set, 501)).toThrow(DatasetError)
    expect(() => stratifiedSplit(set, 1.5)).toThrow(/cannot take 1.5 training images from a set of 500/)
  })
})

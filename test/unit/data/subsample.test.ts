import { describe, expect, it } from 'vitest'
import { apportion } from '../../../src/main/data/apportion'
import { DatasetError } from '../../../src/main/data/errors'
import { subsample } from '../../../src/main/data/subsample'
import { imageKeys, labelCounts, syntheticSet } from './helpers'

describe('subsample', () => {
  const set = syntheticSet(3000, 7, [3, 1, 1, 1, 1, 1, 1, 1, 1, 2])

  it('draws exactly `size` distinct images from the set, with their labels', () => {
    const sub = subsample(set, 1000, 0)
    expect(sub.count).toBe(1000)
    expect(sub.images.length).toBe(1000 * 784)
    const keys = imageKeys(sub)
    expect(new Set(keys).size).toBe(1000)
    const labelOf = new Map(imageKeys(set).map((k, i) => [k, set.labels[i]]))
    keys.forEach((k, i) => expect(labelOf.get(k)).toBe(sub.labels[i]))
  })

  it('keeps each class at its proportional share', () => {
    const sub = subsample(set, 1000, 3)
    expect(labelCounts(sub.labels)).toEqual(apportion(labelCounts(set.labels), 1000))
  })

  it('gives the same subset for the same seed and a different one for another seed', () => {
    const a = imageKeys(subsample(set, 1000, 42))
    const b = imageKeys(subsample(set, 1000, 42))
    const c = imageKeys(subsample(set, 1000, 43))
    expect(b).toEqual(a)
    const overlap = c.filter((k) => new Set(a).has(k)).length
    expect(overlap).toBeLessThan(600) // two independent 1/3 samples share about 1/3
  })

  it('keeps the order the images have in the set', () => {
    const position = new Map(imageKeys(set).map((k, i) => [k, i]))
    const positions = imageKeys(subsample(set, 500, 1)).map((k) => position.get(k) ?? -1)
    expect(positions).toEqual([...positions].sort((x, y) => x - y))
  })

  it('returns the whole set for null or a size of at least its count', () => {
    expect(subsample(set, null, 0)).toBe(set)
    expect(subsample(set, 3000, 0)).toBe(set)
    expect(subsample(set, 10_000, 0)).toBe(set)
    expect(subsample(set, 2999, 0).count).toBe(2999)
  })

  it('rejects a size that is not a positive integer', () => {
    expect(() => subsample(set, 0, 0)).toThrow(DatasetError)
    expect(() => subsample(set, 12.5, 0)).toThrow(/positive integer, got 12.5/)
  })
})

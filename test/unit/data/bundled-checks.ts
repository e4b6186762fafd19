import { expect } from 'vitest'
import type { Dataset } from '../../../src/main/data/index'
import { imageKeys, labelCounts } from './helpers'
import type { SourceImages } from './source-json'

/** Every distinct source image is in exactly one of train and test, with its (first) label. */
export function expectSameImagesAsSource(ds: Dataset, source: SourceImages): void {
  const seen = new Set<string>()
  let repeated = 0
  let wrongLabel = 0
  for (const set of [ds.train, ds.test]) {
    imageKeys(set).forEach((key, i) => {
      if (seen.has(key)) repeated++
      seen.add(key)
      if (source.labelByKey.get(key) !== set.labels[i]) wrongLabel++
    })
  }
  expect({ repeated, wrongLabel, distinct: seen.size }).toEqual({
    repeated: 0,
    wrongLabel: 0,
    distinct: source.labelByKey.size
  })
}

/** Each class's training share is within one image of its exact proportional share. */
export function expectStratified(ds: Dataset): void {
  const trainCounts = labelCounts(ds.train.labels)
  const testCounts = labelCounts(ds.test.labels)
  expect(ds.info.trainClassCounts).toEqual(trainCounts)
  expect(ds.info.testClassCounts).toEqual(testCounts)
  const total = ds.train.count + ds.test.count
  trainCounts.forEach((n, c) => {
    const exact = (ds.train.count * (n + testCounts[c])) / total
    expect(Math.abs(n - exact), `class ${c}`).toBeLessThan(1)
  })
}

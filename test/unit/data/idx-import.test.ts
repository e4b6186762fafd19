import { readdirSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { concatSets, gather } from '../../../src/main/data/image-set'
import { DatasetError, importIdx, loadDataset } from '../../../src/main/data/index'
import { encodeIdx, encodeImages, encodeLabels, IMAGES_MAGIC, LABELS_MAGIC, writeBytes, writeIdxPair } from './idx-fixtures'
import { imageKeys, labelCounts, makeTempDir, syntheticSet } from './helpers'

const tmp = makeTempDir('idx')
afterAll(tmp.remove)

const trainSet = syntheticSet(200, 1)
const testSet = syntheticSet(50, 2)

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

async function importError(opts: Partial<Parameters<typeof importIdx>[0]>): Promise<DatasetError> {
  const pair = writeIdxPair(tmp.dir, 'ok', trainSet)
  try {
    await importIdx({ name: 'err', trainImages: pair.images, trainLabels: pair.labels, cacheDir: tmp.dir, ...opts })
  } catch (err) {
    if (err instanceof DatasetError) return err
    throw err
  }
  throw new Error('import succeeded')
}

describe('importIdx round trip', () => {
  it('imports a raw train and test pair as given, and loadDataset finds it later', async () => {
    const train = writeIdxPair(tmp.dir, 'train', trainSet)
    const test = writeIdxPair(tmp.dir, 'test', testSet)
    const cacheDir = join(tmp.dir, 'cache-raw')
    const ds = await importIdx({
      name: 'my-set',
      trainImages: train.images,
      trainLabels: train.labels,
      testImages: test.images,
      testLabels: test.labels,
      cacheDir
    })
    expect(ds.source).toBe('idx')
    expect(ds.info.split).toBe('given')
    expect(ds.info.duplicatesRemoved).toBe(0)
    expect(bytesEqual(ds.train.images, trainSet.images)).toBe(true)
    expect(bytesEqual(ds.train.labels, trainSet.labels)).toBe(true)
    expect(bytesEqual(ds.test.images, testSet.images)).toBe(true)
    expect(ds.info.origin).toContain(train.images)

    const again = await loadDataset('my-set', { cacheDir })
    expect(again.hash).toBe(ds.hash)
    expect(again.cacheFile).toBe(ds.cacheFile)
    expect(bytesEqual(again.train.images, ds.train.images)).toBe(true)
    expect(bytesEqual(again.test.labels, ds.test.labels)).toBe(true)
  })

  it('reads gzip files to the same dataset as the raw ones', async () => {
    const rawTrain = writeIdxPair(tmp.dir, 'train', trainSet)
    const gzTrain = writeIdxPair(tmp.dir, 'train', trainSet, true)
    const raw = await importIdx({ name: 'raw', trainImages: rawTrain.images, trainLabels: rawTrain.labels, cacheDir: tmp.dir })
    const gz = await importIdx({ name: 'gz', trainImages: gzTrain.images, trainLabels: gzTrain.labels, cacheDir: tmp.dir })
    expect(gz.hash).toBe(raw.hash)
    expect(bytesEqual(gz.train.images, raw.train.images)).toBe(true)
  })

  it('without a test pair, splits 80/20 stratified and deterministically', async () => {
    const pair = writeIdxPair(tmp.dir, 'train', trainSet)
    const opts = { name: 'split', trainImages: pair.images, trainLabels: pair.labels }
    const a = await importIdx({ ...opts, cacheDir: join(tmp.dir, 'split-a') })
    const b = await importIdx({ ...opts, cacheDir: join(tmp.dir, 'split-b') })
    expect(a.info.split).toBe('seeded-stratified')
    expect([a.train.count, a.test.count]).toEqual([160, 40])
    expect(b.hash).toBe(a.hash)
    const all = labelCounts(trainSet.labels)
    a.info.trainClassCounts.forEach((n, c) => expect(Math.abs(n - 0.8 * all[c])).toBeLessThan(1))
    expect(a.info.testClassCounts).toEqual(all.map((n, c) => n - a.info.trainClassCounts[c]))
  })

  it('drops training images that also appear in the test set, keeping the test set whole', async () => {
    const leaky = concatSets([trainSet, gather(testSet, [3, 7])])
    const train = writeIdxPair(tmp.dir, 'leaky', leaky)
    const test = writeIdxPair(tmp.dir, 'test', testSet)
    const ds = await importIdx({
      name: 'leaky',
      trainImages: train.images,
      trainLabels: train.labels,
      testImages: test.images,
      testLabels: test.labels,
      cacheDir: tmp.dir
    })
    expect(ds.info.duplicatesRemoved).toBe(2)
    expect(ds.test.count).toBe(testSet.count)
    expect(ds.train.count).toBe(trainSet.count)
    const testKeys = new Set(imageKeys(ds.test))
    expect(imageKeys(ds.train).some((k) => testKeys.has(k))).toBe(false)
  })

  it('replaces the cached copy when a name is imported again', async () => {
    const cacheDir = join(tmp.dir, 'reimport')
    const first = writeIdxPair(tmp.dir, 'first', trainSet)
    const second = writeIdxPair(tmp.dir, 'second', testSet)
    await importIdx({ name: 'same', trainImages: first.images, trainLabels: first.labels, cacheDir })
    const ds = await importIdx({ name: 'same', trainImages: second.images, trainLabels: second.labels, cacheDir })
    expect(readdirSync(cacheDir)).toEqual([ds.cacheFile.slice(cacheDir.length + 1)])
    expect((await loadDataset('same', { cacheDir })).hash).toBe(ds.hash)
  })
})

describe('importIdx errors name the file and the problem', () => {
  const labels = (): string => writeIdxPair(tmp.dir, 'ok', trainSet).labels

  it('truncated images file', async () => {
    const full = encodeImages(trainSet)
    const file = writeBytes(tmp.dir, 'short-images.idx', full.subarray(0, full.length - 100))
    const err = await importError({ trainImages: file })
    expect(err.file).toBe(file)
    expect(err.message).toBe(`${file}: truncated file (expected ${16 + 200 * 784} bytes, got ${16 + 200 * 784 - 100})`)
  })

  it('truncated header', async () => {
    const file = writeBytes(tmp.dir, 'short-header.idx', encodeImages(trainSet).subarray(0, 10))
    const err = await importError({ trainImages: file })
    expect(err.message).toBe(`${file}: truncated file (expected 16 bytes, got 10)`)
  })

  it('truncated content inside a valid gzip stream', async () => {
    const full = encodeLabels(trainSet.labels)
    const file = writeBytes(tmp.dir, 'short-labels.idx.gz', gzipSync(full.subarray(0, 108)))
    const err = await importError({ trainLabels: file })
    expect(err.message).toBe(`${file}: truncated file (expected 208 bytes after gunzip, got 108)`)
  })

  it('gzip stream that does not decode', async () => {
    const gz = gzipSync(encodeImages(trainSet))
    const file = writeBytes(tmp.dir, 'cut.idx.gz', gz.subarray(0, gz.length >> 1))
    const err = await importError({ trainImages: file })
    expect(err.message).toMatch(new RegExp(`^${file}: not gzip-decodable \\(.+\\)$`))
  })

  it('labels file given as the images file', async () => {
    const file = labels()
    const err = await importError({ trainImages: file })
    expect(err.file).toBe(file)
    expect(err.message).toBe(
      `${file}: wrong magic number (got 0x00000801, expected 0x00000803): this is an IDX labels file, not IDX images`
    )
  })

  it('unknown magic number', async () => {
    const file = writeBytes(tmp.dir, 'png.idx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))
    const err = await importError({ trainLabels: file })
    expect(err.message).toBe(`${file}: wrong magic number (got 0x89504e47, expected 0x00000801)`)
  })

  it('label/image count mismatch', async () => {
    const file = writeBytes(tmp.dir, 'few-labels.idx', encodeLabels(trainSet.labels.subarray(0, 199)))
    const err = await importError({ trainLabels: file })
    expect(err.file).toBe(file)
    expect(err.message).toMatch(/label\/image count mismatch \(199 labels, but .*ok-images\.idx holds 200 images\)$/)
  })

  it('wrong image size', async () => {
    const file = writeBytes(tmp.dir, 'big.idx', encodeIdx(IMAGES_MAGIC, [2, 32, 32], new Uint8Array(2 * 32 * 32)))
    const err = await importError({ trainImages: file })
    expect(err.message).toBe(`${file}: wrong image size 32×32 (must be 28×28)`)
  })

  it('label out of range', async () => {
    const bad = Uint8Array.from(trainSet.labels)
    bad[3] = 12
    const file = writeBytes(tmp.dir, 'bad-labels.idx', encodeIdx(LABELS_MAGIC, [bad.length], bad))
    const err = await importError({ trainLabels: file })
    expect(err.message).toBe(`${file}: label out of range 0..9 (got 12 at index 3)`)
  })

  it('trailing data after the declared content', async () => {
    const file = writeBytes(tmp.dir, 'long.idx', Buffer.concat([encodeLabels(trainSet.labels), Buffer.alloc(3)]))
    const err = await importError({ trainLabels: file })
    expect(err.message).toBe(`${file}: unexpected trailing data (expected 208 bytes, got 211)`)
  })

  it('a gzip bomb is refused after at most the declared bytes are decompressed (issue 13)', async () => {
    // 10 images declared (7,856 bytes), 64 MB of zeros behind them: ~64 KB compressed.
    const bomb = gzipSync(Buffer.concat([encodeIdx(IMAGES_MAGIC, [10, 28, 28], new Uint8Array(10 * 784)), Buffer.alloc(64 * 1024 * 1024)]), { level: 9 })
    const file = writeBytes(tmp.dir, 'bomb.idx.gz', bomb)
    const err = await importError({ trainImages: file })
    expect(err.message).toBe(`${file}: decompresses to more than the 7,856 bytes its header declares (trailing data, or a gzip bomb); refused without decompressing the rest`)
  })

  it('a header declaring absurdly many images is refused before decompressing', async () => {
    const file = writeBytes(tmp.dir, 'huge.idx.gz', gzipSync(encodeIdx(IMAGES_MAGIC, [4_000_000_000, 28, 28], new Uint8Array(784))))
    const err = await importError({ trainImages: file })
    expect(err.message).toBe(`${file}: declares 4,000,000,000 images; at most 1,000,000 are accepted`)
  })

  it('a dataset without test images is refused at import, not after training (issue 13)', async () => {
    const none = syntheticSet(0, 3)
    const pair = writeIdxPair(tmp.dir, 'empty-test', none)
    const err = await importError({ name: 'no-test', testImages: pair.images, testLabels: pair.labels })
    expect(err.message).toMatch(/dataset 'no-test' would have no test images/)
    const one = syntheticSet(1, 4)
    const single = writeIdxPair(tmp.dir, 'single', one)
    const split = await importError({ name: 'one-image', trainImages: single.images, trainLabels: single.labels })
    expect(split.message).toMatch(/dataset 'one-image' would have no test images: 1 distinct image\(s\) are too few/)
    await expect(loadDataset('no-test', { cacheDir: tmp.dir })).rejects.toThrow()
  })

  it('missing file', async () => {
    const file = join(tmp.dir, 'nope.idx')
    const err = await importError({ trainImages: file })
    expect(err.message).toMatch(new RegExp(`^${file}: cannot read file \\(ENOENT`))
  })

  it('errors in the test pair name the test file', async () => {
    const file = writeBytes(tmp.dir, 'test-short.idx', encodeImages(testSet).subarray(0, 1000))
    const err = await importError({ testImages: file, testLabels: labels() })
    expect(err.file).toBe(file)
  })

  it('bad names and half a test pair', async () => {
    expect((await importError({ name: 'mnist' })).message).toMatch(/'mnist' is a bundled dataset/)
    expect((await importError({ name: '../x' })).message).toMatch(/invalid dataset name '\.\.\/x'/)
    expect((await importError({ testImages: labels() })).message).toBe('testImages and testLabels must be given together')
  })
})

describe('loadDataset for imported names', () => {
  it('lists the known datasets for an unknown name', async () => {
    const cacheDir = join(tmp.dir, 'listing')
    const pair = writeIdxPair(tmp.dir, 'train', trainSet)
    await importIdx({ name: 'mine', trainImages: pair.images, trainLabels: pair.labels, cacheDir })
    await expect(loadDataset('fashion', { cacheDir })).rejects.toThrow(
      `unknown dataset 'fashion': bundled datasets are fashion-mnist, mnist; imported in ${cacheDir}: mine`
    )
  })

  it('asks for a new import when the cached copy is corrupt', async () => {
    const cacheDir = join(tmp.dir, 'corrupt')
    const pair = writeIdxPair(tmp.dir, 'train', trainSet)
    const ds = await importIdx({ name: 'fragile', trainImages: pair.images, trainLabels: pair.labels, cacheDir })
    truncateSync(ds.cacheFile, 1000)
    await expect(loadDataset('fragile', { cacheDir })).rejects.toThrow(/corrupt dataset cache: .*; import it again$/)
  })
})

